"""IAM: no full-admin statements, no iam:PassRole on every role, no role anyone (or any federated identity) may assume."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.checks import as_list, field, grants, public_allow_statements, restricting_conditions, statements
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


TRUST_FIELDS = {"aws:iam/role:Role": "assumeRolePolicy", "aws-native:iam:Role": "assumeRolePolicyDocument"}
# The claim that names whose tokens a web identity trust accepts (IAM User Guide, "Available keys for AWS web
# identity federation"): the application for the providers named by domain, the subject for an IAM OIDC provider
# (GitHub Actions, EKS, ...), whose audience is the same for every caller (sts.amazonaws.com).
_SCOPING_CLAIM = {"cognito-identity.amazonaws.com": "aud", "cognito-identity.amazonaws.com.cn": "aud",
                  "accounts.google.com": "aud", "graph.facebook.com": "app_id", "www.amazon.com": "app_id"}
# Subjects of issuers that serve many tenants, and the part a subject must hold to name one: a GitHub owner or
# repository (the default subject, or one customized through include_claim_keys), a Kubernetes namespace, a GitLab
# top-level group, a Terraform Cloud organization. Claim values are the issuer's: whoever customizes the subject
# can pick its keys, not its values.
_OWNER = {
    "github": re.compile(r"(?:^|:)(?:(?:repo|repository):[^*?/:]+/|(?:repository_owner|repository_owner_id|repository_id):[^*?:]+(?::|$))"),
    "kubernetes": re.compile(r"(?:^|:)system:serviceaccount:[^*?:]+:"),
    "gitlab": re.compile(r"(?:^|:)project_path:[^*?/:]+/"),
    "terraform": re.compile(r"(?:^|:)organization:[^*?:]+:"),
}
# The issuers known to serve many tenants (``oidc.eks.`` is a prefix: one issuer per cluster).
_ISSUERS = {"token.actions.githubusercontent.com": "github", "oidc.eks.": "kubernetes", "gitlab.com": "gitlab",
            "app.terraform.io": "terraform"}
# Another issuer (GitHub Enterprise Server, a self-managed GitLab or Kubernetes cluster, whose sign-up may be open
# too): the subject's leading key says whose subjects it has.
_SHAPES = (("repo:", "github"), ("repository", "github"), ("system:serviceaccount:", "kubernetes"),
           ("project_path:", "gitlab"), ("organization:", "terraform"))
WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"


def _grants_web_identity(st: dict[str, Any]) -> bool:
    def names_it(actions: Any) -> bool:  # IAM action patterns: '*' and '?' wildcards, any case
        return any(fnmatch.fnmatchcase(WEB_IDENTITY.lower(), str(a).lower()) for a in as_list(actions))

    if str(field(st, "Effect")) != "Allow":
        return False
    not_action = field(st, "NotAction")
    return not names_it(not_action) if not_action is not None else names_it(field(st, "Action"))


def _owner_rule(host: str, value: str) -> re.Pattern[str] | None:
    host = host.lower()
    kind = next((k for issuer, k in _ISSUERS.items() if host == issuer or (issuer.endswith(".") and host.startswith(issuer))),
                None) or next((k for prefix, k in _SHAPES if value.lower().startswith(prefix)), None)
    return _OWNER[kind] if kind else None


def _scopes(host: str, kind: str, pattern: bool, value: str) -> bool:
    literal = re.split(r"[*?]", value, maxsplit=1)[0] if pattern else value
    exact = literal == value
    if kind != "sub":
        return exact  # an application or pool id with a wildcard admits other applications
    owner = _owner_rule(host, literal)
    if owner is None:
        return exact or literal != ""
    if exact:  # one subject: it must name the owner wherever the template put it; no subject lacks a ':'
        return ":" not in value or bool(owner.search(value))
    # A pattern: its literal start must name the owner, up to the separator after it ('repository_owner:acme*'
    # admits the owner acme-evil too).
    named = owner.match(literal)
    return bool(named) and named.group(0)[-1] in ":/"


def _federated_scope_problem(st: dict[str, Any]) -> str | None:
    """A web-identity statement must name whose tokens it accepts: without it any repository of GitHub, any
    service account of the cluster, or any app of the identity provider can assume the role."""
    if not _grants_web_identity(st):
        return None
    principal = field(st, "Principal")
    providers = [str(p) for p in as_list(principal.get("Federated") if isinstance(principal, dict) else None)]
    conditions = restricting_conditions(field(st, "Condition"))
    for arn in providers:
        if ":saml-provider/" in arn:
            continue  # SAML sign-in: no web identity claims to scope
        host = arn.split("oidc-provider/", 1)[-1]
        kind = _SCOPING_CLAIM.get(host.lower(), "sub")
        claim = f"{host}:{kind}"
        blocks = conditions.get(claim.lower(), [])  # condition keys are case-insensitive
        if not any(all(_scopes(host, kind, *use) for use in uses) for uses in blocks):
            return f"lets any identity of {host} assume the role; add a condition on {claim} naming whose tokens it accepts"
    return None


@resource_rule(
    id="aws-iam-role-deny-open-trust", pack="operations", types=tuple(TRUST_FIELDS), severity=Severity.CRITICAL,
    description="A role's trust policy must not let everyone ('*') or any identity of a web identity provider assume it.",
    remediation="Trust named accounts, roles or services; with '*' add aws:PrincipalOrgID or aws:PrincipalAccount; for "
                "OIDC providers (GitHub Actions, EKS) add StringEquals/StringLike on <provider>:sub naming the repository "
                "(repo:<owner>/...), service account (system:serviceaccount:<namespace>:...), GitLab.com group "
                "(project_path:<group>/...) or Terraform Cloud organization (organization:<org>:...); for Cognito identity "
                "pools and Google cognito-identity.amazonaws.com:aud / accounts.google.com:aud, for Facebook and Login "
                "with Amazon graph.facebook.com:app_id / www.amazon.com:app_id.",
    tags=("iam", "public-access"),
)
def iam_role_open_trust(res: Res, ctx: RuleContext) -> Iterator[str]:
    document = res.get(TRUST_FIELDS[res.type])
    if document is None or not ctx.known(document):
        return
    for st in public_allow_statements(document):
        yield f"trust statement {st.get('Sid', '(no Sid)')!r} lets Principal '*' assume the role without a scoping condition."
    for st in statements(document):
        problem = _federated_scope_problem(st)
        if problem:
            yield f"trust statement {st.get('Sid', '(no Sid)')!r} {problem}."
