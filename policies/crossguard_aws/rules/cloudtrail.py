"""CloudTrail: KMS encryption, multi-region, log file validation and delivery to CloudWatch Logs."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import cis, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import truthy

TRAILS = ("aws:cloudtrail/trail:Trail", "aws-native:cloudtrail:Trail")


@resource_rule(
    id="aws-cloudtrail-trail-enforce-kms", pack="encryption", types=TRAILS, severity=Severity.HIGH,
    description="CloudTrail trails must encrypt log files with a customer-managed KMS key.",
    remediation="Set kms_key_id to your key ARN; the key policy must allow cloudtrail.amazonaws.com to encrypt.",
    controls=(*fsbp("CloudTrail.2"), *cis("3.5")), tags=("kms", "audit"),
)
def cloudtrail_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    problem = key_problem(res.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


@resource_rule(
    id="aws-cloudtrail-trail-enable-multi-region", pack="data-protection", types=TRAILS, severity=Severity.HIGH,
    description="CloudTrail trails must record every region.",
    remediation="Set is_multi_region_trail=True (and include_global_service_events=True).",
    controls=(*fsbp("CloudTrail.1"), *cis("3.1")), tags=("audit",),
)
def cloudtrail_multi_region(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not truthy(res.get("isMultiRegionTrail", False)):
        yield "isMultiRegionTrail is not true."


@resource_rule(
    id="aws-cloudtrail-trail-enable-log-validation", pack="data-protection", types=TRAILS, severity=Severity.MEDIUM,
    description="CloudTrail trails must enable log file integrity validation.",
    remediation="Set enable_log_file_validation=True.",
    controls=(*fsbp("CloudTrail.4"), *cis("3.2")), tags=("audit", "integrity"),
)
def cloudtrail_log_validation(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not truthy(res.get("enableLogFileValidation", False)):
        yield "enableLogFileValidation is not true."


@resource_rule(
    id="aws-cloudtrail-trail-require-cloudwatch-delivery", pack="data-protection", types=TRAILS, severity=Severity.MEDIUM,
    description="CloudTrail trails must deliver events to CloudWatch Logs for alerting.",
    remediation="Set cloud_watch_logs_group_arn (ending in ':*') and cloud_watch_logs_role_arn.",
    controls=fsbp("CloudTrail.5"), tags=("audit", "monitoring"),
)
def cloudtrail_cloudwatch(res: Res, ctx: RuleContext) -> Iterator[str]:
    group = "cloudWatchLogsGroupArn" if res.package == "aws" else "cloudWatchLogsLogGroupArn"
    missing = [name for name in (group, "cloudWatchLogsRoleArn") if not res.get(name)]
    if missing:
        yield f"{' and '.join(missing)} not set."


@resource_rule(
    id="aws-cloudtrail-trail-organization-require-hardening", pack="data-protection", types=TRAILS, severity=Severity.CRITICAL,
    description="An organization trail is the only trail of every member account: it must record every region and global "
                "service, validate log files and encrypt with a customer-managed key.",
    remediation="Set is_multi_region_trail, include_global_service_events and enable_log_file_validation to True and kms_key_id "
                "to the log archive key.",
    controls=(*fsbp("CloudTrail.1", "CloudTrail.2", "CloudTrail.4"), *cis("3.1", "3.2", "3.5")), tags=("audit", "organizations"),
)
def cloudtrail_organization(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not truthy(res.get("isOrganizationTrail", False)):
        return
    for name in ("isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation"):
        # includeGlobalServiceEvents defaults to true in both providers.
        if not truthy(res.get(name, name == "includeGlobalServiceEvents")):
            yield f"organization trail: {name} is not true."
    problem = key_problem(res.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield f"organization trail: {problem}"
