"""The baseline rolls out to every workload account and region listed in config, like a StackSet."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import decoded, project_variant

EXTRA_ACCOUNT = {"id": "555555555555", "name": "mlprod2", "vpcCidrs": {"us-east-1": "10.30.0.0/16", "us-west-2": "10.31.0.0/16",
                                                                       "eu-west-1": "10.32.0.0/16"}}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory, snapshots, synth_variant):
    """prod with a second workload account and a third region, from config alone."""
    def edit(cfg: dict) -> None:
        cfg["aiplatform:accounts"]["additionalWorkloads"] = [EXTRA_ACCOUNT]
        cfg["aiplatform:accounts"]["workload"]["vpcCidrs"]["eu-west-1"] = "10.22.0.0/16"
        cfg["aiplatform:regions"]["additional"] = ["eu-west-1"]

    project = project_variant(tmp_path_factory, "fleet", "prod", edit)
    # The shared stack must serve the new account too (validation reads Pulumi.shared.yaml and says so).
    shared = yaml.safe_load((project / "Pulumi.shared.yaml").read_text())
    shared["config"]["aiplatform:accounts"]["members"].append(EXTRA_ACCOUNT["id"])
    shared["config"]["aiplatform:knobs"]["modelRegistry"]["consumers"].append(EXTRA_ACCOUNT["id"])
    (project / "Pulumi.shared.yaml").write_text(yaml.safe_dump(shared))
    return synth_variant(project, "prod", {"shared": snapshots["shared"].outputs})


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
