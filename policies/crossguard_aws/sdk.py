"""Per-request instead of per-policy work in pulumi_policy's analyzer (the fix proposed upstream).

pulumi_policy 1.21's ``_PolicyAnalyzerServicer`` rebuilds, for every policy of a pack and every resource, what
depends only on the request: the resource's properties (``MessageToDict`` + ``deserialize_properties`` +
``unknown_checking_proxy``), its options and its provider resource (the provider's properties decoded again
each time), and ``AnalyzeStack`` rebuilds every resource of the stack once per stack policy. It also
reconfigures Pulumi's runtime settings (config parsing, ``inspect.signature``) on every call; once per
thread context is enough (config lives in context variables). Measured over
this project's dev stack, that is ~85 % of the packs' CPU; the rules themselves are ~5 %.

``install()`` replaces ``Analyze`` and ``AnalyzeStack`` with versions that build those values once per request,
lazily (a request no enabled policy looks at builds nothing, and a crossguard rule is not called for a type it
does not judge; packs sharing a process, as in the offline gate's
pack group, reuse what the previous pack built for the same request object), and configures the runtime
settings once per environment. Everything else is the SDK's own code path: the same ``ResourceValidationArgs``/``PolicyResource``
objects, enforcement levels, diagnostics, not-applicable reporting and preview handling. The patch applies only
to the SDK version it was written against, and ``CROSSGUARD_PLAIN_SDK=1`` turns it off (the gate's tests compare
both paths' findings). Packs run unchanged under ``pulumi preview --policy-pack``: it is installed by
``crossguard_aws.packs.serve`` in the pack's own process.
"""

from __future__ import annotations

import asyncio
import os
from contextvars import ContextVar
from inspect import isawaitable
from typing import Any

import pulumi_policy.policy as sdk
from google.protobuf import json_format
from pulumi.runtime import proto
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy
from pulumi_policy.version import VERSION

from crossguard_aws.memo import LastBuilt

PATCHED_VERSIONS = ("1.21.",)
PLAIN_ENV = "CROSSGUARD_PLAIN_SDK"
_S = sdk._PolicyAnalyzerServicer
# Pulumi keeps config in context variables, and each gRPC worker thread has its own context: remember per context.
_CONFIGURED: ContextVar[tuple | None] = ContextVar("crossguard_configured", default=None)
_ORIGINAL = {"Analyze": _S.Analyze, "AnalyzeStack": _S.AnalyzeStack, "_configure_runtime_settings": _S._configure_runtime_settings}
# The values built from the last request this thread saw: packs sharing a process (the offline gate's pack
# group) judge the same request object one after the other, and decode it once.
_RESOURCE_VALUES: LastBuilt[tuple] = LastBuilt()
_STACK_RESOURCES: LastBuilt[list] = LastBuilt()


def _private(servicer: Any, name: str) -> Any:
    return getattr(servicer, f"_PolicyAnalyzerServicer__{name}")


def _configure_once(self) -> None:
    """The SDK's runtime configuration, redone only when the environment it reads (or the context) is new."""
    key = tuple(os.environ.get(k) for k in ("PULUMI_CONFIG", "PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN",
                                            "PULUMI_ORGANIZATION"))
    if _CONFIGURED.get() != key:
        _ORIGINAL["_configure_runtime_settings"](self)
        _CONFIGURED.set(key)


def _props(message) -> Any:
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(message)))


def _run(validate, args, report) -> None:
    result = validate(args, report)
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        task = asyncio.Task(result, loop=loop)
        loop.run_until_complete(task)
        loop.close()


def _policy_outcome(self, response, policy, run) -> None:
    """``run()`` for one policy, turning the SDK's signals into the SDK's diagnostics."""
    name, version = _private(self, "policy_pack_name"), _private(self, "policy_pack_version")
    try:
        run()
    except UnknownValueError as e:
        response.diagnostics.append(proto.AnalyzeDiagnostic(
            policyName=policy.name, policyPackName=name, policyPackVersion=version,
            message=f"can't run policy '{policy.name}' from policy pack '{name}@v{version}' during preview: {e.message}",
            urn="", description=policy.description,
            enforcementLevel=self._map_enforcement_level(sdk.EnforcementLevel.ADVISORY)))
    except sdk._NotApplicableError as e:
        response.not_applicable.append(proto.PolicyNotApplicable(policy_name=policy.name, reason=e.reason or ""))


