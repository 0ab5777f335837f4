"""``platformctl check STACK``: the offline CrossGuard gate.

Runs the stack's program under recording mocks and every policy pack through
the same analyzer protocol ``pulumi preview --policy-pack`` uses, without the
CLI, cloud credentials or provider plugins.

Exit status: the worst over all stacks: 0 no mandatory violation, 1 mandatory
violations, 2 the program, its config, a policy pack or the policy config failed
(the other stacks are still checked and reported), or a bad command line.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from platformctl import terminal
from platformctl.offline import SynthError
from platformctl.offline.runner import REPO_ROOT
from platformctl.policy_host import CheckOutcome, PolicyHostError, check_stack
from platformctl.policy_host.failure import StackFailure
from platformctl.policy_host.gate import check_stacks, repository_root
from platformctl.policy_host.report import print_table, to_json, to_sarif
from platformctl.policy_host.report_lines import to_compact, to_github
from platformctl.policy_host.state import StateError, check_state
from platformctl.terminal import LOG_WIDTH, STDOUT, synth_error_message

EXIT_OK, EXIT_VIOLATIONS, EXIT_FAILED = 0, 1, 2
HUMAN_FORMATS = ("table", "compact", "github")
FORMATS = (*HUMAN_FORMATS, "json", "sarif")


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
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="report format: table (grouped by severity), compact (one finding per line), github (workflow "
                   "annotations ::error file=...,line=...::), json, sarif (SARIF 2.1.0); default table")
    p.add_argument("--output", default=STDOUT, metavar="FILE",
                   help="write the report to FILE ('-', the default, is stdout); with a file, the --print summary still goes to stdout")
    p.add_argument("--print", dest="print_format", choices=(*HUMAN_FORMATS, "none"), default="table",
                   help="what goes to stdout when --output is a file: table (default), compact, github or none")
    p.add_argument("--preview", action="store_true",
                   help="leave computed outputs unknown, as a real preview does (exercises policies' unknown handling)")
    p.set_defaults(func=run)


def render(fmt: str, outcomes: list[CheckOutcome], failures: list[StackFailure]) -> str:
    """The report in ``fmt`` (table rendered for a file: wide, no colour)."""
    if fmt == "json":
        return json.dumps(to_json(outcomes, failures), indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(to_sarif(outcomes, failures=failures), indent=2) + "\n"
    if fmt == "compact":
        return to_compact(outcomes, failures)
    if fmt == "github":
        return to_github(outcomes, failures)
    buffer = io.StringIO()
    print_table(outcomes, Console(file=buffer, width=LOG_WIDTH, no_color=True), failures)
    return buffer.getvalue()


def _show(fmt: str, outcomes: list[CheckOutcome], failures: list[StackFailure]) -> None:
    if fmt == "table":
        print_table(outcomes, terminal.console(), failures)
    elif fmt != "none":
        sys.stdout.write(render(fmt, outcomes, failures))


def _verdict(outcome: CheckOutcome) -> str:
    return f"{'FAIL' if outcome.mandatory else 'PASS'}, {len(outcome.violations)} finding(s) in {outcome.seconds:.1f}s"


def exit_status(outcomes: list[CheckOutcome], failures: list[StackFailure]) -> int:
    """The worst of all stacks: a failure (2) over a mandatory violation (1) over a pass (0)."""
    if failures:
        return EXIT_FAILED
    return EXIT_VIOLATIONS if any(o.mandatory for o in outcomes) else EXIT_OK


def _stack_file(project_dir: Path, stack: str) -> str:
    path = project_dir.resolve() / f"Pulumi.{stack}.yaml"
    try:
        return path.relative_to(repository_root(project_dir)).as_posix() if path.exists() else ""
    except ValueError:
        return ""


def _check_together(args: argparse.Namespace, progress: terminal.Progress) -> list[CheckOutcome] | None:
    """Every stack in one synth (a stack they reference, ``shared``, runs once); None when one of them fails, so
    that the stacks are checked one by one and the failure is reported with the others' results."""
    progress.step(f"check {' '.join(args.stacks)}")
    try:
        return check_stacks(args.stacks, args.project_dir, args.packs, args.configs or (), args.preview, progress=progress.step,
                            tick=progress.counter("check: resources registered and streamed to the packs"))
    except (SynthError, PolicyHostError):
        progress.note("one stack failed: checking each stack on its own")
        return None


def run(args: argparse.Namespace) -> int:
    err = terminal.console(stderr=True)
    try:
        output = terminal.check_output_target(args.output)
    except terminal.UsageError as exc:
        terminal.print_error(err, str(exc))
        return EXIT_FAILED
    outcomes: list[CheckOutcome] = []
    failures: list[StackFailure] = []
    if not args.stacks and not args.states:
        terminal.print_error(err, "name a STACK or give --state EXPORT_JSON")
        return EXIT_FAILED
    with terminal.progress(err) as progress:
        for state in args.states:
            progress.step(f"check --state {state}")
            try:
                outcome = check_state(state, args.project_dir, args.packs, args.configs or ())
            except (StateError, PolicyHostError) as exc:
                failures.append(StackFailure(str(state), "state", str(exc)))
                progress.note(f"check --state {state}: not checked (the error is in the report)")
                continue
            outcomes.append(outcome)
            progress.note(f"check --state {state}: {_verdict(outcome)}")
        together = _check_together(args, progress) if len(args.stacks) > 1 else None
        for stack in args.stacks if together is None else ():
            progress.step(f"check {stack}")
            try:
                outcome = check_stack(stack, args.project_dir, args.packs, args.configs or (), args.preview, progress=progress.step,
                                      tick=progress.counter(f"check {stack}: resources registered"))
            except SynthError as exc:
                # Reported once, with the report; the other stacks are still checked.
                failures.append(StackFailure(stack, "program", synth_error_message(exc.stack, exc.message),
                                             _stack_file(args.project_dir, stack)))
                progress.note(f"check {stack}: not checked (the program or its config failed; the error is in the report)")
                continue
            except PolicyHostError as exc:
                failures.append(StackFailure(stack, "policy", str(exc), _stack_file(args.project_dir, stack)))
                progress.note(f"check {stack}: not checked (a policy pack or the policy config failed; the error is in the report)")
                continue
            outcomes.append(outcome)
            progress.note(f"check {stack}: {_verdict(outcome)}")
        for outcome in together or ():
            outcomes.append(outcome)
            progress.note(f"check {outcome.stack}: {_verdict(outcome)}")
        wall = progress.elapsed()
    if output is None:
        if args.format == "table":
            print_table(outcomes, terminal.console(), failures)
        else:
            terminal.write_report(None, render(args.format, outcomes, failures))
    else:
        terminal.write_report(output, render(args.format, outcomes, failures))
        _show(args.print_format, outcomes, failures)
    checked = len(args.stacks) + len(args.states)
    summary = f"{checked} stack(s) in {wall:.1f}s wall time"
    if output is not None:
        summary += f"; wrote {output}"
    err.print(Text(summary), soft_wrap=True)
    return exit_status(outcomes, failures)
