"""Every resource deploys through an explicit provider locked to exactly its account."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import ROOT, STACKS, decoded
from tests.options_variant import EXTERNAL_ID

EXPECTED_TARGETS = {
    "shared": {("111111111111", "us-east-1"), ("111111111111", "us-west-2"), ("222222222222", "us-east-1"), ("222222222222", "us-west-2")},
    "dev": {("333333333333", "us-east-1")},
    "prod": {("444444444444", "us-east-1"), ("444444444444", "us-west-2")},
}


def aws_providers(snap):
    return [r for r in snap.resources if r.type == "pulumi:providers:aws"]


@pytest.mark.parametrize("name", STACKS)
def test_stack_files_disable_default_providers(name):
    data = yaml.safe_load((ROOT / f"Pulumi.{name}.yaml").read_text())
    assert data["config"]["pulumi:disable-default-providers"] == ["*"]


def test_no_resource_uses_a_default_provider(stack):
    managed = [r for r in stack.resources if r.custom and not r.is_provider and not r.read]
    assert managed
    for r in managed:
        provider = stack.provider_of(r)
        assert provider is not None, f"{r.urn} has no explicit provider"
        assert not provider.name.startswith("default"), f"{r.urn} uses default provider {provider.name}"
        assert provider.type == f"pulumi:providers:{r.package}", f"{r.urn} uses a {provider.type} provider"


def test_remote_components_get_explicit_providers(stack):
    for r in stack.resources:
        if r.remote:
            assert r.providers.get("aws"), f"{r.urn} has no explicit aws provider"
            assert stack.by_urn[r.providers["aws"].rsplit("::", 1)[0]].type == "pulumi:providers:aws"


def test_one_provider_per_account_and_region(stack):
    targets = [(decoded(p.inputs["allowedAccountIds"])[0], p.inputs["region"]) for p in aws_providers(stack)]
    assert len(targets) == len(set(targets))
    assert set(targets) == EXPECTED_TARGETS[stack.stack]


def test_every_invoke_asks_through_an_explicit_provider(stack):
    # With default providers disabled the engine refuses an invoke without a provider; and a lookup through another
    # account's provider would answer for the wrong account.
    providers = {p.urn: p for p in aws_providers(stack)}
    assert stack.invokes
    for invoke in stack.invokes:
        package = invoke["token"].split(":")[0]
        provider = providers.get(invoke["provider"].rsplit("::", 1)[0]) if package == "aws" else None
        assert provider is not None and not provider.name.startswith("default"), f"{invoke['token']}: {invoke['provider']!r}"


def test_every_urn_is_registered_once(stack):
    # The engine refuses a program that registers a URN twice ("Duplicate resource URN"): the logical names of
    # what is built once per (account, region) must tell the targets apart.
    urns = [r.urn for r in stack.resources]
    assert len(urns) > 100
    assert [u for u in set(urns) if urns.count(u) > 1] == []


def test_providers_assume_the_deploy_role_of_exactly_their_account(stack):
    for p in aws_providers(stack):
        allowed = decoded(p.inputs["allowedAccountIds"])
        roles = decoded(p.inputs["assumeRoles"])
        assert len(allowed) == 1
        assert len(roles) == 1
        assert roles[0]["roleArn"] == f"arn:aws:iam::{allowed[0]}:role/PlatformDeployer"
        assert roles[0]["sessionName"]


def test_providers_carry_mandatory_default_tags(stack):
    for p in aws_providers(stack):
        tags = decoded(p.inputs["defaultTags"])["tags"]
        assert {"owner", "cost-center", "environment", "data-classification"} <= tags.keys()
        assert tags["environment"] == stack.stack
        assert tags["stack"] == stack.stack


def test_resources_stay_in_their_providers_account(stack):
    """Account ids that resources name in their own inputs match their provider's guard."""
    for r in stack.resources:
        account = r.inputs.get("accountId")
        if r.custom and isinstance(account, str) and account.isdigit():
            provider = stack.provider_of(r)
            assert decoded(provider.inputs["allowedAccountIds"]) == [account], r.urn


def test_workload_stacks_read_the_configured_shared_stack(workload, snapshots):
    ref = workload.one("pulumi:pulumi:StackReference")
    assert ref.inputs["name"] == workload.config["aiplatform:sharedStack"]
    assert ref.outputs["outputs"]["logArchiveKeyArn"] == snapshots["shared"].outputs["logArchiveKeyArn"]


def test_a_configured_external_id_reaches_every_provider_only_as_a_secret(options_dev, snapshots):
    # A role whose trust requires sts:ExternalId refuses AssumeRole without it: every provider must pass it, and
    # (a credential) only as a secret, so its whole assume-role block is masked in the records.
    providers = [r for r in options_dev.resources if r.type in ("pulumi:providers:aws", "pulumi:providers:aws-native")]
    assert {p.type for p in providers} == {"pulumi:providers:aws", "pulumi:providers:aws-native"}
    for p in providers:
        assert p.inputs.get("assumeRoles", p.inputs.get("assumeRole")) == {"__secret__": True}, p.urn
    recorded = [r.inputs for r in options_dev.resources] + [r.outputs for r in options_dev.resources]
    assert EXTERNAL_ID not in json.dumps([recorded, options_dev.outputs], default=str)
    # Without one, nothing is secret there: the block above is secret because of the id.
    for p in aws_providers(snapshots["dev"]):
        assert decoded(p.inputs["assumeRoles"])[0].keys() == {"roleArn", "sessionName"}


def test_a_target_cannot_be_changed_by_the_components_that_share_it():
    """Every component of an account and region holds the same Target: one that reassigned its region or provider
    would move every later resource of the others."""
    import dataclasses

    from components.providers import Target

    target = object.__new__(Target)
    for name in ("region", "aws", "account"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(target, name, "elsewhere")
