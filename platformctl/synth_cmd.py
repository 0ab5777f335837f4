"""``platformctl synth STACK``: run the real program for a stack under mocks, no cloud needed."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from platformctl import terminal
from platformctl.offline import Snapshot, SynthError, synth
from platformctl.offline.runner import REPO_ROOT
from platformctl.terminal import STDOUT, synth_error_message


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synth", help="run a stack's program under mocks and summarize what it would create (offline)",
                       description="Run the program for STACK under Pulumi mocks (no cloud, no credentials) and print "
                       "what it registers: resources per layer, per account and per region.")
    p.add_argument("stack", help="stack name, e.g. dev (a Pulumi.<stack>.yaml must exist)")
    p.add_argument("--project-dir", type=Path, default=REPO_ROOT, help="Pulumi project to run (default: this repository)")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="table: the summary (default); json: every recorded resource (the snapshot)")
    p.add_argument("--output", default=STDOUT, metavar="FILE",
                   help="write the report to FILE ('-', the default, is stdout); with a file, the summary still goes to stdout")
    p.add_argument("--json", dest="json_out", metavar="FILE", help=argparse.SUPPRESS)  # old spelling of --format json --output FILE
    p.add_argument("--types", action="store_true", help="also list resource counts per type")
    p.set_defaults(func=run)


def _account_region(snap: Snapshot) -> tuple[Counter, Counter]:
    accounts: Counter = Counter()
    regions: Counter = Counter()
    for r in snap.resources:
        if not r.custom or r.is_provider or r.read:
            continue
        placed = snap.placement(r)
        if placed is None:
            accounts["(default provider)"] += 1
            continue
        account, region = placed
        accounts[account or "(any)"] += 1
        regions[region or "(unset)"] += 1
    return accounts, regions


def print_summary(snap: Snapshot, console: Console, types: bool = False, wall_seconds: float | None = None) -> None:
    custom = [r for r in snap.resources if r.custom and not r.is_provider and not r.read]
    took = f"{wall_seconds:.1f}s" if wall_seconds is not None else f"{snap.seconds:.1f}s under mocks"
    console.print(f"[bold]{snap.project}/{snap.stack}[/]: {len(custom)} resources, "
                  f"{sum(r.is_provider for r in snap.resources)} providers, {len(snap.outputs)} outputs ({took})")
    layers = Counter(snap.layer_of(r) for r in custom)
    accounts, regions = _account_region(snap)
    for title, counts in (("layer", layers), ("account", accounts), ("region", regions)):
        table = Table(title=f"resources per {title}", title_justify="left")
        table.add_column(title)
        table.add_column("resources", justify="right")
        for key, n in sorted(counts.items()):
            table.add_row(key, str(n))
        console.print(table)
    if types:
        table = Table(title="resources per type", title_justify="left")
        table.add_column("type")
        table.add_column("count", justify="right")
        for key, n in sorted(Counter(r.type for r in custom).items()):
            table.add_row(key, str(n))
        console.print(table)
    for warning in snap.warnings:
        console.print(f"[yellow]warning:[/] {warning}")


def report_error(exc: SynthError) -> None:
    """One clear message on stderr; a program bug keeps its traceback, a user mistake never gets one."""
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    err.print(f"error: {synth_error_message(exc.stack, exc.message)}", markup=False, style="red" if exc.user_error else None)


def run(args: argparse.Namespace) -> int:
    if args.json_out is not None:
        args.format, args.output = "json", args.json_out
    err = terminal.console(stderr=True)
    try:
        output = terminal.check_output_target(args.output)
    except terminal.UsageError as exc:
        terminal.print_error(err, str(exc))
        return 2
    # JSON on stdout keeps stdout parseable: the summary goes to stderr then.
    summary_console = err if args.format == "json" and output is None else terminal.console()
    progress: terminal.Progress

    def on_stack(stack: str, snap: Snapshot | None) -> None:
        if snap is None:
            progress.step(f"synth {stack}: running the program under mocks")
        else:
            managed = sum(1 for r in snap.resources if r.custom and not r.is_provider and not r.read)
            progress.note(f"synth {stack}: {managed} resources registered")

    with terminal.progress(err) as progress:
        try:
            snap = synth(args.stack, args.project_dir, on_stack=on_stack,
                         on_record=progress.counter(f"synth {args.stack}: resources registered"))
        except SynthError as exc:
            report_error(exc)
            return 2
        wall = progress.elapsed()
    if args.format == "json" and output is not None:
        snap.save(output)  # first: a closed stdout pipe must not cost the file
    print_summary(snap, summary_console, args.types, wall_seconds=wall)
    if args.format == "json":
        if output is None:
            terminal.write_report(None, snap.document() + "\n")
        else:
            summary_console.print(f"wrote {output}")
    return 0
