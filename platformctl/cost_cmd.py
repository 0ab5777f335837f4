"""``platformctl cost STACK...``: the monthly on-demand cost of each stack, estimated before ``pulumi up``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console

from config.cost import CostSettings
from platformctl import terminal
from platformctl.cost import PriceTable, budget_checks, estimate
from platformctl.cost.prices import PRICES_FILE
from platformctl.cost.report import difference, difference_markdown, print_report, to_json
from platformctl.offline import SynthError, synth_all
from platformctl.offline.project import ProjectError, load_stack_config
from platformctl.offline.runner import REPO_ROOT
from platformctl.synth_cmd import report_error


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cost", help="estimate each stack's monthly cost from its synthesized resources (offline)",
                       description="Synthesize each STACK offline and price what it creates: fixed monthly costs "
                       "(instances, interface endpoint-hours, keys, dashboards, alarms, web ACLs, ...) and usage-based "
                       "items at their unit price, estimated where `aiplatform:cost.assumptions` gives a quantity. "
                       "Compares the fixed cost with the stack's monthly budgets.")
    p.add_argument("stacks", nargs="*", metavar="STACK", help="stack name(s), e.g. dev")
    p.add_argument("--project-dir", type=Path, default=REPO_ROOT, help="Pulumi project to price (default: this repository)")
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table",
                   help="table (default), json, or markdown (with --compare: the difference, for a PR comment)")
    p.add_argument("--output", default="-", metavar="FILE", help="write the report here ('-', the default: stdout)")
    p.add_argument("--details", action="store_true", help="table: also list every line item")
    p.add_argument("--compare", type=Path, metavar="BASE_JSON",
                   help="a `cost --format json` report of the base branch: print the difference per layer")
    p.add_argument("--prices", type=Path, default=PRICES_FILE, metavar="CSV", help="price table (default: the shipped one)")
    p.add_argument("--refresh-prices", action="store_true",
                   help="rebuild the price table's instance rows from the AWS Price List API (boto3, AWS credentials)")
    p.add_argument("--region", dest="regions", action="append", metavar="REGION",
                   help="with --refresh-prices: region to price (repeatable; default: the table's regions)")
    p.set_defaults(func=run)


def assumptions(project_dir: Path, stack: str) -> dict[str, float | None]:
    """``<project>:cost.assumptions`` (or ``aiplatform:cost``) from the stack's config, validated."""
    cfg = load_stack_config(project_dir, stack)
    raw: Any = cfg.raw.get(f"{cfg.project}:cost", cfg.raw.get("aiplatform:cost", {}))
    if isinstance(raw, str):
        raw = json.loads(raw)
    try:
        return CostSettings.model_validate(raw or {}).assumptions.model_dump()
    except ValidationError as exc:
        problems = "; ".join(f"cost.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ProjectError(f"{cfg.stack_file}: {problems} (see config/cost.py for the keys and their meaning)") from None


def _refresh(args: argparse.Namespace, err: Console) -> int:
    from platformctl.cost.refresh import boto3_client, refresh

    table = PriceTable.load(args.prices)
    try:
        client = boto3_client()
        fresh, kept = refresh(table, args.regions or {p.region for p in table.prices}, client)
    except Exception as exc:  # no boto3, no credentials, throttling: say so, keep the table
        err.print(f"error: refreshing prices failed, {args.prices} unchanged: {exc}", markup=False)
        return 2
    args.prices.write_text(fresh.dumps())
    for line in kept:
        err.print(f"kept: {line}", markup=False)
    err.print(f"wrote {args.prices} ({len(fresh.prices)} prices)", markup=False)
    return 0


def _print_tables(docs: list[dict[str, Any]], console: Console, details: bool) -> None:
    for doc in docs:
        print_report(doc, console, details)


def run(args: argparse.Namespace) -> int:
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    if args.refresh_prices:
        return _refresh(args, err)
    if not args.stacks:
        err.print("error: name at least one STACK (or use --refresh-prices)")
        return 2
    try:
        output = terminal.check_output_target(args.output)
    except terminal.UsageError as exc:
        terminal.print_error(err, str(exc))
        return 2
    if args.compare and len(args.stacks) != 1:
        err.print("error: --compare takes one STACK, the one the base report was made for")
        return 2
    try:
        table = PriceTable.load(args.prices)
        usage = {stack: assumptions(args.project_dir, stack) for stack in args.stacks}
        snapshots = synth_all(args.stacks, args.project_dir)
        base = json.loads(args.compare.read_text()) if args.compare else None
    except SynthError as exc:
        report_error(exc)
        return 2
    except (ProjectError, OSError, ValueError) as exc:
        err.print(f"error: {exc}", markup=False)
        return 2
    read_on = max((p.read_on for p in table.prices), default="never")
    docs = []
    for stack, snap in snapshots.items():
        items = estimate(snap, table, usage[stack])
        docs.append(to_json(stack, items, budget_checks(snap, items), read_on))
    if base is not None:
        rows = difference(base, docs[0])
        if args.format == "json":
            terminal.write_json(output, [{"group": g, "base": round(b, 2), "head": round(h, 2)} for g, b, h in rows])
        else:
            terminal.write_report(output, difference_markdown(args.stacks[0], rows))
    elif args.format == "json":
        terminal.write_json(output, docs[0] if len(docs) == 1 else docs)
    elif args.format == "markdown":
        totals = [(d["stack"], [("total", 0.0, d["total"]["fixed"] + d["total"]["usage"])]) for d in docs]
        terminal.write_report(output, "".join(difference_markdown(stack, rows) for stack, rows in totals))
    elif output is None:
        # A pipe or CI log is not a narrow terminal: give the tables room instead of folding every cell.
        _print_tables(docs, Console(width=None if sys.stdout.isatty() else 160), args.details)
    else:
        with output.open("w") as handle:
            _print_tables(docs, Console(file=handle, width=140, no_color=True), args.details)
    exceeded = [b for d in docs for b in d["budgets"] if b["exceeded"]]
    for b in exceeded:
        err.print(f"warning: fixed cost {b['fixed']:,.2f} USD exceeds budget {b['budget']} ({b['limit']:,.2f} USD)",
                  markup=False)
    return 0
