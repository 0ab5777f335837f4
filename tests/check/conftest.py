"""Shared runs of ``platformctl check``: each (program, stack, format) is checked once per session."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from platformctl.cli import main

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
THIRD_PARTY = PROGRAMS / "thirdparty"
FIXTURE_PACK = HERE / "packs" / "basic"


@dataclass
class CheckRun:
    code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None  # the --output document (JSON or SARIF), when one was written

    def violations(self) -> list[dict[str, Any]]:
        return [v for stack in (self.report or {}).get("stacks", []) for v in stack["violations"]]

    def not_judged(self) -> list[dict[str, Any]]:
        return [v for stack in (self.report or {}).get("stacks", []) for v in stack.get("not_judged", [])]

    def found(self) -> set[tuple[str, str, str]]:
        """(policy, resource name, enforcement) of every violation."""
        return {(v["policy"], v["resource_name"], v["enforcement"]) for v in self.violations()}


class CheckRunner:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.cache: dict[tuple, CheckRun] = {}

    def __call__(self, program: Path, stack: str = "test", fmt: str = "json", packs: tuple[Path, ...] = (FIXTURE_PACK,),
                 extra: tuple[str, ...] = ()) -> CheckRun:
        key = (program, stack, fmt, packs, extra)
        if key not in self.cache:
            out = self.tmp / f"{len(self.cache)}.{fmt}"
            argv = ["check", stack, "--project-dir", str(program), "--format", fmt, "--output", str(out), *extra]
            for pack in packs:
                argv += ["--policy-pack", str(pack)]
            code, stdout, stderr = _run(argv)
            report = json.loads(out.read_text()) if out.exists() and fmt != "table" else None
            self.cache[key] = CheckRun(code, stdout, stderr, report)
        return self.cache[key]


def _run(argv: list[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="session")
def check(tmp_path_factory) -> CheckRunner:
    return CheckRunner(tmp_path_factory.mktemp("check"))
