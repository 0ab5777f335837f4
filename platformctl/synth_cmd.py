"""``platformctl synth STACK``: run the real program for a stack under mocks, no cloud needed."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from platformctl.offline import Snapshot, SynthError, synth
from platformctl.offline.runner import REPO_ROOT


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synth", help="run a stack's program under mocks and summarize what it would create (offline)",
                       description="Run the program for STACK under Pulumi mocks (no cloud, no credentials) and print "
                       "what it registers: resources per layer, per account and per region.")
    p.add_argument("stack", help="stack name, e.g. dev (a Pulumi.<stack>.yaml must exist)")
    p.add_argument("--project-dir", type=Path, default=REPO_ROOT, help="Pulumi project to run (default: this repository)")
    p.add_argument("--json", dest="json_out", type=Path, metavar="FILE", help="also write every recorded resource as JSON")
    p.add_argument("--types", action="store_true", help="also list resource counts per type")
    p.set_defaults(func=run)


def _account_region(snap: Snapshot) -> tuple[Counter, Counter]:
    accounts: Counter = Counter()
    regions: Counter = Counter()
    for r in snap.resources:
        if not r.custom or r.is_provider or r.read:
            continue
        provider = snap.provider_of(r)
        if provider is None:
            accounts["(default provider)"] += 1
            continue
        ids = provider.inputs.get("allowedAccountIds") or "[]"
        ids = json.loads(ids) if isinstance(ids, str) else ids
        accounts[ids[0] if ids else "(any)"] += 1
        regions[provider.inputs.get("region", "(unset)")] += 1
    return accounts, regions


def print_summary(snap: Snapshot, console: Console, types: bool = False) -> None:
    custom = [r for r in snap.resources if r.custom and not r.is_provider and not r.read]
    console.print(f"[bold]{snap.project}/{snap.stack}[/]: {len(custom)} resources, "
                  f"{sum(r.is_provider for r in snap.resources)} providers, {len(snap.outputs)} outputs "
                  f"({snap.seconds:.1f}s under mocks)")
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
    err.print(f"error: stack {exc.stack}: {exc.message}", markup=False, style="red" if exc.user_error else None)


def run(args: argparse.Namespace) -> int:
    console = Console()
    try:
        snap = synth(args.stack, args.project_dir)
    except SynthError as exc:
        report_error(exc)
        return 2
    print_summary(snap, console, args.types)
    if args.json_out:
        snap.save(args.json_out)
        console.print(f"wrote {args.json_out}")
    return 0
