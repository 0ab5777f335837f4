"""`python -m platformctl --help` and each subcommand's --help document the commands and exit codes."""

from __future__ import annotations

import pytest

from platformctl.cli import build_parser
from tests.cli_runner import subcommands

OPERATIONS = ("preview", "up", "refresh", "destroy", "drift")


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([*argv, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


def test_top_level_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]):
    text = help_text(capsys)

    for operation in OPERATIONS:
        assert f"\n    {operation} " in text


@pytest.mark.parametrize("operation", OPERATIONS)
def test_subcommand_help_documents_exit_codes_and_shared_flags(capsys: pytest.CaptureFixture[str], operation: str):
    text = help_text(capsys, operation)

    assert "exit codes:" in text and "130" in text
    for flag in ("--stack", "--parallel", "--format", "--output", "--project-dir", "--pulumi-root", "--retries"):
        assert flag in text


def options_of(operation: str) -> set[str]:
    return {o for action in subcommands()[operation]._actions for o in action.option_strings}


@pytest.mark.parametrize(("operation", "flags", "absent"), [
    ("up", {"--yes", "--no-promotion-gate", "--continue-on-error", "--message"}, {"--confirm-destroy", "--check"}),
    ("destroy", {"--yes", "--confirm-destroy", "--exclude-protected", "--no-promotion-gate"}, {"--check"}),
    ("refresh", {"--no-promotion-gate"}, {"--yes", "--confirm-destroy", "--check"}),
    ("drift", {"--check"}, {"--yes", "--no-promotion-gate", "--message"}),
    ("preview", set(), {"--yes", "--no-promotion-gate", "--confirm-destroy", "--check"}),
])
def test_subcommand_specific_flags(operation: str, flags: set[str], absent: set[str]):
    options = options_of(operation)

    assert flags <= options
    assert not absent & options


def test_parallel_below_one_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path):
    from platformctl.cli import main

    assert main(["preview", "--parallel", "0", "--project-dir", str(tmp_path)]) == 2
    assert "--parallel 0" in capsys.readouterr().err
