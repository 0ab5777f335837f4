"""The organization-mode variant of all three stacks (one copy of the program, each stack synthesized once)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import edit_stack_config, project_variant

MANAGEMENT = {"id": "999999999999", "name": "management", "role": "OrganizationPlatformDeployer"}
ORG_ID = "o-a1b2c3d4e5"
# The fourth workload account, added by config alone (prod's additionalWorkloads and shared's members).
NEW_ACCOUNT = "555555555555"
NEW_WORKLOAD = {"id": NEW_ACCOUNT, "name": "mlprod2", "vpcCidrs": {"us-east-1": "10.30.0.0/16", "us-west-2": "10.31.0.0/16"}}
OUS = [
    {"id": "ou-ab12-security1", "name": "security", "accounts": ["111111111111", "222222222222"]},
    {"id": "ou-ab12-workload1", "name": "workloads", "accounts": ["333333333333", "444444444444", NEW_ACCOUNT]},
]
EMAILS = {a: f"aws+{a}@example.com" for a in ("222222222222", "333333333333", "444444444444", NEW_ACCOUNT)}


def shared_edit(cfg: dict) -> None:
    cfg["aiplatform:accounts"]["members"].append(NEW_ACCOUNT)
    # A prod account reads approved versions (validation checks it against this file).
    cfg["aiplatform:knobs"]["modelRegistry"]["consumers"].append(NEW_ACCOUNT)
    cfg["aiplatform:securityServices"] = {
        "mode": "organization", "managementAccount": MANAGEMENT, "organizationId": ORG_ID, "organizationTrail": True,
        "memberEmails": EMAILS, "scp": {"organizationalUnits": OUS}}


def workload_edit(cfg: dict) -> None:
    # Per-account switches would collide with the delegated administrator's enrolment: validation rejects them.
    for flag in ("securityHub", "guardDuty", "macie"):
        cfg["aiplatform:features"].pop(flag, None)
    cfg["aiplatform:securityServices"] = {"mode": "organization", "organizationTrail": True}


def prod_edit(cfg: dict) -> None:
    workload_edit(cfg)
    cfg["aiplatform:accounts"]["additionalWorkloads"] = [NEW_WORKLOAD]


def organization_project(tmp_path_factory) -> Path:
    project = project_variant(tmp_path_factory, "organization", "shared", shared_edit)
    for stack, edit in (("dev", workload_edit), ("prod", prod_edit)):
        edit_stack_config(project, stack, edit)
    return project
