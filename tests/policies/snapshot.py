"""Adapter: a platformctl offline ``Snapshot`` as the analyzer requests the engine would send for it.

Resource rules get each custom resource's inputs (``Analyze``); stack rules get every resource's outputs
(``AnalyzeStack``), with provider properties, parent, dependencies and property dependencies. Offline records
mark unknowns as ``{"__unknown__": true}``; they become the engine's unknown sentinel.
"""

from __future__ import annotations

from typing import Any

from pulumi.runtime.proto import analyzer_pb2 as pb

from platformctl.offline.records import ResourceRecord, Snapshot
from tests.policies.harness import UNKNOWN, Analyzer, Result, isolated, struct


def engine_value(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("__unknown__") is True and len(value) == 1:
            return UNKNOWN
        return {k: engine_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [engine_value(v) for v in value]
    return value


def _provider(snapshot: Snapshot, record: ResourceRecord) -> pb.AnalyzerProviderResource | None:
    provider = snapshot.provider_of(record)
    if provider is None:
        return None
    return pb.AnalyzerProviderResource(type=provider.type, properties=struct(engine_value(provider.inputs)),
                                       urn=provider.urn, name=provider.name)


def _options(record: ResourceRecord) -> pb.AnalyzerResourceOptions:
    return pb.AnalyzerResourceOptions(protect=record.protect, parent=record.parent,
                                      ignoreChanges=record.ignore_changes, additionalSecretOutputs=record.additional_secret_outputs)


def analyze_requests(snapshot: Snapshot) -> list[pb.AnalyzeRequest]:
    return [
        pb.AnalyzeRequest(type=r.type, properties=struct(engine_value(r.inputs)), urn=r.urn, name=r.name,
                          options=_options(r), provider=_provider(snapshot, r))
        for r in snapshot.resources if r.custom and not r.is_provider
    ]


def analyze_stack_request(snapshot: Snapshot) -> pb.AnalyzeStackRequest:
    return pb.AnalyzeStackRequest(resources=[
        pb.AnalyzerResource(
            type=r.type, properties=struct(engine_value(r.outputs or r.inputs)), urn=r.urn, name=r.name, options=_options(r),
            provider=_provider(snapshot, r), parent=r.parent, dependencies=r.dependencies,
            propertyDependencies={k: pb.AnalyzerPropertyDependencies(urns=v) for k, v in r.property_dependencies.items()},
        )
        for r in snapshot.resources if not r.is_provider
    ])


def analyze_snapshot(analyzer: Analyzer, snapshot: Snapshot) -> Result:
    """Every diagnostic one pack reports for a snapshot: per-resource analysis, then the stack analysis."""
    responses = [isolated(analyzer.servicer.Analyze, request, None) for request in analyze_requests(snapshot)]
    responses.append(isolated(analyzer.servicer.AnalyzeStack, analyze_stack_request(snapshot), None))
    results = [Analyzer._result(r) for r in responses]
    return Result([d for r in results for d in r.diagnostics], {k: v for r in results for k, v in r.not_applicable.items()})
