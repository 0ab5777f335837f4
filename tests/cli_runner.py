"""Run ``python -m platformctl`` as a user would: a subprocess, with or without a terminal (a pty) on stdout/stderr."""

from __future__ import annotations

import argparse
import os
import pty
import select
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def subcommands(argv: Sequence[str] = ()) -> dict[str, argparse.ArgumentParser]:
    """The subcommands' parsers that ``platformctl.cli.build_parser(argv)`` registers, by name."""
    from platformctl.cli import build_parser

    return next(a for a in build_parser(argv)._subparsers._group_actions if a.choices).choices  # type: ignore[union-attr]


@dataclass
class CliRun:
    code: int
    stdout: str
    stderr: str  # with a terminal, stdout and stderr share it: both hold the terminal's text


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR", "TERM")}
    env["PYTHONPATH"] = str(ROOT)
    return {**env, **(extra or {})}


def run_cli(*argv: str, tty: bool = False, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 300) -> CliRun:
    cmd = [sys.executable, "-m", "platformctl", *argv]
    if not tty:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env(env), timeout=timeout)
        return CliRun(proc.returncode, proc.stdout, proc.stderr)
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=slave, stdout=slave, stderr=slave, env=_env({"TERM": "xterm-256color", **(env or {})}))
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            proc.kill()
            raise TimeoutError(" ".join(argv))
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout=timeout)
    text = b"".join(chunks).decode(errors="replace")
    return CliRun(code, text, text)
