"""One multi-region organization trail from the management account into the central log archive.

It replaces the per-account trails: CloudTrail writes every member's events under
``AWSLogs/<organization id>/<account id>/`` and the management account's own under
``AWSLogs/<management account id>/``; the archive's bucket and key policies admit exactly this trail ARN.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import iam, kms
from components.naming import fit
from components.providers import Target
from components.security import CentralLogging


def organization_trail_name(org: str) -> str:
    return fit(f"{org}-organization-trail", "trail")


def organization_trail_arn(org: str, management_account_id: str, home_region: str) -> str:
    """The ARN the log archive admits (the trail lives in its home region of the management account)."""
    return f"arn:aws:cloudtrail:{home_region}:{management_account_id}:trail/{organization_trail_name(org)}"


@dataclass
class OrganizationTrailArgs:
    target: Target  # management account, primary region (the trail's home)
    org: str
    central_logging: CentralLogging
    log_retention_days: int
    deletion_window_days: int
    protect: bool
    after: list[pulumi.Resource] = field(default_factory=list)  # the archive: its policies must admit the trail first


class OrganizationTrail(pulumi.ComponentResource):
    def __init__(self, name: str, args: OrganizationTrailArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:organization:OrganizationTrail", name, None, opts)
        t = args.target
        stateful = t.stateful(self, args.protect)
        trail = organization_trail_name(args.org)
        # The management account holds no platform keys otherwise: one for the trail's log group.
        key, _ = kms.create_key(t, kms.KeySpec("org-trail-logs", "organization trail log group", [kms.logs_use(t)]), self,
                                org=args.org, deletion_window_days=args.deletion_window_days, protect=args.protect)
        log_group = aws.cloudwatch.LogGroup(
            f"{t.key}-org-trail-logs", name=f"/aws/cloudtrail/{trail}", kms_key_id=key.arn,
            retention_in_days=args.log_retention_days, opts=stateful)
        delivery_role = aws.iam.Role(
            f"{t.key}-org-trail-delivery", assume_role_policy=iam.service_trust("cloudtrail.amazonaws.com", t.account_id),
            description="Organization trail delivery to CloudWatch Logs", opts=t.opts(self))
        # Log streams of an organization trail are named after each member account and the organization id.
        policy = aws.iam.RolePolicy(
            f"{t.key}-org-trail-delivery", role=delivery_role.id,
            policy=iam.document([iam.allow(["logs:CreateLogStream", "logs:PutLogEvents"],
                                           log_group.arn.apply(lambda a: f"{a}:log-stream:*"))]),
            opts=t.opts(self))
        self.trail = aws.cloudtrail.Trail(
            f"{t.key}-org-trail", name=trail, is_organization_trail=True, is_multi_region_trail=True,
            include_global_service_events=True, enable_log_file_validation=True,
            s3_bucket_name=args.central_logging.bucket_name, kms_key_id=args.central_logging.key_arn,
            cloud_watch_logs_group_arn=log_group.arn.apply(lambda a: f"{a}:*"), cloud_watch_logs_role_arn=delivery_role.arn,
            opts=t.stateful(self, args.protect, depends_on=[*args.after, policy]))
        self.register_outputs({"trailArn": self.trail.arn})
