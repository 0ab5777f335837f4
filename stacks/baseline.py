"""The StackSet-style security baseline of one account: regional part per region, account part once."""

import pulumi

from components.kms import domain_specs
from components.providers import ProviderRegistry, Target
from components.security import (
    AccountBaseline,
    AccountBaselineArgs,
    CentralLogging,
    ConfigRecording,
    ConfigRecordingArgs,
    RegionalBaseline,
    RegionalBaselineArgs,
)
from config import Settings
from config.schema import Account


def regional_baseline(s: Settings, t: Target, role: str) -> RegionalBaseline:
    """Keys and regional detective controls of one account (of ``role``) in one region."""
    f = s.features
    # Organization mode: only the delegated administrator (security) enables these itself; members are enrolled by it.
    own = not s.config.security_services.organization or role == "security"
    return RegionalBaseline(f"{t.key}-baseline", RegionalBaselineArgs(
        target=t, org=s.config.org, key_specs=domain_specs(role, t, s.config.accounts.members, macie=f.macie,
                                                       publishers=list(s.knobs.model_registry.publishers)),
        deletion_window_days=s.knobs.kms_deletion_window_days, protect=s.protect_stateful, is_primary=t.region == s.primary_region,
        macie=f.macie and own, security_hub=f.security_hub and own, guard_duty=f.guard_duty and own))


def security_baseline(s: Settings, providers: ProviderRegistry, account: Account, role: str,
                      central: CentralLogging | pulumi.Output, keys: dict[str, RegionalBaseline] | None = None) -> dict[str, RegionalBaseline]:
    """The StackSet-style baseline of one account: regional part per region, account part once."""
    f = s.features
    keys = dict(keys or {})
    for region in s.regions:
        if region in keys:
            continue
        keys[region] = regional_baseline(s, providers.target(account, region), role)
    primary = providers.target(account, s.primary_region)
    auditors = [] if account.id == s.config.accounts.security.id else [s.role_arn(s.config.accounts.security)]
    account_part = AccountBaseline(f"{account.name}-account-baseline", AccountBaselineArgs(
        target=primary, org=s.config.org, central_logging=central, logs_key_arn=keys[s.primary_region].keys["logs"].arn,
        log_retention_days=s.knobs.log_retention_days, protect=s.protect_stateful, audit_principals=auditors, aws_config=f.aws_config,
        trail=not s.config.security_services.organization_trail))
    if account_part.config_role_arn is not None:
        for region in s.regions:
            t = providers.target(account, region)
            ConfigRecording(f"{t.key}-config", ConfigRecordingArgs(
                target=t, role_arn=account_part.config_role_arn, central_logging=central, is_primary=region == s.primary_region))
    return keys