def analyze(self, request, _context):
    self._configure_runtime_settings()
    response = proto.AnalyzeResponse()
    shared: list[Any] = []  # props, options, provider: built for the first policy that runs, reused by the rest

    for policy in _private(self, "policies"):
        level = self._get_enforcement_level(policy)
        if level == sdk.EnforcementLevel.DISABLED or not isinstance(policy, sdk.ResourceValidationPolicy):
            continue
        if not policy.has_validation():
            response.not_applicable.append(proto.PolicyNotApplicable(policy_name=policy.name,
                                                                     reason="Policy does not implement validate"))
            continue
        types = getattr(policy, "crossguard_types", None)  # set by crossguard_aws.runtime.to_policy
        if types is not None and request.type not in types:
            continue  # its validate would return at once: no diagnostic, nothing to build
        if level == sdk.EnforcementLevel.REMEDIATE:
            level = sdk.EnforcementLevel.MANDATORY
        report = self._create_report_violation(response, policy.name, policy.description, level, policy.severity)
        if not shared:
            shared[:] = _RESOURCE_VALUES.get((request,), lambda: (
                _props(request.properties), self._get_resource_options(request), self._get_provider_resource(request)))
        props, opts, provider = shared
        args = sdk.ResourceValidationArgs(request.type, props, request.urn, request.name, opts, provider,
                                          self._get_policy_config(policy.name), _private(self, "stack_tags"))
        _policy_outcome(self, response, policy, lambda p=policy, a=args, r=report: _run(p.validate, a, r))
    return response


def _stack_resources(self, request) -> list[Any]:
    """The stack's resources as PolicyResources linked to their parents and dependencies (the SDK's construction)."""
    intermediates = []
    for r in request.resources:
        resource = sdk.PolicyResource(r.type, _props(r.properties), r.urn, r.name, self._get_resource_options(r),
                                      self._get_provider_resource(r), None, [], {})
        intermediates.append((resource, r.parent, list(r.dependencies), {k: list(v.urns) for k, v in r.propertyDependencies.items()}))
    by_urn = {resource.urn: resource for resource, *_ in intermediates}
    for resource, parent, dependencies, property_dependencies in intermediates:
        if parent is not None and parent in by_urn:
            resource.parent = by_urn[parent]
        resource.dependencies.extend(by_urn[d] for d in dependencies if d in by_urn)
        for key, urns in property_dependencies.items():
            resource.property_dependencies[key] = [by_urn[d] for d in urns if d in by_urn]
    return [resource for resource, *_ in intermediates]


def analyze_stack(self, request, _context):
    self._configure_runtime_settings()
    response = proto.AnalyzeResponse()
    resources: list[Any] | None = None

    for policy in _private(self, "policies"):
        level = self._get_enforcement_level(policy)
        if level == sdk.EnforcementLevel.DISABLED or not isinstance(policy, sdk.StackValidationPolicy):
            continue
        if level == sdk.EnforcementLevel.REMEDIATE:
            level = sdk.EnforcementLevel.MANDATORY
        report = self._create_report_violation(response, policy.name, policy.description, level, policy.severity)
        if resources is None:
            resources = _STACK_RESOURCES.get((request,), lambda: _stack_resources(self, request))
        args = sdk.StackValidationArgs(list(resources), self._get_policy_config(policy.name), _private(self, "stack_tags"))
        _policy_outcome(self, response, policy, lambda p=policy, a=args, r=report: _run(p.validate, a, r))
    return response


def installed() -> bool:
    return _S.Analyze is analyze


def install() -> bool:
    """Patch the SDK in this process (idempotent); False when turned off or the SDK version is not the known one."""
    if os.environ.get(PLAIN_ENV) == "1" or not VERSION.startswith(PATCHED_VERSIONS):
        return False
    _S.Analyze = analyze
    _S.AnalyzeStack = analyze_stack
    _S._configure_runtime_settings = _configure_once
    return True


def uninstall() -> None:
    for name, original in _ORIGINAL.items():
        setattr(_S, name, original)
