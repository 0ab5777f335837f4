"""``--print`` beside ``--output FILE``, and what a failed ``--state`` says: run in-process, so that the mutation
runner's per-line selection (bench/mutation.py) sees these lines run."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from platformctl.cli import main
from tests.check.conftest import FIXTURE_PACK, PROGRAMS, _run

PLAIN = PROGRAMS / "plain_s3"
COMPACT = ("tests/check/programs/plain_s3/__main__.py:7: mandatory high check-fixture/s3-encrypted [test] "
           "aws:s3/bucket:Bucket 'my-bucket': bucket my-bucket has no server-side encryption configuration",
           "tests/check/programs/plain_s3/__main__.py:7: mandatory medium check-fixture/required-tags [test] "
           "aws:s3/bucket:Bucket 'my-bucket': missing tags: owner")


def _check(tmp: Path, *argv: str) -> tuple[int, str, str]:
    return _run(["check", *argv, "--policy-pack", str(FIXTURE_PACK), "--output", str(tmp / "report.json"), "--format", "json"])


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[int, str, str]]:
    """plain_s3's stack test with the JSON report in a file and each --print choice on stdout."""
    runs = {}
    for choice in ("compact", "none"):
        tmp = tmp_path_factory.mktemp(choice)
        runs[choice] = (*_check(tmp, "test", "--project-dir", str(PLAIN), "--print", choice), tmp / "report.json")
    return runs


def test_print_compact_puts_one_finding_a_line_on_stdout_beside_the_file(printed):
    code, stdout, _, _ = printed["compact"]
    assert code == 1
    assert [line for line in stdout.splitlines() if line.startswith("tests/")] == list(COMPACT)
    assert "HIGH (1)" not in stdout  # not the table


def test_print_none_leaves_stdout_empty(printed):
    code, stdout, stderr, report = printed["none"]
    assert (code, stdout) == (1, "")
    assert f"wall time; wrote {report}\n" in stderr
    assert "check test: FAIL, 2 finding(s) in " in stderr  # the verdict goes to stderr whatever stdout gets
    [pack] = json.loads(report.read_text())["stacks"][0]["packs"]
    assert (pack["name"], pack["version"], pack["path"]) == ("check-fixture", "0.1.0", str(FIXTURE_PACK))
    assert "] check test: synthesizing test\n" in stderr and "] check test: test registered 1 resources\n" in stderr


def test_an_unreadable_state_is_reported_and_exits_2(tmp_path):
    missing = tmp_path / "missing.json"
    code, _, stderr = _check(tmp_path, "--state", str(missing), "--project-dir", str(tmp_path))
    assert code == 2
    assert f"] check --state {missing}\n" in stderr
    assert f"check --state {missing}: not checked (the error is in the report)" in stderr
    [stack] = json.loads((tmp_path / "report.json").read_text())["stacks"]
    assert (stack["stack"], stack["error"]["kind"]) == (str(missing), "state")
    # The closing summary stays one line however long the report's path (a log is searched line by line; a log
    # line is 240 columns).
    deep = tmp_path / ("d" * 120) / ("e" * 120)
    deep.mkdir(parents=True)
    _, _, stderr = _run(["check", "--state", str(missing), "--project-dir", str(tmp_path), "--policy-pack", str(FIXTURE_PACK),
                         "--output", str(deep / "report.json"), "--format", "json"])
    assert re.search(rf"1 stack\(s\) in \d+\.\ds wall time; wrote {re.escape(str(deep / 'report.json'))}\n", stderr), stderr


def test_stacks_are_checked_together_and_one_by_one_only_after_a_failure(tmp_path):
    # Several stacks run in one synth; when one of them fails, each is checked on its own so that the others'
    # results survive. A single stack has nothing to fall back from.
    code, _, stderr = _check(tmp_path, "test", "nope", "--project-dir", str(PROGRAMS / "clean"), "--print", "none")
    assert code == 2
    assert "] check test nope\n" in stderr  # one step for both
    assert "one stack failed: checking each stack on its own" in stderr
    assert "check test: PASS, 0 finding(s) in " in stderr
    code, _, stderr = _check(tmp_path, "nope", "--project-dir", str(PROGRAMS / "clean"), "--print", "none")
    assert code == 2
    assert "check nope: not checked (the program or its config failed" in stderr
    assert "checking each stack on its own" not in stderr


