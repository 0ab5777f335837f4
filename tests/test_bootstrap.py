"""The bootstrap templates (deploy roles, state backend) are valid CloudFormation with sound IAM."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.iam_lint import lint

TEMPLATES = sorted((ROOT / "bootstrap").glob("*.yaml"))


class CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Sub, !Ref, ...) as plain values."""


CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node)
                                if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node))


def template(path: Path) -> dict:
    return yaml.load(path.read_text(), Loader=CfnLoader)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_finds_no_errors_or_warnings(path):
    # Imported here, not at collection: cfnlint takes ~2-3 s CPU to import, paid by every xdist worker otherwise.
    from cfnlint.api import lint as cfn_lint

    findings = [str(m) for m in cfn_lint(path.read_text()) if m.rule.id[0] in "EW"]
    assert not findings


def roles() -> dict:
    return {k: v["Properties"] for k, v in template(ROOT / "bootstrap/deploy-roles.yaml")["Resources"].items() if v["Type"] == "AWS::IAM::Role"}


def test_ci_enters_only_through_the_automation_account():
    deploy_ci = roles()["PlatformAutomation"]["AssumeRolePolicyDocument"]["Statement"][0]
    subjects = deploy_ci["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"]
    assert all(":pull_request" not in s for s in subjects), "pull requests must not get the deploy path"
    preview_ci = roles()["PlatformPreviewAutomation"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert preview_ci["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"].endswith(":pull_request")
    for name, target in (("PlatformAutomation", "PlatformDeployer"), ("PlatformPreviewAutomation", "PlatformPreviewer")):
        (st,) = roles()[name]["Policies"][0]["PolicyDocument"]["Statement"]
        assert st["Action"] == "sts:AssumeRole" and st["Resource"].endswith(f":role/{target}")


def test_deploy_role_trusts_operators_and_the_deploy_automation_only():
    statements = {s["Sid"]: s for s in roles()["PlatformDeployer"]["AssumeRolePolicyDocument"]["Statement"]}
    assert set(statements) == {"Operators", "Automation"}
    pinned = statements["Automation"]["Condition"]["ArnEquals"]["aws:PrincipalArn"]
    assert pinned.endswith(":role/PlatformAutomation")
    previewer = roles()["PlatformPreviewer"]
    assert previewer["ManagedPolicyArns"] == ["arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess"]
    (st,) = previewer["AssumeRolePolicyDocument"]["Statement"]
    assert st["Condition"]["ArnEquals"]["aws:PrincipalArn"].endswith(":role/PlatformPreviewAutomation")


def test_guardrail_policies_pass_parliament():
    for policy in roles()["PlatformDeployer"]["Policies"]:
        doc = policy["PolicyDocument"]
        # Resolve the one substitution parliament cannot know.
        for st in doc["Statement"]:
            if isinstance(st["Resource"], str):
                st["Resource"] = st["Resource"].replace("${AWS::Partition}", "aws").replace("${LogArchiveBucketName}", "acme-log-archive")
        assert not lint(doc)


def test_state_bucket_is_encrypted_versioned_private_and_retained():
    res = template(ROOT / "bootstrap/state-backend.yaml")["Resources"]
    bucket = res["StateBucket"]
    assert bucket["DeletionPolicy"] == "Retain" and res["StateKey"]["DeletionPolicy"] == "Retain"
    props = bucket["Properties"]
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert sse["SSEAlgorithm"] == "aws:kms"
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert res["StateKey"]["Properties"]["EnableKeyRotation"] is True
