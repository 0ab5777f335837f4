"""Judgements several rules share: KMS key references and IAM-style policy documents."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from crossguard_aws.values import Unknown, maybe_json

_AWS_MANAGED_ALIAS = re.compile(r"(^|:)alias/aws/")
# Key ids/ARNs known to be AWS-managed keys (policy config awsManagedKeys), for the rule being run.
AWS_MANAGED_KEYS: ContextVar[frozenset[str]] = ContextVar("AWS_MANAGED_KEYS", default=frozenset())


def key_problem(value: Any, what: str) -> str | None:
    """Why ``value`` is not a customer-managed KMS key reference, or None when it is one.

    An unknown value (preview) is a reference computed from another resource's output: only a key or alias the
    program creates can be that (AWS-managed keys are named by fixed aliases, known at preview), so it is
    accepted as customer-managed rather than reported as not judged.
    """
    if isinstance(value, Unknown):
        return None
    if value is None or value == "":
        return f"{what} is not set, so AWS-owned or AWS-managed keys are used; set it to a customer-managed KMS key ARN."
    if not isinstance(value, str):
        return f"{what} must be a KMS key ARN, id or alias, got {value!r}."
    if _AWS_MANAGED_ALIAS.search(value) or value in AWS_MANAGED_KEYS.get():
        return f"{what} is the AWS-managed key {value!r}; use a customer-managed KMS key so key policy and rotation are yours."
    return None


def statements(document: Any) -> list[dict[str, Any]]:
    """Statements of a policy document given as JSON text or an object. Unknown parts raise when judged."""
    doc = maybe_json(document)
    if isinstance(doc, Unknown):
        doc._judge()
    if not isinstance(doc, dict):
        return []
    found = doc.get("Statement", doc.get("statement", []))
    if isinstance(found, Unknown):
        found._judge()
    found = found if isinstance(found, list) else [found]
    return [s for s in found if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def field(statement: dict[str, Any], name: str) -> Any:
    """A statement field whatever the casing (IAM JSON uses Action, some SDK objects use action)."""
    return statement.get(name, statement.get(name.lower()))


# Condition keys that pin a "*" principal down to known accounts, organisations, sources or networks.
_SCOPING_CONDITION_KEYS = {
    "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:principalorgid", "aws:principalaccount",
    "aws:principalarn", "aws:sourcevpc", "aws:sourcevpce", "aws:principalorgpaths", "aws:sourceorgid", "aws:sourceip", "kms:calleraccount",
}


def _principal_is_public(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return any(v == "*" or (isinstance(v, list) and "*" in v) for k, v in principal.items() if k.lower() == "aws")
    return False


_RESTRICTING = {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}


def restricting_conditions(condition: Any) -> dict[str, list[list[tuple[bool, str]]]]:
    """key (lower case) -> one list per operator block naming it, of (pattern?, value) for each value a request
    must match for the statement to apply. IAM ORs the values of one block and ANDs the blocks: a key is as narrow
    as its narrowest block.

    Only the operators that require the key to be present and equal to (or like, or inside) a value restrict
    (``_RESTRICTING``, also under ``ForAnyValue:``): a negated operator (StringNotEquals, NotIpAddress) admits every
    other value, ``...IfExists`` and ``ForAllValues:`` admit a request without the key, ``Null`` tests presence
    alone, and a numeric or date comparison admits a range. ``pattern`` is True for the ``*Like`` operators, whose
    ``*`` and ``?`` are wildcards (under ``*Equals`` they are literal characters)."""
    found: dict[str, list[list[tuple[bool, str]]]] = {}
    for operator, block in (condition or {}).items() if isinstance(condition, dict) else ():
        op = str(operator).lower().removeprefix("foranyvalue:")
        if not isinstance(block, dict) or op not in _RESTRICTING:
            continue
        for key, values in block.items():
            # ARN operators take wildcards in each of an ARN's parts, ArnEquals as much as ArnLike.
            pattern = op.endswith("like") or op.startswith("arn")
            uses = [(pattern, str(v)) for v in as_list(values)]
            if uses:
                found.setdefault(str(key).lower(), []).append(uses)
    return found


# Keys whose value is one account, organization, VPC or VPC endpoint id: any wildcard in it admits other accounts.
_ID_KEYS = {"aws:sourceaccount", "aws:sourceowner", "aws:principalaccount", "aws:principalorgid", "aws:sourceorgid",
            "kms:calleraccount", "aws:sourcevpc", "aws:sourcevpce"}
# Variables a request's caller cannot choose: the resource's own account and organization. (Not its organization
# paths: a multivalued key cannot be a policy variable.)
_RESOURCE_VARIABLE = re.compile(r"\$\{aws:resource(account|orgid)\}", re.I)
# No one address allocation is larger than a /8 (IPv4) or a /16 (IPv6): a wider network spans many owners.
_WIDEST_NETWORK = {4: 8, 6: 16}
_ARN_KEYS = {"aws:sourcearn", "aws:principalarn"}


def _wide_network(value: str) -> bool:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return network.prefixlen < _WIDEST_NETWORK[network.version]


def broad(key: str, pattern: bool, value: str) -> bool:
    """A value that callers of any account match: only wildcards; a wildcard in an account, organization, VPC or
    endpoint id, in an organization path's organization, or in an ARN's account (in a bucket name, for S3 ARNs,
    which carry no account; anywhere in other ARNs without one); a network wider than any one allocation; a policy
    variable the caller sets (``${aws:PrincipalAccount}`` compared with itself; the resource's own
    ``${aws:ResourceAccount}`` and ``${aws:ResourceOrgID}`` narrow)."""
    if "${" in _RESOURCE_VARIABLE.sub("", value) or (key == "aws:sourceip" and _wide_network(value)):
        return True
    if not pattern:
        return False
    wild = any(c in value for c in "*?")
    if value.strip("*?") == "" or (key in _ID_KEYS and wild):
        return True
    if key == "aws:principalorgpaths":  # o-id/r-root/ou-...: the organization must be literal
        return any(c in value.split("/", 1)[0] for c in "*?")
    if key in _ARN_KEYS and wild:  # a literal ARN matches one resource or none
        parts = value.split(":", 5)
        if len(parts) < 6:
            return True
        if parts[4]:
            return any(c in parts[4] for c in "*?")
        bucket = parts[5].split("/", 1)[0]  # S3 ARNs carry no account: the bucket is one owner's
        return parts[2] != "s3" or bucket == "" or any(c in bucket for c in "*?")
    return False


def public_allow_statements(document: Any) -> Iterator[dict[str, Any]]:
    """Allow statements that grant to everyone ("*") without a condition scoping the caller."""
    for st in statements(document):
        if str(field(st, "Effect")) != "Allow" or not _principal_is_public(field(st, "Principal")):
            continue
        # One broad value admits every caller to its block; another block of the key may still narrow it.
        scoped = {k for k, blocks in restricting_conditions(field(st, "Condition")).items()
                  if any(not any(broad(k, *use) for use in uses) for uses in blocks)}
        if not scoped & _SCOPING_CONDITION_KEYS:
            yield st


def public_policy_problems(document: Any) -> Iterator[str]:
    """One message per statement of a resource policy that grants to everyone unscoped (none when there is no policy)."""
    if document is None:
        return
    for st in public_allow_statements(document):
        yield f"statement {st.get('Sid', '(no Sid)')!r} allows Principal '*' without a scoping condition."


def grants(statement: dict[str, Any], action_pattern: str, resource: str = "*") -> bool:
    """An Allow statement granting an action matching ``action_pattern`` (regex, case-insensitive) on ``resource``."""
    if str(field(statement, "Effect")) != "Allow":
        return False
    actions = [str(a) for a in as_list(field(statement, "Action"))]
    resources = [str(r) for r in as_list(field(statement, "Resource"))]
    return resource in resources and any(re.fullmatch(action_pattern, a, re.IGNORECASE) for a in actions)
