"""The platform's SCPs, built from config. Every statement is a Deny: SCPs only ever limit.

Split into four documents because AWS allows at most five SCPs on one OU and ``FullAWSAccess``
(the policy that lets deny-list SCPs work) takes one of them; each must stay within 5,120 characters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from components.sagemaker_iam import AUTOML_ACTIONS, ISOLATION_ACTIONS, SIZED_KEY_ACTIONS, VPC_ACTIONS

MAX_SCP_CHARS = 5120  # AWS Organizations quota: maximum size of a service control policy document
MAX_SCPS_PER_TARGET = 5  # including FullAWSAccess

Statement = dict[str, Any]

# AWS Organizations' documented Region-deny example: services with a single global endpoint (most of
# them in us-east-1) and global read calls that must stay callable whatever region is allowed.
GLOBAL_SERVICE_EXCEPTIONS = [
    "a4b:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*", "budgets:*", "ce:*", "chime:*",
    "cloudfront:*", "config:*", "cur:*", "directconnect:*", "ec2:DescribeRegions", "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways", "fms:*", "globalaccelerator:*", "health:*", "iam:*", "importexport:*", "kms:*",
    "mobileanalytics:*", "networkmanager:*", "organizations:*", "pricing:*", "route53:*", "route53domains:*",
    "s3:GetAccountPublic*", "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints", "s3:PutAccountPublic*", "shield:*",
    "sts:*", "support:*", "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*", "wellarchitected:*",
]

# Turning a detective control off or cutting an account loose from its administrator.
SECURITY_SERVICE_DISABLE = [
    "cloudtrail:DeleteTrail", "cloudtrail:StopLogging",
    "guardduty:DeleteDetector", "guardduty:DisassociateFromAdministratorAccount", "guardduty:DisassociateFromMasterAccount",
    "securityhub:DisableSecurityHub", "securityhub:DisassociateFromAdministratorAccount", "securityhub:DisassociateFromMasterAccount",
    "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "config:StopConfigurationRecorder",
    "macie2:DisableMacie", "macie2:DisassociateFromAdministratorAccount", "macie2:DisassociateFromMasterAccount",
]
# Calls that can also switch a control off (a detector with enable=false, a paused Macie session, an
# emptied recorder); only the platform's own roles make them.
SECURITY_SERVICE_CHANGE = [
    "cloudtrail:PutEventSelectors", "cloudtrail:UpdateTrail", "guardduty:UpdateDetector", "securityhub:BatchDisableStandards",
    "config:PutConfigurationRecorder", "config:PutDeliveryChannel", "macie2:UpdateMacieSession",
]
ROLE_CHANGE = [
    "iam:AttachRolePolicy", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole", "iam:UpdateRoleDescription",
]
# The roles bootstrap/deploy-roles.yaml creates in every account.
BOOTSTRAP_ROLES = ("PlatformDeployer", "PlatformPreviewer", "PlatformAutomation", "PlatformPreviewAutomation")


@dataclass(frozen=True)
class ScpInputs:
    allowed_regions: list[str]
    deploy_roles: list[str]  # role names Pulumi assumes (deployRole.name, per-account overrides)
    platform_admin_roles: list[str]  # may change the deploy roles and the security services
    nvme_patterns: list[str] = field(default_factory=list)  # instance types that cannot take a volume key


def _role_arns(names: list[str]) -> list[str]:
    return [f"arn:aws:iam::*:role/{n}" for n in sorted(set(names))]


def _deny(sid: str, actions: list[str] | str, condition: dict[str, Any] | None = None, resource: list[str] | str = "*",
          not_action: bool = False) -> Statement:
    st: Statement = {"Sid": sid, "Effect": "Deny", ("NotAction" if not_action else "Action"): actions, "Resource": resource}
    if condition:
        st["Condition"] = condition
    return st


def organization_guardrails(i: ScpInputs) -> dict[str, Any]:
    admins = _role_arns(i.platform_admin_roles)
    return _document([
        _deny("DenyLeavingOrganization", "organizations:LeaveOrganization"),
        _deny("DenyDisablingSecurityServices", SECURITY_SERVICE_DISABLE, {"ArnNotLike": {"aws:PrincipalARN": admins}}),
        _deny("DenyChangingSecurityServices", SECURITY_SERVICE_CHANGE,
              {"ArnNotLike": {"aws:PrincipalARN": _role_arns([*i.deploy_roles, *i.platform_admin_roles])}}),
        # The documented root-user pattern: aws:PrincipalArn of a root session is arn:aws:iam::<account>:root.
        _deny("DenyRootUser", "*", {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}),
    ])


def region_guardrail(i: ScpInputs) -> dict[str, Any]:
    return _document([
        _deny("DenyOutsideAllowedRegions", GLOBAL_SERVICE_EXCEPTIONS, {"StringNotEquals": {"aws:RequestedRegion": sorted(set(i.allowed_regions))}},
              not_action=True),
    ])


def data_guardrails(i: ScpInputs) -> dict[str, Any]:
    deploy = _role_arns([*BOOTSTRAP_ROLES, *i.deploy_roles])
    return _document([
        # A bucket policy guards only its own bucket, and a deny-if-header-missing policy would break default
        # encryption. Here: no principal of the organization may ask any bucket (its own, another account's, a
        # third party's) for SSE-S3 or SSE-C; a put without the header gets the bucket's default (KMS here).
        # A negated operator is true when the key is absent (so is ...IfExists): the Null check keeps those puts.
        _deny("DenyS3PutWithoutKms", "s3:PutObject", {
            "Null": {"s3:x-amz-server-side-encryption": "false"},
            "StringNotEquals": {"s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"]},
        }),
        _deny("DenyS3PutWithCustomerKey", "s3:PutObject", {"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "false"}}),
        _deny("DenyDeployRoleChanges", ROLE_CHANGE, {"ArnNotLike": {"aws:PrincipalARN": _role_arns(i.platform_admin_roles)}},
              resource=deploy),
    ])


def sagemaker_guardrails(i: ScpInputs) -> dict[str, Any]:
    """The Studio/execution-role guardrails' condition keys, organization-wide (subnets and keys are per account, so
    only their presence is required here)."""
    return _document([
        _deny("DenySageMakerOutsideVpc", VPC_ACTIONS, {"Null": {"sagemaker:VpcSubnets": "true"}}),
        # Absent NetworkIsolation means "not isolated": BoolIfExists makes the absent key match.
        _deny("DenySageMakerWithoutIsolation", ISOLATION_ACTIONS, {"BoolIfExists": {"sagemaker:NetworkIsolation": "false"}}),
        _deny("DenySageMakerEbsWithoutVolumeKey", SIZED_KEY_ACTIONS, {
            "Null": {"sagemaker:VolumeKmsKey": "true"},
            "ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": i.nvme_patterns},
        }),
        _deny("DenyAutoMLWithoutVolumeKey", AUTOML_ACTIONS, {"Null": {"sagemaker:VolumeKmsKey": "true"}}),
    ])


def _document(statements: list[Statement]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


def documents(inputs: ScpInputs) -> dict[str, dict[str, Any]]:
    """Every platform SCP by short name (used in resource names and descriptions)."""
    return {
        "organization": organization_guardrails(inputs),
        "regions": region_guardrail(inputs),
        "data": data_guardrails(inputs),
        "sagemaker": sagemaker_guardrails(inputs),
    }


def render(document: dict[str, Any]) -> str:
    """Compact JSON: what Organizations stores and counts against MAX_SCP_CHARS."""
    return json.dumps(document, separators=(",", ":"))
