"""Fixtures: a throwaway copy of the project and the fake `pulumi` CLI on PATH."""

from __future__ import annotations

import io
import json
import os
import sys
import threading
from pathlib import Path

import pytest
from automation_testkit import FakeCli, Run, install_fake, make_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def fake_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeCli:
    bin_dir = install_fake(tmp_path / "fake")
    home = tmp_path / "pulumi-home"
    (home / "plugins").mkdir(parents=True)
    (home / "credentials.json").write_text("{}")  # stands for a login; only linked, never read
    cli = FakeCli(bin_dir, tmp_path / "calls.jsonl", tmp_path / "fake-state", home, monkeypatch)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PULUMI_HOME", str(home))
    monkeypatch.setenv("FAKE_PULUMI_LOG", str(cli.log_path))
    monkeypatch.setenv("FAKE_PULUMI_STATE", str(cli.state_dir))
    monkeypatch.setenv("FAKE_PULUMI_STACKS", "shared,dev,prod")
    for var in [v for v in os.environ if v.startswith("FAKE_PULUMI_") and v not in
                ("FAKE_PULUMI_LOG", "FAKE_PULUMI_STATE", "FAKE_PULUMI_STACKS")]:
        monkeypatch.delenv(var)
    monkeypatch.delenv("PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK", raising=False)
    return cli


@pytest.fixture
def platformctl(project: Path, fake_cli: FakeCli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run `python -m platformctl ...` in-process against the project copy; --format json unless json=False."""
    from platformctl.cli import main

    def run(*argv: str, stdin: str = "", json_out: bool = True) -> Run:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        extra = ["--project-dir", str(project), "--retry-delay", "0.01"] + (["--format", "json"] if json_out else [])
        code = main([*argv, *extra])
        out, err = capsys.readouterr()
        doc = json.loads(out) if json_out and out.strip() else None
        return Run(code, out, err, doc)

    return run


class _BriskStop:
    """The SDK's stop event for its event-log tail, polled every 5 ms instead of 0.1 s."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def wait(self, timeout: float | None = None) -> bool:
        return self.event.wait(min(timeout, 0.005) if timeout is not None else None)


@pytest.fixture(autouse=True)
def _brisk_event_tail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Automation API tails the CLI's event log, polling every 0.1 s, and waits for that tail after the CLI
    exits: with the fake's ~20 ms operations the poll was most of each operation's time (idle, ~0.5 s of a
    drift of three stacks). Only the interval changes; without the private function the SDK is left as it is."""
    from pulumi.automation import _stack

    tail = getattr(_stack, "_watch_logs", None)
    if tail is not None:
        monkeypatch.setattr(_stack, "_watch_logs",
                            lambda path, callback, stop=None: tail(path, callback, _BriskStop(stop) if stop else None))
