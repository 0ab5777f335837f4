"""preview/up/refresh/destroy/drift end to end: platformctl -> Automation API -> fake `pulumi` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import exit_statuses
import pytest
from automation_testkit import POLICY_PACKS, FakeCli

pytestmark = pytest.mark.heavy


def policy_flags(args: list[str]) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == "--policy-pack"]


def test_preview_runs_every_stack_in_promotion_order_with_every_policy_pack(platformctl, fake_cli: FakeCli, project: Path):
    run = platformctl("preview")

    assert run.code == exit_statuses.OK, run.err
    assert fake_cli.operations() == [("preview", "shared"), ("preview", "dev"), ("preview", "prod")]
    expected_packs = [str((project / "policies" / p).resolve()) for p in POLICY_PACKS]
    for call in fake_cli.calls("preview"):
        assert policy_flags(call["args"]) == expected_packs
        assert call["cwd"] == str(project)  # the project's own program: same code as `pulumi up` by hand
    # each stack is selected (create-or-select) before its preview
    selects = [c["stack"] for c in fake_cli.calls("stack select")]
    assert selects == ["shared", "dev", "prod"]
    assert [r["outcome"] for r in run.doc["results"]] == ["succeeded"] * 3
    assert run.doc["waves"] == [["shared"], ["dev"], ["prod"]]


def test_preview_creates_a_missing_stack_then_reports_engine_counts(platformctl, fake_cli: FakeCli):
    fake_cli.set(stacks="shared")  # dev was never initialised

    run = platformctl("preview", "--stack", "dev")

    assert run.code == exit_statuses.OK, run.err
    stack_calls = [(c["command"], c["exit"]) for c in fake_cli.calls() if c["command"] not in ("version", "whoami")]
    assert stack_calls == [("stack select", 255), ("stack init", 0), ("preview", 0)]
    row = run.result("dev")
    assert (row["created"], row["same"]) == (4, 0)


def test_stack_flags_are_put_in_promotion_order(platformctl, fake_cli: FakeCli):
    run = platformctl("preview", "--stack", "prod", "--stack", "shared")

    assert run.code == exit_statuses.OK, run.err
    assert fake_cli.operations() == [("preview", "shared"), ("preview", "prod")]


def test_unknown_stack_is_a_usage_error_naming_the_flag(platformctl, fake_cli: FakeCli):
    run = platformctl("preview", "--stack", "staging")

    assert run.code == exit_statuses.USAGE
    assert "--stack staging" in run.err and "Pulumi.staging.yaml" in run.err
    assert fake_cli.calls("preview") == []


def test_up_attaches_policy_packs_and_reports_the_update_summary(platformctl, fake_cli: FakeCli):
    fake_cli.set(stacks="shared")

    run = platformctl("up", "--stack", "shared", "--stack", "dev")

    assert run.code == exit_statuses.OK, run.err
    ups = fake_cli.calls("up")
    assert [c["stack"] for c in ups] == ["shared", "dev"]
    assert all(len(policy_flags(c["args"])) == len(POLICY_PACKS) for c in ups)
    assert all("--yes" in c["args"] and "--skip-preview" in c["args"] for c in ups)
    assert (run.result("dev")["created"], run.result("shared")["same"]) == (4, 4)


def test_secret_outputs_never_reach_the_terminal_or_json(platformctl, fake_cli: FakeCli):
    run = platformctl("up", "--stack", "dev")

    assert run.code == exit_statuses.OK, run.err
    assert fake_cli.calls("stack output"), "the SDK read the outputs"
    assert "s3cr3t-value" not in run.out + run.err


# -- promotion gate ---------------------------------------------------------------------------------------------

def test_failed_stack_stops_later_stacks(platformctl, fake_cli: FakeCli):
    fake_cli.set(fail="up:dev")

    run = platformctl("up", "--yes")

    assert run.code == exit_statuses.FAILED
    assert fake_cli.operations() == [("up", "shared"), ("up", "dev")]
    assert run.result("dev")["outcome"] == "failed"
    assert "AccessDenied" in run.result("dev")["message"]
    prod = run.result("prod")
    assert prod["outcome"] == "skipped" and "dev" in prod["message"]


@pytest.mark.parametrize("flag", ["--no-promotion-gate", "--continue-on-error"])
def test_promotion_gate_can_be_lifted(platformctl, fake_cli: FakeCli, flag: str):
    fake_cli.set(fail="up:dev")

    run = platformctl("up", "--yes", flag)

    assert run.code == exit_statuses.FAILED
    assert fake_cli.operations() == [("up", "shared"), ("up", "dev"), ("up", "prod")]
    assert run.result("prod")["outcome"] == "succeeded"
    # stack-level only: Pulumi's own --continue-on-error is never passed
    assert all("--continue-on-error" not in c["args"] for c in fake_cli.calls("up"))


def test_preview_is_not_gated_by_an_earlier_failure(platformctl, fake_cli: FakeCli):
    fake_cli.set(fail="preview:shared")

    run = platformctl("preview")

    assert run.code == exit_statuses.FAILED
    assert fake_cli.operations() == [("preview", "shared"), ("preview", "dev"), ("preview", "prod")]


def test_policy_violation_fails_the_stack_and_is_listed(platformctl, fake_cli: FakeCli):
    fake_cli.set(violation="dev")

    run = platformctl("preview", "--stack", "dev")

    assert run.code == exit_statuses.FAILED
    row = run.result("dev")
    assert row["outcome"] == "failed"
    assert row["policy_violations"] and "s3-no-public-access" in row["policy_violations"][0]


# -- confirmation -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["", "no\n", "n\n"])
def test_prod_up_is_not_run_without_confirmation(platformctl, fake_cli: FakeCli, answer: str):
    run = platformctl("up", stdin=answer)

    assert run.code == exit_statuses.NOT_CONFIRMED
    assert "prod" in run.err and "--yes" in run.err
    assert fake_cli.operations() == []  # not even shared: the run is confirmed up front or not at all


def test_prod_up_runs_after_yes_at_the_prompt(platformctl, fake_cli: FakeCli):
    run = platformctl("up", stdin="yes\n")

    assert run.code == exit_statuses.OK, run.err
    assert "Type 'yes'" in run.err
    assert fake_cli.operations() == [("up", "shared"), ("up", "dev"), ("up", "prod")]


def test_non_prod_up_does_not_ask(platformctl, fake_cli: FakeCli):
    run = platformctl("up", "--stack", "dev")

    assert run.code == exit_statuses.OK, run.err
    assert "Type 'yes'" not in run.err


def test_destroy_asks_even_for_dev(platformctl, fake_cli: FakeCli):
    run = platformctl("destroy", "--stack", "dev", stdin="no\n")

    assert run.code == exit_statuses.NOT_CONFIRMED
    assert fake_cli.calls("destroy") == []


def test_destroy_of_prod_needs_the_flag_naming_it_even_with_yes(platformctl, fake_cli: FakeCli):
    run = platformctl("destroy", "--yes")

    assert run.code == exit_statuses.USAGE
    assert "--confirm-destroy prod" in run.err
    assert fake_cli.calls() == []  # a usage error: refused before the CLI is even looked for


def test_destroy_runs_dependents_first(platformctl, fake_cli: FakeCli):
    run = platformctl("destroy", "--yes", "--confirm-destroy", "prod")

    assert run.code == exit_statuses.OK, run.err
    assert fake_cli.operations() == [("destroy", "prod"), ("destroy", "dev"), ("destroy", "shared")]
    assert run.result("prod")["deleted"] == 4


def test_destroy_stops_at_protected_resources_and_never_unprotects(platformctl, fake_cli: FakeCli):
    fake_cli.set(protected="prod")

    run = platformctl("destroy", "--yes", "--confirm-destroy", "prod")

    assert run.code == exit_statuses.FAILED
    assert "protection" in run.result("prod")["message"]
    assert run.result("dev")["outcome"] == "skipped"  # gate: nothing behind a failed destroy
    commands = [c["args"] for c in fake_cli.calls()]
    assert not any("unprotect" in args or "--exclude-protected" in args for args in commands)


def test_destroy_can_leave_protected_resources_in_place(platformctl, fake_cli: FakeCli):
    fake_cli.set(protected="prod")

    run = platformctl("destroy", "--stack", "prod", "--yes", "--confirm-destroy", "prod", "--exclude-protected")

    assert run.code == exit_statuses.OK, run.err
    assert "--exclude-protected" in fake_cli.calls("destroy")[0]["args"]
    assert run.result("prod")["deleted"] == 3


# -- refresh ----------------------------------------------------------------------------------------------------

def test_refresh_writes_state_in_order_without_policy_packs(platformctl, fake_cli: FakeCli):
    run = platformctl("refresh")

    assert run.code == exit_statuses.OK, run.err
    assert fake_cli.operations() == [("refresh", "shared"), ("refresh", "dev"), ("refresh", "prod")]
    for call in fake_cli.calls("refresh"):
        assert "--preview-only" not in call["args"] and "--yes" in call["args"]


def test_refresh_of_a_stack_that_does_not_exist_says_how_to_create_it(platformctl, fake_cli: FakeCli):
    fake_cli.set(stacks="shared")

    run = platformctl("refresh", "--stack", "dev")

    assert run.code == exit_statuses.FAILED
    assert "no stack named 'dev' found" in run.result("dev")["message"]
    assert "platformctl up --stack" in run.result("dev")["message"]
    assert fake_cli.calls("stack init") == []


# -- drift ------------------------------------------------------------------------------------------------------

def test_drift_reports_drifted_resources_and_exits_3(platformctl, fake_cli: FakeCli):
    fake_cli.set(drift="dev")

    run = platformctl("drift")

    assert run.code == exit_statuses.DRIFT
    cloud = run.result("dev", "drift:cloud")
    assert cloud["outcome"] == "drifted"
    drifted = {(r["name"], r["op"], tuple(r["keys"])) for r in cloud["changed_resources"]}
    assert drifted == {("workload-vpc", "update", ("tags",)), ("lake-raw", "delete", ())}
    assert run.result("prod", "drift:cloud")["outcome"] == "no drift"
    assert run.result("dev", "drift:code")["outcome"] == "no drift"


def test_drift_never_writes_state(platformctl, fake_cli: FakeCli, project: Path):
    run = platformctl("drift")

    assert run.code == exit_statuses.OK, run.err
    refreshes = fake_cli.calls("refresh")
    previews = fake_cli.calls("preview")
    assert len(refreshes) == len(previews) == 3
    assert all({"--preview-only", "--expect-no-changes"} <= set(c["args"]) for c in refreshes)
    assert all("--expect-no-changes" in c["args"] and len(policy_flags(c["args"])) == 2 for c in previews)
    assert fake_cli.calls("up") == fake_cli.calls("destroy") == fake_cli.calls("stack init") == []


def test_drift_code_check_reports_undeployed_changes(platformctl, fake_cli: FakeCli):
    fake_cli.set(pending="prod")

    run = platformctl("drift", "--check", "code")

    assert run.code == exit_statuses.DRIFT
    assert fake_cli.calls("refresh") == []
    row = run.result("prod", "drift:code")
    assert row["outcome"] == "drifted"
    assert [r["name"] for r in row["changed_resources"]] == ["workload-vpc"]


def test_drift_failure_wins_over_drift(platformctl, fake_cli: FakeCli):
    fake_cli.set(drift="dev", fail="refresh:prod")

    run = platformctl("drift", "--check", "cloud")

    assert run.code == exit_statuses.FAILED
    assert run.result("dev")["outcome"] == "drifted"
    assert run.result("prod")["outcome"] == "failed"


def test_drift_prints_the_drifted_resources_for_people(platformctl, fake_cli: FakeCli):
    fake_cli.set(drift="prod")

    run = platformctl("drift", "--check", "cloud", json_out=False)

    assert run.code == exit_statuses.DRIFT
    assert "aws:ec2/vpc:Vpc workload-vpc [tags]" in run.out
    assert "aws:s3/bucket:Bucket lake-raw" in run.out


# -- retries on a concurrent update -----------------------------------------------------------------------------

def test_concurrent_update_is_retried_then_succeeds(platformctl, fake_cli: FakeCli):
    fake_cli.set(conflicts="dev=2")

    run = platformctl("up", "--stack", "dev")

    assert run.code == exit_statuses.OK, run.err
    assert [c["exit"] for c in fake_cli.calls("up", "dev")] == [255, 255, 0]
    assert run.result("dev")["attempts"] == 3


def test_concurrent_update_that_never_clears_is_reported_clearly(platformctl, fake_cli: FakeCli):
    fake_cli.set(conflicts="dev=10")

    run = platformctl("up", "--yes", "--retries", "2")

    assert run.code == exit_statuses.FAILED
    assert len(fake_cli.calls("up", "dev")) == 3
    row = run.result("dev")
    assert row["attempts"] == 3
    assert "ConcurrentUpdateError" in row["message"] and "pulumi cancel --stack dev" in row["message"]
    assert run.result("prod")["outcome"] == "skipped"


# -- setup problems ---------------------------------------------------------------------------------------------

def test_missing_cli_is_one_clear_message(platformctl, fake_cli: FakeCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    run = platformctl("preview")

    assert run.code == exit_statuses.SETUP
    assert "Pulumi CLI not found" in run.err and "--pulumi-root" in run.err
    assert "Traceback" not in run.err


def test_drift_json_is_an_error_document_when_the_cli_is_missing(platformctl, fake_cli: FakeCli, monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    run = platformctl("drift")  # --format json on stdout: the nightly job parses it

    assert run.code == exit_statuses.SETUP
    assert run.doc["exit_code"] == exit_statuses.SETUP and run.doc["results"] == []
    assert run.doc["operation"] == "drift"
    assert "Pulumi CLI not found" in run.doc["error"]["message"]


def test_json_report_goes_to_the_output_file_and_the_table_to_stdout(platformctl, fake_cli: FakeCli, tmp_path: Path):
    report = tmp_path / "preview.json"

    run = platformctl("preview", "--stack", "dev", "--format", "json", "--output", str(report), json_out=False)

    assert run.code == exit_statuses.OK, run.err
    document = json.loads(report.read_text())
    assert [r["stack"] for r in document["results"]] == ["dev"] and document["error"] is None
    assert "dev" in run.out and not run.out.lstrip().startswith("{")


def test_an_unwritable_output_is_a_usage_error_before_any_work(platformctl, fake_cli: FakeCli, tmp_path: Path):
    run = platformctl("up", "--yes", "--output", str(tmp_path / "missing-dir" / "up.json"), json_out=False)

    assert run.code == exit_statuses.USAGE
    assert "missing-dir does not exist" in run.err and "Traceback" not in run.err
    assert fake_cli.calls() == []


def test_pulumi_root_selects_the_cli(platformctl, fake_cli: FakeCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", f"{empty}:/usr/bin:/bin")

    run = platformctl("preview", "--stack", "dev", "--pulumi-root", str(fake_cli.bin_dir.parent))

    assert run.code == exit_statuses.OK, run.err
    assert fake_cli.operations() == [("preview", "dev")]


def test_too_old_cli_is_refused(platformctl, fake_cli: FakeCli):
    fake_cli.set(version="3.100.0")

    run = platformctl("drift")

    assert run.code == exit_statuses.SETUP
    assert "3.105.0" in run.err and "Traceback" not in run.err


def test_missing_login_is_one_clear_message(platformctl, fake_cli: FakeCli):
    fake_cli.set(logged_out=1)

    run = platformctl("up", "--yes")

    assert run.code == exit_statuses.SETUP
    assert "pulumi login" in run.err and "PULUMI_ACCESS_TOKEN" in run.err
    assert fake_cli.operations() == []


# -- event transport --------------------------------------------------------------------------------------------

def test_events_arrive_over_grpc_on_newer_clis(platformctl, fake_cli: FakeCli):
    # CLIs after 3.205 stream engine events over gRPC instead of the --event-log file
    fake_cli.set(version="3.230.0", drift="dev")

    run = platformctl("drift", "--stack", "dev", "--check", "cloud")

    assert any(a.startswith("tcp://") for a in fake_cli.calls("refresh")[0]["args"])
    assert run.code == exit_statuses.DRIFT
    assert {r["name"] for r in run.result("dev")["changed_resources"]} == {"workload-vpc", "lake-raw"}


def test_show_output_streams_the_cli_output_per_stack(platformctl, fake_cli: FakeCli):
    run = platformctl("preview", "--stack", "dev", "--show-output")

    assert run.code == exit_statuses.OK, run.err
    assert "[dev] Previewing preview (dev):" in run.err


def test_a_stack_that_cannot_be_opened_fails_alone(platformctl, fake_cli: FakeCli, monkeypatch: pytest.MonkeyPatch):
    from platformctl.automation import operations

    real_open = operations.open_stack

    def open_stack(info, settings, home):
        if info.name == "dev":
            raise PermissionError("Pulumi.dev.yaml: permission denied")
        return real_open(info, settings, home)

    monkeypatch.setattr(operations, "open_stack", open_stack)

    run = platformctl("preview")

    assert run.code == exit_statuses.FAILED
    assert "permission denied" in run.result("dev")["message"]
    assert [r["outcome"] for r in run.doc["results"]] == ["succeeded", "failed", "succeeded"]


def test_an_unexpected_error_fails_its_stack_instead_of_vanishing(platformctl, fake_cli: FakeCli,
                                                                  monkeypatch: pytest.MonkeyPatch):
    from platformctl.automation import operations

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(operations.StackOperation, "run", broken)

    run = platformctl("refresh", "--stack", "dev")

    assert run.code == exit_statuses.FAILED
    assert run.result("dev")["message"] == "internal error: RuntimeError('boom')"
