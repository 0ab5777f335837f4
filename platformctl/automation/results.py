"""What happened to each stack: the rows of the summary table and of --json."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from platformctl.automation.events import ResourceChange


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    DRIFTED = "drifted"
    NO_DRIFT = "no drift"


# Columns of the summary; replace-like ops count as updates of the resource.
CHANGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "created": ("create", "import"),
    "updated": ("update",),
    "replaced": ("replace", "create-replacement"),
    "deleted": ("delete",),
    "same": ("same",),
}


@dataclass
class StackResult:
    stack: str
    environment: str
    operation: str
    outcome: Outcome
    duration: float = 0.0
    attempts: int = 0
    changes: dict[str, int] = field(default_factory=dict)  # engine op -> count
    message: str = ""
    changed_resources: list[ResourceChange] = field(default_factory=list)
    policy_violations: list[str] = field(default_factory=list)

    def column(self, name: str) -> int:
        return sum(self.changes.get(op, 0) for op in CHANGE_COLUMNS[name])

    def as_dict(self) -> dict[str, object]:
        return {
            "stack": self.stack,
            "environment": self.environment,
            "operation": self.operation,
            "outcome": self.outcome.value,
            "duration_seconds": round(self.duration, 3),
            "attempts": self.attempts,
            "changes": dict(sorted(self.changes.items())),
            **{name: self.column(name) for name in CHANGE_COLUMNS},
            "message": self.message,
            "changed_resources": [c.as_dict() for c in self.changed_resources],
            "policy_violations": list(self.policy_violations),
        }
