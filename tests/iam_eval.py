"""A small IAM policy evaluator: statements x one request context -> "allow" | "deny" | "implicit".

Enough of AWS's documented evaluation logic to check guardrails and grants offline:

* an explicit Deny wins over any Allow; no matching Allow is an implicit deny;
* Action/NotAction and Resource/NotResource with ``*``/``?`` wildcards (actions case-insensitive);
* condition operators String*, Arn*, Numeric*, Bool, Null, each with the ``IfExists`` suffix and the
  ``ForAnyValue:``/``ForAllValues:`` set qualifiers; condition keys case-insensitive; several values
  for one key are OR'ed, several keys and several operators are AND'ed;
* a *negated* operator (``...Not...``) is true when the key is absent from the request, unless it is
  the ``IfExists`` form; a positive operator is false on an absent key, unless ``IfExists``;
  ``ForAnyValue`` over an absent key is false and ``ForAllValues`` is true.

Principals are not matched: callers pass the statements that apply to the principal (identity
policies) or filter resource-policy statements themselves.

References: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Keys AWS documents as always present in the request context ("Availability: always included").
ALWAYS_PRESENT_KEYS = frozenset(k.lower() for k in (
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType", "aws:userid", "aws:SecureTransport",
    "aws:CurrentTime", "aws:EpochTime", "aws:RequestedRegion", "aws:PrincipalIsAWSService",
))


@dataclass
class Request:
    action: str
    resource: str = "*"
    context: Mapping[str, Any] = field(default_factory=dict)  # key -> value or list of values (multivalued keys)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _wildcard(pattern: str, value: str, case_sensitive: bool = True) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case_sensitive else re.IGNORECASE) is not None


def _arn_like(pattern: str, value: str) -> bool:
    """ARN operators compare the six colon-separated parts, each with wildcards."""
    p, v = pattern.split(":", 5), value.split(":", 5)
    if len(p) != 6 or len(v) != 6:
        return False
    return all(_wildcard(a, b) for a, b in zip(p, v, strict=True))


def _bool(value: Any) -> str:
    return str(value).lower()


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# Positive base operators: (request value, policy value) -> bool.
_BASE = {
    "stringequals": lambda r, p: str(r) == str(p),
    "stringequalsignorecase": lambda r, p: str(r).lower() == str(p).lower(),
    "stringlike": lambda r, p: _wildcard(str(p), str(r)),
    "arnequals": lambda r, p: _arn_like(str(p), str(r)),
    "arnlike": lambda r, p: _arn_like(str(p), str(r)),
    "bool": lambda r, p: _bool(r) == _bool(p),
    "numericequals": lambda r, p: _number(r) is not None and _number(r) == _number(p),
    "numericlessthan": lambda r, p: _number(r) is not None and _number(r) < _number(p),
    "numericlessthanequals": lambda r, p: _number(r) is not None and _number(r) <= _number(p),
    "numericgreaterthan": lambda r, p: _number(r) is not None and _number(r) > _number(p),
    "numericgreaterthanequals": lambda r, p: _number(r) is not None and _number(r) >= _number(p),
}
# Negated operator -> its positive base.
_NEGATED = {"stringnotequals": "stringequals", "stringnotequalsignorecase": "stringequalsignorecase",
            "stringnotlike": "stringlike", "arnnotequals": "arnequals", "arnnotlike": "arnlike",
            "numericnotequals": "numericequals"}


@dataclass(frozen=True)
class Operator:
    qualifier: str  # "" | "foranyvalue" | "forallvalues"
    base: str  # lower-case operator without IfExists, e.g. "arnnotequals"
    if_exists: bool

    @property
    def negated(self) -> bool:
        return self.base in _NEGATED


def parse_operator(name: str) -> Operator:
    qualifier, _, op = name.rpartition(":")
    op = op.lower()
    if_exists = op.endswith("ifexists")
    base = op[: -len("ifexists")] if if_exists else op
    if base not in _BASE and base not in _NEGATED and base != "null":
        raise ValueError(f"unsupported condition operator {name!r}")
    return Operator(qualifier.lower(), base, if_exists)


def _single(base: str, request_value: Any, policy_values: list[Any]) -> bool:
    """One request value against the policy's values: positive ops OR the values, negated ops NOR them."""
    if base in _NEGATED:
        return not any(_BASE[_NEGATED[base]](request_value, p) for p in policy_values)
    return any(_BASE[base](request_value, p) for p in policy_values)


def condition_holds(op_name: str, key: str, policy_value: Any, context: Mapping[str, Any]) -> bool:
    op = parse_operator(op_name)
    values = _as_list(policy_value)
    ctx = {k.lower(): v for k, v in context.items()}
    present = key.lower() in ctx
    if op.base == "null":
        # Null:true matches an absent key, Null:false a present one.
        return any(_bool(v) == ("false" if present else "true") for v in values)
    if not present:
        if op.if_exists:
            return True
        if op.qualifier == "foranyvalue":
            return False
        if op.qualifier == "forallvalues":
            return True
        return op.negated
    request_values = _as_list(ctx[key.lower()])
    if op.qualifier == "foranyvalue":
        return any(_single(op.base, r, values) for r in request_values)
    if op.qualifier == "forallvalues":
        return all(_single(op.base, r, values) for r in request_values)
    return all(_single(op.base, r, values) for r in request_values)


def _matches_any(patterns: Any, value: str, case_sensitive: bool) -> bool:
    return any(_wildcard(str(p), value, case_sensitive) for p in _as_list(patterns))


def statement_applies(st: Mapping[str, Any], req: Request) -> bool:
    if "Action" in st and not _matches_any(st["Action"], req.action, case_sensitive=False):
        return False
    if "NotAction" in st and _matches_any(st["NotAction"], req.action, case_sensitive=False):
        return False
    if "Resource" in st and not _matches_any(st["Resource"], req.resource, case_sensitive=True):
        return False
    if "NotResource" in st and _matches_any(st["NotResource"], req.resource, case_sensitive=True):
        return False
    return all(condition_holds(op, key, value, req.context)
               for op, block in (st.get("Condition") or {}).items() for key, value in block.items())


def statements_of(documents: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for doc in documents:
        sts = doc["Statement"]
        out.extend(sts if isinstance(sts, list) else [sts])
    return out


def evaluate(documents: Iterable[Mapping[str, Any]], req: Request) -> str:
    """"deny" (an explicit Deny matched), "allow" (an Allow and no Deny matched) or "implicit" (nothing allowed it)."""
    matched = [st for st in statements_of(documents) if statement_applies(st, req)]
    if any(st["Effect"] == "Deny" for st in matched):
        return "deny"
    return "allow" if any(st["Effect"] == "Allow" for st in matched) else "implicit"
