"""securityServices: organization mode is validated before anything is registered, one message per mistake."""

from __future__ import annotations

import copy

import pytest

from config import ConfigError, validate
from tests.organization_variant import EMAILS, MANAGEMENT, OUS, prod_edit, shared_edit, workload_edit
from tests.test_config import raw

NS = "aiplatform:"


def org_raw(stack: str) -> dict:
    data = raw(stack)
    wrapped = {NS + k: v for k, v in data.items()}
    {"shared": shared_edit, "dev": workload_edit, "prod": prod_edit}[stack](wrapped)
    return {k[len(NS):]: v for k, v in wrapped.items()}


def problems_of(stack: str, data: dict) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        validate(data, stack, "aiplatform")
    return [(p.key, p.message) for p in info.value.problems]


@pytest.mark.parametrize("stack", ["shared", "dev", "prod"])
def test_organization_variant_is_valid(stack):
    settings = validate(org_raw(stack), stack, "aiplatform")
    assert settings.config.security_services.organization
    assert settings.config.security_services.organization_trail is True


def test_standalone_is_the_default():
    settings = validate(raw("dev"), "dev", "aiplatform")
    assert settings.config.security_services.mode.value == "standalone"


@pytest.mark.parametrize("flag", ["guardDuty", "securityHub", "macie"])
def test_workload_flags_that_would_collide_are_rejected(flag):
    data = org_raw("dev")
    data["features"][flag] = True
    found = problems_of("dev", data)
    assert [k for k, _ in found] == [f"features.{flag}"]
    assert "collide" in found[0][1]


def test_turning_a_workload_flag_off_is_not_a_collision():
    data = org_raw("dev")
    data["features"]["macie"] = False  # no classification job in this account
    validate(data, "dev", "aiplatform")


def mutated(stack: str, change) -> list[tuple[str, str]]:
    data = org_raw(stack)
    change(data["securityServices"])
    return problems_of(stack, data)


def test_management_account_is_required_with_its_own_role():
    assert [k for k, _ in mutated("shared", lambda ss: ss.pop("managementAccount"))] == ["securityServices.managementAccount"]
    no_role = {k: v for k, v in MANAGEMENT.items() if k != "role"}
    assert [k for k, _ in mutated("shared", lambda ss: ss.update(managementAccount=no_role))] == ["securityServices.managementAccount.role"]
    wrong = {**MANAGEMENT, "role": "arn:aws:iam::111111111111:role/X"}
    assert [k for k, _ in mutated("shared", lambda ss: ss.update(managementAccount=wrong))] == ["securityServices.managementAccount.role"]


def test_management_account_cannot_be_a_platform_account_or_in_an_scp_ou():
    found = mutated("shared", lambda ss: ss.update(managementAccount={**MANAGEMENT, "id": "111111111111"}))
    assert ("securityServices.managementAccount.id" in [k for k, _ in found])
    ous = copy.deepcopy(OUS)
    ous[0]["accounts"].append(MANAGEMENT["id"])
    found = mutated("shared", lambda ss: ss["scp"].update(organizationalUnits=ous))
    assert found == [("securityServices.scp.organizationalUnits[0].accounts[2]",
                      "the management account cannot be governed by SCPs (AWS never applies them to it)")]


def test_every_platform_account_must_sit_in_a_governed_ou():
    ous = copy.deepcopy(OUS)
    ous[1]["accounts"].remove("444444444444")
    found = mutated("shared", lambda ss: ss["scp"].update(organizationalUnits=ous))
    assert [k for k, _ in found] == ["securityServices.scp.organizationalUnits"]
    assert "accounts.members[1] (444444444444)" in found[0][1]


def test_an_account_in_two_ous_is_rejected():
    ous = copy.deepcopy(OUS)
    ous[1]["accounts"].append("111111111111")
    assert [k for k, _ in mutated("shared", lambda ss: ss["scp"].update(organizationalUnits=ous))] == \
        ["securityServices.scp.organizationalUnits[1].accounts[3]"]


def test_macie_needs_every_member_email():
    emails = {k: v for k, v in EMAILS.items() if k != "333333333333"}
    assert [k for k, _ in mutated("shared", lambda ss: ss.update(memberEmails=emails))] == ["securityServices.memberEmails.333333333333"]


def test_organization_id_is_required_and_well_formed():
    assert [k for k, _ in mutated("shared", lambda ss: ss.pop("organizationId"))] == ["securityServices.organizationId"]
    assert [k for k, _ in mutated("shared", lambda ss: ss.update(organizationId="org-1"))] == ["securityServices.organizationId"]


def test_scp_size_limit_is_checked_before_deploying():
    roles = [f"BreakGlassRoleWithAVeryLongDescriptiveName{i:03d}" for i in range(120)]
    found = mutated("shared", lambda ss: ss["scp"].update(platformAdminRoles=roles))
    assert found and {k for k, _ in found} == {"securityServices.scp"}
    assert all("AWS accepts at most 5120" in m for _, m in found)


def test_organization_settings_belong_to_the_shared_stack():
    data = org_raw("dev")
    data["securityServices"]["scp"] = {"organizationalUnits": OUS}
    assert [k for k, _ in problems_of("dev", data)] == ["securityServices.scp"]


def test_organization_settings_need_organization_mode():
    data = raw("shared")
    data["securityServices"] = {"organizationTrail": True}
    assert [k for k, _ in problems_of("shared", data)] == ["securityServices.organizationTrail"]


def test_unknown_mode_names_the_key():
    data = raw("dev")
    data["securityServices"] = {"mode": "delegated"}
    assert [k for k, _ in problems_of("dev", data)] == ["securityServices.mode"]
