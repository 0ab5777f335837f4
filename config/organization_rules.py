"""Cross-field rules of ``securityServices`` (organization mode, organization trail, SCP targets)."""

from __future__ import annotations

import re

from config.errors import Problem
from config.schema import ROLE_ARN, Environment, PlatformConfig

KEY = "securityServices"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Per-account switches that, in organization mode, would create a second detector/hub/Macie account next to
# the one the delegated administrator enables (GuardDuty allows one detector per account and region).
COLLIDING_FEATURES = {"guard_duty": "guardDuty", "security_hub": "securityHub", "macie": "macie"}


def organization_problems(cfg: PlatformConfig) -> list[Problem]:
    problems: list[Problem] = []
    add = lambda key, message, fix: problems.append(Problem(key, message, fix))  # noqa: E731
    ss = cfg.security_services
    shared = cfg.environment is Environment.shared
    accts = cfg.accounts

    if not ss.organization:
        for field, alias in (("management_account", "managementAccount"), ("organization_id", "organizationId"),
                             ("organization_trail", "organizationTrail"), ("member_emails", "memberEmails"), ("scp", "scp")):
            if field in ss.model_fields_set:
                add(f"{KEY}.{alias}", "only used in organization mode; standalone accounts would ignore it",
                    f"set {KEY}.mode: organization, or remove {KEY}.{alias}")
        return problems

    if not shared:
        # Workload stacks only need to know the mode and whether an organization trail replaces their own.
        for field, alias in (("management_account", "managementAccount"), ("organization_id", "organizationId"),
                             ("member_emails", "memberEmails"), ("scp", "scp")):
            if field in ss.model_fields_set:
                add(f"{KEY}.{alias}", "only the shared stack manages the organization; this setting would be ignored",
                    f"move {KEY}.{alias} to Pulumi.shared.yaml")
        for field, alias in COLLIDING_FEATURES.items():
            if field in cfg.features.model_fields_set and getattr(cfg.features, field):
                add(f"features.{alias}", f"in organization mode the security account's delegated administrator enables {alias} "
                    "in every member account; a per-account one would collide with it",
                    f"remove features.{alias} from this stack (the shared stack's features.{alias} turns it on for members)")
        return problems

    mgmt = ss.management_account
    if mgmt is None:
        add(f"{KEY}.managementAccount", "organization mode needs the Organizations management account",
            "add managementAccount: {id, name, role} with the role Pulumi assumes there")
    else:
        if mgmt.role is None:
            add(f"{KEY}.managementAccount.role", "the bootstrap StackSet does not deploy to the management account, so its role must be named",
                "set role to the name or ARN of the role Pulumi may assume in the management account")
        elif mgmt.role.startswith("arn:") and (not ROLE_ARN.match(mgmt.role) or ROLE_ARN.match(mgmt.role).group(1) != mgmt.id):
            add(f"{KEY}.managementAccount.role", f"'{mgmt.role}' is not a role ARN in account {mgmt.id}",
                "use arn:aws:iam::<management account>:role/<name> or just the role name")
        platform = {"accounts.security": accts.security.id, "accounts.sharedServices": accts.shared_services.id,
                    **{f"accounts.members[{i}]": a for i, a in enumerate(accts.members)}}
        for key, account_id in platform.items():
            if account_id == mgmt.id:
                add(f"{KEY}.managementAccount.id", f"account {mgmt.id} is also {key}; SCPs never apply to the management account "
                    "and it should run no workloads", "use a separate account for the platform's role")
        if mgmt.name in (accts.security.name, accts.shared_services.name):
            add(f"{KEY}.managementAccount.name", f"name '{mgmt.name}' is already used", "give the management account a distinct short name")
    if ss.organization_id is None:
        add(f"{KEY}.organizationId", "the log archive admits the organization's trail and members by organization id",
            "set it to the id shown by `aws organizations describe-organization` (o-...)")

    if cfg.features.macie:
        for account_id in [accts.shared_services.id, *accts.members]:
            if account_id not in ss.member_emails:
                add(f"{KEY}.memberEmails.{account_id}", "Macie enrolls an existing member only with its root e-mail address",
                    "add the account's e-mail as listed in AWS Organizations")
    for account_id, email in ss.member_emails.items():
        if not EMAIL.match(email):
            add(f"{KEY}.memberEmails.{account_id}", f"'{email}' is not an e-mail address", "use the address shown in AWS Organizations")

    problems += _scp_problems(cfg)
    return problems


def _scp_problems(cfg: PlatformConfig) -> list[Problem]:
    problems: list[Problem] = []
    add = lambda key, message, fix: problems.append(Problem(key, message, fix))  # noqa: E731
    scp = cfg.security_services.scp
    mgmt = cfg.security_services.management_account
    key = f"{KEY}.scp.organizationalUnits"
    if not scp.enabled:
        return problems
    if not scp.organizational_units:
        add(key, "the service control policies need the OUs to attach to",
            "list the OUs that hold the platform accounts: [{id: ou-..., name: ..., accounts: [...]}]")
        return problems
    placed: dict[str, str] = {}
    ids = [ou.id for ou in scp.organizational_units]
    for i, ou in enumerate(scp.organizational_units):
        if ids.index(ou.id) != i:
            add(f"{key}[{i}].id", f"OU {ou.id} is listed twice", "list each OU once")
        for j, account_id in enumerate(ou.accounts):
            if mgmt is not None and account_id == mgmt.id:
                add(f"{key}[{i}].accounts[{j}]", "the management account cannot be governed by SCPs (AWS never applies them to it)",
                    "remove it; protect the management account with MFA on root and few administrators instead")
            elif account_id in placed:
                add(f"{key}[{i}].accounts[{j}]", f"account {account_id} is also in OU {placed[account_id]}; an account has one parent",
                    "list every account under the one OU that holds it")
            placed.setdefault(account_id, ou.id)
    accts = cfg.accounts
    for name, account_id in (("accounts.security", accts.security.id), ("accounts.sharedServices", accts.shared_services.id),
                             *((f"accounts.members[{i}]", a) for i, a in enumerate(accts.members))):
        if account_id not in placed:
            add(key, f"{name} ({account_id}) is in none of the listed OUs, so no platform SCP would govern it",
                "add the account id to the OU that holds it in AWS Organizations")
    for i, role in enumerate(scp.platform_admin_roles):
        if not re.match(r"^[\w+=,.@*-]{1,64}$", role):
            add(f"{KEY}.scp.platformAdminRoles[{i}]", f"'{role}' is not an IAM role name (pattern)", "use a role name, '*' allowed")
    if not problems:
        problems += _scp_size_problems(cfg)
    return problems


def _scp_size_problems(cfg: PlatformConfig) -> list[Problem]:
    """Organizations rejects an SCP over 5,120 characters at deploy time; say so before anything is registered."""
    from scp import MAX_SCP_CHARS, documents, render
    from scp.inputs import inputs_from_config

    inputs = inputs_from_config(cfg)
    return [Problem(f"{KEY}.scp", f"the '{name}' SCP would be {len(render(doc))} characters; AWS accepts at most {MAX_SCP_CHARS}",
                    "list fewer platformAdminRoles or additionalRegions (use wildcards such as stacksets-exec-*)")
            for name, doc in documents(inputs).items() if len(render(doc)) > MAX_SCP_CHARS]
