"""IAM: no full-admin statements, no iam:PassRole on every role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.checks import grants, statements
from crossguard_aws.context import RuleContext
from crossguard_aws.model import cis, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import dig, items

DOCUMENT_FIELDS = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
    "aws-native:iam:ManagedPolicy": "policyDocument",
    "aws-native:iam:RolePolicy": "policyDocument",
    "aws-native:iam:UserPolicy": "policyDocument",
    "aws-native:iam:GroupPolicy": "policyDocument",
}
INLINE_LISTS = {"aws:iam/role:Role": ("inlinePolicies", "policy"), "aws-native:iam:Role": ("policies", "policyDocument")}
POLICY_TYPES = (*DOCUMENT_FIELDS, *INLINE_LISTS)


def documents(res: Res) -> list[tuple[str, Any]]:
    if res.type in DOCUMENT_FIELDS:
        return [(DOCUMENT_FIELDS[res.type], res.get(DOCUMENT_FIELDS[res.type]))]
    block, field_name = INLINE_LISTS[res.type]
    return [(f"{block}[{i}]", dig(p, field_name)) for i, p in enumerate(items(res.get(block)))]


def _offending(res: Res, ctx: RuleContext, action_pattern: str) -> Iterator[str]:
    for where, document in documents(res):
        if document is None or not ctx.known(document):
            continue
        for st in statements(document):
            if grants(st, action_pattern):
                yield f"{where} statement {st.get('Sid', '(no Sid)')!r}"


@resource_rule(
    id="aws-iam-policy-deny-admin-wildcard", pack="operations", types=POLICY_TYPES, severity=Severity.CRITICAL,
    description="IAM policies must not allow every action ('*') on every resource ('*').",
    remediation="List the actions and resource ARNs the principal needs; use AWS managed job-function policies for humans.",
    controls=(*fsbp("IAM.1"), *cis("1.16")), tags=("iam", "least-privilege"),
)
def iam_admin_wildcard(res: Res, ctx: RuleContext) -> Iterator[str]:
    for where in _offending(res, ctx, r"\*|\*:\*"):
        yield f"{where} allows Action '*' on Resource '*'."


@resource_rule(
    id="aws-iam-policy-deny-passrole-wildcard", pack="operations", types=POLICY_TYPES, severity=Severity.HIGH,
    description="IAM policies must not allow iam:PassRole on every role (Resource '*').",
    remediation="Scope iam:PassRole to the role ARNs the service needs and add a condition on iam:PassedToService.",
    tags=("iam", "least-privilege"),
)
def iam_passrole_wildcard(res: Res, ctx: RuleContext) -> Iterator[str]:
    for where in _offending(res, ctx, r"iam:(PassRole|Pass\*|\*)"):
        yield f"{where} allows iam:PassRole on Resource '*'."
