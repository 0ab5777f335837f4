"""The deploy commands' exit statuses, as ``--help`` and docs/automation.md document them, written out.

Scripts and CI pipelines branch on these numbers, so the tests hold the program to them here instead of
reading them from ``platformctl.automation.exit_codes`` (which would let a renumbering pass unnoticed).
"""

OK = 0  # every stack succeeded (drift: no stack drifted)
FAILED = 1  # an operation failed on at least one stack
USAGE = 2  # bad arguments or project files
DRIFT = 3  # at least one stack drifted and none failed
NOT_CONFIRMED = 4  # the prompt was declined, or no terminal to ask and no --yes
SETUP = 5  # Pulumi CLI missing or too old, or no backend login
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, the shell convention)
