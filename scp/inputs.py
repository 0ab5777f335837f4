"""ScpInputs from the stack configuration (the shared stack's, which attaches the SCPs)."""

from __future__ import annotations

from config.instance_types import nvme_instance_patterns
from config.schema import PlatformConfig
from scp.documents import ScpInputs


def inputs_from_config(cfg: PlatformConfig) -> ScpInputs:
    scp = cfg.security_services.scp
    r = cfg.regions
    regions = [r.primary, *([r.dr] if r.dr else []), *r.additional, *scp.additional_regions]
    accounts = [cfg.accounts.security, cfg.accounts.shared_services, *([cfg.accounts.workload] if cfg.accounts.workload else []),
                *cfg.accounts.additional_workloads]
    # Per-account overrides may be names or ARNs; the SCP names roles in every account by name.
    roles = {cfg.deploy_role.name, *(a.role.rsplit("/", 1)[-1] for a in accounts if a.role)}
    return ScpInputs(allowed_regions=sorted(set(regions)), deploy_roles=sorted(roles),
                     platform_admin_roles=list(scp.platform_admin_roles), nvme_patterns=nvme_instance_patterns())
