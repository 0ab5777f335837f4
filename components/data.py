"""The data lake of one workload account x region: zone buckets, their access-log bucket and the perimeter policy.

Zones: ``raw`` (what sources push, kept as received), ``curated`` (cleaned, typed,
partitioned data that training reads) and ``artifacts`` (Glue scripts, training
outputs, model artifacts). Raw and curated are encrypted with the ``data`` key;
artifacts with the ``ml`` key, so a role that only serves models never needs to
decrypt lake data (see docs/data.md).

The primary region holds the working lake; in prod the DR region holds a lake of
the same shape whose buckets receive replicas (``LakeReplication``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.naming import fit
from components.providers import Target
from components.secure_bucket import Lifecycle, SecureBucket, SecureBucketArgs

ZONES = ("raw", "curated", "artifacts")
# Roles that may reach the lake from outside the VPC (Glue, DataBrew, Firehose, replication, SageMaker
# execution roles of the ML layers) are created under this IAM path; the bucket policy admits the path.
PLATFORM_ROLE_PATH = "/aiplatform/"


@dataclass
class LakeLifecycle:
    """Per-environment tiering knobs (knobs.lake*Days, knobs.noncurrentVersionExpirationDays)."""

    ia_days: int
    glacier_days: int
    noncurrent_expiration_days: int


@dataclass
class DataLakeArgs:
    target: Target
    org: str
    data_key_arn: pulumi.Input[str]  # raw and curated
    ml_key_arn: pulumi.Input[str]  # artifacts
    logs_key_arn: pulumi.Input[str]  # the access-log bucket (its policy admits logging.s3.amazonaws.com)
    s3_endpoint_id: pulumi.Input[str]  # this region's S3 gateway endpoint: the lake's network perimeter
    lifecycle: LakeLifecycle
    protect: bool
    # Principals admitted from outside the VPC besides PLATFORM_ROLE_PATH roles: the deploy role, operators.
    trusted_principal_arns: Sequence[pulumi.Input[str]] = field(default_factory=list)
    replica: bool = False  # True in the DR region: the buckets receive replicas


def bucket_name(org: str, t: Target, zone: str) -> str:
    """Globally unique, stable per account x region, so replication and grants can name it."""
    return fit(f"{org}-{t.account.name}-lake-{zone}-{t.account_id}-{t.region}", "s3")


def perimeter_statement(arn: str, account_id: str, s3_endpoint_id: str, trusted: Sequence[str]) -> dict[str, Any]:
    """Deny every request that is neither through the VPC's S3 endpoint nor from a platform principal.

    All conditions of one Deny statement must hold for it to apply, so a request passes if ANY of these is
    true: it came through the gateway endpoint; its principal is a platform role (path), a trusted principal
    or an AWS service-linked role of this account (Macie); an AWS service makes it on the caller's behalf
    (KMS, Athena); or the caller is an AWS service principal (S3 replication's own checks, access logging).
    """
    return {
        "Sid": "DenyOutsidePlatformPerimeter",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {
            "StringNotEqualsIfExists": {"aws:SourceVpce": s3_endpoint_id},
            "ArnNotLikeIfExists": {"aws:PrincipalArn": [
                f"arn:aws:iam::{account_id}:role{PLATFORM_ROLE_PATH}*",
                f"arn:aws:iam::{account_id}:role/aws-service-role/*",
                *trusted,
            ]},
            "BoolIfExists": {"aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false"},
        },
    }


class DataLake(pulumi.ComponentResource):
    """Zone buckets (``buckets["raw"|"curated"|"artifacts"]``) and their same-region access-log bucket."""

    buckets: dict[str, SecureBucket]
    access_logs: SecureBucket

    def __init__(self, name: str, args: DataLakeArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:data:DataLake", name, None, opts)
        t = args.target
        lc = args.lifecycle
        child = pulumi.ResourceOptions(parent=self)

        # S3 requires the log target in the source bucket's region, hence one per region; no Object Lock
        # default retention (S3 refuses a log target with one).
        self.access_logs = SecureBucket(f"{name}-access-logs", SecureBucketArgs(
            target=t, bucket_name=bucket_name(args.org, t, "access-logs"), kms_key_arn=args.logs_key_arn,
            protect=args.protect, is_log_target=True,
            lifecycle=Lifecycle(ia_days=lc.ia_days, glacier_days=lc.glacier_days, noncurrent_expiration_days=lc.noncurrent_expiration_days)),
            opts=child)

        trusted = pulumi.Output.all(*args.trusted_principal_arns)
        endpoint = pulumi.Output.from_input(args.s3_endpoint_id)

        def perimeter(arn: pulumi.Output[str]) -> list[Any]:
            return [pulumi.Output.all(arn, endpoint, trusted).apply(
                lambda v: perimeter_statement(v[0], t.account_id, v[1], v[2]))]

        # Raw data is archived once curated; curated and artifacts stay readable without a restore
        # (training re-reads old partitions, endpoints load old model versions), so no Glacier tier there.
        tiers = {
            "raw": Lifecycle(ia_days=lc.ia_days, glacier_days=lc.glacier_days, noncurrent_expiration_days=lc.noncurrent_expiration_days),
            "curated": Lifecycle(ia_days=lc.ia_days, glacier_days=None, noncurrent_expiration_days=lc.noncurrent_expiration_days),
            "artifacts": Lifecycle(ia_days=lc.ia_days, glacier_days=None, noncurrent_expiration_days=lc.noncurrent_expiration_days),
        }
        self.buckets = {
            zone: SecureBucket(f"{name}-{zone}", SecureBucketArgs(
                target=t, bucket_name=bucket_name(args.org, t, zone),
                kms_key_arn=args.ml_key_arn if zone == "artifacts" else args.data_key_arn,
                protect=args.protect, lifecycle=tiers[zone], access_log_bucket=self.access_logs.name,
                policy_statements=perimeter), opts=child)
            for zone in ZONES
        }
        self.bucket_arns = {zone: b.arn for zone, b in self.buckets.items()}
        self.bucket_names = {zone: b.name for zone, b in self.buckets.items()}
        self.register_outputs({"bucketArns": self.bucket_arns, "bucketNames": self.bucket_names,
                               "accessLogBucket": self.access_logs.name})
