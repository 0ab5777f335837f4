"""Shared test helpers: the fake CLI's call log, a throwaway project, results of a platformctl run."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FAKE = Path(__file__).with_name("fake_pulumi.py")
POLICY_PACKS = ("security-baseline", "tagging")


def write_stack(project: Path, name: str, environment: str, shared_stack: str | None = None) -> None:
    lines = ["config:", f"  aiplatform:environment: {environment}"]
    if shared_stack:
        lines.append(f"  aiplatform:sharedStack: {shared_stack}")
    (project / f"Pulumi.{name}.yaml").write_text("\n".join(lines) + "\n")


def make_project(root: Path) -> Path:
    """Pulumi.yaml and the three stack files of this repository, a stub program, two policy packs."""
    root.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.shared.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(REPO / name, root / name)
    (root / "__main__.py").write_text("# the fake CLI never runs the program\n")
    for pack in POLICY_PACKS:
        (root / "policies" / pack).mkdir(parents=True)
        (root / "policies" / pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (root / "policies" / "README-only").mkdir()  # no PulumiPolicy.yaml: not a pack
    return root


def install_fake(directory: Path) -> Path:
    """directory/bin/pulumi running the fake with this interpreter (so it can speak gRPC too).

    The suite calls it some 300 times, and most of a call is the interpreter's start-up: it starts without the
    site module (-S), from the fake's cached bytecode (written even where PYTHONDONTWRITEBYTECODE is set).
    """
    bin_dir = directory / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "pulumi"
    # sys.path[0] as a script run has it (-c would put the working directory, the project, first)
    load = f"import sys; sys.path[0] = {str(FAKE.parent)!r}; import {FAKE.stem}; sys.exit({FAKE.stem}.run())"
    script.write_text(f'#!/bin/sh\nPYTHONDONTWRITEBYTECODE= exec {shlex.quote(sys.executable)} -S -c {shlex.quote(load)} "$@"\n')
    script.chmod(0o755)
    return bin_dir


@dataclass
class FakeCli:
    bin_dir: Path
    log_path: Path
    state_dir: Path
    home: Path
    monkeypatch: pytest.MonkeyPatch

    def set(self, **env: str | int | float) -> None:
        for key, value in env.items():
            self.monkeypatch.setenv(f"FAKE_PULUMI_{key.upper()}", str(value))

    def calls(self, command: str | None = None, stack: str | None = None) -> list[dict]:
        if not self.log_path.exists():
            return []
        entries = [json.loads(line) for line in self.log_path.read_text().splitlines()]
        for e in entries:
            e["args"] = [a for a in e["argv"] if a != "--non-interactive"]
            e["command"] = " ".join(e["args"][:2]) if e["args"][:1] == ["stack"] else (e["args"] or [""])[0]
        return [e for e in entries if (command is None or e["command"] == command) and (stack is None or e["stack"] == stack)]

    def operations(self) -> list[tuple[str, str]]:
        """(command, stack) of every engine operation, in the order they started."""
        ops = sorted(self.calls(), key=lambda e: e["start"])
        return [(e["command"], e["stack"]) for e in ops if e["command"] in ("preview", "up", "refresh", "destroy")]

    def env(self) -> dict[str, str]:
        return dict(os.environ)


@dataclass
class Run:
    code: int
    out: str
    err: str
    doc: dict | None

    def result(self, stack: str, operation: str | None = None) -> dict:
        assert self.doc is not None, self.err
        rows = [r for r in self.doc["results"] if r["stack"] == stack and (operation is None or r["operation"] == operation)]
        assert len(rows) == 1, rows
        return rows[0]
