"""Organization mode of the shared stack: delegated administration, the organization trail and the SCPs."""

from __future__ import annotations

import pulumi

from components.log_archive import OrganizationTrailSource
from components.organization import DelegatedSecurityServices, DelegatedSecurityServicesArgs
from components.organization_trail import OrganizationTrail, OrganizationTrailArgs, organization_trail_arn
from components.providers import ProviderRegistry
from components.security import CentralLogging, RegionalBaseline
from components.service_control import ServiceControlPolicies, ServiceControlPoliciesArgs
from config import Settings
from scp import documents
from scp.inputs import inputs_from_config


def organization_trail_source(s: Settings) -> OrganizationTrailSource | None:
    """What the log archive must admit when an organization trail replaces the per-account trails."""
    ss = s.config.security_services
    if not (ss.organization and ss.organization_trail):
        return None
    mgmt = ss.management_account.id
    return OrganizationTrailSource(mgmt, ss.organization_id, organization_trail_arn(s.config.org, mgmt, s.primary_region))


def organization_layer(s: Settings, providers: ProviderRegistry, security_keys: dict[str, RegionalBaseline],
                       central: CentralLogging, archive: pulumi.Resource) -> None:
    ss = s.config.security_services
    accts = s.config.accounts
    management = {region: providers.target(ss.management_account, region) for region in s.regions}
    security = {region: providers.target(accts.security, region) for region in s.regions}
    members = [accts.shared_services.id, *accts.members]
    f = s.features
    services = DelegatedSecurityServices("delegated-security", DelegatedSecurityServicesArgs(
        org=s.config.org, primary_region=s.primary_region, management=management, security=security,
        admin_baselines=security_keys, members=members, member_emails=dict(ss.member_emails),
        guard_duty=f.guard_duty, security_hub=f.security_hub, macie=f.macie))
    exports: dict = {"mode": ss.mode.value, "delegatedAdministrator": accts.security.id,
                     "configAggregatorArn": services.config_aggregator.arn, "enrolledAccounts": sorted(members)}
    if ss.organization_trail:
        trail = OrganizationTrail("organization-trail", OrganizationTrailArgs(
            target=management[s.primary_region], org=s.config.org, central_logging=central,
            log_retention_days=s.knobs.log_retention_days, deletion_window_days=s.knobs.kms_deletion_window_days,
            protect=s.protect_stateful, after=[archive]))
        exports["organizationTrailArn"] = trail.trail.arn
    if ss.scp.enabled:
        scps = ServiceControlPolicies("scp", ServiceControlPoliciesArgs(
            target=management[s.primary_region], org=s.config.org, documents=documents(inputs_from_config(s.config)),
            organizational_units=list(ss.scp.organizational_units)))
        exports["serviceControlPolicyIds"] = {k: p.id for k, p in scps.policies.items()}
    pulumi.export("organization", exports)
