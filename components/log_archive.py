"""The central log archive in the security account: one bucket every account's trail delivers to.

CloudTrail and AWS Config write here from each platform account; the bucket
policy and the key policy name each source account and trail, so no other
account or trail can write, and nothing can be read without TLS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam, kms
from components.naming import fit
from components.providers import Target
from components.secure_bucket import Lifecycle, SecureBucket, SecureBucketArgs
from components.security import trail_name


@dataclass
class OrganizationTrailSource:
    """An organization trail delivering here (organization mode), in the form CloudTrail's documentation gives:
    writes under AWSLogs/<management account>/ and AWSLogs/<organization id>/, pinned to the trail's ARN."""

    management_account_id: str
    organization_id: str
    trail_arn: str


@dataclass
class LogArchiveArgs:
    target: Target  # security account, primary region
    org: str
    source_accounts: list[str]  # every account whose trail and AWS Config deliver here
    retention_days: int
    organization_trail: OrganizationTrailSource | None = None


class LogArchive(pulumi.ComponentResource):
    def __init__(self, name: str, args: LogArchiveArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:security:LogArchive", name, None, opts)
        t = args.target
        accounts = sorted(set(args.source_accounts))
        trail_arns = [f"arn:aws:cloudtrail:*:{a}:trail/{trail_name(args.org)}" for a in accounts]
        org_trail = args.organization_trail
        trail_accounts = [*accounts, *([org_trail.management_account_id] if org_trail else [])]
        # The ACL check and the key admit the organization trail too; each write statement admits only its own trails.
        any_trail_arns = [*trail_arns, *([org_trail.trail_arn] if org_trail else [])]

        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"{args.org} central log archive (CloudTrail, AWS Config)",
            enable_key_rotation=True,
            deletion_window_in_days=30,  # audit data: always the longest window
            policy=iam.document([
                kms.root_admin(t.account_id),
                {
                    "Sid": "CloudTrailEncrypt",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:GenerateDataKey*",
                    "Resource": "*",
                    "Condition": {
                        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": [f"arn:aws:cloudtrail:*:{a}:trail/*" for a in trail_accounts]},
                        "ArnLike": {"aws:SourceArn": any_trail_arns},
                    },
                },
                {
                    "Sid": "CloudTrailDescribeKey",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:DescribeKey",
                    "Resource": "*",
                    "Condition": {"ArnLike": {"aws:SourceArn": any_trail_arns}},
                },
                kms.service_use("AwsConfigDelivery", "config.amazonaws.com", t.account_id, ["kms:Decrypt", "kms:GenerateDataKey"],
                                {"StringEquals": {"aws:SourceAccount": accounts}}),
            ]),
            opts=t.stateful(self, True),
        )
        aws.kms.Alias(f"{name}-alias", name=f"alias/{args.org}/log-archive", target_key_id=self.key.key_id, opts=t.opts(self))

        self.access_logs = SecureBucket(
            f"{name}-access-logs",
            SecureBucketArgs(
                target=t, bucket_name=fit(f"{args.org}-log-archive-access-{t.account_id}-{t.region}", "s3"),
                kms_key_arn=None, protect=True, is_log_target=True,
                lifecycle=Lifecycle.access_logs(args.retention_days),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        def delivery_statements(arn: pulumi.Output[str]) -> list[Any]:
            return [
                {
                    "Sid": "CloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": arn,
                    "Condition": {"ArnLike": {"aws:SourceArn": any_trail_arns}},
                },
                {
                    "Sid": "CloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": [arn.apply(lambda a, acct=acct: f"{a}/AWSLogs/{acct}/*") for acct in accounts],
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}, "ArnLike": {"aws:SourceArn": trail_arns}},
                },
                *([{
                    "Sid": "OrganizationTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": [arn.apply(lambda a, p=prefix: f"{a}/AWSLogs/{p}/*")
                                 for prefix in (org_trail.management_account_id, org_trail.organization_id)],
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": org_trail.trail_arn}},
                }] if org_trail else []),
                {
                    "Sid": "AwsConfigAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "config.amazonaws.com"},
                    "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                    "Resource": arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": accounts}},
                },
                {
                    "Sid": "AwsConfigWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "config.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": [arn.apply(lambda a, acct=acct: f"{a}/config/AWSLogs/{acct}/Config/*") for acct in accounts],
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": accounts}},
                },
            ]

        self.archive = SecureBucket(
            f"{name}-bucket",
            SecureBucketArgs(
                target=t, bucket_name=fit(f"{args.org}-log-archive-{t.account_id}-{t.region}", "s3"),
                kms_key_arn=self.key.arn, protect=True, access_log_bucket=self.access_logs.name,
                policy_statements=delivery_statements, object_lock_days=args.retention_days,
                lifecycle=Lifecycle(ia_days=None, glacier_days=90, noncurrent_expiration_days=args.retention_days),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.bucket_name = self.archive.name
        self.bucket_arn = self.archive.arn
        self.key_arn = self.key.arn
        self.register_outputs({"bucketName": self.bucket_name, "bucketArn": self.bucket_arn, "keyArn": self.key_arn})
