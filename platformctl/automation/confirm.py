"""Who must confirm what: prod `up` and every `destroy` ask first; destroying prod also needs a named flag."""

from __future__ import annotations

from collections.abc import Callable

from platformctl.automation.plan import StackInfo


def stacks_to_confirm(operation: str, stacks: list[StackInfo]) -> list[StackInfo]:
    if operation == "destroy":
        return list(stacks)
    if operation == "up":
        return [s for s in stacks if s.is_production]
    return []


def missing_destroy_confirmation(stacks: list[StackInfo], confirmed: list[str]) -> list[StackInfo]:
    """Production stacks being destroyed that --confirm-destroy did not name (by stack name)."""
    return [s for s in stacks if s.is_production and s.name not in confirmed]


def ask(prompt: str, read_line: Callable[[str], str]) -> bool:
    """True only for an explicit yes; end of input (no terminal, empty pipe) means no."""
    try:
        answer = read_line(prompt)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")
