"""Run one operation (preview, up, refresh, destroy, drift) on one stack through the Automation API."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pulumi.automation import LocalWorkspaceOptions, PulumiCommand, Stack, create_or_select_stack, select_stack
from pulumi.automation import errors as auto_errors

from platformctl.automation.errors import (
    describe_failure,
    is_cancelled,
    is_concurrent_update,
    is_no_changes_expected,
)
from platformctl.automation.events import EventTracker
from platformctl.automation.plan import StackInfo
from platformctl.automation.results import Outcome, StackResult

OPERATIONS = ("preview", "up", "refresh", "destroy", "drift")
MUTATING = frozenset({"up", "refresh", "destroy"})
DRIFT_CHECKS = ("cloud", "code", "both")
MAX_RETRY_DELAY = 60.0


@dataclass
class Settings:
    """Everything an operation needs besides the stack; built once from the command line."""

    operation: str
    project_dir: Path
    command: PulumiCommand
    policy_packs: list[Path] = field(default_factory=list)
    message: str | None = None
    exclude_protected: bool = False
    drift_check: str = "both"
    retries: int = 3
    retry_delay: float = 5.0
    show_output: Callable[[str, str], None] | None = None


class ProgressSink(Protocol):
    def started(self, stack: str, label: str, tracker: EventTracker) -> None: ...
    def changed(self, stack: str, label: str, tracker: EventTracker) -> None: ...
    def finished(self, result: StackResult) -> None: ...


# One CLI call: returns the engine's resource-change counts (or None to take them from the events).
Call = Callable[[Stack, EventTracker, Settings, Callable[[str], None] | None], "dict[str, int] | None"]


def _ops(summary: object) -> dict[str, int] | None:
    if not summary:
        return None
    return {str(getattr(k, "value", k)): int(v) for k, v in dict(summary).items()}  # type: ignore[call-overload]


def _packs(settings: Settings) -> list[str]:
    return [str(p) for p in settings.policy_packs]


def _preview(stack: Stack, t: EventTracker, s: Settings, out: Callable[[str], None] | None) -> dict[str, int] | None:
    return _ops(stack.preview(on_event=t, on_output=out, policy_packs=_packs(s), color="never").change_summary)


def _up(stack: Stack, t: EventTracker, s: Settings, out: Callable[[str], None] | None) -> dict[str, int] | None:
    result = stack.up(on_event=t, on_output=out, policy_packs=_packs(s), message=s.message, color="never")
    return _ops(result.summary.resource_changes)


def _refresh(stack: Stack, t: EventTracker, s: Settings, out: Callable[[str], None] | None) -> dict[str, int] | None:
    return _ops(stack.refresh(on_event=t, on_output=out, message=s.message, color="never").summary.resource_changes)


def _destroy(stack: Stack, t: EventTracker, s: Settings, out: Callable[[str], None] | None) -> dict[str, int] | None:
    # exclude_protected only skips protected resources; nothing here ever unprotects one.
    result = stack.destroy(on_event=t, on_output=out, message=s.message, color="never",
                           exclude_protected=s.exclude_protected or None)
    return _ops(result.summary.resource_changes)


def _drift_cloud(stack: Stack, t: EventTracker, s: Settings, out: Callable[[str], None] | None) -> dict[str, int] | None:
    # refresh --preview-only: compares the cloud with the state without writing the state.
    return _ops(stack.preview_refresh(on_event=t, on_output=out, expect_no_changes=True, color="never").change_summary)


def _drift_code(stack: Stack, t: EventTracker, s: Settings, out: Callable[[str], None] | None) -> dict[str, int] | None:
    # The program vs the state: changes merged but not deployed. Runs the policy packs like any preview.
    result = stack.preview(on_event=t, on_output=out, policy_packs=_packs(s), expect_no_changes=True, color="never")
    return _ops(result.change_summary)


def checks_for(settings: Settings) -> list[tuple[str, Call]]:
    if settings.operation == "drift":
        checks: list[tuple[str, Call]] = []
        if settings.drift_check in ("cloud", "both"):
            checks.append(("drift:cloud", _drift_cloud))
        if settings.drift_check in ("code", "both"):
            checks.append(("drift:code", _drift_code))
        return checks
    return [(settings.operation, {"preview": _preview, "up": _up, "refresh": _refresh, "destroy": _destroy}[settings.operation])]


def open_stack(info: StackInfo, settings: Settings, pulumi_home: Path | None) -> Stack:
    """A LocalWorkspace of its own for this stack, on the project's own program and stack files."""
    opts = LocalWorkspaceOptions(
        pulumi_home=str(pulumi_home) if pulumi_home else None,
        pulumi_command=settings.command,
        env_vars={"PULUMI_SKIP_UPDATE_CHECK": "true", **({"PULUMI_HOME": str(pulumi_home)} if pulumi_home else {})},
    )
    work_dir = str(settings.project_dir)
    if settings.operation in ("preview", "up"):
        return create_or_select_stack(stack_name=info.name, work_dir=work_dir, opts=opts)
    # refresh/destroy/drift of a stack that was never deployed is a mistake, not a reason to create it
    return select_stack(stack_name=info.name, work_dir=work_dir, opts=opts)


