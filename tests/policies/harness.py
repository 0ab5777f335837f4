"""Drive a pack's analyzer in-process exactly as the engine does over gRPC.

Tests describe resources compactly (:class:`R`, :func:`provider`); the harness turns them into
``AnalyzeRequest`` / ``AnalyzeStackRequest`` protos (properties as a Struct, options, provider with its
properties, parent, dependencies, property dependencies) and calls pulumi_policy's analyzer servicer, so rules
see the same unknown-checking proxies and provider properties as under the CLI.
"""

from __future__ import annotations

import contextvars
import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pulumi.runtime.config
from crossguard_aws import sdk
from crossguard_aws.model import REGISTRY, rules_of
from crossguard_aws.packs import pack_arguments
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE

UNKNOWN = UNKNOWN_STRING_VALUE  # what the engine sends for a value known only after apply
UNKNOWN_BOOL = UNKNOWN_BOOLEAN_VALUE
STACK, PROJECT = "dev", "acme-app"
LEVELS = {pb.ADVISORY: "advisory", pb.MANDATORY: "mandatory", pb.DISABLED: "disabled", pb.REMEDIATE: "remediate"}


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    json_format.ParseDict(values, out)
    return out


def urn_of(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


@dataclass(frozen=True)
class Provider:
    package: str
    name: str
    props: dict[str, Any]

    @property
    def type(self) -> str:
        return f"pulumi:providers:{self.package}"

    @property
    def urn(self) -> str:
        return urn_of(self.type, self.name)

    def proto(self) -> pb.AnalyzerProviderResource:
        return pb.AnalyzerProviderResource(type=self.type, properties=struct(self.props), urn=self.urn, name=self.name)


def provider(name: str = "workload-us-east-1", package: str = "aws", default_tags: dict[str, str] | None = None,
             encoded: bool = True, **props: Any) -> Provider:
    """An explicit provider. The aws provider's object inputs reach analyzers JSON-encoded; ``encoded=False``
    sends them decoded (as other hosts may)."""
    values: dict[str, Any] = {"region": "us-east-1", "allowedAccountIds": ["333333333333"], **props}
    if default_tags is not None:
        values["defaultTags"] = {"tags": default_tags}
    if encoded:
        values = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in values.items()}
    return Provider(package, name, values)


DEFAULT_PROVIDER = provider("default_7_51_0")
EXPLICIT = provider()


@dataclass
class R:
    """One resource as the engine would describe it."""

    type: str
    name: str
    props: dict[str, Any] = field(default_factory=dict)
    provider: Provider | None = EXPLICIT
    protect: bool = False
    parent: R | None = None
    dependencies: list[R] = field(default_factory=list)
    property_dependencies: dict[str, list[R]] = field(default_factory=dict)

    @property
    def urn(self) -> str:
        return urn_of(self.type, self.name)

    def options(self) -> pb.AnalyzerResourceOptions:
        return pb.AnalyzerResourceOptions(protect=self.protect, parent=self.parent.urn if self.parent else "")

    def analyze_request(self) -> pb.AnalyzeRequest:
        return pb.AnalyzeRequest(type=self.type, properties=struct(self.props), urn=self.urn, name=self.name,
                                 options=self.options(), provider=self.provider.proto() if self.provider else None)

    def stack_resource(self) -> pb.AnalyzerResource:
        deps = {k: pb.AnalyzerPropertyDependencies(urns=[d.urn for d in v]) for k, v in self.property_dependencies.items()}
        all_deps = list(dict.fromkeys([d.urn for d in self.dependencies] + [d.urn for v in self.property_dependencies.values() for d in v]))
        return pb.AnalyzerResource(type=self.type, properties=struct(self.props), urn=self.urn, name=self.name,
                                   options=self.options(), provider=self.provider.proto() if self.provider else None,
                                   parent=self.parent.urn if self.parent else "", dependencies=all_deps,
                                   propertyDependencies=deps)


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    message: str
    urn: str
    level: str


