"""Recorded resources -> the Analyzer protocol's messages, marshalled as the engine does.

The engine marshals properties keeping unknowns (the unknown sentinel string)
and secrets (``{sig: secret, value}``) and downgrades resource references to the
referenced resource's ID (custom resources) or URN (components). Snapshots carry
masked markers for secrets and unknowns (``platformctl.offline.values``); they
are rebuilt here. A secret's value never reaches a snapshot, so the pack sees a
placeholder inside a proper secret.
"""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Iterable
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import analyzer_pb2

from platformctl.offline.project import SECRET_PLACEHOLDER
from platformctl.offline.records import ResourceRecord, Snapshot
from platformctl.offline.values import SECRET, UNKNOWN


def _asset(fields: dict[str, Any], archive: bool) -> dict[str, Any]:
    fields = dict(fields)
    # An AssetArchive's members are not recorded; it travels as an empty archive.
    if archive and not any(k in fields for k in ("path", "uri")):
        fields["assets"] = {}
    return {rpc._special_sig_key: rpc._special_archive_sig if archive else rpc._special_asset_sig, **fields}


class Marshaller:
    """Rebuilds wire values for one snapshot (resource references need the snapshot to find IDs)."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        # Provider messages, built once per provider (thousands of resources share a handful of providers).
        self._providers: dict[str, analyzer_pb2.AnalyzerProviderResource] = {}

    def value(self, value: Any) -> Any:
        if value == SECRET:
            return {rpc._special_sig_key: rpc._special_secret_sig, "value": SECRET_PLACEHOLDER}
        if value == UNKNOWN:
            return rpc.UNKNOWN
        if isinstance(value, str):
            ref = self.snapshot.by_urn.get(value) if value.startswith("urn:pulumi:") else None
            if ref is not None and ref.custom:
                return ref.id or rpc.UNKNOWN
            return value
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            if set(value) == {"__asset__"}:
                return _asset(value["__asset__"], archive=False)
            if set(value) == {"__archive__"}:
                return _asset(value["__archive__"], archive=True)
            return {k: self.value(v) for k, v in value.items()}
        return value

    def struct(self, props: dict[str, Any]) -> struct_pb2.Struct:
        out = struct_pb2.Struct()
        out.update({k: self.value(v) for k, v in props.items()})
        return out

    # -- resources --------------------------------------------------------------
    def options(self, r: ResourceRecord) -> analyzer_pb2.AnalyzerResourceOptions:
        timeouts = r.custom_timeouts
        return analyzer_pb2.AnalyzerResourceOptions(
            protect=r.protect,
            ignoreChanges=list(r.ignore_changes),
            deleteBeforeReplace=r.delete_before_replace,
            deleteBeforeReplaceDefined=r.delete_before_replace_defined,
            additionalSecretOutputs=list(r.additional_secret_outputs),
            aliases=list(r.aliases),
            customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
                create=float(timeouts.get("create") or 0), update=float(timeouts.get("update") or 0),
                delete=float(timeouts.get("delete") or 0)),
            parent=r.parent,
        )

    def provider(self, r: ResourceRecord) -> analyzer_pb2.AnalyzerProviderResource | None:
        record = self.snapshot.provider_of(r)
        if record is not None:
            if record.urn not in self._providers:
                self._providers[record.urn] = analyzer_pb2.AnalyzerProviderResource(
                    type=record.type, urn=record.urn, name=record.name, properties=self.struct(record.inputs))
            return self._providers[record.urn]
        if not r.custom or r.is_provider or r.package == "pulumi":
            return None
        key = f"default:{r.package}"
        if key not in self._providers:
            self._providers[key] = self._default_provider(r.package)
        return self._providers[key]

    def _default_provider(self, package: str) -> analyzer_pb2.AnalyzerProviderResource:
        """The provider the engine would create for ``package`` from the stack's ``<package>:*`` config."""
        try:
            version = importlib.metadata.version(f"pulumi_{package.replace('-', '_')}")
            name = "default_" + version.replace(".", "_").replace("-", "_")
        except importlib.metadata.PackageNotFoundError:
            name = "default"
        snap = self.snapshot
        props = {k.split(":", 1)[1]: v if isinstance(v, str) else _config_string(v)
                 for k, v in snap.config.items() if k.startswith(f"{package}:")}
        return analyzer_pb2.AnalyzerProviderResource(
            type=f"pulumi:providers:{package}", urn=f"urn:pulumi:{snap.stack}::{snap.project}::pulumi:providers:{package}::{name}",
            name=name, properties=self.struct(props))

    def analyze_request(self, r: ResourceRecord, inputs: struct_pb2.Struct | None = None) -> analyzer_pb2.AnalyzeRequest:
        request = analyzer_pb2.AnalyzeRequest(type=r.type, urn=r.urn, name=r.name, options=self.options(r),
                                              properties=inputs if inputs is not None else self.struct(r.inputs))
        provider = self.provider(r)
        if provider is not None:
            request.provider.CopyFrom(provider)
        return request

    def stack_request(self, records: Iterable[ResourceRecord]) -> analyzer_pb2.AnalyzeStackRequest:
        resources = []
        for r in records:
            resource = analyzer_pb2.AnalyzerResource(
                type=r.type, urn=r.urn, name=r.name, properties=self.struct(r.outputs), options=self.options(r),
                parent=r.parent, dependencies=list(r.dependencies),
                propertyDependencies={k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
                                      for k, v in r.property_dependencies.items() if v},
            )
            provider = self.provider(r)
            if provider is not None:
                resource.provider.CopyFrom(provider)
            resources.append(resource)
        return analyzer_pb2.AnalyzeStackRequest(resources=resources)


def _config_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)
