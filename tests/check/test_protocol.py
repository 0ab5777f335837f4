"""The analyzer path gives what calling the policies directly gives; ordinary third-party programs are analysed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi_policy import PolicyResourceOptions, ReportViolation, StackValidationArgs
from pulumi_policy.policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
)

from platformctl.offline.project import SECRET_PLACEHOLDER
from platformctl.offline.records import ResourceRecord, Snapshot
from platformctl.policy_host import check_stack
from tests.check.conftest import FIXTURE_PACK, PROGRAMS, THIRD_PARTY


@pytest.fixture(scope="session")
def fixture_policies():
    sys.path.insert(0, str(FIXTURE_PACK))
    try:
        from rules import POLICIES
    finally:
        sys.path.remove(str(FIXTURE_PACK))
    return POLICIES


def _plain(value: Any) -> Any:
    if value == {"__secret__": True}:
        return SECRET_PLACEHOLDER
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _opts(r: ResourceRecord) -> PolicyResourceOptions:
    return PolicyResourceOptions(r.protect, r.ignore_changes, r.delete_before_replace, [], PolicyCustomTimeouts(0, 0, 0),
                                 r.additional_secret_outputs, r.parent or None)


def _recorder(found: set, policy: str, level: str, urn: str | None) -> ReportViolation:
    def report(message: str, violation_urn: str | None = None) -> None:
        found.add((policy, urn if urn is not None else violation_urn or "", level))
    return report


def direct(policies, snapshot: Snapshot, config: dict[str, dict]) -> set[tuple[str, str, str]]:
    """Evaluate each policy in-process on the recorded resources, the way a policy unit test would."""
    found: set[tuple[str, str, str]] = set()
    for policy in policies:
        level = (config.get(policy.name) or {}).get("enforcementLevel") or policy.enforcement_level.value
        if level == EnforcementLevel.DISABLED.value:
            continue
        props = {k: v for k, v in (config.get(policy.name) or {}).items() if k != "enforcementLevel"} or None

        if isinstance(policy, ResourceValidationPolicy):
            for r in snapshot.resources:
                args = ResourceValidationArgs(r.type, _plain(r.inputs), r.urn, r.name, _opts(r), None, props, {})
                policy.validate(args, _recorder(found, policy.name, level, r.urn))
        elif isinstance(policy, StackValidationPolicy):
            resources = [PolicyResource(r.type, _plain(r.outputs), r.urn, r.name, _opts(r), None, None, [], {})
                         for r in snapshot.resources]
            policy.validate(StackValidationArgs(resources, props, {}), _recorder(found, policy.name, level, None))
    return found


@pytest.mark.parametrize(("program", "stack"), [("plain_s3", "test"), ("clean", "prod"), ("untagged", "test"), ("public_sg", "test")])
def test_analyzer_results_match_direct_policy_calls(fixture_policies, monkeypatch, program, stack):
    outcome = check_stack(stack, PROGRAMS / program, [FIXTURE_PACK])
    monkeypatch.setattr(pulumi, "get_stack", lambda: stack)  # what PULUMI_STACK gives the pack process
    [pack] = outcome.packs
    expected = direct(fixture_policies, outcome.snapshot, pack.effective)
    assert expected, "the fixture should violate something"
    assert {(v.policy, v.urn, v.enforcement) for v in outcome.violations} == expected


@pytest.fixture(scope="session")
def default_packs() -> tuple[Path, ...]:
    """The repository's packs (policies/*), or the fixture pack until they exist."""
    from platformctl.offline.runner import REPO_ROOT
    from platformctl.policy_host.packs import discover

    return () if discover(REPO_ROOT / "policies") else (FIXTURE_PACK,)


@pytest.mark.parametrize("program", sorted(p.name for p in THIRD_PARTY.iterdir() if (p / "Pulumi.yaml").exists()))
def test_third_party_programs_are_analysed(check, default_packs, program):
    run = check(THIRD_PARTY / program, "dev", packs=default_packs)
    assert run.code in (0, 1), run.stdout + run.stderr
    [stack] = run.report["stacks"]
    assert stack["resources"] > 0
    assert not [w for w in stack["warnings"] if "no offline answer" in w]
    assert (run.code == 1) == any(v["enforcement"] == "mandatory" for v in stack["violations"])


def test_computed_outputs_feed_the_program(check, tmp_path):
    """Stage.execution_arn.apply(...) and Function.invoke_arn ran on plausible, well-formed values."""
    from platformctl.offline import synth

    snap = synth("dev", THIRD_PARTY / "apigw-lambda")
    permission = snap.one("aws:lambda/permission:Permission")
    integration = snap.one("aws:apigateway/integration:Integration")
    assert permission.inputs["sourceArn"].startswith("arn:aws:execute-api:us-east-1:123456789012:")
    assert permission.inputs["sourceArn"].endswith("/prod/*/*")
    assert integration.inputs["uri"].startswith("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:")
    assert json.dumps(snap.outputs).count("execute-api.us-east-1.amazonaws.com/prod/hello") == 1
