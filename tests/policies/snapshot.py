"""Adapter: a platformctl offline ``Snapshot`` judged by one pack in-process.

The requests are the ones ``platformctl check`` sends over gRPC (``platformctl.policy_host.wire``),
so in-process tests and the offline gate cannot drift apart.
"""

from __future__ import annotations

from platformctl.offline.records import Snapshot
from platformctl.policy_host.wire import Marshaller
from tests.policies.harness import Analyzer, Result, isolated


def analyze_snapshot(analyzer: Analyzer, snapshot: Snapshot) -> Result:
    """Every diagnostic one pack reports for a snapshot: per-resource analysis, then the stack analysis."""
    marshal = Marshaller(snapshot)
    records = snapshot.resources
    responses = [isolated(analyzer.servicer.Analyze, marshal.analyze_request(r), None) for r in records]
    responses.append(isolated(analyzer.servicer.AnalyzeStack, marshal.stack_request(records), None))
    results = [Analyzer._result(r) for r in responses]
    return Result([d for r in results for d in r.diagnostics], {k: v for r in results for k, v in r.not_applicable.items()})
