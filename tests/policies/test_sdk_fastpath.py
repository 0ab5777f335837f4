"""crossguard_aws.sdk (per-request instead of per-policy work) answers exactly as the stock pulumi_policy SDK does."""

from __future__ import annotations

import json

import pytest
from crossguard_aws import sdk
from crossguard_aws.model import PACKS
from crossguard_aws.packs import pack_arguments
from pulumi_policy.policy import _PolicyAnalyzerServicer

from platformctl.policy_host.wire import Marshaller
from tests.conftest import STACKS
from tests.policies.harness import isolated

pytestmark = pytest.mark.heavy


def _answers(snapshot) -> list[bytes]:
    """Every pack's serialized answer to every resource of ``snapshot`` and to the stack, as the engine asks."""
    marshal = Marshaller(snapshot)
    requests = [marshal.analyze_request(r) for r in snapshot.resources]
    stack_request = marshal.stack_request(snapshot.resources)
    answers = []
    for pack in PACKS:
        a = pack_arguments(pack)
        servicer = _PolicyAnalyzerServicer(a["name"], "1.0.0", a["policies"], a["enforcement_level"],
                                           description=a["description"], provider=a["provider"])
        answers += [isolated(servicer.Analyze, r, None).SerializeToString(deterministic=True) for r in requests]
        answers.append(isolated(servicer.AnalyzeStack, stack_request, None).SerializeToString(deterministic=True))
    return answers


@pytest.mark.parametrize("name", STACKS)
def test_the_patched_sdk_answers_byte_for_byte_like_the_stock_one(snapshots, stack_env, name):
    snapshot = snapshots[name]
    stack_env.setenv("PULUMI_PROJECT", snapshot.project)
    stack_env.setenv("PULUMI_STACK", name)
    stack_env.setenv("PULUMI_DRY_RUN", "false")
    stack_env.setenv("PULUMI_CONFIG", json.dumps({k: v if isinstance(v, str) else json.dumps(v) for k, v in snapshot.config.items()}))
    assert not sdk.installed()
    stock = _answers(snapshot)
    try:
        assert sdk.install()
        patched = _answers(snapshot)
    finally:
        sdk.uninstall()
    assert len(patched) == len(stock) and patched == stock
    # The packs did find something to say (prod has had no findings since issue 12's fixes; shared and dev
    # still carry advisory ones, so the byte comparison there covers diagnostics).
    assert any(b"aws-" in answer for answer in stock) or name == "prod"


def test_the_patch_is_off_when_asked_and_for_other_sdk_versions(monkeypatch):
    monkeypatch.setenv(sdk.PLAIN_ENV, "1")
    assert not sdk.install() and not sdk.installed()
    monkeypatch.delenv(sdk.PLAIN_ENV)
    monkeypatch.setattr(sdk, "VERSION", "1.22.0")
    assert not sdk.install() and not sdk.installed()
