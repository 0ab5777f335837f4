"""Secrets Manager: secrets encrypted with customer-managed keys, and rotated."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, checkov, fsbp, resource_rule, stack_rule
from crossguard_aws.resources import Res, Stack

SECRETS = ("aws:secretsmanager/secret:Secret", "aws-native:secretsmanager:Secret")
ROTATIONS = ("aws:secretsmanager/secretRotation:SecretRotation", "aws-native:secretsmanager:RotationSchedule")


@resource_rule(
    id="aws-secretsmanager-secret-enforce-kms", pack="encryption", types=SECRETS, severity=Severity.HIGH,
    description="Secrets Manager secrets must be encrypted with a customer-managed KMS key (not aws/secretsmanager).",
    remediation="Set kms_key_id to your key ARN and allow secretsmanager.<region>.amazonaws.com via kms:ViaService in its policy.",
    controls=checkov("CKV_AWS_149"), tags=("kms", "secrets"),
)
def secret_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    problem = key_problem(res.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


@stack_rule(
    id="aws-secretsmanager-secret-enable-rotation", pack="data-protection", types=SECRETS, severity=Severity.MEDIUM,
    description="Secrets Manager secrets must rotate automatically.",
    remediation="Add an aws.secretsmanager.SecretRotation (secret_id=secret.id, rotation_lambda_arn or a managed rotation, "
                "rotation_rules.automatically_after_days), or use manage_master_user_password on RDS.",
    controls=(*fsbp("SecretsManager.1"), *checkov("CKV2_AWS_57"), *cdk_nag("SMG4")), tags=("secrets", "rotation"),
)
def secret_rotation(secret: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    if not stack.attached(secret, ROTATIONS, "secretId", match_values=("id", "arn")):
        yield "has no rotation schedule."
