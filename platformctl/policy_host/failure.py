"""A stack the gate could not judge: its program, its config, a policy pack or the policy config failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# program: the stack's program or config; policy: a pack or the policy config; state: a --state export
KINDS = ("program", "policy", "state")


@dataclass(frozen=True)
class StackFailure:
    stack: str
    kind: str
    message: str
    stack_file: str = ""  # relative to the repository root, where annotations point

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message}
