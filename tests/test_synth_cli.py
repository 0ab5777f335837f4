"""`python -m platformctl synth STACK`, the README's main command, end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from platformctl.offline import Snapshot
from tests.conftest import ROOT

pytestmark = pytest.mark.heavy


def test_synth_prints_counts_per_layer_account_and_region_and_writes_json(tmp_path, snapshots):
    out = tmp_path / "dev.json"
    proc = subprocess.run([sys.executable, "-m", "platformctl", "synth", "dev", "--format", "json", "--output", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    snap = Snapshot.load(out)
    managed = [r for r in snap.resources if r.custom and not r.is_provider and not r.read]
    headline = re.search(r"aiplatform/dev: (\d+) resources, (\d+) providers", proc.stdout)
    assert headline and int(headline[1]) == len(managed) and int(headline[2]) == sum(r.is_provider for r in snap.resources)
    # Every managed resource is in the workload account and region: the account and region tables say so.
    assert re.search(rf"333333333333\s*│\s*{len(managed)}\s*│", proc.stdout)
    assert re.search(rf"us-east-1\s*│\s*{len(managed)}\s*│", proc.stdout)
    for layer in ("aiplatform:data:DataLake", "aiplatform:network:Network", "aiplatform:training:TrainingLayer"):
        assert layer in proc.stdout
    assert "default provider" not in proc.stdout
    # Reproducible: this fresh run (no synth cache in its environment) writes the bytes of the session's own run.
    snapshots["dev"].save(tmp_path / "session.json")
    assert out.read_bytes() == (tmp_path / "session.json").read_bytes()
    assert '"seconds"' not in out.read_text()  # a duration is a measurement, not a record
    # Progress on stderr, plain lines off a terminal: shared (which dev references) first, then dev.
    steps = [line.split("] ", 1)[1] for line in proc.stderr.splitlines() if line.startswith("[")]
    assert [s for s in steps if s.endswith("running the program under mocks")] == [
        "synth shared: running the program under mocks", "synth dev: running the program under mocks"]
    assert f"synth dev: {len(managed)} resources registered" in steps
    # The headline's time is the command's wall time: both programs ran inside it.
    took = float(re.search(r"outputs \((\d+\.\d)s\)", proc.stdout)[1])
    last_step = float(re.search(r"\[\s*(\d+\.\d)s\] synth dev: \d+ resources registered", proc.stderr)[1])
    assert took >= last_step > 0


def test_json_on_stdout_is_the_document_a_file_gets(snapshots, capsys):
    """The same bytes whichever way the JSON goes: no duration, nothing of the cache's (this run reads the cache)."""
    from platformctl.cli import main

    assert main(["synth", "dev", "--format", "json"]) == 0
    printed = capsys.readouterr().out
    assert '"seconds"' not in printed and '"stack_files_read"' not in printed
    assert json.loads(printed) == json.loads(snapshots["dev"].document())
