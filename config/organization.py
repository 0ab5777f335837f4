"""``securityServices``: standalone accounts, or AWS Organizations with a delegated administrator.

In ``standalone`` mode (the default) every account enables its own GuardDuty, Security Hub and Macie
and runs its own trail. In ``organization`` mode the shared stack, through a provider for the
management account, makes the security account the delegated administrator of those services (plus
the AWS Config aggregator and IAM Access Analyzer), enrolls the member accounts, can run one
organization trail, and attaches the service control policies of ``scp/`` to the OUs named here.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from config.schema import Account, AccountId, Model, RegionName


class SecurityServicesMode(StrEnum):
    standalone = "standalone"
    organization = "organization"


class OrganizationalUnit(Model):
    """An OU the SCPs attach to, and the platform accounts it holds (as placed in AWS Organizations)."""

    id: str = Field(pattern=r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$", description="the OU id, e.g. ou-ab12-cd34ef56")
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,30}$", description="short label used in resource names")
    accounts: list[AccountId] = Field(default_factory=list)


class ServiceControlPolicies(Model):
    enabled: bool = True
    organizational_units: list[OrganizationalUnit] = Field(default_factory=list, alias="organizationalUnits")
    # Regions allowed besides the stack's own (regions.*); global services are always exempt.
    additional_regions: list[RegionName] = Field(default_factory=list, alias="additionalRegions")
    # Roles that may change the platform's deploy roles: the bootstrap StackSet's execution roles.
    platform_admin_roles: list[str] = Field(
        default_factory=lambda: ["AWSCloudFormationStackSetExecutionRole", "stacksets-exec-*"], alias="platformAdminRoles")


class SecurityServices(Model):
    mode: SecurityServicesMode = SecurityServicesMode.standalone
    # (shared) The Organizations management account: {id, name, role}. StackSets never deploy the
    # bootstrap roles there, so its role must be named explicitly.
    management_account: Account | None = Field(default=None, alias="managementAccount")
    organization_id: str | None = Field(default=None, alias="organizationId", pattern=r"^o-[a-z0-9]{10,32}$")
    # One multi-region organization trail from the management account instead of one trail per account.
    organization_trail: bool = Field(default=False, alias="organizationTrail")
    # (shared) Root e-mail of each member account: Macie's CreateMember requires it.
    member_emails: dict[AccountId, str] = Field(default_factory=dict, alias="memberEmails")
    scp: ServiceControlPolicies = Field(default_factory=ServiceControlPolicies)

    @property
    def organization(self) -> bool:
        return self.mode is SecurityServicesMode.organization
