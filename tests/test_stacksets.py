"""The baseline rolls out to every workload account and region listed in config, like a StackSet."""

from __future__ import annotations

from tests.conftest import decoded


def targets(snap, token):
    out = set()
    for r in snap.of_type(token):
        p = snap.provider_of(r)
        out.add((decoded(p.inputs["allowedAccountIds"])[0], p.inputs["region"]))
    return out


def test_regional_baseline_in_every_account_and_region(fleet):
    expected = {(a, r) for a in ("444444444444", "555555555555") for r in ("us-east-1", "us-west-2", "eu-west-1")}
    for token in ("aws:kms/key:Key", "aws:guardduty/detector:Detector", "aws:ebs/encryptionByDefault:EncryptionByDefault"):
        assert targets(fleet, token) == expected, token
    assert targets(fleet, "awsx:ec2:Vpc") == expected


def test_account_part_once_per_account(fleet):
    assert targets(fleet, "aws:cloudtrail/trail:Trail") == {("444444444444", "us-east-1"), ("555555555555", "us-east-1")}
    assert len(fleet.of_type("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")) == 2


def test_each_account_gets_its_own_guarded_providers(fleet):
    providers = [r for r in fleet.resources if r.type == "pulumi:providers:aws"]
    guards = sorted(decoded(p.inputs["allowedAccountIds"])[0] for p in providers)
    assert guards == ["444444444444"] * 3 + ["555555555555"] * 3
