"""The nightly drift workflow: scheduled, pinned actions, OIDC, runs platformctl drift."""

from __future__ import annotations

import re

import pytest
import yaml
from automation_testkit import REPO

WORKFLOW = REPO / ".github" / "workflows" / "drift.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


def test_runs_nightly_and_on_demand(workflow: dict):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers


def test_every_action_is_pinned_to_a_full_version_tag(workflow: dict):
    uses = [s["uses"] for s in steps(workflow) if "uses" in s]
    assert uses
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+", ref), ref


def test_assumes_an_aws_role_through_oidc(workflow: dict):
    assert workflow["permissions"]["id-token"] == "write"
    aws = next(s for s in steps(workflow) if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@"))
    assert aws["with"]["role-to-assume"]
    assert not {"aws-access-key-id", "aws-secret-access-key"} & set(aws["with"])


def test_installs_pulumi_then_runs_platformctl_drift(workflow: dict):
    names = [s.get("uses", "") + s.get("run", "") for s in steps(workflow)]
    install = next(i for i, n in enumerate(names) if n.startswith("pulumi/actions@"))
    drift = next(i for i, n in enumerate(names) if "-m platformctl" in n)
    assert install < drift
    assert "args=(drift " in names[drift]