@dataclass
class Result:
    diagnostics: list[Diagnostic]
    not_applicable: dict[str, str]

    def of(self, rule_id: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.policy == rule_id]

    def violations(self, rule_id: str) -> list[Diagnostic]:
        return [d for d in self.of(rule_id) if not d.message.startswith("can't run policy")]

    def not_judged(self, rule_id: str) -> list[Diagnostic]:
        return [d for d in self.of(rule_id) if d.message.startswith("can't run policy")]


def isolated(call: Any, *args: Any) -> Any:
    """Run a servicer call in a copied context: the servicer configures pulumi's runtime settings and config
    (context variables) from PULUMI_* variables, which must not leak into other tests in the process."""

    def run() -> Any:
        pulumi.runtime.config.CONFIG.set({})
        return call(*args)

    return contextvars.copy_context().run(run)


@cache
def _pack(pack: str) -> dict[str, Any]:
    return pack_arguments(pack)


class Analyzer:
    """One pack's analyzer servicer, configured like the engine configures it."""

    def __init__(self, pack: str, config: dict[str, dict[str, Any]] | None = None):
        a = _pack(pack)
        self.servicer = _PolicyAnalyzerServicer(a["name"], "0.0.1", a["policies"], a["enforcement_level"], None,
                                                a["description"], a["display_name"], None, a["provider"], a["tags"], None)
        if config:
            self.configure(config)

    def configure(self, config: dict[str, dict[str, Any]]) -> None:
        policy_config = {}
        for name, values in config.items():
            values = dict(values)
            level = values.pop("enforcementLevel", None)
            entry = pb.PolicyConfig(properties=struct(values))
            if level is not None:
                entry.enforcementLevel = {v: k for k, v in LEVELS.items()}[level]
            policy_config[name] = entry
        self.servicer.Configure(pb.ConfigureAnalyzerRequest(policyConfig=policy_config), None)

    @staticmethod
    def _result(response: pb.AnalyzeResponse) -> Result:
        return Result([Diagnostic(d.policyName, d.message, d.urn, LEVELS[d.enforcementLevel]) for d in response.diagnostics],
                      {n.policy_name: n.reason for n in response.not_applicable})

    def _call(self, method: str, request: Any) -> pb.AnalyzeResponse:
        """The stock SDK's answer, after checking that the packs' fast path (crossguard_aws.sdk) gives the same
        bytes: every rule case is also a case of the fast path's equivalence."""
        was = sdk.installed()
        sdk.uninstall()
        try:
            stock = isolated(getattr(self.servicer, method), request, None)
            if sdk.install():
                fast = isolated(getattr(self.servicer, method), request, None)
                assert fast.SerializeToString(deterministic=True) == stock.SerializeToString(deterministic=True), (
                    f"crossguard_aws.sdk's {method} answers differently from the stock SDK:\n{fast}\nvs\n{stock}")
        finally:
            if not was:
                sdk.uninstall()
        return stock

    def analyze(self, resource: R) -> Result:
        return self._result(self._call("Analyze", resource.analyze_request()))

    def analyze_stack(self, resources: list[R]) -> Result:
        return self._result(self._call("AnalyzeStack", pb.AnalyzeStackRequest(resources=[r.stack_resource() for r in resources])))

    def info(self) -> pb.AnalyzerInfo:
        return self.servicer.GetAnalyzerInfo(None, None)


def run_rule(rule_id: str, resources: R | list[R], config: dict[str, Any] | None = None) -> Result:
    """Run the pack that owns ``rule_id`` over ``resources`` (one resource rule request each, or one stack request)."""
    rules_of()
    rule = REGISTRY[rule_id]
    analyzer = Analyzer(rule.pack, {rule_id: config} if config else None)
    items = resources if isinstance(resources, list) else [resources]
    if rule.kind == "stack":
        return analyzer.analyze_stack(items)
    results = [analyzer.analyze(r) for r in items]
    return Result([d for r in results for d in r.diagnostics], {k: v for r in results for k, v in r.not_applicable.items()})
