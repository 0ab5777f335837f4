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
import pulumi_aws as aws

from components import iam
from components.conventions import BACKUP_TAG, PLATFORM_ROLE_PATH
from components.naming import fit
from components.providers import Target
from components.secure_bucket import Lifecycle, SecureBucket, SecureBucketArgs

ZONES = ("raw", "curated", "artifacts")
# Firehose writes here in the raw zone, with Hive-style date partitions the raw crawler turns into columns.
INGEST_PREFIX = "ingest/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
INGEST_ERROR_PREFIX = "ingest-errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"


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
    logs_key_arn: pulumi.Input[str]  # log groups (the access-log bucket is SSE-S3: see SecureBucket)
    s3_endpoint_id: pulumi.Input[str]  # this region's S3 gateway endpoint: the lake's network perimeter
    lifecycle: LakeLifecycle
    protect: bool
    # Principals admitted from outside the VPC besides PLATFORM_ROLE_PATH roles: the deploy role, operators.
    trusted_principal_arns: Sequence[pulumi.Input[str]] = field(default_factory=list)
    replica: bool = False  # True in the DR region: the buckets receive replicas (no ingestion, no Macie job)
    log_retention_days: int = 365  # the ingestion stream's error log group
    macie: bool = True  # run the sensitive-data classification job (needs Macie enabled: see ``after``)
    # Resources the Macie job must follow: the account x region's aws.macie2.Account (RegionalBaseline.macie).
    after: Sequence[pulumi.Resource] = field(default_factory=list)


def bucket_name(org: str, t: Target, zone: str) -> str:
    """Globally unique, stable per account x region, so replication and grants can name it."""
    return fit(f"{org}-{t.account.name}-lake-{zone}-{t.account_id}-{t.region}", "s3")