def test_sarif_names_each_failed_stack_and_its_stack_file(tmp_path):
    """A stack that was not checked is an error notification of a failed execution, located at its stack file
    when there is one."""
    out = tmp_path / "check.sarif"
    code, _, _ = _run(["check", "test", "nope", "--project-dir", str(PROGRAMS / "raises"), "--policy-pack", str(FIXTURE_PACK),
                       "--format", "sarif", "--output", str(out), "--print", "none"])
    assert code == 2
    assert out.read_text().startswith('{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n  "version"')
    [invocation] = json.loads(out.read_text())["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    errors = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert [n["message"]["text"] for n in errors] == [
        "stack test not checked (program failed): stack test: fixture failure: the database password is not configured",
        "stack nope not checked (program failed): stack nope: no stack file Pulumi.nope.yaml in "
        f"{(PROGRAMS / 'raises').resolve()} (stacks: broken, test)",
    ]
    assert [n.get("locations") for n in errors] == [
        [{"physicalLocation": {"artifactLocation": {"uri": "tests/check/programs/raises/Pulumi.test.yaml", "uriBaseId": "%SRCROOT%"}}}],
        None,
    ]


def test_a_github_report_file_holds_the_annotations(tmp_path):
    out = tmp_path / "check.txt"
    code, stdout, _ = _run(["check", "test", "--project-dir", str(PLAIN), "--policy-pack", str(FIXTURE_PACK),
                            "--format", "github", "--output", str(out), "--print", "none"])
    assert (code, stdout) == (1, "")
    assert out.read_text() == (
        "::error file=tests/check/programs/plain_s3/__main__.py,line=7,title=check-fixture/s3-encrypted (high)::bucket "
        "my-bucket has no server-side encryption configuration (aws:s3/bucket:Bucket 'my-bucket', stack test)%0Afix: Add an "
        "aws.s3.BucketServerSideEncryptionConfiguration for the bucket (SSE-KMS).\n"
        "::error file=tests/check/programs/plain_s3/__main__.py,line=7,title=check-fixture/required-tags (medium)::missing "
        "tags: owner (aws:s3/bucket:Bucket 'my-bucket', stack test)%0Afix: Add the missing keys to the resource's tags.\n"
        "FAIL test: 2 mandatory, 0 advisory violation(s)\n")


def test_a_table_report_file_lists_the_remediations(tmp_path):
    config, out = tmp_path / "remediate.json", tmp_path / "check.txt"
    config.write_text(json.dumps({"required-tags": {"enforcementLevel": "remediate", "tags": ["owner", "team"]}}))
    code, _, _ = _run(["check", "test", "--project-dir", str(PROGRAMS / "untagged"), "--policy-pack", str(FIXTURE_PACK),
                       "--policy-pack-config", str(config), "--format", "table", "--output", str(out), "--print", "none"])
    lines = out.read_text().splitlines()
    assert code == 0
    assert lines[1:] == ["remediation: check-fixture/required-tags remediated "
                         "urn:pulumi:test::untagged-fixture::pulumi:pulumi:Stack$aws:s3/bucket:Bucket::logs",
                         "PASS test: 0 mandatory, 0 advisory violation(s)", ""]


