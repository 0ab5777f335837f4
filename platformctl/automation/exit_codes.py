"""Exit statuses of the deploy commands (also printed by --help)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from platformctl.automation.results import Outcome

if TYPE_CHECKING:
    from platformctl.automation.runner import RunReport

OK = 0
FAILED = 1
USAGE = 2
DRIFT = 3
NOT_CONFIRMED = 4
SETUP = 5
INTERRUPTED = 130

HELP = """exit codes:
  0    every stack succeeded (drift: no stack drifted)
  1    an operation failed on at least one stack (errors, policy violations, a lock that never cleared);
       stacks behind it in promotion order were skipped
  2    bad arguments or project files (unknown stack, missing --confirm-destroy, ...)
  3    drift: at least one stack drifted and none failed
  4    not confirmed: the prompt was declined, or no terminal to ask and no --yes
  5    setup: Pulumi CLI missing or too old, or no backend login
  130  interrupted with Ctrl-C (running updates were cancelled)"""


def exit_code_for(report: RunReport) -> int:
    outcomes = {r.outcome for r in report.results}
    if report.interrupted:
        return INTERRUPTED
    if Outcome.FAILED in outcomes:
        return FAILED
    if Outcome.DRIFTED in outcomes:
        return DRIFT
    return OK