def perimeter_statement(arn: str, account_id: str, s3_endpoint_id: str, trusted: Sequence[str]) -> dict[str, Any]:
    """Deny every request that is neither through the VPC's S3 endpoint nor from a platform principal.

    All conditions of one Deny statement must hold for it to apply, so a request passes if ANY of these is
    true: it came through the gateway endpoint; its principal is a platform role (path), a trusted principal
    or an AWS service-linked role of this account (Macie); or the caller is an AWS service principal.
    Requests a service forwards for a human outside the perimeter (aws:ViaAWSService) are deliberately not
    admitted: people query through Lake Formation, whose reads use the registered location's (platform) role.
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
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
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
            target=t, bucket_name=bucket_name(args.org, t, "access-logs"), kms_key_arn=None,
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
                policy_statements=perimeter,
                # The primary lake is in the backup plan; replicas are already the second copy.
                tags=None if args.replica else dict([BACKUP_TAG])), opts=child)
            for zone in ZONES
        }
        self.bucket_arns = {zone: b.arn for zone, b in self.buckets.items()}
        self.bucket_names = {zone: b.name for zone, b in self.buckets.items()}
        # Replication needs versioning on both sides: these resolve only once it is on, and carry that dependency.
        self.versioned_arns = {zone: pulumi.Output.all(b.arn, b.versioning.id).apply(lambda v: v[0]) for zone, b in self.buckets.items()}
        self.versioned_names = {zone: pulumi.Output.all(b.name, b.versioning.id).apply(lambda v: v[0]) for zone, b in self.buckets.items()}

        self.ingest_stream_arn: pulumi.Output[str] | None = None
        if not args.replica:
            self.ingest_stream_arn = self._ingestion(name, args).arn
            if args.macie:
                self._classification(name, args)
        self.register_outputs({"bucketArns": self.bucket_arns, "bucketNames": self.bucket_names,
                               "accessLogBucket": self.access_logs.name, "ingestStreamArn": self.ingest_stream_arn})

    def _ingestion(self, name: str, args: DataLakeArgs) -> aws.kinesis.FirehoseDeliveryStream:
        """Firehose into the raw zone: producers need only firehose:PutRecord*, never S3 credentials."""
        t = args.target
        raw = self.buckets["raw"]
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-ingest-logs", name=f"/aws/kinesisfirehose/{name}-ingest", kms_key_id=args.logs_key_arn,
            retention_in_days=args.log_retention_days, opts=t.stateful(self, args.protect))
        log_stream = aws.cloudwatch.LogStream(f"{name}-ingest-delivery", name="S3Delivery", log_group_name=log_group.name,
                                              opts=t.opts(self))
        role = aws.iam.Role(
            f"{name}-ingest", path=PLATFORM_ROLE_PATH, description="Firehose delivery into the raw zone's ingest prefix",
            assume_role_policy=iam.service_trust("firehose.amazonaws.com", t.account_id), opts=t.opts(self))
        policy = aws.iam.RolePolicy(f"{name}-ingest", role=role.id, policy=pulumi.Output.all(raw.arn, args.data_key_arn, log_group.arn).apply(
            lambda v: iam.document(firehose_statements(t.region, v[0], v[1], v[2]))), opts=t.opts(self))
        return aws.kinesis.FirehoseDeliveryStream(
            f"{name}-ingest",
            name=fit(f"{name}-ingest", "generic"),
            destination="extended_s3",
            server_side_encryption={"enabled": True, "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": args.data_key_arn},
            extended_s3_configuration={
                "role_arn": role.arn,
                "bucket_arn": raw.arn,
                "prefix": INGEST_PREFIX,
                "error_output_prefix": INGEST_ERROR_PREFIX,
                "buffering_size": 64,
                "buffering_interval": 300,
                "compression_format": "GZIP",
                "kms_key_arn": args.data_key_arn,
                "cloudwatch_logging_options": {"enabled": True, "log_group_name": log_group.name, "log_stream_name": log_stream.name},
            },
            # The role's policy must exist before Firehose validates that it can write.
            opts=t.opts(self, depends_on=[policy]),
        )

    def _classification(self, name: str, args: DataLakeArgs) -> aws.macie2.ClassificationJob:
        """Weekly Macie discovery over raw and curated; artifacts hold models (ml key), not personal data."""
        t = args.target
        return aws.macie2.ClassificationJob(
            f"{name}-classification",
            name=fit(f"{name}-sensitive-data", "generic"),
            description="Weekly sensitive-data discovery over the raw and curated lake zones",
            job_type="SCHEDULED",
            schedule_frequency={"weekly_schedule": "SUNDAY"},
            initial_run=True,
            s3_job_definition={"bucket_definitions": [{
                "account_id": t.account_id,
                "buckets": [self.buckets["raw"].name, self.buckets["curated"].name],
            }]},
            opts=t.opts(self, depends_on=list(args.after)),
        )


def firehose_statements(region: str, raw_arn: str, key_arn: str, log_group_arn: str) -> list[dict[str, Any]]:
    """Write only under the ingest prefixes of the raw bucket, encrypt only through S3, log only to its group."""
    return [
        iam.allow(["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], raw_arn, "Bucket"),
        iam.allow(["s3:PutObject", "s3:AbortMultipartUpload"], [f"{raw_arn}/ingest/*", f"{raw_arn}/ingest-errors/*"], "IngestPrefixOnly"),
        iam.allow(["kms:GenerateDataKey", "kms:Decrypt"], key_arn, "EncryptThroughS3", {
            "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": [raw_arn, f"{raw_arn}/ingest*"]},
        }),
        iam.allow(["logs:PutLogEvents"], f"{log_group_arn}:log-stream:*", "ErrorLogs"),
    ]


@dataclass
class ReplicatedZone:
    """One source bucket and its DR-region destination, with the key each side encrypts with."""

    zone: str
    source_bucket: pulumi.Input[str]  # name (resolving once versioning is on)
    source_arn: pulumi.Input[str]
    source_key_arn: pulumi.Input[str]
    destination_arn: pulumi.Input[str]  # resolving once the destination's versioning is on
    destination_key_arn: pulumi.Input[str]  # a key in the DR region


@dataclass
class LakeReplicationArgs:
    source: Target  # primary region
    destination: Target  # DR region, same account
    zones: list[ReplicatedZone]


class LakeReplication(pulumi.ComponentResource):
    """Cross-region replication of every lake zone to the DR lake, re-encrypted with DR-region keys.

    Delete markers are NOT replicated: a delete (mistaken or malicious) in the primary region leaves the DR
    copy readable, so DR also covers "someone emptied the bucket", not only "the region is gone". Version
    deletions are never replicated by S3 in any case.
    """

    def __init__(self, name: str, args: LakeReplicationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:data:LakeReplication", name, None, opts)
        src, dst = args.source, args.destination
        role = aws.iam.Role(
            f"{name}-role", path=PLATFORM_ROLE_PATH, description="S3 replication of the data lake to the DR region",
            assume_role_policy=iam.service_trust("s3.amazonaws.com", src.account_id), opts=src.opts(self))
        values = pulumi.Output.all(*[pulumi.Output.all(z.source_arn, z.source_key_arn, z.destination_arn, z.destination_key_arn)
                                     for z in args.zones])
        policy = aws.iam.RolePolicy(f"{name}-role", role=role.id, policy=values.apply(
            lambda zones: iam.document(replication_statements(src.region, dst.region, zones))), opts=src.opts(self))
        self.configs = {
            z.zone: aws.s3.BucketReplicationConfig(
                f"{name}-{z.zone}",
                bucket=z.source_bucket,
                role=role.arn,
                rules=[{
                    "id": f"{z.zone}-to-{dst.region}",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "delete_marker_replication": {"status": "Disabled"},
                    "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
                    "destination": {
                        "bucket": z.destination_arn,
                        # DR copies are read only after a failover: Infrequent Access, still instantly readable.
                        "storage_class": "STANDARD_IA",
                        "encryption_configuration": {"replica_kms_key_id": z.destination_key_arn},
                    },
                }],
                opts=src.opts(self, depends_on=[policy]),
            )
            for z in args.zones
        }
        self.role_arn = role.arn
        self.register_outputs({"roleArn": self.role_arn})


def replication_statements(src_region: str, dst_region: str, zones: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """Read versions from the sources, write replicas to the destinations; decrypt/encrypt only through S3 there."""
    sources = [z[0] for z in zones]
    destinations = [z[2] for z in zones]

    def through_s3(region: str, arns: list[str]) -> dict[str, Any]:
        return {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [*arns, *[f"{a}/*" for a in arns]]}}

    return [
        iam.allow(["s3:GetReplicationConfiguration", "s3:ListBucket"], sources, "SourceBuckets"),
        iam.allow(["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                  [f"{a}/*" for a in sources], "SourceVersions"),
        iam.allow(["s3:ReplicateObject", "s3:ReplicateTags"], [f"{a}/*" for a in destinations], "WriteReplicas"),
        iam.allow(["kms:Decrypt"], sorted({z[1] for z in zones}), "DecryptSource", through_s3(src_region, sources)),
        iam.allow(["kms:Encrypt", "kms:GenerateDataKey"], sorted({z[3] for z in zones}), "EncryptReplica",
                  through_s3(dst_region, destinations)),
    ]