def _backoff(attempt: int, base: float) -> float:
    return min(base * (2 ** attempt), MAX_RETRY_DELAY)


class StackOperation:
    """Runs every check of ``settings.operation`` for one stack; ``stack`` is set while it runs (for cancel)."""

    def __init__(self, info: StackInfo, settings: Settings, sink: ProgressSink, cancel: threading.Event,
                 pulumi_home: Path | None = None) -> None:
        self.info = info
        self.settings = settings
        self.sink = sink
        self.cancel = cancel
        self.pulumi_home = pulumi_home
        self.stack: Stack | None = None
        self.results: list[StackResult] = []

    def _result(self, label: str, outcome: Outcome, started: float, **kw: object) -> StackResult:
        result = StackResult(self.info.name, self.info.environment, label, outcome, time.monotonic() - started, **kw)  # type: ignore[arg-type]
        self.sink.finished(result)
        self.results.append(result)
        return result

    def run(self) -> list[StackResult]:
        checks = checks_for(self.settings)
        started = time.monotonic()
        try:
            self.stack = open_stack(self.info, self.settings, self.pulumi_home)
        except Exception as exc:  # CommandError from the CLI, OSError from the workspace files
            for label, _ in checks:
                self._result(label, Outcome.FAILED, started, message=f"cannot select stack: {describe_failure(exc)}")
            return self.results
        for label, call in checks:
            if self.cancel.is_set():
                self._result(label, Outcome.CANCELLED, time.monotonic(), message="not started: interrupted")
                continue
            self._run_check(label, call)
        return self.results

    def _run_check(self, label: str, call: Call) -> StackResult:
        assert self.stack is not None
        started = time.monotonic()
        out = None
        if self.settings.show_output is not None:
            show = self.settings.show_output
            out = lambda line: show(self.info.name, line)  # noqa: E731
        retries = max(self.settings.retries, 0)
        for attempt in range(retries + 1):
            tracker = EventTracker(on_change=lambda t: self.sink.changed(self.info.name, label, t))
            self.sink.started(self.info.name, label, tracker)
            try:
                summary = call(self.stack, tracker, self.settings, out)
            except Exception as exc:  # the SDK raises CommandError subclasses; anything else is reported too
                if is_concurrent_update(exc) and attempt < retries and not self.cancel.is_set():
                    delay = _backoff(attempt, self.settings.retry_delay)
                    tracker.current = f"stack locked by another update; retry {attempt + 1}/{retries} in {delay:.1f}s"
                    self.sink.changed(self.info.name, label, tracker)
                    if self.cancel.wait(delay):
                        break
                    continue
                return self._failure(label, exc, tracker, started, attempt + 1)
            return self._success(label, summary, tracker, started, attempt + 1)
        return self._result(label, Outcome.CANCELLED, started, attempts=retries + 1, message="interrupted while waiting to retry")

    def _changes(self, summary: dict[str, int] | None, tracker: EventTracker) -> dict[str, int]:
        return dict(summary or tracker.summary or {})

    def _success(self, label: str, summary: dict[str, int] | None, tracker: EventTracker, started: float,
                 attempts: int) -> StackResult:
        changes = self._changes(summary, tracker)
        changed = tracker.changed_resources()
        outcome = Outcome.SUCCEEDED
        if label.startswith("drift"):
            drifted = bool(changed) or any(n for op, n in changes.items() if op not in ("same", "refresh", "read"))
            outcome = Outcome.DRIFTED if drifted else Outcome.NO_DRIFT
        return self._result(label, outcome, started, attempts=attempts, changes=changes,
                            changed_resources=changed if label.startswith(("drift", "preview")) else [],
                            policy_violations=tracker.policy_violations)

    def _failure(self, label: str, exc: Exception, tracker: EventTracker, started: float, attempts: int) -> StackResult:
        changes = self._changes(None, tracker)
        if label.startswith("drift") and is_no_changes_expected(exc) and not tracker.policy_violations:
            return self._result(label, Outcome.DRIFTED, started, attempts=attempts, changes=changes,
                                changed_resources=tracker.changed_resources())
        if self.cancel.is_set() or is_cancelled(exc):
            return self._result(label, Outcome.CANCELLED, started, attempts=attempts, changes=changes,
                                message="cancelled (Ctrl-C); the stack's update was asked to stop")
        if is_concurrent_update(exc):
            message = (f"stack is locked by another update (ConcurrentUpdateError), still after {attempts} attempts; "
                       f"wait for that update to finish, or if none is running clear the lock with "
                       f"`pulumi cancel --stack {self.info.name}`")
        else:
            message = describe_failure(exc)
            if tracker.errors and not any(e in message for e in tracker.errors):
                message = f"{message}; " + "; ".join(dict.fromkeys(tracker.errors))
        return self._result(label, Outcome.FAILED, started, attempts=attempts, changes=changes, message=message,
                            policy_violations=tracker.policy_violations,
                            changed_resources=tracker.changed_resources() if label.startswith("drift") else [])

    def request_cancel(self) -> str | None:
        """Ask the backend to stop this stack's running update; returns an error text if it could not."""
        stack = self.stack
        if stack is None:
            return None
        try:
            stack.cancel()
        except auto_errors.CommandError as exc:
            return describe_failure(exc)
        return None


