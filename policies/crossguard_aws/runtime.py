"""Turns a :class:`~crossguard_aws.model.Rule` into a pulumi_policy Policy with the shared behaviour.

Shared behaviour, so each rule stays a small function:
- type filtering, config parsing (bad config -> one violation naming the key), production-only rules
  reported as not applicable outside production;
- exemptions from config (an expired one is itself a violation and no longer exempts);
- unknown values during preview: whatever a rule could judge is reported; what it could not is reported
  once per rule and resource (stack rules: once per rule) as pulumi_policy's advisory "can't run policy ...
  during preview" diagnostic, never as a violation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from crossguard_aws.checks import AWS_MANAGED_KEYS
from crossguard_aws.context import Exemption, RuleContext, StackEnv, parse_exemptions
from crossguard_aws.knobs import PRODUCTION_KNOBS, ConfigError, parse, schema_properties
from crossguard_aws.memo import LastBuilt
from crossguard_aws.model import Rule
from crossguard_aws.resources import Res, Stack


class NotJudged(UnknownValueError):
    """Raised once at the end of a rule run when some values could not be judged during preview."""

    def __init__(self, message: str):
        Exception.__init__(self, message)
        self.unknown_type_sentinel = UNKNOWN_STRING_VALUE
        self.props: list[str] = []
        self.message = message


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def knob_names(rule: Rule) -> tuple[str, ...]:
    names = ["exemptions", *rule.knobs]
    if rule.pack == "encryption" or "kms" in rule.tags:
        names.append("awsManagedKeys")
    if rule.production_only:
        names += PRODUCTION_KNOBS
    return tuple(dict.fromkeys(names))


class _Run:
    """One rule run: config, exemptions, and what could not be judged."""

    def __init__(self, rule: Rule, raw_config: Any, report: ReportViolation, not_applicable: Callable[[str], None]):
        self.rule = rule
        self.report = report
        self.unjudged: list[str] = []
        knobs = parse(knob_names(rule), raw_config)
        self.exemptions: list[Exemption] = parse_exemptions(knobs["exemptions"])
        self.ctx = RuleContext(knobs, StackEnv.from_environ())
        AWS_MANAGED_KEYS.set(frozenset(knobs.get("awsManagedKeys") or ()))
        if rule.production_only and not self.ctx.production:
            not_applicable(f"{rule.id} applies to production stacks only; this one is not ({self.ctx.production_reason})")

    def judge(self, res: Res, messages: Callable[[], Iterator[str]]) -> None:
        exemption = next((e for e in self.exemptions if e.matches(res.urn, res.name)), None)
        if exemption is not None:
            if not exemption.expired(today()):
                return
            self.report(
                f"{res.label}: exemptions[{exemption.index}] ({exemption.target}, reason: {exemption.reason}) expired on "
                f"{exemption.expires.isoformat()}. Fix the resource, or renew the exemption with a new 'expires' date.",
                res.urn,
            )
        self.ctx.unknowns = []
        try:
            for message in messages():
                self.report(f"{res.label}: {message}", res.urn)
        except UnknownValueError as e:
            self.ctx.unknowns.append("." + ".".join(e.props) if e.props else "(a value)")
        if self.ctx.unknowns:
            paths = ", ".join(dict.fromkeys(self.ctx.unknowns))
            self.unjudged.append(f"{res.label} ({paths})")

    def finish(self) -> None:
        if self.unjudged:
            raise NotJudged(
                f"could not judge {'; '.join(self.unjudged)}: unknown until the resources are created. "
                "Everything else was judged; the rule runs in full during `pulumi up`."
            )


def _config_error(rule: Rule, report: ReportViolation, error: ConfigError, urn: str | None = None) -> None:
    report(f"invalid policy config for {rule.id}: {error}. Fix it in the policy pack config file "
           f"(--policy-pack-config) under \"{rule.id}\".", urn)


def _resource_validate(rule: Rule) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    types = frozenset(rule.types or ())

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if rule.types is not None and args.resource_type not in types:
            return
        try:
            run = _Run(rule, args.get_config(), report, args.not_applicable)
        except ConfigError as e:
            _config_error(rule, report, e, args.urn)
            return
        res = Res.from_args(args)
        run.judge(res, lambda: rule.check(res, run.ctx))
        run.finish()

    return validate


# One Stack per set of the analyzer's resource objects. crossguard_aws.sdk hands every stack rule of a request (and
# every pack sharing the process) the same objects, so the view and its indexes are built once per request, not
# once per rule; the stock SDK builds new objects for each policy, and each gets a new view.
_STACK_VIEW: LastBuilt[Stack] = LastBuilt()


def _stack_validate(rule: Rule) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        try:
            run = _Run(rule, args.get_config(), report, args.not_applicable)
        except ConfigError as e:
            _config_error(rule, report, e)
            return
        stack = _STACK_VIEW.get(args.resources, lambda: Stack(Res.from_policy_resource(r) for r in args.resources))
        subjects = stack.of_types(rule.types) if rule.types is not None else stack.resources
        for subject in subjects:
            run.judge(subject, lambda s=subject: rule.check(s, stack, run.ctx))
        run.finish()

    return validate


def to_policy(rule: Rule) -> Policy:
    common: dict[str, Any] = dict(
        name=rule.id,
        description=rule.description,
        enforcement_level=rule.enforcement_level,
        config_schema=PolicyConfigSchema(properties=schema_properties(knob_names(rule))),
        severity=rule.severity,
        framework=rule.framework,
        tags=rule.all_tags,
        remediation_steps=rule.remediation,
    )
    if rule.kind == "stack":
        return StackValidationPolicy(validate=_stack_validate(rule), **common)
    policy = ResourceValidationPolicy(validate=_resource_validate(rule), **common)
    # The types the rule judges (None: every type): crossguard_aws.sdk skips the call for any other type, which
    # ``validate`` would return from at once.
    policy.crossguard_types = frozenset(rule.types) if rule.types is not None else None  # type: ignore[attr-defined]
    return policy
