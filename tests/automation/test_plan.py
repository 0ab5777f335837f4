"""Promotion waves: which stacks, in which order, which may run side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from automation_testkit import REPO, write_stack

from platformctl.automation.confirm import ask, missing_destroy_confirmation, stacks_to_confirm
from platformctl.automation.plan import PlanError, plan_stacks


def names(plan) -> list[list[str]]:
    return [[s.name for s in wave] for wave in plan.waves]


def test_repository_stacks_are_promoted_shared_dev_prod():
    plan = plan_stacks(REPO, None)

    assert names(plan) == [["shared"], ["dev"], ["prod"]]
    assert [s.references for s in plan.stacks] == [(), ("shared",), ("shared",)]


def test_destroy_order_is_the_reverse(project: Path):
    assert names(plan_stacks(project, None).reversed()) == [["prod"], ["dev"], ["shared"]]


def test_stacks_of_one_environment_share_a_wave(project: Path):
    write_stack(project, "dev-eu", "dev", shared_stack="acme/aiplatform/shared")

    assert names(plan_stacks(project, None)) == [["shared"], ["dev", "dev-eu"], ["prod"]]


def test_a_reference_inside_a_level_puts_the_referencing_stack_later(project: Path):
    write_stack(project, "dev-data", "dev", shared_stack="acme/aiplatform/dev")

    assert names(plan_stacks(project, None)) == [["shared"], ["dev"], ["dev-data"], ["prod"]]


def test_unknown_environments_run_after_prod(project: Path):
    write_stack(project, "sandbox", "sandbox")

    assert names(plan_stacks(project, ["sandbox", "prod", "dev"])) == [["dev"], ["prod"], ["sandbox"]]


def test_a_reference_to_a_later_level_is_refused(project: Path):
    write_stack(project, "shared", "shared", shared_stack="acme/aiplatform/prod")

    with pytest.raises(PlanError, match="references prod"):
        plan_stacks(project, None)


def test_reference_cycles_are_refused(project: Path):
    write_stack(project, "a", "dev", shared_stack="acme/aiplatform/b")
    write_stack(project, "b", "dev", shared_stack="acme/aiplatform/a")

    with pytest.raises(PlanError, match="cycle"):
        plan_stacks(project, ["a", "b"])


def test_a_stack_without_a_file_names_the_flag(project: Path):
    with pytest.raises(PlanError, match=r"--stack qa: no Pulumi\.qa\.yaml"):
        plan_stacks(project, ["dev", "qa"])


def test_fully_qualified_names_use_the_short_name_file(project: Path):
    plan = plan_stacks(project, ["acme/prod", "acme/shared"])

    assert names(plan) == [["acme/shared"], ["acme/prod"]]
    assert plan.stacks[1].is_production


@pytest.mark.parametrize(("operation", "expected"), [("up", ["prod"]), ("destroy", ["shared", "dev", "prod"]),
                                                      ("preview", []), ("refresh", []), ("drift", [])])
def test_which_stacks_ask_for_confirmation(operation: str, expected: list[str]):
    stacks = plan_stacks(REPO, None).stacks

    assert [s.name for s in stacks_to_confirm(operation, stacks)] == expected


def test_destroying_prod_needs_its_name(project: Path):
    stacks = plan_stacks(project, None).stacks

    assert [s.name for s in missing_destroy_confirmation(stacks, [])] == ["prod"]
    assert missing_destroy_confirmation(stacks, ["prod"]) == []
    assert [s.name for s in missing_destroy_confirmation(stacks, ["dev"])] == ["prod"]


@pytest.mark.parametrize(("answer", "confirmed"), [("yes", True), ("Y", True), (" y ", True), ("no", False), ("", False),
                                                    ("yess", False)])
def test_only_an_explicit_yes_confirms(answer: str, confirmed: bool):
    assert ask("?", lambda _prompt: answer) is confirmed


def test_end_of_input_does_not_confirm():
    def closed(_prompt: str) -> str:
        raise EOFError

    assert ask("?", closed) is False
