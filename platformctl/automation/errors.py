"""Turn Pulumi CLI failures into one message a person can act on."""

from __future__ import annotations

import re

from pulumi.automation import errors as auto_errors

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NO_CHANGES_EXPECTED = re.compile(r"no changes were expected (?:for \w+ )?but changes (?:occurred|were proposed)")
CANCELLED = re.compile(r"\b(?:update|refresh|destroy|preview) cancell?ed\b|\boperation cancell?ed\b", re.I)

# (pattern in the CLI's output, what to do about it)
HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"PULUMI_ACCESS_TOKEN must be set|not logged in|no credentials|pulumi login", re.I),
     "log in to the state backend: `pulumi login` (Pulumi Cloud: or set PULUMI_ACCESS_TOKEN; "
     "self-managed: set PULUMI_BACKEND_URL, e.g. s3://bucket)"),
    (re.compile(r"passphrase must be set|PULUMI_CONFIG_PASSPHRASE", re.I),
     "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) for the passphrase secrets provider"),
    (re.compile(r"No valid credential sources found|NoCredentialProviders|failed to refresh cached credentials|"
                r"ExpiredToken|InvalidClientTokenId|could not load AWS credentials|unable to validate AWS credentials", re.I),
     "provide AWS credentials that can assume the deploy role (aws sso login, AWS_PROFILE, or OIDC in CI)"),
    (re.compile(r"no stack named .* found", re.I),
     "the stack does not exist in the backend yet: run `python -m platformctl up --stack <name>` (or `pulumi stack init`) first"),
)


class AutomationSetupError(Exception):
    """The Pulumi CLI or the backend login is not usable; ``message`` includes the fix."""


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


def hint_for(text: str) -> str | None:
    for pattern, hint in HINTS:
        if pattern.search(text):
            return hint
    return None


def error_lines(exc: BaseException) -> list[str]:
    """The CLI's own 'error: ...' lines, else the last non-empty stderr lines."""
    text = strip_ansi(str(exc))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.lower().startswith("error:")]
    if errors:
        return list(dict.fromkeys(errors))
    if " stderr:" in text:
        tail = [ln for ln in text.split(" stderr:", 1)[1].splitlines() if ln.strip()]
        if tail:
            return [ln.strip() for ln in tail[-3:]]
    return lines[-3:] or [type(exc).__name__]


def is_concurrent_update(exc: BaseException) -> bool:
    return isinstance(exc, auto_errors.ConcurrentUpdateError)


def is_no_changes_expected(exc: BaseException) -> bool:
    return isinstance(exc, auto_errors.CommandError) and bool(NO_CHANGES_EXPECTED.search(strip_ansi(str(exc))))


def is_cancelled(exc: BaseException) -> bool:
    return isinstance(exc, auto_errors.CommandError) and bool(CANCELLED.search(strip_ansi(str(exc))))


def describe_failure(exc: BaseException) -> str:
    """One or a few lines: what the CLI said, plus a fix when the failure is a known one."""
    message = "; ".join(error_lines(exc))
    hint = hint_for(strip_ansi(str(exc)))
    return f"{message} (fix: {hint})" if hint else message
