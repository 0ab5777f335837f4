"""Configuration problems: each names its key and its fix; all of a stack's are raised together.

``ConfigError`` is a ``pulumi.RunError``, which the Pulumi CLI prints without a Python traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pulumi
from pydantic import ValidationError

from config.schema import (
    PlatformConfig,
)

NAMESPACE = "aiplatform"


@dataclass(frozen=True)
class Problem:
    key: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"  - {NAMESPACE}:{self.key}: {self.message}\n      fix: {self.fix}"


class ConfigError(pulumi.RunError):
    """Every problem of a stack configuration, in one message."""

    def __init__(self, stack: str, problems: list[Problem]):
        self.problems = problems
        head = f"stack '{stack}' has {len(problems)} configuration problem(s); nothing was deployed:"
        super().__init__("\n".join([head, *map(str, problems)]))


# ---------------------------------------------------------------------------
# Error messages for pydantic's error types

_FIXES = {
    "missing": "add this key to Pulumi.{stack}.yaml (see README, 'Stack configuration')",
    "extra_forbidden": "remove the key or correct its spelling; allowed here: {allowed}",
    "int_parsing": "use a whole number",
    "int_type": "use a whole number",
    "bool_parsing": "use true or false",
    "bool_type": "use true or false",
    "string_type": "use a quoted string",
    "dict_type": "use a mapping (key: value lines)",
    "list_type": "use a list (- item lines)",
    "model_type": "use a mapping (key: value lines)",
    "enum": "use one of the allowed values",
    "string_pattern_mismatch": "use lowercase letters, digits and '-' as the pattern requires",
    "greater_than_equal": "raise the value",
    "less_than_equal": "lower the value",
    "greater_than": "raise the value",
    "value_error": "correct the value as described",
}


def _key(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        else:
            parts.append(str(item))
    return ".".join(parts)


def _allowed_keys(loc: tuple[Any, ...]) -> str:
    model: Any = PlatformConfig
    for item in loc[:-1]:
        if isinstance(item, int):
            continue
        field = next((f for n, f in model.model_fields.items() if item in (n, f.alias)), None)
        if field is None:
            return "see README"
        annotation = field.annotation
        for candidate in getattr(annotation, "__args__", (annotation,)):
            if isinstance(candidate, type) and hasattr(candidate, "model_fields"):
                model = candidate
                break
    return ", ".join(sorted(f.alias or n for n, f in model.model_fields.items()))


def schema_problems(exc: ValidationError, stack: str) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        message = err["msg"].removeprefix("Value error, ")
        fix = _FIXES.get(kind, "correct the value").format(stack=stack, allowed=_allowed_keys(loc) if kind == "extra_forbidden" else "")
        if " | fix: " in message:  # our validators carry their own fix
            message, fix = message.split(" | fix: ", 1)
        if kind == "extra_forbidden":
            message = "unknown key"
        elif "input" in err and kind not in ("missing", "value_error"):
            message = f"{message} (got {err['input']!r})"
        problems.append(Problem(_key(loc), message, fix))
    return problems


