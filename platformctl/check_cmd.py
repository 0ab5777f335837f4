"""``platformctl check STACK``: the offline CrossGuard gate.

Runs the stack's program under recording mocks and every policy pack through
the same analyzer protocol ``pulumi preview --policy-pack`` uses, without the
CLI, cloud credentials or provider plugins.

Exit status: 0 no mandatory violation, 1 mandatory violations, 2 the program,
its config, a policy pack or the policy config failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from platformctl.offline import SynthError
from platformctl.offline.runner import REPO_ROOT
from platformctl.policy_host import CheckOutcome, PolicyHostError, check_stacks
from platformctl.policy_host.report import print_table, to_json, to_sarif
from platformctl.policy_host.state import StateError, check_state

EXIT_OK, EXIT_VIOLATIONS, EXIT_FAILED = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check", help="gate stacks with the CrossGuard policy packs, offline (no CLI, credentials or plugins)",
        description="Run each STACK's program under mocks and every policy pack over the Pulumi analyzer protocol, as "
        "`pulumi preview --policy-pack` would. Exit 0: no mandatory violation; 1: mandatory violations; "
        "2: the program, its config, a policy pack or the policy config failed.")
    p.add_argument("stacks", nargs="*", metavar="STACK", help="stack name(s), e.g. dev (a Pulumi.<stack>.yaml must exist)")
    p.add_argument("--state", dest="states", type=Path, action="append", default=[], metavar="EXPORT_JSON",
                   help="also judge deployed state: a `pulumi stack export` file (repeatable; no program is run)")
    p.add_argument("--project-dir", type=Path, default=REPO_ROOT, help="Pulumi Python project to gate (default: this repository)")
    p.add_argument("--policy-pack", dest="packs", type=Path, action="append", metavar="DIR",
                   help="policy pack directory (repeatable; default: every pack under this repository's policies/)")
    p.add_argument("--policy-pack-config", dest="configs", type=Path, action="append", metavar="FILE",
                   help="policy config JSON as for the CLI: one file for all packs, or one per --policy-pack in order")
    p.add_argument("--format", choices=("table", "json", "sarif"), default="table", help="report format (default: table)")
    p.add_argument("--output", type=Path, metavar="FILE", help="write the report here (json/sarif also print the table)")
    p.add_argument("--preview", action="store_true",
                   help="leave computed outputs unknown, as a real preview does (exercises policies' unknown handling)")
    p.set_defaults(func=run)


def _document(fmt: str, outcomes: list[CheckOutcome]) -> str:
    return json.dumps(to_sarif(outcomes) if fmt == "sarif" else to_json(outcomes), indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    machine_output = args.format != "table" and args.output is None
    console = Console(stderr=machine_output)
    outcomes: list[CheckOutcome] = []
    if not args.stacks and not args.states:
        console.print("[red]error:[/] name a STACK or give --state EXPORT_JSON", soft_wrap=True)
        return EXIT_FAILED
    for state in args.states:
        try:
            outcomes.append(check_state(state, args.project_dir, args.packs, args.configs or ()))
        except (StateError, PolicyHostError) as exc:
            console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
            return EXIT_FAILED
    if args.stacks:
        try:  # one synth for all stacks: a stack they reference runs once
            outcomes += check_stacks(args.stacks, args.project_dir, args.packs, args.configs or (), args.preview)
        except SynthError as exc:
            console.print(f"[red]error:[/] stack {escape(exc.stack)}: {escape(exc.message)}", soft_wrap=True)
            return EXIT_FAILED
        except PolicyHostError as exc:
            console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
            return EXIT_FAILED
    if machine_output:
        sys.stdout.write(_document(args.format, outcomes))
    elif args.format == "table" and args.output is not None:
        with args.output.open("w") as handle:
            print_table(outcomes, Console(file=handle, width=160, no_color=True))
        print_table(outcomes, console)
    else:
        print_table(outcomes, console)
        if args.output is not None:
            args.output.write_text(_document(args.format, outcomes))
            console.print(f"wrote {args.output}")
    return EXIT_VIOLATIONS if any(o.mandatory for o in outcomes) else EXIT_OK
