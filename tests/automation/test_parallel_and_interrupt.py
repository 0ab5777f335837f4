"""--parallel with per-stack workspace state, and Ctrl-C cancelling the running update."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import exit_statuses
import pytest
from automation_testkit import REPO, FakeCli, write_stack

pytestmark = pytest.mark.heavy


@pytest.fixture
def two_dev_stacks(project: Path, fake_cli: FakeCli) -> Path:
    """dev and dev-eu: same promotion level, independent of each other, both reference shared."""
    write_stack(project, "dev-eu", "dev", shared_stack="acme/aiplatform/shared")
    fake_cli.set(stacks="shared,dev,dev-eu,prod")
    return project


def intervals(fake_cli: FakeCli, command: str) -> dict[str, tuple[float, float]]:
    return {c["stack"]: (c["start"], c["end"]) for c in fake_cli.calls(command)}


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_independent_stacks_of_one_level_run_in_parallel(platformctl, fake_cli: FakeCli, two_dev_stacks: Path):
    # Each of the two ups waits until both have started: only ups run at once meet (however loaded the machine).
    fake_cli.set(rendezvous="up:dev,dev-eu")
    run = platformctl("up", "--yes", "--parallel", "2")

    assert run.code == exit_statuses.OK, run.err
    assert run.doc["waves"] == [["shared"], ["dev", "dev-eu"], ["prod"]]
    assert sorted((c["stack"], c.get("met")) for c in fake_cli.calls("up") if c["stack"] in ("dev", "dev-eu")) == [
        ("dev", True), ("dev-eu", True)]
    ups = intervals(fake_cli, "up")
    # promotion order still holds around the parallel wave
    assert ups["shared"][1] <= min(ups["dev"][0], ups["dev-eu"][0])
    assert max(ups["dev"][1], ups["dev-eu"][1]) <= ups["prod"][0]


def test_without_parallel_stacks_run_one_at_a_time(platformctl, fake_cli: FakeCli, two_dev_stacks: Path):
    fake_cli.set(sleep=0.04)  # 160 ms a preview: two run at once (started together) would overlap
    run = platformctl("preview")

    assert run.code == exit_statuses.OK, run.err
    previews = intervals(fake_cli, "preview")
    assert not overlap(previews["dev"], previews["dev-eu"])


def test_each_stack_gets_its_own_workspace_settings(platformctl, fake_cli: FakeCli, two_dev_stacks: Path):
    run = platformctl("preview", "--parallel", "2")

    assert run.code == exit_statuses.OK, run.err
    homes = {c["stack"]: c["pulumi_home"] for c in fake_cli.calls("preview")}
    assert len(set(homes.values())) == 4
    assert str(fake_cli.home) not in homes.values()
    # `stack select` wrote its selection into the private homes only, and they are gone afterwards
    assert not (fake_cli.home / "workspaces").exists()
    assert not any(Path(h).exists() for h in homes.values())


def test_shared_pulumi_home_is_used_as_is_when_asked(platformctl, fake_cli: FakeCli):
    run = platformctl("preview", "--stack", "dev", "--shared-pulumi-home")

    assert run.code == exit_statuses.OK, run.err
    assert {c["pulumi_home"] for c in fake_cli.calls()} == {str(fake_cli.home)}
    assert json.loads((fake_cli.home / "workspaces" / "aiplatform-0000-workspace.json").read_text()) == {"stack": "dev"}


def test_shared_pulumi_home_cannot_run_in_parallel(platformctl, fake_cli: FakeCli):
    run = platformctl("preview", "--shared-pulumi-home", "--parallel", "2")

    assert run.code == exit_statuses.USAGE
    assert "8186" in run.err and fake_cli.calls() == []


def test_a_failure_in_a_parallel_wave_lets_its_sibling_finish_but_gates_the_next(platformctl, fake_cli: FakeCli,
                                                                                   two_dev_stacks: Path):
    fake_cli.set(fail="up:dev")

    run = platformctl("up", "--yes", "--parallel", "2")

    assert run.code == exit_statuses.FAILED
    assert run.result("dev")["outcome"] == "failed"
    assert run.result("dev-eu")["outcome"] == "succeeded"
    assert run.result("prod")["outcome"] == "skipped"


def wait_for(path: Path, timeout: float = 90.0) -> None:  # a ceiling: a loaded CI machine starts the CLI slowly
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def test_ctrl_c_cancels_the_running_update_and_starts_nothing_else(project: Path, fake_cli: FakeCli):
    # An update far longer than the signal's path (a cancel ends it at once): on a loaded machine a short one
    # finished before the cancel arrived.
    fake_cli.set(sleep=10, resources=6)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # As from a terminal: SIGINT's default action even when this run inherited it ignored (a job started with '&' or
    # nohup, as bench/perf.py's suite run was: the ignored signal passed on to the CLI, which never saw the Ctrl-C).
    proc = subprocess.Popen(
        [sys.executable, "-m", "platformctl", "up", "--yes", "--project-dir", str(project), "--json"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        wait_for(fake_cli.state_dir / "running-up-shared")
        proc.send_signal(signal.SIGINT)  # our process only: the CLI must be stopped through stack.cancel()
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()

    assert proc.returncode == exit_statuses.INTERRUPTED, err
    cancels = fake_cli.calls("cancel")
    assert len(cancels) == 1 and "shared" in cancels[0]["args"]
    assert fake_cli.operations() == [("up", "shared")]
    assert fake_cli.calls("up")[0]["exit"] != 0
    doc = json.loads(out)
    assert [(r["stack"], r["outcome"]) for r in doc["results"]] == [
        ("shared", "cancelled"), ("dev", "cancelled"), ("prod", "cancelled")]
    assert "Traceback" not in err
