"""Bootstrap for a real organization: CI may use the self-managed state backend, an existing OIDC provider is reused,
and destroy is consistent with the deploy role's guardrails (trails are retained, never deleted by the pipeline)."""

from __future__ import annotations

import fnmatch

import pytest

from tests.conftest import ROOT
from tests.iam_lint import lint
from tests.test_bootstrap import template

ROLES = template(ROOT / "bootstrap/deploy-roles.yaml")
STATE = template(ROOT / "bootstrap/state-backend.yaml")
BUCKET, KEY = "acme-aiplatform-pulumi-state", "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def resolved(doc: dict) -> dict:
    """The policy with the template's parameters filled in as a StackSet instance would."""
    for st in doc["Statement"]:
        resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        st["Resource"] = [r.replace("${AWS::Partition}", "aws").replace("${StateBucketName}", BUCKET)
                          .replace("StateKeyArn", KEY) for r in resources]
    return doc


def state_policy(role: str) -> dict:
    [policy] = [r["Properties"] for r in ROLES["Resources"].values()
                if r["Type"] == "AWS::IAM::RolePolicy" and r["Properties"]["RoleName"] == role]
    return resolved(policy["PolicyDocument"])


def allowed(doc: dict, action: str, resource: str) -> bool:
    return any(st["Effect"] == "Allow" and action in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
               and any(fnmatch.fnmatchcase(resource, r) for r in st["Resource"]) for st in doc["Statement"])


STATE_FILE = f"arn:aws:s3:::{BUCKET}/.pulumi/stacks/aiplatform/dev.json"
LOCK_FILE = f"arn:aws:s3:::{BUCKET}/.pulumi/locks/organization/aiplatform/dev/abc.json"


@pytest.mark.parametrize(("role", "action", "resource", "expected"), [
    ("PlatformAutomation", "s3:ListBucket", f"arn:aws:s3:::{BUCKET}", True),
    ("PlatformAutomation", "s3:GetObject", STATE_FILE, True),
    ("PlatformAutomation", "s3:PutObject", STATE_FILE, True),
    ("PlatformAutomation", "s3:DeleteObject", LOCK_FILE, True),
    ("PlatformAutomation", "kms:Decrypt", KEY, True),  # read state and the stacks' secrets (awskms provider)
    ("PlatformAutomation", "kms:GenerateDataKey", KEY, True),  # write SSE-KMS objects
    ("PlatformAutomation", "s3:GetObject", "arn:aws:s3:::someone-elses-bucket/x", False),
    ("PlatformPreviewAutomation", "s3:GetObject", STATE_FILE, True),
    ("PlatformPreviewAutomation", "kms:Decrypt", KEY, True),
    ("PlatformPreviewAutomation", "s3:PutObject", LOCK_FILE, True),
    ("PlatformPreviewAutomation", "s3:PutObject", STATE_FILE, False),  # a pull request never writes state
    ("PlatformPreviewAutomation", "s3:DeleteObject", STATE_FILE, False),
    ("PlatformPreviewAutomation", "kms:Encrypt", KEY, False),
])
def test_ci_roles_reach_the_state_bucket_and_its_key(role, action, resource, expected):
    assert allowed(state_policy(role), action, resource) is expected


@pytest.mark.parametrize("role", ["PlatformAutomation", "PlatformPreviewAutomation"])
def test_state_policies_pass_parliament(role):
    assert not lint(state_policy(role))


def test_state_access_exists_only_in_the_automation_account_with_a_bucket():
    conditions = ROLES["Conditions"]
    for resource in ROLES["Resources"].values():
        if resource["Type"] == "AWS::IAM::RolePolicy":
            assert resource["Condition"] == "UsesStateBucket"
    assert "IsAutomationAccount" in str(conditions["UsesStateBucket"]) and "StateBucketName" in str(conditions["UsesStateBucket"])
    # The backend stack hands over exactly what the StackSet asks for.
    assert {"StateBucketName", "StateKeyArn", "BackendUrl"} <= set(STATE["Outputs"])
    assert STATE["Outputs"]["BackendUrl"]["Value"] == "s3://${StateBucket}?region=${AWS::Region}&awssdk=v2"


def test_an_existing_github_oidc_provider_is_reused_not_duplicated():
    provider = ROLES["Resources"]["GitHubOidcProvider"]
    assert provider["Condition"] == "CreateOidcProvider"
    assert ROLES["Parameters"]["ExistingGitHubOidcProviderArn"]["Default"] == ""
    for role in ("PlatformAutomation", "PlatformPreviewAutomation"):
        [statement] = ROLES["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"]["Federated"] == ["HasExistingOidcProvider", "ExistingGitHubOidcProviderArn", "GitHubOidcProvider"]


def test_workflow_role_arns_are_outputs():
    outputs = ROLES["Outputs"]
    assert outputs["AutomationRoleArn"]["Value"] == "PlatformAutomation.Arn"
    assert outputs["PreviewAutomationRoleArn"]["Value"] == "PlatformPreviewAutomation.Arn"


def test_destroy_is_consistent_with_the_trail_guardrail(snapshots):
    """The deploy role may not delete trails, so no stack may need to: every trail is retained on delete."""
    guardrails = ROLES["Resources"]["PlatformDeployer"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    denied = {a for st in guardrails if st["Effect"] == "Deny" for a in st["Action"]}
    assert "cloudtrail:DeleteTrail" in denied
    for name, snapshot in snapshots.items():
        trails = snapshot.of_type("aws:cloudtrail/trail:Trail")
        assert trails, name
        for trail in trails:
            assert trail.retain_on_delete, f"{name}: destroy would call DeleteTrail on {trail.urn}, which the deploy role denies"
    from platformctl.deploy_cmd import DESCRIPTIONS
    assert "retain_on_delete" in DESCRIPTIONS["destroy"] and "cloudtrail delete-trail" in DESCRIPTIONS["destroy"]
