"""Live per-stack progress (rich) fed by engine events, and the end-of-run summary table."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from platformctl.automation.events import EventTracker
from platformctl.automation.results import CHANGE_COLUMNS, Outcome, StackResult

OUTCOME_STYLE = {
    Outcome.SUCCEEDED: "green", Outcome.NO_DRIFT: "green", Outcome.FAILED: "bold red", Outcome.DRIFTED: "yellow",
    Outcome.SKIPPED: "dim", Outcome.CANCELLED: "magenta",
}
MAX_LISTED_RESOURCES = 50


class ProgressDisplay:
    """A ProgressSink: a live rich bar per stack on a terminal, one log line per event otherwise (CI logs)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self._lock = threading.Lock()
        self._tasks: dict[tuple[str, str], TaskID] = {}
        self._last_note: dict[tuple[str, str], str] = {}
        self.progress = Progress(
            TextColumn("[bold]{task.fields[stack]}[/]"),
            TextColumn("{task.fields[label]}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn("resources"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[current]}", markup=False),
            console=console,
            transient=False,
        )

    def __enter__(self) -> ProgressDisplay:
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.progress.stop()

    def started(self, stack: str, label: str, tracker: EventTracker) -> None:
        key = (stack, label)
        with self._lock:
            if not self.live:
                if key not in self._tasks:
                    self._tasks[key] = TaskID(len(self._tasks))
                    self.console.print(f"{escape(stack)}: {label} started", highlight=False)
                return
            if key in self._tasks:
                # reset() replaces every field, so hand them all back
                self.progress.reset(self._tasks[key], completed=0, stack=stack, label=label, current="retrying")
            else:
                self._tasks[key] = self.progress.add_task(stack, total=None, stack=stack, label=label, current="starting")

    def changed(self, stack: str, label: str, tracker: EventTracker) -> None:
        snap = tracker.snapshot()
        key = (stack, label)
        with self._lock:
            if not self.live:
                # only the notable moments, so CI logs stay short
                if snap.current.startswith("stack locked") and self._last_note.get(key) != snap.current:
                    self._last_note[key] = snap.current
                    self.console.print(f"{escape(stack)}: {label}: {escape(snap.current)}", highlight=False)
                return
            task = self._tasks.get(key)
            if task is not None:
                self.progress.update(task, completed=snap.done, total=max(snap.started, snap.done, 1), current=snap.current)

    def finished(self, result: StackResult) -> None:
        key = (result.stack, result.operation)
        outcome = result.outcome.value
        with self._lock:
            task = self._tasks.get(key)
            if self.live and task is not None:
                self.progress.update(task, current=outcome)
                self.progress.stop_task(task)
            elif not self.live:
                detail = f" ({result.message})" if result.message and result.outcome is not Outcome.SUCCEEDED else ""
                self.console.print(f"{escape(result.stack)}: {result.operation} {outcome} in {result.duration:.1f}s"
                                   f"{escape(detail)}", highlight=False)

    def note(self, message: str) -> None:
        self.console.print(Text(message, style="yellow"))


def summary_table(results: list[StackResult]) -> Table:
    table = Table(title="summary", title_justify="left")
    table.add_column("stack")
    table.add_column("operation")
    for name in CHANGE_COLUMNS:
        table.add_column(name, justify="right")
    table.add_column("duration", justify="right")
    table.add_column("outcome")
    for r in results:
        counts = [str(r.column(name)) if r.changes else "-" for name in CHANGE_COLUMNS]
        table.add_row(r.stack, r.operation, *counts, f"{r.duration:.1f}s",
                      Text(r.outcome.value + (f" ({r.attempts} attempts)" if r.attempts > 1 else ""),
                           style=OUTCOME_STYLE[r.outcome]))
    return table


def print_details(console: Console, results: list[StackResult]) -> None:
    """Failures, policy violations and drifted resources, below the table."""
    for r in results:
        head = f"{r.stack} {r.operation}"
        if r.outcome in (Outcome.FAILED, Outcome.SKIPPED, Outcome.CANCELLED) and r.message:
            console.print(Text(f"{head}: {r.message}", style=OUTCOME_STYLE[r.outcome]))
        for violation in r.policy_violations:
            console.print(Text(f"{head}: policy violation: {violation}", style="red"))
        if r.operation.startswith("drift") and r.changed_resources:
            what = "drifted (cloud differs from state)" if r.operation == "drift:cloud" else "pending (code differs from state)"
            console.print(Text(f"{head}: {len(r.changed_resources)} resource(s) {what}:", style="yellow"))
            for c in r.changed_resources[:MAX_LISTED_RESOURCES]:
                keys = f" [{', '.join(c.keys)}]" if c.keys else ""
                console.print(Text(f"  {c.op:<8} {c.type} {c.name}{keys}"))
            if len(r.changed_resources) > MAX_LISTED_RESOURCES:
                console.print(f"  ... and {len(r.changed_resources) - MAX_LISTED_RESOURCES} more (see --json)")
        elif r.outcome is Outcome.DRIFTED:
            console.print(Text(f"{head}: drifted: {r.changes}", style="yellow"))
