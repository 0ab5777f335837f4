"""Security baseline, rolled out like a StackSet: an account part once per account,
a regional part per account x region.

Regional in AWS (so in the regional part): KMS keys, EBS encryption by default,
Macie, Security Hub, GuardDuty and AWS Config recording are all per-region
services, even where consoles present them as account settings. Account-wide:
the S3 account public-access block, IAM roles and the one multi-region trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import iam, kms
from components.naming import fit
from components.providers import Target

FSBP_STANDARD = "standards/aws-foundational-security-best-practices/v/1.0.0"


@dataclass
class CentralLogging:
    """Where every account's trail and AWS Config deliver: the log archive in the security account."""

    bucket_name: pulumi.Input[str]
    key_arn: pulumi.Input[str]
    # CreateTrail and PutDeliveryChannel check the bucket policy when called: writers must wait for it.
    # Empty when the archive lives in another stack (already deployed: shared comes first).
    ready: list[pulumi.Resource] = field(default_factory=list)


@dataclass
class RegionalBaselineArgs:
    target: Target
    org: str
    key_specs: list[kms.KeySpec]
    deletion_window_days: int
    protect: bool
    is_primary: bool
    macie: bool = True
    security_hub: bool = True
    guard_duty: bool = True


class RegionalBaseline(pulumi.ComponentResource):
    """Keys and regional detective controls of one account in one region."""

    keys: dict[str, aws.kms.Key]

    def __init__(self, name: str, args: RegionalBaselineArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:security:RegionalBaseline", name, None, opts)
        t = args.target
        # Exposed so layers that create Macie jobs can order themselves after the enablement.
        # Enabling Macie creates its service-linked role, which the data key's policy names: KMS rejects a
        # policy whose principal does not exist yet, so such keys are created after the enablement.
        self.macie: aws.macie2.Account | None = None
        if args.macie:
            self.macie = aws.macie2.Account(f"{t.key}-macie", finding_publishing_frequency="FIFTEEN_MINUTES", status="ENABLED",
                                            opts=t.opts(self))
        self.keys = {}
        for spec in args.key_specs:
            # Without Macie here (organization mode), the delegated administrator's enrollment in the shared stack,
            # deployed first, has enabled Macie in this account and so created the role.
            self.keys[spec.domain], _ = kms.create_key(
                t, spec, self, org=args.org, deletion_window_days=args.deletion_window_days, protect=args.protect,
                after=[self.macie] if spec.needs_macie_role and self.macie else [])

        aws.ebs.EncryptionByDefault(f"{t.key}-ebs-encryption", enabled=True, opts=t.opts(self))
        # Exposed so organization mode can designate the delegated administrator after its own enablement.
        self.security_hub: aws.securityhub.Account | None = None
        self.detector: aws.guardduty.Detector | None = None
        if args.security_hub:
            hub = self.security_hub = aws.securityhub.Account(f"{t.key}-securityhub", enable_default_standards=False,
                                          auto_enable_controls=True, opts=t.opts(self))
            aws.securityhub.StandardsSubscription(
                f"{t.key}-fsbp", standards_arn=f"arn:aws:securityhub:{t.region}::{FSBP_STANDARD}",
                opts=t.opts(self, depends_on=[hub]))
        if args.guard_duty:
            detector = self.detector = aws.guardduty.Detector(f"{t.key}-guardduty", enable=True,
                                              finding_publishing_frequency="FIFTEEN_MINUTES", opts=t.opts(self))
            aws.guardduty.DetectorFeature(f"{t.key}-guardduty-s3", detector_id=detector.id, name="S3_DATA_EVENTS",
                                          status="ENABLED", opts=t.opts(self))
        self.key_arns = {domain: key.arn for domain, key in self.keys.items()}
        self.register_outputs({"keyArns": self.key_arns})


@dataclass
class ConfigRecordingArgs:
    target: Target
    role_arn: pulumi.Input[str]  # the account's AWS Config service-linked role
    central_logging: CentralLogging
    is_primary: bool  # global resources (IAM) are recorded in one region only


class ConfigRecording(pulumi.ComponentResource):
    """AWS Config recording of every supported resource, delivered to the central log archive."""

    def __init__(self, name: str, args: ConfigRecordingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:security:ConfigRecording", name, None, opts)
        t = args.target
        recorder = aws.cfg.Recorder(
            f"{t.key}-config-recorder", name="default", role_arn=args.role_arn,
            recording_group=aws.cfg.RecorderRecordingGroupArgs(all_supported=True, include_global_resource_types=args.is_primary),
            opts=t.opts(self))
        channel = aws.cfg.DeliveryChannel(
            f"{t.key}-config-delivery", name="default", s3_bucket_name=args.central_logging.bucket_name,
            s3_key_prefix="config", s3_kms_key_arn=args.central_logging.key_arn,
            opts=t.opts(self, depends_on=[recorder, *args.central_logging.ready]))
        aws.cfg.RecorderStatus(f"{t.key}-config-recording", name=recorder.name, is_enabled=True,
                               opts=t.opts(self, depends_on=[channel]))
        self.register_outputs({})


@dataclass
class AccountBaselineArgs:
    target: Target  # the account's primary region: the trail's home
    org: str
    central_logging: CentralLogging
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    protect: bool
    audit_principals: list[str] = field(default_factory=list)
    aws_config: bool = False
    trail: bool = True  # False when an organization trail covers the account


def trail_name(org: str) -> str:
    """The same in every account, so the log archive's bucket policy can name each trail's ARN."""
    return fit(f"{org}-platform-trail", "trail")


class AccountBaseline(pulumi.ComponentResource):
    """Account-wide controls: S3 public access block, the multi-region trail, audit and service roles."""

    def __init__(self, name: str, args: AccountBaselineArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:security:AccountBaseline", name, None, opts)
        t = args.target
        acct = t.account_id
        stateful = t.stateful(self, args.protect)

        aws.s3.AccountPublicAccessBlock(
            f"{t.account.name}-s3-account-pab", account_id=acct, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=t.opts(self))

        # Organization trail mode: the management account's organization trail records this account instead.
        self.trail: aws.cloudtrail.Trail | None = None
        if args.trail:
            trail = trail_name(args.org)
            log_group = aws.cloudwatch.LogGroup(
                f"{t.account.name}-trail-logs", name=f"/aws/cloudtrail/{trail}", kms_key_id=args.logs_key_arn,
                retention_in_days=args.log_retention_days, opts=stateful)
            delivery_role = aws.iam.Role(
                f"{t.account.name}-trail-delivery",
                assume_role_policy=iam.service_trust("cloudtrail.amazonaws.com", acct),
                description="CloudTrail delivery to CloudWatch Logs", opts=t.opts(self))
            delivery_policy = aws.iam.RolePolicy(
                f"{t.account.name}-trail-delivery",
                role=delivery_role.id,
                policy=iam.document([iam.allow(["logs:CreateLogStream", "logs:PutLogEvents"],
                                               log_group.arn.apply(lambda a: f"{a}:log-stream:*"))]),
                opts=t.opts(self))
            self.trail = aws.cloudtrail.Trail(
                f"{t.account.name}-trail",
                name=trail,
                s3_bucket_name=args.central_logging.bucket_name,
                kms_key_id=args.central_logging.key_arn,
                is_multi_region_trail=True,
                include_global_service_events=True,
                enable_log_file_validation=True,
                cloud_watch_logs_group_arn=log_group.arn.apply(lambda a: f"{a}:*"),
                cloud_watch_logs_role_arn=delivery_role.arn,
                # Retained in every environment: the deploy role may not delete or stop trails (bootstrap/deploy-roles.yaml),
                # so `destroy` leaves the trail running and drops it from state instead of failing on DeleteTrail.
                # CreateTrail validates the delivery role's permissions and the archive's bucket policy.
                opts=t.opts(self, protect=args.protect, retain_on_delete=True,
                            depends_on=[delivery_policy, *args.central_logging.ready]),
            )

        if args.audit_principals:
            audit = aws.iam.Role(
                f"{t.account.name}-security-audit", name=fit(f"{args.org}-security-audit", "iam"),
                assume_role_policy=iam.account_trust(args.audit_principals),
                description="Read-only security audit from the security account", max_session_duration=3600,
                opts=t.opts(self))
            aws.iam.RolePolicyAttachment(f"{t.account.name}-security-audit", role=audit.name,
                                         policy_arn="arn:aws:iam::aws:policy/SecurityAudit", opts=t.opts(self))
        self.config_role_arn: pulumi.Output[str] | None = None
        if args.aws_config:
            slr = aws.iam.ServiceLinkedRole(f"{t.account.name}-config-slr", aws_service_name="config.amazonaws.com",
                                            opts=t.opts(self))
            self.config_role_arn = slr.arn
        self.register_outputs({"trailArn": self.trail.arn if self.trail else None})
