"""``platformctl preview|up|refresh|destroy|drift``: the stacks of this project through the Pulumi Automation API."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from pulumi.automation import LocalWorkspace, LocalWorkspaceOptions
from rich.console import Console
from rich.text import Text

from platformctl import terminal
from platformctl.automation import exit_codes
from platformctl.automation.confirm import ask, missing_destroy_confirmation, stacks_to_confirm
from platformctl.automation.display import ProgressDisplay, print_details, summary_table
from platformctl.automation.errors import AutomationSetupError
from platformctl.automation.isolation import PulumiHomes
from platformctl.automation.operations import DRIFT_CHECKS, Settings
from platformctl.automation.plan import PROMOTION_LEVELS, Plan, PlanError, plan_stacks
from platformctl.automation.policies import discover_policy_packs
from platformctl.automation.pulumi_cli import check_login, resolve_pulumi_command
from platformctl.automation.runner import Runner
from platformctl.offline.runner import REPO_ROOT
from platformctl.terminal import STDOUT

ORDER_HELP = (f"Stacks run in promotion order {' -> '.join(PROMOTION_LEVELS)} (by each stack's aiplatform:environment; other "
              "environments last); inside a level a stack that references another (aiplatform:sharedStack) runs after it. "
              "destroy runs in the reverse order.")

DESCRIPTIONS = {
    "preview": "Preview the stacks with every policy pack in policies/ attached (what `up` would do). Changes nothing.",
    "up": "Deploy the stacks with every policy pack in policies/ attached. A stack starts only after the stacks before "
          "it succeeded (promotion gate). Deploying a prod stack asks for confirmation unless --yes.",
    "refresh": "Refresh the stacks' state from the cloud (writes the state). Promotion-gated like up.",
    "destroy": "Destroy the stacks' resources, dependents first. Always asks for confirmation unless --yes; a prod stack "
               "also needs --confirm-destroy <stack>. Protected resources stay protected: destroy stops at them "
               "(or skips them with --exclude-protected). What remains by design: ",
    "drift": "Detect drift for nightly jobs, without writing state: `refresh --preview-only --expect-no-changes` (cloud vs "
             "state) and `preview --expect-no-changes` with the policy packs (code vs state). Lists the drifted "
             "resources; exits 3 when any stack drifted.",
}
# The deploy role denies cloudtrail:DeleteTrail/StopLogging, so every stack retains its trails (retain_on_delete).
RETAINED_AFTER_DESTROY = ("each account's CloudTrail trail (<org>-platform-trail) keeps logging to the log archive: the trail is "
                          "retain_on_delete because the deploy role may not delete or stop trails; destroy drops it from the "
                          "state. Remove it, if the account is closed, as an administrator with `aws cloudtrail delete-trail "
                          "--name <org>-platform-trail`; a later `up` of the stack imports it first (platformctl import-hints)")
DESCRIPTIONS["destroy"] += RETAINED_AFTER_DESTROY + "."

HELPS = {
    "preview": "preview stacks through the Automation API, policy packs attached",
    "up": "deploy stacks in promotion order, policy packs attached",
    "refresh": "refresh stack state from the cloud",
    "destroy": "destroy stacks (confirmation; prod needs --confirm-destroy)",
    "drift": "report drifted resources; non-zero exit when any (nightly job)",
}


def _common(p: argparse.ArgumentParser, operation: str) -> None:
    p.add_argument("--stack", action="append", metavar="NAME", dest="stacks",
                   help="stack to run (repeatable); default: every Pulumi.<stack>.yaml, in promotion order")
    p.add_argument("--project-dir", type=Path, default=REPO_ROOT, help="Pulumi project to drive (default: this repository)")
    p.add_argument("--policies-dir", type=Path, help="directory of policy packs (default: <project-dir>/policies)")
    p.add_argument("--parallel", type=int, default=1, metavar="N",
                   help="run up to N independent stacks of the same promotion wave at once (default 1); each has its "
                        "own LocalWorkspace and PULUMI_HOME workspace settings")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="table (default) or json: one document with every stack's result (also on setup and usage errors)")
    p.add_argument("--output", default=STDOUT, metavar="FILE",
                   help="write the report to FILE ('-', the default, is stdout; with json there, progress and the table go "
                        "to stderr); with a file, the table still goes to stdout")
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # old spelling of --format json --output -
    p.add_argument("--pulumi-root", type=Path, metavar="DIR", help="use DIR/bin/pulumi instead of `pulumi` on PATH")
    p.add_argument("--retries", type=int, default=3, metavar="N",
                   help="retries when the stack is locked by another update (ConcurrentUpdateError), default 3")
    p.add_argument("--retry-delay", type=float, default=5.0, metavar="SECONDS",
                   help="first retry delay, doubled each retry up to 60s (default 5)")
    p.add_argument("--shared-pulumi-home", action="store_true",
                   help="use your PULUMI_HOME directly instead of a private copy of its workspace settings per stack "
                        "(only with --parallel 1)")
    p.add_argument("--show-output", action="store_true", help="also stream the Pulumi CLI's own output, prefixed by stack")
    if operation in ("up", "refresh", "destroy"):
        p.add_argument("--no-promotion-gate", "--continue-on-error", dest="promotion_gate", action="store_false",
                       help="run later stacks even if an earlier one failed (stack level; never passes Pulumi's "
                            "own --continue-on-error)")
        p.add_argument("--message", "-m", help="message recorded with the update")
    if operation in ("up", "destroy"):
        p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    if operation == "destroy":
        p.add_argument("--confirm-destroy", action="append", default=[], metavar="STACK",
                       help="required (repeatable) for each prod stack to destroy, naming it, e.g. --confirm-destroy prod")
        p.add_argument("--exclude-protected", action="store_true",
                       help="destroy everything except protected resources (they are never unprotected)")
    if operation == "drift":
        p.add_argument("--check", choices=DRIFT_CHECKS, default="both",
                       help="cloud: refresh --preview-only (cloud vs state); code: preview (program vs state); default both")


def register(sub: argparse._SubParsersAction) -> None:
    for operation in ("preview", "up", "refresh", "destroy", "drift"):
        p = sub.add_parser(operation, help=HELPS[operation], description=textwrap.fill(f"{DESCRIPTIONS[operation]} {ORDER_HELP}", 100),
                           epilog=exit_codes.HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
        _common(p, operation)
        p.set_defaults(func=run, operation=operation)


def _console(stderr: bool) -> Console:
    # CI logs are not terminals; rich would squeeze the table into 80 columns
    return terminal.console(stderr=stderr)


class _Failer:
    """Prints ``error: ...`` on stderr and, with --format json, also writes the JSON error document (nightly jobs parse it)."""

    def __init__(self, args: argparse.Namespace, output: Path | None):
        self.args = args
        self.output = output

    def __call__(self, console: Console, message: str, code: int) -> int:
        terminal.print_error(console, message)
        if self.args.format == "json":
            terminal.write_json(self.output, {"operation": self.args.operation, "project_dir": str(self.args.project_dir),
                                              "exit_code": code, "error": {"code": code, "message": message}, "results": []})
        return code


def _check_destroy_flags(err: Console, args: argparse.Namespace, plan: Plan, fail: _Failer) -> int | None:
    """A usage error when a production stack would be destroyed without --confirm-destroy naming it."""
    if args.operation != "destroy":
        return None
    missing = missing_destroy_confirmation(plan.stacks, args.confirm_destroy)
    if not missing:
        return None
    names = ", ".join(s.name for s in missing)
    flags = " ".join(f"--confirm-destroy {s.name}" for s in missing)
    return fail(err, f"destroying production stack {names} also needs {flags}", exit_codes.USAGE)


def _confirm(err: Console, args: argparse.Namespace, plan: Plan, fail: _Failer) -> int | None:
    """None to go on, or the exit code to stop with."""
    to_confirm = stacks_to_confirm(args.operation, plan.stacks)
    if not to_confirm or getattr(args, "yes", False):
        return None
    names = ", ".join(s.name for s in to_confirm)
    prompt = f"{args.operation} stack(s) {names} in {args.project_dir}? Type 'yes' to continue: "
    if not ask(prompt, lambda text: err.input(text)):
        return fail(err, f"{args.operation} of {names} not confirmed; nothing was run (pass --yes to skip the prompt)",
                     exit_codes.NOT_CONFIRMED)
    return None


def run(args: argparse.Namespace) -> int:
    if args.json:
        args.format, args.output = "json", STDOUT
    err = _console(stderr=True)
    try:
        output = terminal.check_output_target(args.output)
    except terminal.UsageError as exc:
        return _Failer(args, None)(err, str(exc), exit_codes.USAGE)
    json_on_stdout = args.format == "json" and output is None
    out = err if json_on_stdout else _console(stderr=False)
    project_dir = args.project_dir.resolve()
    args.project_dir = project_dir
    fail = _Failer(args, output)
    if args.parallel < 1:
        return fail(err, f"--parallel {args.parallel}: must be 1 or more", exit_codes.USAGE)
    if args.parallel > 1 and args.shared_pulumi_home:
        return fail(err, "--shared-pulumi-home cannot be combined with --parallel > 1: parallel stacks would write the "
                          "same workspace settings file (pulumi/pulumi#8186); drop one of the flags", exit_codes.USAGE)
    if args.retries < 0 or args.retry_delay < 0:
        return fail(err, "--retries and --retry-delay must not be negative", exit_codes.USAGE)
    try:
        plan = plan_stacks(project_dir, args.stacks)
    except PlanError as exc:
        return fail(err, str(exc), exit_codes.USAGE)
    stop = _check_destroy_flags(err, args, plan, fail)
    if stop is not None:
        return stop

    try:
        command = resolve_pulumi_command(args.pulumi_root)
        user = check_login(LocalWorkspace(**LocalWorkspaceOptions(work_dir=str(project_dir), pulumi_command=command).__dict__))
    except AutomationSetupError as exc:
        return fail(err, str(exc), exit_codes.SETUP)

    stop = _confirm(err, args, plan, fail)
    if stop is not None:
        return stop

    packs = discover_policy_packs(args.policies_dir or project_dir / "policies")
    waves = " -> ".join("[" + ", ".join(s.name for s in wave) + "]" for wave in
                        (plan.reversed().waves if args.operation == "destroy" else plan.waves))
    err.print(Text(f"{args.operation} as {user}: {waves}"))
    if args.operation in ("preview", "up", "drift"):
        if packs:
            err.print(Text(f"policy packs: {', '.join(p.name for p in packs)}"))
        else:
            err.print(Text(f"warning: no policy packs (no */PulumiPolicy.yaml under {args.policies_dir or project_dir / 'policies'})",
                           style="yellow"))

    def show_output(stack: str, line: str) -> None:
        err.print(Text(f"[{stack}] {line}"), highlight=False)

    settings = Settings(operation=args.operation, project_dir=project_dir, command=command, policy_packs=packs,
                        message=getattr(args, "message", None), exclude_protected=getattr(args, "exclude_protected", False),
                        drift_check=getattr(args, "check", "both"), retries=args.retries, retry_delay=args.retry_delay,
                        show_output=show_output if args.show_output else None)
    homes = None if args.shared_pulumi_home else PulumiHomes()
    try:
        with ProgressDisplay(err) as display:
            runner = Runner(settings, display, parallel=args.parallel, promotion_gate=getattr(args, "promotion_gate", True),
                            homes=homes, on_interrupt=display.note)
            report = runner.run(plan)
    finally:
        if homes is not None:
            homes.close()

    out.print(summary_table(report.results))
    print_details(out, report.results)
    for problem in report.cancel_errors:
        err.print(Text(problem, style="red"))
    if args.operation == "destroy":
        err.print(Text(f"note: retained by design: {RETAINED_AFTER_DESTROY}.", style="yellow"), soft_wrap=True)
    code = report.exit_code
    if args.format == "json":
        document = {"operation": args.operation, "project_dir": str(project_dir), "policy_packs": [str(p) for p in packs],
                    "waves": [[s.name for s in wave] for wave in plan.waves], "exit_code": code, "error": None,
                    "interrupted": report.interrupted, "results": [r.as_dict() for r in report.results]}
        terminal.write_json(output, document)
    return code
