"""An S3 bucket with every control the platform requires, as separate v7 resources.

SSE-KMS with a customer-managed key and S3 Bucket Keys (SSE-S3 on server access log targets, the only
default encryption AWS supports there), versioning, all four
public-access-block flags, ``BucketOwnerEnforced`` (ACLs off), a TLS-only bucket
policy (plus any statements the caller adds), lifecycle rules, server access
logging to a log bucket in the same region, and optional Object Lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components.providers import Target
from config.schema import S3_IA_BEFORE_GLACIER_DAYS, S3_IA_MIN_DAYS

# Server access logs move to Glacier after this many days when they are kept longer.
LOG_GLACIER_DAYS = 90


@dataclass(frozen=True)
class Lifecycle:
    """Days to each transition; None skips it. Every bucket states its own (no silent default)."""
    ia_days: int | None
    glacier_days: int | None
    noncurrent_expiration_days: int
    expiration_days: int | None = None

    def __post_init__(self) -> None:
        # What PutBucketLifecycleConfiguration rejects with InvalidArgument (an Expiration must also come after
        # every Transition of its rule). Config rules refuse such days with a fix; reaching here is a programming error.
        if self.ia_days is not None and self.ia_days < S3_IA_MIN_DAYS:
            raise ValueError(f"STANDARD_IA transition at {self.ia_days} days: S3 requires at least {S3_IA_MIN_DAYS}")
        if self.ia_days is not None and self.glacier_days is not None and self.glacier_days < self.ia_days + S3_IA_BEFORE_GLACIER_DAYS:
            raise ValueError(f"GLACIER transition at {self.glacier_days} days: S3 requires {S3_IA_BEFORE_GLACIER_DAYS} days after STANDARD_IA ({self.ia_days})")
        last = max((d for d in (self.ia_days, self.glacier_days) if d is not None), default=0)
        if self.expiration_days is not None and self.expiration_days <= last:
            raise ValueError(f"expiration at {self.expiration_days} days: S3 requires it after every transition ({last})")

    @classmethod
    def access_logs(cls, retention_days: int) -> Lifecycle:
        """Server access logs kept ``retention_days``; archived to Glacier only when they outlive the transition."""
        glacier = LOG_GLACIER_DAYS if retention_days > LOG_GLACIER_DAYS else None
        return cls(ia_days=None, glacier_days=glacier, noncurrent_expiration_days=30, expiration_days=retention_days)


@dataclass
class SecureBucketArgs:
    target: Target
    bucket_name: str
    kms_key_arn: pulumi.Input[str] | None  # None only for a server access log target (SSE-S3)
    protect: bool
    lifecycle: Lifecycle
    # Server access logs go here (same region). None only for the access-log bucket itself.
    access_log_bucket: pulumi.Input[str] | None = None
    # Extra statements; called with the bucket ARN so they can scope to it.
    policy_statements: Callable[[pulumi.Output[str]], Sequence[Any]] | None = None
    object_lock_days: int | None = None
    # An access-log target must accept the S3 logging service's writes.
    is_log_target: bool = False
    # Tags beyond the provider's default tags (e.g. the backup plan's selection tag).
    tags: dict[str, str] | None = None


class SecureBucket(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:storage:SecureBucket", name, None, opts)
        t = args.target
        child = t.opts(self)
        lock = args.object_lock_days is not None
        self.bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            object_lock_enabled=lock or None,
            force_destroy=False,
            tags=args.tags,
            opts=t.stateful(self, args.protect),
        )
        bucket_id = self.bucket.id
        self.arn = self.bucket.arn
        self.name = self.bucket.bucket

        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-pab", bucket=bucket_id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=child,
        )
        self.ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership", bucket=bucket_id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child,
        )
        if args.is_log_target:
            # AWS documents SSE-S3 as the only default encryption supported on a server access logging target
            # ("Troubleshoot server access logging": SSE-KMS is not supported for target buckets): with a KMS
            # default, log delivery is not guaranteed. So log targets use SSE-S3 and no key.
            sse = aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="AES256"))
        else:
            if args.kms_key_arn is None:
                raise ValueError(f"{name}: only a server access log target may go without a KMS key")
            sse = aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=args.kms_key_arn),
                bucket_key_enabled=True)
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(f"{name}-sse", bucket=bucket_id, rules=[sse], opts=child)
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-versioning", bucket=bucket_id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=child,
        )
        self.lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle", bucket=bucket_id, rules=self._lifecycle_rules(args.lifecycle),
            opts=t.opts(self, depends_on=[self.versioning]),
        )
        if args.access_log_bucket is not None:
            self.logging = aws.s3.BucketLogging(
                f"{name}-logging", bucket=bucket_id, target_bucket=args.access_log_bucket,
                target_prefix=f"{args.bucket_name}/", opts=child,
            )
        if lock:
            self.object_lock = aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock", bucket=bucket_id, object_lock_enabled="Enabled",
                rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                    default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                        mode="GOVERNANCE", days=args.object_lock_days)),
                opts=t.opts(self, depends_on=[self.versioning]),
            )

        def statements(arn: str) -> list[Any]:
            st: list[Any] = [iam.deny_insecure_transport([arn, f"{arn}/*"])]
            if args.is_log_target:
                st.append({
                    "Sid": "S3ServerAccessLogsDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{arn}/*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": t.account_id}},
                })
            return st

        extra = args.policy_statements(self.bucket.arn) if args.policy_statements else []
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy", bucket=bucket_id,
            policy=pulumi.Output.all(self.bucket.arn, pulumi.Output.from_input(extra)).apply(
                lambda v: iam.document([*statements(v[0]), *v[1]])),
            # A policy that PAB would call public must not race the PAB itself.
            opts=t.opts(self, depends_on=[self.public_access_block, self.ownership]),
        )
        self.register_outputs({"arn": self.arn, "name": self.name})

    @staticmethod
    def _lifecycle_rules(lc: Lifecycle) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
        transitions = [
            aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(days=days, storage_class=cls)
            for days, cls in ((lc.ia_days, "STANDARD_IA"), (lc.glacier_days, "GLACIER"))
            if days is not None
        ]
        return [
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="tiering-and-cleanup",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                transitions=transitions or None,
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=lc.expiration_days) if lc.expiration_days else None,
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=lc.noncurrent_expiration_days),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=7),
            )
        ]
