"""EBS: volumes encrypted with customer-managed keys; account-level default encryption stays on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, checkov, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import dig, items, truthy

VOLUMES = ("aws:ebs/volume:Volume", "aws-native:ec2:Volume")
INSTANCE = "aws:ec2/instance:Instance"
ENCRYPTION_BY_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault"
DEFAULT_KEY = "aws:ebs/defaultKmsKey:DefaultKmsKey"


def _volumes(res: Res) -> list[tuple[str, Any]]:
    if res.type != INSTANCE:
        return [("", res.props)]
    found = [("rootBlockDevice.", res.get("rootBlockDevice") or {})]
    found += [(f"ebsBlockDevices[{i}].", d) for i, d in enumerate(items(res.get("ebsBlockDevices")))]
    return found


@resource_rule(
    id="aws-ebs-volume-enforce-kms", pack="encryption", types=(*VOLUMES, INSTANCE), severity=Severity.HIGH,
    description="EBS volumes (standalone and an instance's root and EBS block devices) must be encrypted with a "
                "customer-managed KMS key.",
    remediation="Set encrypted=True and kms_key_id=<your key ARN> on the volume or block device.",
    controls=(*fsbp("EC2.3"), *checkov("CKV_AWS_3", "CKV_AWS_189"), *cdk_nag("EC26")), tags=("kms", "storage"),
)
def ebs_volume_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    for prefix, volume in _volumes(res):
        if not truthy(dig(volume, "encrypted") or False):
            yield f"{prefix}encrypted is not true."
            continue
        problem = key_problem(dig(volume, "kmsKeyId"), f"{prefix}kmsKeyId")
        if problem:
            yield problem


@resource_rule(
    id="aws-ebs-account-enforce-default-encryption", pack="encryption", types=(ENCRYPTION_BY_DEFAULT, DEFAULT_KEY),
    severity=Severity.HIGH,
    description="Account-level EBS encryption by default must stay on, and its default key must be customer-managed.",
    remediation="Leave aws.ebs.EncryptionByDefault enabled=True and point aws.ebs.DefaultKmsKey at your key ARN.",
    controls=(*fsbp("EC2.7"), *checkov("CKV_AWS_106")), tags=("kms", "storage"),
)
def ebs_default_encryption(res: Res, ctx: RuleContext) -> Iterator[str]:
    if res.type == ENCRYPTION_BY_DEFAULT:
        if not truthy(res.get("enabled", True)):
            yield "enabled is false: new volumes in this account and region are created unencrypted."
        return
    problem = key_problem(res.get("keyArn"), "keyArn")
    if problem:
        yield problem
