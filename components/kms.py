"""Customer-managed KMS keys: rotation on, long deletion windows, least-privilege key policies.

Each key policy grants the account administrator (so IAM policies can delegate
use of the key) and exactly the AWS service principals that must use the key
directly, each pinned with ``aws:SourceAccount``/``aws:SourceArn`` or an
encryption-context condition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components.naming import fit
from components.providers import Target


def root_admin(account_id: str) -> dict[str, Any]:
    return {
        "Sid": "AccountAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def service_use(sid: str, service: str, account_id: str, actions: list[str] | None = None, condition: dict | None = None) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": actions or ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": condition or {"StringEquals": {"aws:SourceAccount": account_id}},
    }


def logs_use(target: Target) -> dict[str, Any]:
    """CloudWatch Logs encrypts log groups with the key; scoped to this account's log groups.

    DescribeKey carries no encryption context, so it is left out rather than granted under a
    condition it could never meet.
    """
    return service_use(
        "CloudWatchLogsUse", f"logs.{target.region}.amazonaws.com", target.account_id,
        ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
        {"StringLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{target.region}:{target.account_id}:log-group:*"}},
    )


def macie_use(account_id: str) -> dict[str, Any]:
    """Macie reads SSE-KMS objects through its service-linked role, which IAM policies cannot grant."""
    return {
        "Sid": "MacieServiceLinkedRoleDecrypt",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"},
        "Action": ["kms:Decrypt", "kms:DescribeKey"],
        "Resource": "*",
    }


def alert_publishers(target: Target) -> list[dict[str, Any]]:
    """Services that publish to a KMS-encrypted SNS alert topic (or SQS dead-letter queue) need the key directly.

    EventBridge is the exception to source pinning: its KMS requests (made through SNS/SQS) carry no
    aws:SourceAccount/aws:SourceArn (the SNS developer guide: adding them "is not supported for
    EventBridge-to-encrypted topics"), so a statement conditioned on them never matches and Glue/Backup
    alerts and dead letters vanish. It is pinned instead to the encryption context SNS and SQS add:
    this account's topics and queues in this region.
    """
    account_id, region = target.account_id, target.region
    publish = ["kms:Decrypt", "kms:GenerateDataKey*"]
    statements = [
        service_use(f"{svc.split('.')[0].title()}Publish", svc, account_id, publish)
        for svc in ("cloudwatch.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com")
    ]
    for sid, context_key, arns in (
        ("EventsPublishToTopics", "kms:EncryptionContext:aws:sns:topicArn", f"arn:aws:sns:{region}:{account_id}:*"),
        ("EventsSendToQueues", "kms:EncryptionContext:aws:sqs:arn", f"arn:aws:sqs:{region}:{account_id}:*"),
    ):
        statements.append(service_use(sid, "events.amazonaws.com", account_id, publish, {"StringLike": {context_key: arns}}))
    return statements


@dataclass
class KeySpec:
    """What one data-domain key protects and which services use it directly."""

    domain: str
    description: str
    service_statements: list[dict[str, Any]] = field(default_factory=list)
    # The policy names Macie's service-linked role: the key must be created after Macie is enabled.
    needs_macie_role: bool = False


def create_key(
    target: Target,
    spec: KeySpec,
    parent: pulumi.Resource,
    *,
    org: str,
    deletion_window_days: int,
    protect: bool,
    after: list[pulumi.Resource] | None = None,
) -> tuple[aws.kms.Key, aws.kms.Alias]:
    name = f"{target.key}-{spec.domain}"
    policy = iam.document([root_admin(target.account_id), *spec.service_statements])
    stateful = target.stateful(parent, protect, depends_on=after or [])
    key = aws.kms.Key(
        f"{name}-key",
        description=f"{org} {spec.description} ({target.account.name}, {target.region})",
        enable_key_rotation=True,
        rotation_period_in_days=365,
        deletion_window_in_days=deletion_window_days,
        bypass_policy_lockout_safety_check=False,
        policy=policy,
        opts=stateful,
    )
    alias = aws.kms.Alias(
        f"{name}-alias",
        name=fit(f"alias/{org}/{spec.domain}", "kms-alias"),
        target_key_id=key.key_id,
        opts=target.opts(parent),
    )
    return key, alias


def ecr_pull_use(target: Target, member_accounts: list[str]) -> dict[str, Any]:
    """Workload accounts pull KMS-encrypted images cross-account: ECR decrypts on their behalf, and only through ECR."""
    return {
        "Sid": "WorkloadAccountsDecryptThroughEcr",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in member_accounts]},
        "Action": ["kms:Decrypt", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": f"ecr.{target.region}.amazonaws.com"}},
    }


def model_package_read_use(target: Target, member_accounts: list[str]) -> dict[str, Any]:
    """Workload accounts' SageMaker execution roles read delivered model packages (SSE-KMS), only through S3."""
    return {
        "Sid": "WorkloadAccountsDecryptModelPackagesThroughS3",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in member_accounts]},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": f"s3.{target.region}.amazonaws.com", "kms:CallerAccount": list(member_accounts)}},
    }


def model_promotion_use(target: Target, publishers: list[str]) -> dict[str, Any]:
    """Publisher accounts copy approved model versions into the delivery bucket (SSE-KMS), only through S3."""
    return {
        "Sid": "PublishersEncryptPromotedModelsThroughS3",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in publishers]},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": f"s3.{target.region}.amazonaws.com", "kms:CallerAccount": list(publishers)}},
    }


def codestar_notifications_use(target: Target) -> dict[str, Any]:
    """Pipeline notifications publish to a KMS-encrypted topic; only through SNS in this region."""
    return service_use("CodeStarNotificationsPublish", "codestar-notifications.amazonaws.com", target.account_id,
                       ["kms:GenerateDataKey*", "kms:Decrypt"], {"StringEquals": {"kms:ViaService": f"sns.{target.region}.amazonaws.com"}})


def domain_specs(role: str, target: Target, member_accounts: list[str] | None = None, macie: bool = True,
                 publishers: list[str] | None = None) -> list[KeySpec]:
    """The data-domain keys each kind of account holds in each region.

    ``member_accounts`` (shared-services only): workload accounts that pull images and read model packages
    encrypted with ``artifacts``. ``macie``: whether Macie (and so its service-linked role) is on here.
    """
    acct = target.account_id
    # Not S3 access logs: their target buckets use SSE-S3, the only default encryption AWS supports there.
    logs = KeySpec("logs", "log groups and flow logs", [logs_use(target)])
    alerts = KeySpec("alerts", "alert topics", alert_publishers(target))
    if role == "workload":
        return [
            KeySpec("data", "data lake", [macie_use(acct)] if macie else [], needs_macie_role=macie),
            KeySpec("ml", "ML artifacts, volumes and endpoints"),
            logs,
            KeySpec("backup", "backup vaults"),
            alerts,
        ]
    if role == "shared-services":
        members = [ecr_pull_use(target, member_accounts), model_package_read_use(target, member_accounts)] if member_accounts else []
        members += [model_promotion_use(target, publishers)] if publishers else []
        alerts.service_statements.append(codestar_notifications_use(target))
        return [KeySpec("artifacts", "container and model registries, CI/CD artifacts", members), logs, KeySpec("backup", "backup vaults"),
                alerts]
    return [logs, alerts]