def test_sarif_rates_a_remediating_policy_an_error(tmp_path):
    """Level remediate still blocks what it cannot fix, so code scanning shows the rule as an error."""
    config, out = tmp_path / "remediate.json", tmp_path / "check.sarif"
    config.write_text(json.dumps({"required-tags": "remediate", "no-public-ingress": "advisory"}))
    _run(["check", "test", "--project-dir", str(PROGRAMS / "untagged"), "--policy-pack", str(FIXTURE_PACK),
          "--policy-pack-config", str(config), "--format", "sarif", "--output", str(out), "--print", "none"])
    rules = {r["name"]: r for r in json.loads(out.read_text())["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["required-tags"]["defaultConfiguration"] == {"level": "error", "enabled": True}
    assert rules["required-tags"]["properties"] == {
        "tags": ["security", "crossguard", "check-fixture"], "precision": "high", "enforcementLevel": "remediate",
        "policyPackVersion": "0.1.0", "security-severity": "5.0"}  # medium
    assert rules["no-public-ingress"]["defaultConfiguration"] == {"level": "warning", "enabled": True}
    assert rules["no-public-ingress"]["properties"]["security-severity"] == "2.0"  # low, on code scanning's scale
    # Help is the remediation steps, else the description.
    assert rules["required-tags"]["help"]["text"] == "Add the missing keys to the resource's tags."
    assert rules["no-public-ingress"]["help"]["text"] == "Security groups do not allow ingress from 0.0.0.0/0."


STACK_WIDE_PACK = '''
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy


def _one_finding(args, report):
    report("the stack as a whole")  # no resource named


PolicyPack(name="stack-wide", policies=[StackValidationPolicy(
    name="whole-stack", description="Reports on the stack itself.", validate=_one_finding,
    enforcement_level=EnforcementLevel.ADVISORY)])
'''


def test_a_stack_policy_finding_without_a_resource_is_the_stacks(tmp_path):
    pack, out = _stack_wide_pack(tmp_path), tmp_path / "report.json"
    code, _, stderr = _run(["check", "test", "--project-dir", str(PROGRAMS / "clean"), "--policy-pack", str(pack),
                            "--format", "json", "--output", str(out), "--print", "none"])
    [finding] = json.loads(out.read_text())["stacks"][0]["violations"]
    assert code == 0, stderr
    assert {k: finding[k] for k in ("policy_id", "message", "urn", "resource_type", "resource_name", "enforcement")} == {
        "policy_id": "stack-wide/whole-stack", "message": "the stack as a whole",
        "urn": "urn:pulumi:test::clean-fixture::pulumi:pulumi:Stack::clean-fixture-test",
        "resource_type": "pulumi:pulumi:Stack", "resource_name": "test", "enforcement": "advisory"}


def test_a_long_warning_stays_one_line_in_a_table_file(tmp_path):
    """A log reader greps a warning by its text: the table file never folds it, however long."""
    program, out = tmp_path / "program", tmp_path / "check.txt"
    shutil.copytree(PROGRAMS / "unknown_invoke", program)
    token = "acme:index/getWidget" + "Long" * 60 + ":getWidget"
    main = program / "__main__.py"
    main.write_text(main.read_text().replace("acme:index/getWidget:getWidget", token))
    _run(["check", "test", "--project-dir", str(program), "--policy-pack", str(FIXTURE_PACK), "--format", "table",
          "--output", str(out), "--print", "none"])
    warning = f"warning: invoke {token} has no offline answer; it returned an empty result"
    assert len(warning) > 240  # wider than the file's table (terminal.LOG_WIDTH)
    assert warning in out.read_text().splitlines()


def _stack_wide_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("description: A stack-wide finding.\nruntime: python\nversion: 0.2.0\n")
    (pack / "__main__.py").write_text(STACK_WIDE_PACK)
    return pack


def test_each_packs_own_config_file_is_checked_against_that_pack(tmp_path):
    """With one --policy-pack-config per --policy-pack, a policy named in the second file must be the second pack's."""
    first, second, out = tmp_path / "first.json", tmp_path / "second.json", tmp_path / "report.json"
    first.write_text(json.dumps({"required-tags": "advisory"}))
    second.write_text(json.dumps({"required-tags": "advisory"}))  # the first pack's policy, not the second's
    code, stdout, stderr = _run(["check", "test", "--project-dir", str(PROGRAMS / "clean"), "--policy-pack", str(FIXTURE_PACK),
                                 "--policy-pack", str(_stack_wide_pack(tmp_path)), "--policy-pack-config", str(first),
                                 "--policy-pack-config", str(second), "--format", "json", "--output", str(out), "--print", "none"])
    [stack] = json.loads(out.read_text())["stacks"]
    assert code == 2, stdout + stderr
    assert stack["error"] == {"kind": "policy", "message": "--policy-pack-config names policies no pack has: required-tags"}
    assert "check test: not checked (a policy pack or the policy config failed; the error is in the report)" in stderr


def test_json_gives_a_failed_stack_every_list_empty_and_its_error(tmp_path):
    out = tmp_path / "report.json"
    code, _, _ = _run(["check", "nope", "--project-dir", str(PROGRAMS / "raises"), "--policy-pack", str(FIXTURE_PACK),
                       "--format", "json", "--output", str(out), "--print", "none"])
    report = json.loads(out.read_text())
    assert code == 2
    assert report["stacks"] == [{
        "stack": "nope", "violations": [], "not_judged": [], "packs": [], "remediations": [], "warnings": [],
        "error": {"kind": "program", "message": "stack nope: no stack file Pulumi.nope.yaml in "
                                                f"{(PROGRAMS / 'raises').resolve()} (stacks: broken, test)"}}]
    assert report["summary"] == {"mandatory": 0, "advisory": 0, "not_judged": 0, "errors": 1}


def test_nothing_to_check_is_a_usage_error():
    code, stdout, stderr = _run(["check"])
    assert (code, stdout) == (2, "")
    assert "name a STACK or give --state EXPORT_JSON" in stderr


def test_sarif_results_carry_the_stack_urn_level_and_severity(tmp_path):
    out = tmp_path / "check.sarif"
    _run(["check", "test", "--project-dir", str(PLAIN), "--policy-pack", str(FIXTURE_PACK), "--format", "sarif",
          "--output", str(out), "--print", "none"])
    urn = "urn:pulumi:test::plain-s3::pulumi:pulumi:Stack$aws:s3/bucket:Bucket::my-bucket"
    assert {r["ruleId"]: r["properties"] for r in json.loads(out.read_text())["runs"][0]["results"]} == {
        "check-fixture/s3-encrypted": {"stack": "test", "urn": urn, "enforcementLevel": "mandatory", "severity": "high"},
        "check-fixture/required-tags": {"stack": "test", "urn": urn, "enforcementLevel": "mandatory", "severity": "medium"}}


def test_a_table_file_ends_with_each_failed_stack_and_its_error(tmp_path):
    out = tmp_path / "check.txt"
    code, _, _ = _run(["check", "test", "nope", "--project-dir", str(PROGRAMS / "clean"), "--policy-pack", str(FIXTURE_PACK),
                       "--format", "table", "--output", str(out), "--print", "none"])
    assert code == 2
    assert out.read_text().splitlines()[-3:] == [
        "ERROR nope: not checked (program failed):",
        f"stack nope: no stack file Pulumi.nope.yaml in {(PROGRAMS / 'clean').resolve()} (stacks: prod, test)", ""]


def test_a_long_not_judged_note_stays_one_line_in_a_table_file(tmp_path):
    program, out = tmp_path / "program", tmp_path / "check.txt"
    shutil.copytree(PROGRAMS / "clean", program)
    stack = "preview-" + "s" * 60  # a long stack name makes the note wider than the file's table (LOG_WIDTH)
    (program / "Pulumi.test.yaml").rename(program / f"Pulumi.{stack}.yaml")
    _run(["check", stack, "--project-dir", str(program), "--policy-pack", str(FIXTURE_PACK), "--format", "table",
          "--output", str(out), "--print", "none", "--preview"])
    note = (f"  check-fixture/s3-encrypted pulumi:pulumi:Stack {stack}: can't run policy 's3-encrypted' from policy pack "
            "'check-fixture@v0.1.0' during preview: string value at .bucket can't be known during preview")
    assert len(note) > 240
    assert note in out.read_text().splitlines()


def test_help_names_each_options_argument():
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(out.getvalue().split())  # argparse wraps to the terminal's width
    for usage in ("--state EXPORT_JSON", "--policy-pack DIR", "--policy-pack-config FILE", "--output FILE"):
        assert usage in text


def test_stacks_checked_together_each_get_their_verdict(tmp_path):
    code, _, stderr = _check(tmp_path, "test", "prod", "--project-dir", str(PROGRAMS / "clean"), "--print", "none")
    assert code == 1  # prod's unprotected bucket
    assert "one stack failed" not in stderr
    assert re.search(r"check test: PASS, 0 finding\(s\) in ", stderr) and re.search(r"check prod: FAIL, 1 finding\(s\) in ", stderr), stderr
