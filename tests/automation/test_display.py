"""The live progress lines and the summary table."""

from __future__ import annotations

import io

from rich.console import Console

from platformctl.automation.display import ProgressDisplay, print_details, summary_table
from platformctl.automation.events import EventTracker, ResourceChange
from platformctl.automation.results import Outcome, StackResult


def terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=160, color_system=None), buffer


def test_a_retried_stack_keeps_its_progress_line():
    console, buffer = terminal()
    tracker = EventTracker()
    with ProgressDisplay(console) as display:
        display.started("dev", "up", tracker)
        display.started("dev", "up", tracker)  # second attempt after a concurrent-update error
        tracker.current = "creating aws:kms/key:Key platform-key"
        display.changed("dev", "up", tracker)
        display.progress.refresh()

    text = buffer.getvalue()
    assert "dev" in text and "creating aws:kms/key:Key platform-key" in text


def test_ci_logs_get_one_line_per_start_and_finish():
    buffer = io.StringIO()
    display = ProgressDisplay(Console(file=buffer, force_terminal=False, width=160))
    tracker = EventTracker()
    with display:
        display.started("prod", "destroy", tracker)
        display.finished(StackResult("prod", "prod", "destroy", Outcome.FAILED, 2.0, 1, message="resource is protected"))

    assert buffer.getvalue().splitlines() == ["prod: destroy started", "prod: destroy failed in 2.0s (resource is protected)"]


def test_summary_has_counts_attempts_and_details():
    drifted = ResourceChange("urn:x", "aws:ec2/vpc:Vpc", "workload-vpc", "update", ("tags",))
    results = [
        StackResult("dev", "dev", "up", Outcome.SUCCEEDED, 1.5, 3, changes={"create": 2, "same": 5, "replace": 1}),
        StackResult("prod", "prod", "up", Outcome.SKIPPED, message="not started: dev did not succeed"),
        StackResult("dev", "dev", "drift:cloud", Outcome.DRIFTED, 1.0, 1, changes={"update": 1}, changed_resources=[drifted]),
    ]
    console, buffer = terminal()
    console.print(summary_table(results))
    print_details(console, results)

    lines = buffer.getvalue().splitlines()
    dev_row = next(line for line in lines if "│ dev" in line and " up " in line)
    assert [c.strip() for c in dev_row.split("│")[3:8]] == ["2", "0", "1", "0", "5"]
    assert "succeeded (3 attempts)" in dev_row
    assert "prod up: not started: dev did not succeed" in lines
    assert "  update   aws:ec2/vpc:Vpc workload-vpc [tags]" in lines
