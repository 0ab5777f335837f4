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
    "string_pattern_mismatch": "match the pattern {pattern}",
    "greater_than_equal": "raise the value",
    "less_than_equal": "lower the value",
    "greater_than": "raise the value",
    "value_error": "correct the value as described",
}


# One hint per schema pattern, in words, with an example that matches it (tests check both).
PATTERN_HINTS: dict[str, tuple[str, str]] = {
    r"^[a-z][a-z0-9]{1,9}$": ("use 2-10 lowercase letters and digits, starting with a letter (no '-')", "acme"),
    r"^[a-z][a-z0-9-]{1,20}$": ("use 2-21 lowercase letters, digits and '-', starting with a letter", "ml-dev"),
    r"^[a-z][a-z0-9]{1,15}$": ("use 2-16 lowercase letters and digits, starting with a letter (no '-')", "prod"),
    r"^[\w+=,.@-]{2,64}$": ("use 2-64 letters, digits and +=,.@_-", "pulumi-aiplatform"),
    r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$": ("use a branch name of letters, digits and _./-, not starting with '.', '/' or '-'", "main"),
    r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$": ("use a dotted path of letters, digits, '_' and '-'", "metrics.accuracy.value"),
    r"^(BinaryClassification|MulticlassClassification|Regression)$": (
        "use BinaryClassification, MulticlassClassification or Regression", "Regression"),
    r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$": ("use up to 63 letters, digits and '-', starting and ending with a letter or digit", "data-scientist-1"),
    r"^[\w][\w.-]{0,127}$": ("use up to 128 letters, digits, '_', '.' and '-', starting with a letter, digit or '_'", "v1.2.0"),
    r"^[a-z0-9][a-z0-9-]{0,62}$": ("use up to 63 lowercase letters, digits and '-', starting with a letter or digit", "predict"),
    r"^[a-z][a-z0-9-]{1,30}$": ("use 2-31 lowercase letters, digits and '-', starting with a letter", "workloads"),
    r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$": ("use the OU id from `aws organizations list-organizational-units-for-parent`",
                                          "ou-ab12-cd34ef56"),
    r"^o-[a-z0-9]{10,32}$": ("use the organization id from `aws organizations describe-organization`", "o-a1b2c3d4e5"),
    r"^1\.\d{2}$": ("use a Kubernetes minor version EKS supports, as 1.<minor>", "1.35"),
    r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$": (
        "use a Kubernetes namespace: up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
        "models"),
    r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$": (
        "use a Kubernetes name: up to 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
        "model-server"),
}


def _pattern_fix(pattern: str) -> str:
    hint = PATTERN_HINTS.get(pattern)
    return f"{hint[0]}, e.g. {hint[1]}" if hint else f"match the pattern {pattern}"


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
        fix = _FIXES.get(kind, "correct the value").format(stack=stack, allowed=_allowed_keys(loc) if kind == "extra_forbidden" else "",
                                                         pattern="")
        if kind == "string_pattern_mismatch":
            fix = _pattern_fix(str((err.get("ctx") or {}).get("pattern", "")))
        if " | fix: " in message:  # our validators carry their own fix
            message, fix = message.split(" | fix: ", 1)
        if kind == "extra_forbidden":
            message = "unknown key"
        elif "input" in err and kind not in ("missing", "value_error"):
            message = f"{message} (got {err['input']!r})"
        problems.append(Problem(_key(loc), message, fix))
    return problems


