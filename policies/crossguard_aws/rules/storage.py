"""DynamoDB and EFS: encryption at rest with customer-managed keys."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, checkov, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import truthy

TABLES = ("aws:dynamodb/table:Table", "aws-native:dynamodb:Table")
FILE_SYSTEMS = ("aws:efs/fileSystem:FileSystem", "aws-native:efs:FileSystem")


@resource_rule(
    id="aws-dynamodb-table-enforce-kms", pack="encryption", types=TABLES, severity=Severity.MEDIUM,
    description="DynamoDB tables must be encrypted with a customer-managed KMS key (not the AWS-owned default).",
    remediation="Set server_side_encryption={enabled: True, kms_key_arn: <your key ARN>} "
                "(aws-native: sse_specification sse_enabled + kms_master_key_id).",
    tags=("kms", "database"),
)
def dynamodb_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    block, enabled, key = (("serverSideEncryption", "enabled", "kmsKeyArn") if res.package == "aws"
                           else ("sseSpecification", "sseEnabled", "kmsMasterKeyId"))
    if not truthy(res.get(f"{block}.{enabled}", False)):
        yield f"{block}.{enabled} is not true, so an AWS-owned key is used."
        return
    problem = key_problem(res.get(f"{block}.{key}"), f"{block}.{key}")
    if problem:
        yield problem


@resource_rule(
    id="aws-efs-filesystem-enforce-kms", pack="encryption", types=FILE_SYSTEMS, severity=Severity.HIGH,
    description="EFS file systems must be encrypted with a customer-managed KMS key.",
    remediation="Set encrypted=True and kms_key_id=<your key ARN> (replaces the file system).",
    controls=fsbp("EFS.1"), tags=("kms", "storage"),
)
def efs_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not truthy(res.get("encrypted", False)):
        yield "encrypted is not true."
        return
    problem = key_problem(res.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


@resource_rule(
    id="aws-dynamodb-table-enable-point-in-time-recovery", pack="data-protection", types=TABLES, severity=Severity.MEDIUM,
    description="DynamoDB tables must have point-in-time recovery enabled.",
    remediation="Set point_in_time_recovery={enabled: True} (aws-native: point_in_time_recovery_specification).",
    controls=(*fsbp("DynamoDB.2"), *checkov("CKV_AWS_28"), *cdk_nag("DDB3")), tags=("database", "recoverability"),
)
def dynamodb_pitr(res: Res, ctx: RuleContext) -> Iterator[str]:
    path = ("pointInTimeRecovery.enabled" if res.package == "aws"
            else "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled")
    if not truthy(res.get(path, False)):
        yield f"{path} is not true; the table cannot be restored to a point in time."
