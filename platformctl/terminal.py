"""What every command shares about where its output goes: consoles, the ``--format``/``--output`` convention, progress.

The convention (all commands): ``--format FMT`` picks the report, ``--output FILE`` writes it there, ``-`` (the
default) is stdout. When the report goes to a file, a human summary still goes to stdout. Progress and errors go
to stderr, so stdout stays parseable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.status import Status
from rich.text import Text

STDOUT = "-"
# Off a terminal there is no width to fit: a CI log line may be long, but a message folded into 15-character
# columns is unreadable, so tables get this many columns unless COLUMNS asks for more.
LOG_WIDTH = 240


def console(stderr: bool = False) -> Console:
    """A rich console that wraps to the terminal, or lays out at LOG_WIDTH when the stream is not a terminal."""
    c = Console(stderr=stderr, highlight=False)
    if c.is_terminal:
        return c
    width = max(LOG_WIDTH, int(os.environ.get("COLUMNS", "0") or 0))
    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=False)


def add_output_arguments(p: argparse.ArgumentParser, formats: tuple[str, ...], default: str, what: str) -> None:
    p.add_argument("--format", choices=formats, default=default, help=f"{what} format (default: {default})")
    p.add_argument("--output", default=STDOUT, metavar="FILE",
                   help="write the report to FILE; '-' (default) is stdout. With a file, a human summary still goes to stdout")


class UsageError(Exception):
    """A bad command line found before any work started (exit 2)."""


def check_output_target(target: str | Path | None) -> Path | None:
    """None for stdout, else the path, after making sure it can be written (before any work starts)."""
    if target is None or str(target) == STDOUT:
        return None
    path = Path(target)
    if path.is_dir():
        raise UsageError(f"--output {path}: is a directory; name a file inside it, e.g. {path / 'report.json'}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--output {path}: directory {parent} does not exist; create it first or write elsewhere")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--output {path}: not writable; choose a file you can write")
    return path


def write_report(path: Path | None, text: str) -> None:
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        path.write_text(text)


def write_json(path: Path | None, document: Any) -> None:
    write_report(path, json.dumps(document, indent=2) + "\n")


def print_error(err: Console, message: str) -> None:
    """``error: <message>`` once, never with a second prefix: messages that already say 'error:' keep theirs."""
    text = message if message.startswith("error:") else f"error: {message}"
    err.print(Text(text, style="red"), soft_wrap=True)


def synth_error_message(stack: str, message: str) -> str:
    """A SynthError's message, prefixed with its stack only when the message does not already name it."""
    first = message.splitlines()[0] if message else ""
    return message if f"stack '{stack}'" in first or f"stack {stack}" in first else f"stack {stack}: {message}"


@dataclass
class Progress:
    """What a command is doing, on stderr: a rich status line on a terminal, one plain line per step otherwise.

    ``step`` replaces the live status (or prints a line in CI); ``note`` always prints a line (a finished step).
    """

    err: Console
    started: float = 0.0
    _status: Status | None = None

    @property
    def live(self) -> bool:
        return self.err.is_terminal

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def step(self, text: str) -> None:
        if self._status is not None:
            self._status.update(Text(text))
        else:
            self.err.print(Text(f"[{self.elapsed():5.1f}s] {text}", style="dim"), soft_wrap=True)

    def note(self, text: str) -> None:
        self.err.print(Text(f"[{self.elapsed():5.1f}s] {text}"), soft_wrap=True)

    def counter(self, label: str, every: int = 10) -> Callable[[object], None]:
        """A callback counting what it is called with, shown live on a terminal ("<label>: N so far"); silent in CI,
        where one line per resource would drown the log."""
        seen = 0

        def count(_item: object) -> None:
            nonlocal seen
            seen += 1
            if self._status is not None and seen % every == 0:
                self._status.update(Text(f"{label}: {seen} so far"))

        return count


@contextmanager
def progress(err: Console) -> Iterator[Progress]:
    p = Progress(err, started=time.perf_counter())
    if p.live:
        with err.status("starting", spinner="dots") as status:
            p._status = status
            try:
                yield p
            finally:
                p._status = None
    else:
        yield p
