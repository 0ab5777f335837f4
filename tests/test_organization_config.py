"""securityServices: organization mode is validated before anything is registered, one message per mistake.

``ORG_CASES`` holds a failing config for every rule of ``config/organization_rules.py``; the last test traces
them through that module and fails when a rule (an ``add(...)``) is reached by none of them.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import config.organization_rules
from config import ConfigError, validate
from tests.organization_variant import EMAILS, MANAGEMENT, OUS, prod_edit, shared_edit, workload_edit
from tests.test_config import raw
from tests.test_config_rules import _rule_sites

NS = "aiplatform:"


def org_raw(stack: str) -> dict:
    wrapped = {NS + k: v for k, v in raw(stack).items()}
    {"shared": shared_edit, "dev": workload_edit, "prod": prod_edit}[stack](wrapped)
    return copy.deepcopy({k[len(NS):]: v for k, v in wrapped.items()})


def problems_of(stack: str, data: dict) -> list:
    with pytest.raises(ConfigError) as info:
        validate(data, stack, "aiplatform")
    return info.value.problems


def ss(change: Callable[[dict], None]) -> Callable[[dict], None]:
    """A change of the organization-mode securityServices block."""
    return lambda data: change(data["securityServices"])


def ous(change: Callable[[list], None]) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        units = copy.deepcopy(OUS)
        change(units)
        data["securityServices"]["scp"]["organizationalUnits"] = units
    return mutate


def standalone(data: dict) -> None:
    data["securityServices"] = {"organizationTrail": True}


def dev_flag(flag: str) -> Callable[[dict], None]:
    return lambda data: data["features"].__setitem__(flag, True)


ORG_CASES = [
    # (id, stack, mutation of the organization-mode config, key named in the error, words of the message)
    ("setting-needs-organization-mode", "shared", standalone, "securityServices.organizationTrail", "only used in organization mode"),
    ("scp-in-a-workload-stack", "dev", ss(lambda s: s.update(scp={"organizationalUnits": OUS})), "securityServices.scp",
     "only the shared stack manages the organization"),
    *((f"colliding-{flag}", "dev", dev_flag(flag), f"features.{flag}", "would collide") for flag in ("guardDuty", "securityHub", "macie")),
    ("no-management-account", "shared", ss(lambda s: s.pop("managementAccount")), "securityServices.managementAccount",
     "needs the Organizations management account"),
    ("management-role-missing", "shared", ss(lambda s: s.update(managementAccount={k: v for k, v in MANAGEMENT.items() if k != "role"})),
     "securityServices.managementAccount.role", "must be named"),
    ("management-role-in-another-account", "shared",
     ss(lambda s: s.update(managementAccount={**MANAGEMENT, "role": "arn:aws:iam::111111111111:role/X"})),
     "securityServices.managementAccount.role", "not a role ARN in account 999999999999"),
    ("management-is-the-security-account", "shared", ss(lambda s: s.update(managementAccount={**MANAGEMENT, "id": "111111111111"})),
     "securityServices.managementAccount.id", "SCPs never apply to the management account"),
    ("management-name-taken", "shared", ss(lambda s: s.update(managementAccount={**MANAGEMENT, "name": "security"})),
     "securityServices.managementAccount.name", "already used"),
    ("no-organization-id", "shared", ss(lambda s: s.pop("organizationId")), "securityServices.organizationId", "by organization id"),
    ("member-email-missing", "shared", ss(lambda s: s.update(memberEmails={k: v for k, v in EMAILS.items() if k != "333333333333"})),
     "securityServices.memberEmails.333333333333", "root e-mail"),
    ("member-email-malformed", "shared", ss(lambda s: s["memberEmails"].update({"333333333333": "not-an-address"})),
     "securityServices.memberEmails.333333333333", "not an e-mail address"),
    ("no-ous", "shared", ss(lambda s: s["scp"].update(organizationalUnits=[])), "securityServices.scp.organizationalUnits",
     "need the OUs to attach to"),
    ("ou-twice", "shared", ous(lambda u: u.append({**u[0], "accounts": []})), "securityServices.scp.organizationalUnits[2].id",
     "listed twice"),
    ("management-in-an-ou", "shared", ous(lambda u: u[0]["accounts"].append(MANAGEMENT["id"])),
     "securityServices.scp.organizationalUnits[0].accounts[2]", "AWS never applies them to it"),
    ("account-in-two-ous", "shared", ous(lambda u: u[1]["accounts"].append("111111111111")),
     "securityServices.scp.organizationalUnits[1].accounts[3]", "an account has one parent"),
    ("member-in-no-ou", "shared", ous(lambda u: u[1]["accounts"].remove("444444444444")), "securityServices.scp.organizationalUnits",
     "accounts.members[1] (444444444444) is in none of the listed OUs"),
    ("admin-role-invalid", "shared", ss(lambda s: s["scp"].update(platformAdminRoles=["Break Glass"])),
     "securityServices.scp.platformAdminRoles[0]", "not an IAM role name"),
    ("scp-too-large", "shared", ss(lambda s: s["scp"].update(platformAdminRoles=[f"BreakGlassRoleWithALongName{i:03d}" for i in range(150)])),
     "securityServices.scp", "AWS accepts at most 5120"),
]


@pytest.mark.parametrize("stack,mutate,key,words", [c[1:] for c in ORG_CASES], ids=[c[0] for c in ORG_CASES])
def test_each_rule_names_its_key_and_fix(stack, mutate, key, words):
    data = org_raw(stack)
    mutate(data)
    found = problems_of(stack, data)
    matching = [p for p in found if p.key == key]
    assert matching, f"no problem reported for {key}: {[(p.key, p.message) for p in found]}"
    assert any(words in p.message for p in matching), [p.message for p in matching]
    assert all(p.fix for p in matching)


def test_every_organization_rule_is_triggered_by_a_case():
    path = str(Path(config.organization_rules.__file__).resolve())
    reached: set[tuple[str, int]] = set()

    def trace(frame, event, arg):
        if frame.f_code.co_filename != path:
            return None
        if event == "line":
            reached.add((path, frame.f_lineno))
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        for _, stack, mutate, _, _ in ORG_CASES:
            data = org_raw(stack)
            mutate(data)
            with pytest.raises(ConfigError):
                validate(data, stack, "aiplatform")
    finally:
        sys.settrace(previous)
    missed = sorted(_rule_sites(config.organization_rules) - reached)
    assert not missed, [Path(f).read_text().splitlines()[n - 1].strip() for f, n in missed]


@pytest.mark.parametrize("stack", ["shared", "dev", "prod"])
def test_organization_variant_is_valid(stack):
    settings = validate(org_raw(stack), stack, "aiplatform")
    assert settings.config.security_services.organization
    assert settings.config.security_services.organization_trail is True


def test_standalone_is_the_default():
    assert validate(raw("dev"), "dev", "aiplatform").config.security_services.mode.value == "standalone"


def test_turning_a_workload_flag_off_is_not_a_collision():
    data = org_raw("dev")
    data["features"]["macie"] = False  # no classification job in this account
    validate(data, "dev", "aiplatform")


def test_unknown_mode_names_the_key():
    data = raw("dev")
    data["securityServices"] = {"mode": "delegated"}
    assert [p.key for p in problems_of("dev", data)] == ["securityServices.mode"]
