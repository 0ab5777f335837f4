"""AWS Organizations: service control policies that only deny, fit AWS's size limit, and cannot lock an OU out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.checks import as_list, field, statements
from crossguard_aws.context import RuleContext
from crossguard_aws.model import resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import Unknown

POLICIES = ("aws:organizations/policy:Policy", "aws-native:organizations:Policy")
MAX_SCP_CHARS = 5120  # AWS Organizations quota: maximum size of a service control policy document


def _scp_content(res: Res, ctx: RuleContext) -> Any | None:
    """The SCP document of a policy resource, or None when it is another policy type or not known yet."""
    kind = res.get("type", "SERVICE_CONTROL_POLICY")  # the aws provider's default type
    content = res.get("content")
    if not ctx.known(kind, content) or kind != "SERVICE_CONTROL_POLICY" or content is None:
        return None
    return content


@resource_rule(
    id="aws-organizations-scp-deny-allow-statement", pack="operations", types=POLICIES, severity=Severity.HIGH,
    description="Service control policies must only deny: an Allow statement next to FullAWSAccess grants nothing, and without "
                "it silently turns the SCP into an allow-list that blocks every unlisted service.",
    remediation="Write the guardrail as a Deny statement (with a Condition) and keep AWS's FullAWSAccess SCP attached.",
    tags=("organizations", "scp"),
)
def scp_deny_only(res: Res, ctx: RuleContext) -> Iterator[str]:
    content = _scp_content(res, ctx)
    if content is None:
        return
    for st in statements(content):
        if str(field(st, "Effect")).lower() == "allow":
            yield f"statement {st.get('Sid', '(no Sid)')!r} has Effect Allow."


@resource_rule(
    id="aws-organizations-scp-enforce-size-limit", pack="operations", types=POLICIES, severity=Severity.HIGH,
    description=f"Service control policies must fit AWS Organizations' limit of {MAX_SCP_CHARS} characters, or the update fails.",
    remediation="Send compact JSON (no indentation), use wildcards in action lists, or split the SCP (at most 5 per OU/account).",
    tags=("organizations", "scp"),
)
def scp_size(res: Res, ctx: RuleContext) -> Iterator[str]:
    content = _scp_content(res, ctx)
    if content is None:
        return
    text = content if isinstance(content, str) else json.dumps(content, separators=(",", ":"))
    if len(text) > MAX_SCP_CHARS:
        yield f"content is {len(text)} characters; AWS accepts at most {MAX_SCP_CHARS}."


def _everything(value: Any) -> bool:
    return any(v == "*" for v in as_list(value) if not isinstance(v, Unknown))


@resource_rule(
    id="aws-organizations-scp-deny-unconditional-lockout", pack="operations", types=POLICIES, severity=Severity.CRITICAL,
    description="An SCP statement denying every action (Action '*' or any NotAction) on every resource without a Condition "
                "locks every principal of the targeted accounts out, break-glass roles included.",
    remediation="Add a Condition that scopes the deny (aws:RequestedRegion, aws:PrincipalArn, ...), or list the actions to deny.",
    tags=("organizations", "scp"),
)
def scp_lockout(res: Res, ctx: RuleContext) -> Iterator[str]:
    content = _scp_content(res, ctx)
    if content is None:
        return
    for st in statements(content):
        if str(field(st, "Effect")).lower() != "deny" or field(st, "Condition"):
            continue
        if (_everything(field(st, "Action")) or field(st, "NotAction") is not None) and _everything(field(st, "Resource")):
            yield f"statement {st.get('Sid', '(no Sid)')!r} denies everything with no Condition."
