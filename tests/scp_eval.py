"""A small evaluator of deny-list SCPs for the evaluation table (request context -> allow / deny).

It implements what the platform's SCPs use, with IAM's documented semantics: Action/NotAction and
Resource wildcards; condition operators AND-ed across operators and keys, OR-ed across a key's values;
a missing key makes a plain operator false, an ...IfExists operator true and a negated operator
(StringNotEquals, ArnNotLike, ...) true; Null tests presence; ForAnyValue is false for a missing key.
"""

from __future__ import annotations

import fnmatch
from typing import Any

NEGATED = {"StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike"}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _match(pattern: str, value: str, case: bool = True) -> bool:
    return fnmatch.fnmatchcase(value, pattern) if case else fnmatch.fnmatchcase(value.lower(), pattern.lower())


def _single(op: str, wanted: list[str], value: str) -> bool:
    if op == "StringEquals":
        return value in wanted
    if op == "StringNotEquals":
        return value not in wanted
    if op in ("StringLike", "ArnLike", "ArnEquals"):
        return any(_match(w, value) for w in wanted)
    if op in ("StringNotLike", "ArnNotLike", "ArnNotEquals"):
        return not any(_match(w, value) for w in wanted)
    if op == "Bool":
        return str(value).lower() in [str(w).lower() for w in wanted]
    raise NotImplementedError(op)


def condition_holds(condition: dict[str, dict[str, Any]], context: dict[str, Any]) -> bool:
    ctx = {k.lower(): v for k, v in context.items()}
    for full_op, keys in condition.items():
        qualifier, _, op = full_op.rpartition(":")
        if_exists = op.endswith("IfExists")
        op = op.removesuffix("IfExists")
        for key, wanted in keys.items():
            wanted = [str(w) for w in _list(wanted)]
            present = key.lower() in ctx
            if op == "Null":
                if (wanted[0] == "true") == present:
                    return False
                continue
            if not present:
                if qualifier == "ForAnyValue":
                    return False
                if if_exists or op in NEGATED:
                    continue
                return False
            values = [str(v) for v in _list(ctx[key.lower()])]
            if qualifier == "ForAnyValue":
                ok = any(_single(op, wanted, v) for v in values)
            elif qualifier == "ForAllValues":
                ok = all(_single(op, wanted, v) for v in values)
            else:
                ok = _single(op, wanted, values[0])
            if not ok:
                return False
    return True


def statement_denies(st: dict[str, Any], action: str, resource: str, context: dict[str, Any]) -> bool:
    assert st["Effect"] == "Deny"
    if "Action" in st:
        in_scope = any(_match(a, action, case=False) for a in _list(st["Action"]))
    else:
        in_scope = not any(_match(a, action, case=False) for a in _list(st["NotAction"]))
    if not in_scope or not any(_match(r, resource) for r in _list(st.get("Resource", "*"))):
        return False
    return condition_holds(st.get("Condition", {}), context)


def decide(documents: list[dict[str, Any]], action: str, resource: str = "*", context: dict[str, Any] | None = None) -> str:
    """'deny' if any statement of the (deny-list) SCPs denies the request; otherwise FullAWSAccess lets it through."""
    for doc in documents:
        for st in doc["Statement"]:
            if statement_denies(st, action, resource, context or {}):
                return "deny"
    return "allow"
