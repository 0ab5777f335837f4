"""CloudWatch Logs: KMS encryption and retention of log groups."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import fsbp, resource_rule
from crossguard_aws.resources import Res

LOG_GROUPS = ("aws:cloudwatch/logGroup:LogGroup", "aws-native:logs:LogGroup")


@resource_rule(
    id="aws-cloudwatch-loggroup-enforce-kms", pack="encryption", types=LOG_GROUPS, severity=Severity.MEDIUM,
    description="CloudWatch log groups must be encrypted with a customer-managed KMS key.",
    remediation="Set kms_key_id to your key ARN; the key policy must allow logs.<region>.amazonaws.com to use it.",
    tags=("kms", "logging"),
)
def log_group_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    problem = key_problem(res.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


@resource_rule(
    id="aws-cloudwatch-loggroup-enforce-retention", pack="data-protection", types=LOG_GROUPS, severity=Severity.MEDIUM,
    description="CloudWatch log groups must keep logs at least the configured number of days.",
    remediation="Set retention_in_days to at least the configured minimum (policy config minRetentionDays, default 90), "
                "or leave it unset to keep logs forever.",
    controls=fsbp("CloudWatch.16"), tags=("logging", "retention"), knobs=("minRetentionDays",),
)
def log_group_retention(res: Res, ctx: RuleContext) -> Iterator[str]:
    days = res.get("retentionInDays")
    if days is None or int(days) == 0:
        return  # never expires
    if int(days) < ctx["minRetentionDays"]:
        yield f"retentionInDays is {int(days)}; keep logs at least {ctx['minRetentionDays']} days."
