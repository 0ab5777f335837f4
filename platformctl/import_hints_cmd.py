"""``platformctl import-hints --stack STACK``: print ``pulumi import`` commands for existing security singletons."""

from __future__ import annotations

import argparse
from pathlib import Path

from platformctl import terminal
from platformctl.import_hints import import_hints, render
from platformctl.offline import SynthError, synth
from platformctl.offline.runner import REPO_ROOT
from platformctl.terminal import synth_error_message


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import-hints", help="print `pulumi import` commands for GuardDuty, Security Hub, Macie, Config and trails that already exist",
        description="Synthesize STACK offline and print one `pulumi import` command per account/region singleton it would "
        "create (GuardDuty detector, Security Hub account and standard, Macie, AWS Config recorder/channel/status and its "
        "service-linked role, the platform trail), with the exact type, name, parent, provider and id. For accounts "
        "where these already exist (enabled by hand, or a trail kept by destroy). Services an organization's delegated "
        "administrator manages are turned off in config instead (the key is printed with each command).")
    p.add_argument("--stack", required=True, metavar="NAME", help="stack name, e.g. dev")
    p.add_argument("--project-dir", type=Path, default=REPO_ROOT, help="Pulumi project (default: this repository)")
    terminal.add_output_arguments(p, ("text", "json"), "text", "report")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    err = terminal.console(stderr=True)
    try:
        output = terminal.check_output_target(args.output)
    except terminal.UsageError as exc:
        terminal.print_error(err, str(exc))
        return 2
    with terminal.progress(err) as progress:
        progress.step(f"import-hints {args.stack}: synthesizing")
        try:
            snapshot = synth(args.stack, args.project_dir)
        except SynthError as exc:
            terminal.print_error(err, synth_error_message(exc.stack, exc.message))
            return 2
    hints = import_hints(snapshot)
    if args.format == "json":
        terminal.write_json(output, {"stack": args.stack, "imports": [h.to_json() for h in hints],
                                     "commands": [h.command(args.stack) for h in hints]})
    else:
        terminal.write_report(output, render(args.stack, hints))
    if output is not None:
        err.print(f"wrote {len(hints)} import command(s) to {output}")
    return 0
