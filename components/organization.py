"""Organization mode: the security account as delegated administrator of the detective services.

The management account (its own provider) designates the security account for GuardDuty, Security
Hub and Macie in every region, and registers it as delegated administrator for the AWS Config
aggregator and IAM Access Analyzer. The security account then turns on auto-enable for new members,
enrolls the members listed in config, aggregates Security Hub findings into the primary region and
runs an organization-wide Config aggregator and analyzer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import iam
from components.naming import fit
from components.providers import Target
from components.security import RegionalBaseline


@dataclass
class DelegatedSecurityServicesArgs:
    org: str
    primary_region: str
    management: dict[str, Target]  # region -> the management account there
    security: dict[str, Target]  # region -> the security (delegated administrator) account there
    # The administrator's own enablement, region by region: the designation must come after it, or the designation
    # enables the service itself and the administrator's own Detector/Account would then fail to create.
    admin_baselines: dict[str, RegionalBaseline]
    members: list[str]  # accounts enrolled explicitly (existing accounts; auto-enable covers accounts added later)
    member_emails: dict[str, str] = field(default_factory=dict)
    guard_duty: bool = True
    security_hub: bool = True
    macie: bool = True


class DelegatedSecurityServices(pulumi.ComponentResource):
    def __init__(self, name: str, args: DelegatedSecurityServicesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:organization:DelegatedSecurityServices", name, None, opts)
        admin = args.security[args.primary_region].account_id
        mgmt_primary = args.management[args.primary_region]
        sec_primary = args.security[args.primary_region]
        self.enrolled: dict[str, dict[str, list[pulumi.Resource]]] = {}
        hub_configs: list[pulumi.Resource] = []

        for region, sec in args.security.items():
            mgmt = args.management[region]
            own = args.admin_baselines[region]
            if args.guard_duty and own.detector is not None:
                designation = aws.guardduty.OrganizationAdminAccount(
                    f"{mgmt.key}-guardduty-admin", admin_account_id=admin, opts=mgmt.opts(self, depends_on=[own.detector]))
                # ALL: existing members and every account that joins later; a second detector there would collide.
                org_config = aws.guardduty.OrganizationConfiguration(
                    f"{sec.key}-guardduty-org", detector_id=own.detector.id, auto_enable_organization_members="ALL",
                    opts=sec.opts(self, depends_on=[designation]))
                aws.guardduty.OrganizationConfigurationFeature(
                    f"{sec.key}-guardduty-org-s3", detector_id=own.detector.id, name="S3_DATA_EVENTS", auto_enable="ALL",
                    opts=sec.opts(self, depends_on=[org_config]))
            if args.security_hub and own.security_hub is not None:
                designation = aws.securityhub.OrganizationAdminAccount(
                    f"{mgmt.key}-securityhub-admin", admin_account_id=admin, opts=mgmt.opts(self, depends_on=[own.security_hub]))
                # auto_enable covers accounts that join later; existing ones are enrolled as members below.
                hub_config = aws.securityhub.OrganizationConfiguration(
                    f"{sec.key}-securityhub-org", auto_enable=True, auto_enable_standards="DEFAULT",
                    opts=sec.opts(self, depends_on=[designation]))
                hub_configs.append(hub_config)
                for account in args.members:
                    member = aws.securityhub.Member(f"{sec.key}-securityhub-member-{account}", account_id=account, invite=False,
                                                    opts=sec.opts(self, depends_on=[hub_config]))
                    self.enrolled.setdefault(account, {}).setdefault("securityhub", []).append(member)
            if args.macie and own.macie is not None:
                designation = aws.macie2.OrganizationAdminAccount(
                    f"{mgmt.key}-macie-admin", admin_account_id=admin, opts=mgmt.opts(self, depends_on=[own.macie]))
                macie_config = aws.macie2.OrganizationConfiguration(
                    f"{sec.key}-macie-org", auto_enable=True, opts=sec.opts(self, depends_on=[designation]))
                for account in args.members:
                    member = aws.macie2.Member(
                        f"{sec.key}-macie-member-{account}", account_id=account, email=args.member_emails[account], invite=False,
                        status="ENABLED", opts=sec.opts(self, depends_on=[macie_config]))
                    self.enrolled.setdefault(account, {}).setdefault("macie", []).append(member)

        # Findings of every other region flow into the primary region's Security Hub.
        others = [r for r in args.security if r != args.primary_region]
        if hub_configs and others:
            aws.securityhub.FindingAggregator(
                f"{sec_primary.key}-securityhub-aggregator", linking_mode="SPECIFIED_REGIONS", specified_regions=others,
                opts=sec_primary.opts(self, depends_on=hub_configs))

        # AWS Config: one aggregator over every account and region of the organization.
        config_admin = aws.organizations.DelegatedAdministrator(
            f"{mgmt_primary.key}-config-admin", account_id=admin, service_principal="config.amazonaws.com",
            opts=mgmt_primary.opts(self))
        role = aws.iam.Role(
            f"{sec_primary.key}-config-aggregator", name=fit(f"{args.org}-config-aggregator", "iam"),
            assume_role_policy=iam.service_trust("config.amazonaws.com", admin),
            description="AWS Config organization aggregator: reads the organization's accounts", opts=sec_primary.opts(self))
        attachment = aws.iam.RolePolicyAttachment(
            f"{sec_primary.key}-config-aggregator", role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations", opts=sec_primary.opts(self))
        self.config_aggregator = aws.cfg.ConfigurationAggregator(
            f"{sec_primary.key}-config-aggregator", name=f"{args.org}-organization",
            organization_aggregation_source=aws.cfg.ConfigurationAggregatorOrganizationAggregationSourceArgs(
                role_arn=role.arn, all_regions=True),
            opts=sec_primary.opts(self, depends_on=[config_admin, attachment]))

        # IAM Access Analyzer: an organization analyzer per region (analyzers are regional).
        analyzer_admin = aws.organizations.DelegatedAdministrator(
            f"{mgmt_primary.key}-access-analyzer-admin", account_id=admin, service_principal="access-analyzer.amazonaws.com",
            opts=mgmt_primary.opts(self))
        for sec in args.security.values():
            aws.accessanalyzer.Analyzer(f"{sec.key}-org-analyzer", analyzer_name=f"{args.org}-organization", type="ORGANIZATION",
                                        opts=sec.opts(self, depends_on=[analyzer_admin]))
        self.register_outputs({"configAggregatorArn": self.config_aggregator.arn})
