"""What a rule is: its stable id, documentation, compliance mapping and the function that judges."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pulumi_policy import EnforcementLevel, PolicyComplianceFramework, Severity

if TYPE_CHECKING:
    from crossguard_aws.context import RuleContext
    from crossguard_aws.resources import Res, Stack

RULE_ID_RE = re.compile(r"^aws-[a-z0-9]+-[a-z0-9]+-[a-z]+-[a-z0-9-]+$")

# The five packs and what each is for; a rule names the pack it belongs to.
PACKS: dict[str, str] = {
    "encryption": "Data at rest is encrypted with customer-managed KMS keys, and the keys are rotated and protected.",
    "tagging": "Every taggable AWS resource carries the required, well-formed tags (own tags merged with provider default tags).",
    "network": "Workloads stay inside VPCs: no public ingress, no direct internet, flow logs, WAF and authorizers on APIs.",
    "data-protection": "Audit and data protection: TLS-only and versioned buckets, access logs, CloudTrail, log retention, ECR hygiene.",
    "operations": "Stack-level operational safety: protected stateful resources, explicit providers, least-privilege IAM.",
}


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    version: str
    specification: str


FSBP = Framework("fsbp", "AWS Foundational Security Best Practices", "1.0.0",
                 "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html")
CIS = Framework("cis", "CIS AWS Foundations Benchmark", "3.0.0", "https://www.cisecurity.org/benchmark/amazon_web_services")
PLATFORM = Framework("platform", "AI platform guardrails", "1.0.0", "policies/README.md")
CHECKOV = Framework("checkov", "Checkov", "3", "https://www.checkov.io/5.Policy%20Index/terraform.html")
CDK_NAG = Framework("cdk-nag", "cdk-nag AwsSolutions", "2", "https://github.com/cdklabs/cdk-nag/blob/main/RULES.md")


@dataclass(frozen=True)
class Control:
    framework: Framework
    id: str

    def __str__(self) -> str:
        return f"{self.framework.key}:{self.id}"


def fsbp(*ids: str) -> tuple[Control, ...]:
    return tuple(Control(FSBP, i) for i in ids)


def cis(*ids: str) -> tuple[Control, ...]:
    return tuple(Control(CIS, i) for i in ids)


def checkov(*ids: str) -> tuple[Control, ...]:
    return tuple(Control(CHECKOV, i) for i in ids)


def cdk_nag(*ids: str) -> tuple[Control, ...]:
    """cdk-nag AwsSolutions rule ids, e.g. ``cdk_nag("RDS2")`` -> ``cdk-nag:AwsSolutions-RDS2``."""
    return tuple(Control(CDK_NAG, f"AwsSolutions-{i}") for i in ids)


ResourceCheck = Callable[["Res", "RuleContext"], Iterator[str]]
StackCheck = Callable[["Res", "Stack", "RuleContext"], Iterator[str]]


@dataclass(frozen=True)
class Rule:
    """One policy. ``check`` yields one message per problem found on one subject resource.

    A resource rule sees the resource being registered (its inputs). A stack rule sees each subject
    resource of its types together with the whole stack (outputs), to relate resources to each other.
    """

    id: str
    pack: str
    kind: str  # "resource" | "stack"
    description: str
    remediation: str
    severity: Severity
    check: Callable[..., Iterator[str]]
    types: tuple[str, ...] | None  # None: every custom resource
    controls: tuple[Control, ...] = ()
    tags: tuple[str, ...] = ()
    knobs: tuple[str, ...] = ()
    production_only: bool = False
    enforcement: EnforcementLevel | None = None
    extra_doc: str = ""

    def __post_init__(self) -> None:
        if not RULE_ID_RE.match(self.id):
            raise ValueError(f"rule id {self.id!r} must look like aws-<service>-<resource>-<verb>-<what>")
        if self.pack not in PACKS:
            raise ValueError(f"rule {self.id}: unknown pack {self.pack!r}")

    @property
    def service(self) -> str:
        return self.id.split("-")[1]

    @property
    def area(self) -> str | None:
        """Which of the card's three enforced areas the rule belongs to, if any (see CARD_AREAS)."""
        return next((name for name, member in CARD_AREAS.items() if member(self)), None)

    @property
    def enforcement_level(self) -> EnforcementLevel:
        """The default level, which policy config (``enforcementLevel``) overrides either way. Severity is metadata:
        rules of the card's areas are mandatory whatever their severity; others default to mandatory at
        HIGH/CRITICAL; a rule may declare its own default (``enforcement``)."""
        if self.enforcement is not None:
            return self.enforcement
        if self.area is not None:
            return EnforcementLevel.MANDATORY
        return EnforcementLevel.MANDATORY if self.severity in (Severity.HIGH, Severity.CRITICAL) else EnforcementLevel.ADVISORY

    @property
    def all_tags(self) -> list[str]:
        return [self.service, self.pack, *self.tags, *(str(c) for c in self.controls)]

    @property
    def framework(self) -> PolicyComplianceFramework:
        primary = self.controls[0].framework if self.controls else PLATFORM
        refs = [c.id for c in self.controls if c.framework == primary] or [self.id]
        return PolicyComplianceFramework(name=primary.name, version=primary.version, reference=", ".join(refs),
                                         specification=primary.specification)


# The card's three areas, mandatory by default: KMS encryption with customer-managed keys (the encryption pack's
# key rules), required tags (own tags merged with provider default_tags) and VPC isolation (in a VPC, no public
# ingress or endpoints, WAF and authorization on public APIs; flow logs are detective and stay out).
CARD_AREAS: dict[str, Callable[[Rule], bool]] = {
    "KMS encryption": lambda r: r.pack == "encryption" and "kms" in r.tags,
    "required tags": lambda r: r.pack == "tagging" and "required-tags" in r.tags,
    "VPC isolation": lambda r: r.pack == "network" and bool({"vpc", "public-access", "waf", "authn"} & set(r.tags))
    and "logging" not in r.tags,
}

REGISTRY: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    if rule.id in REGISTRY:
        raise ValueError(f"duplicate rule id {rule.id}")
    REGISTRY[rule.id] = rule


@dataclass
class _Decorator:
    kind: str
    kwargs: dict = field(default_factory=dict)

    def __call__(self, fn: Callable[..., Iterator[str]]) -> Callable[..., Iterator[str]]:
        kwargs = dict(self.kwargs)
        types = kwargs.pop("types", None)
        _register(Rule(kind=self.kind, check=fn, types=tuple(types) if types is not None else None, **kwargs))
        return fn


def resource_rule(**kwargs) -> _Decorator:
    """Register a resource rule: ``check(res, ctx)`` yields violation messages."""
    return _Decorator("resource", kwargs)


def stack_rule(**kwargs) -> _Decorator:
    """Register a stack rule: ``check(subject, stack, ctx)`` yields violation messages for one subject."""
    return _Decorator("stack", kwargs)


def rules_of(pack: str | None = None) -> list[Rule]:
    import crossguard_aws.rules  # noqa: F401  (registers every rule module)

    return sorted((r for r in REGISTRY.values() if pack is None or r.pack == pack), key=lambda r: r.id)
