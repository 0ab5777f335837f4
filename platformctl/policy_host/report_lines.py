"""Line-oriented check reports for logs: ``compact`` (one finding per line) and ``github`` (workflow annotations).

Both list every finding of every judged stack and one line per stack that could not be judged, then a
verdict per stack, so a CI log reads the same whether or not the table fits.
"""

from __future__ import annotations

from collections.abc import Sequence

from platformctl.policy_host.failure import StackFailure
from platformctl.policy_host.gate import CheckOutcome
from platformctl.policy_host.model import Violation


def _location(v: Violation, outcome: CheckOutcome) -> tuple[str, int]:
    return (v.source_file, v.source_line) if v.source_file else (outcome.stack_file, 1)


def _verdict(outcome: CheckOutcome) -> str:
    mandatory = len(outcome.mandatory)
    advisory = len(outcome.violations) - mandatory
    unjudged = f", {len(outcome.not_judged)} not judged" if outcome.not_judged else ""
    return f"{'FAIL' if mandatory else 'PASS'} {outcome.stack}: {mandatory} mandatory, {advisory} advisory violation(s){unjudged}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def to_compact(outcomes: Sequence[CheckOutcome], failures: Sequence[StackFailure] = ()) -> str:
    lines = []
    for outcome in outcomes:
        for v in outcome.violations:
            where, line = _location(v, outcome)
            lines.append(f"{where}:{line}: {v.enforcement} {v.severity} {v.policy_id} [{v.stack}] "
                         f"{v.resource_type} '{v.resource_name}': {_one_line(v.message)}")
        for v in outcome.not_judged:  # not violations: unknown until apply
            where, line = _location(v, outcome)
            lines.append(f"{where}:{line}: not-judged {v.policy_id} [{v.stack}] {v.resource_type} '{v.resource_name}': "
                         f"{_one_line(v.message)}")
    for failure in failures:
        lines.append(f"{failure.stack_file or failure.stack}: error [{failure.stack}] {_one_line(failure.message)}")
    lines += [_verdict(o) for o in outcomes]
    lines += [f"ERROR {f.stack}: not checked ({f.kind} failed)" for f in failures]
    return "\n".join(lines) + "\n"


# GitHub workflow commands: data escapes %, CR, LF; property values also ':' and ','.
def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(outcomes: Sequence[CheckOutcome], failures: Sequence[StackFailure] = ()) -> str:
    """``::error``/``::warning`` annotations: mandatory findings fail the check, advisory ones warn."""
    lines = []
    for outcome in outcomes:
        for v in outcome.violations:
            where, line = _location(v, outcome)
            command = "error" if v.mandatory else "warning"
            title = f"{v.policy_id} ({v.severity})"
            body = f"{v.message} ({v.resource_type} '{v.resource_name}', stack {v.stack})"
            if v.remediation:
                body += f"\nfix: {v.remediation}"
            lines.append(f"::{command} file={_prop(where)},line={max(1, line)},title={_prop(title)}::{_data(body)}")
        for v in outcome.not_judged:  # not violations: a notice, never failing the check
            where, line = _location(v, outcome)
            lines.append(f"::notice file={_prop(where)},line={max(1, line)},title={_prop(f'not judged: {v.policy_id}')}::"
                         f"{_data(f'{v.message} ({v.resource_type} {v.resource_name}, stack {v.stack})')}")
    for failure in failures:
        location = f"file={_prop(failure.stack_file)},line=1," if failure.stack_file else ""
        lines.append(f"::error {location}title={_prop(f'platformctl check {failure.stack}: {failure.kind} failed')}::"
                     f"{_data(failure.message)}")
    lines += [_verdict(o) for o in outcomes]
    lines += [f"ERROR {f.stack}: not checked ({f.kind} failed)" for f in failures]
    return "\n".join(lines) + "\n"
