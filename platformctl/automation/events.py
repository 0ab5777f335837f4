"""Fold the Automation API's engine events for one stack operation into counts and findings.

``on_event`` is called from the SDK's log-watcher (or gRPC) thread, so every
mutation happens under a lock and readers take ``snapshot()``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pulumi.automation import EngineEvent
from pulumi.automation.events import StepEventMetadata

from platformctl.automation.errors import strip_ansi

STACK_TYPE = "pulumi:pulumi:Stack"
# Ops that mean "nothing changes for this resource".
UNCHANGED_OPS = frozenset({"same", "read", "refresh"})
VERBS = {"create": "creating", "update": "updating", "delete": "deleting", "replace": "replacing",
         "create-replacement": "creating replacement", "delete-replaced": "deleting replaced",
         "same": "checking", "refresh": "refreshing", "read": "reading", "import": "importing"}


@dataclass(frozen=True)
class ResourceChange:
    """One resource whose state differs: ``op`` is the engine's step op, ``keys`` the changed properties."""

    urn: str
    type: str
    name: str
    op: str
    keys: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"urn": self.urn, "type": self.type, "name": self.name, "op": self.op, "keys": list(self.keys)}


@dataclass
class ProgressSnapshot:
    started: int
    done: int
    failed: int
    current: str
    elapsed: float


@dataclass
class EventTracker:
    """Counts resources started/done, remembers changes, diagnostics, policy violations and the summary."""

    on_change: Callable[[EventTracker], None] | None = None
    started_at: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _started: set[str] = field(default_factory=set)
    _done: set[str] = field(default_factory=set)
    failed: int = 0
    current: str = "starting"
    changes: dict[str, ResourceChange] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    policy_violations: list[str] = field(default_factory=list)
    summary: dict[str, int] | None = None
    policy_packs: dict[str, str] = field(default_factory=dict)
    cancelled: bool = False

    def __call__(self, event: EngineEvent) -> None:
        with self._lock:
            self._apply(event)
        if self.on_change is not None:
            self.on_change(self)

    def _apply(self, event: EngineEvent) -> None:
        if event.resource_pre_event is not None:
            meta = event.resource_pre_event.metadata
            if meta.type != STACK_TYPE:
                self._started.add(meta.urn)
                self.current = f"{VERBS.get(meta.op.value, meta.op.value)} {meta.type} {_name(meta.urn)}"
            self._note_change(meta)
        elif event.res_outputs_event is not None:
            meta = event.res_outputs_event.metadata
            if meta.type != STACK_TYPE:
                self._started.add(meta.urn)
                self._done.add(meta.urn)
            self._note_change(meta)
        elif event.res_op_failed_event is not None:
            meta = event.res_op_failed_event.metadata
            self._done.add(meta.urn)
            self.failed += 1
        elif event.diagnostic_event is not None:
            diag = event.diagnostic_event
            if diag.severity.startswith("error") and diag.message.strip():
                self.errors.append(strip_ansi(diag.message).strip())
        elif event.policy_event is not None:
            pol = event.policy_event
            if pol.enforcement_level == "mandatory":
                where = f" ({_name(pol.resource_urn)})" if pol.resource_urn else ""
                self.policy_violations.append(f"{pol.policy_pack_name}/{pol.policy_name}{where}: "
                                              f"{strip_ansi(pol.message).strip().splitlines()[0] if pol.message.strip() else ''}")
        elif event.summary_event is not None:
            self.summary = {str(getattr(k, "value", k)): int(v) for k, v in event.summary_event.resource_changes.items()}
            self.policy_packs = dict(event.summary_event.policy_packs or {})
            self.current = "done"
        elif event.cancel_event is not None:
            self.current = "done" if self.summary is not None else "cancelled"

    def _note_change(self, meta: StepEventMetadata) -> None:
        if meta.type == STACK_TYPE:
            return
        op = meta.op.value
        keys = tuple(sorted(meta.detailed_diff or {})) or tuple(sorted(meta.diffs or ()))
        # A refresh step whose properties differ is drift even when not rewritten to "update".
        if op in UNCHANGED_OPS and not (op == "refresh" and keys):
            return
        self.changes[meta.urn] = ResourceChange(meta.urn, meta.type, _name(meta.urn), "update" if op == "refresh" else op, keys)

    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            return ProgressSnapshot(len(self._started), len(self._done), self.failed, self.current,
                                    time.monotonic() - self.started_at)

    def changed_resources(self) -> list[ResourceChange]:
        with self._lock:
            return sorted(self.changes.values(), key=lambda c: (c.type, c.name))


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if urn else ""
