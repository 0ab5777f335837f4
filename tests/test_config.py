"""Bad stack configuration fails once, clearly, naming each key and its fix, before any resource exists."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import ConfigError, validate
from platformctl.offline import SynthError, synth
from platformctl.offline.project import load_stack_config
from tests.conftest import ROOT, project_variant

NS = "aiplatform:"


def raw(stack: str) -> dict[str, Any]:
    """The stack's namespace values as the program receives them (structured values decoded)."""
    cfg = load_stack_config(ROOT, stack)
    return {k[len(NS):]: copy.deepcopy(v) for k, v in cfg.raw.items() if k.startswith(NS)}


def problems(stack: str, mutate: Callable[[dict], None]) -> list:
    data = raw(stack)
    mutate(data)
    with pytest.raises(ConfigError) as info:
        validate(data, stack, "aiplatform")
    return info.value.problems


def set_path(path: str, value: Any) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        node = data
        for p in parents:
            node = node[p]
        node[last] = value
    return mutate


def delete_path(path: str) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        node = data
        for p in parents:
            node = node[p]
        del node[last]
    return mutate


@pytest.mark.parametrize("stack", ["shared", "dev", "prod"])
def test_committed_stack_files_are_valid(stack):
    settings = validate(raw(stack), stack, "aiplatform")
    assert settings.environment == stack


CASES = [
    # (id, stack, mutation, key named in the error, words of the message)
    ("malformed-account-id", "dev", set_path("accounts.workload.id", "12345"), "accounts.workload.id", "12-digit"),
    ("account-id-wrong-type", "dev", set_path("accounts.workload.id", 333333333333), "accounts.workload.id", "string"),
    ("account-in-two-roles", "prod", set_path("accounts.workload.id", "111111111111"), "accounts.workload.id", "also accounts.security"),
    ("unknown-region", "dev", set_path("regions.primary", "us-east-9"), "regions.primary", "not an AWS region"),
    ("dr-equals-primary", "prod", set_path("regions.dr", "us-east-1"), "regions.dr", "equals the primary"),
    ("prod-without-dr", "prod", delete_path("regions.dr"), "regions.dr", "disaster-recovery"),
    ("overlapping-cidrs", "prod", set_path("accounts.workload.vpcCidrs.us-west-2", "10.20.128.0/17"), "accounts.workload.vpcCidrs.us-west-2", "overlaps"),
    ("invalid-cidr", "dev", set_path("accounts.workload.vpcCidrs.us-east-1", "10.300.0.0/16"), "accounts.workload.vpcCidrs", "not a valid network"),
    ("public-cidr", "dev", set_path("accounts.workload.vpcCidrs.us-east-1", "8.8.0.0/16"), "accounts.workload.vpcCidrs", "private"),
    ("missing-region-cidr", "prod", delete_path("accounts.workload.vpcCidrs.us-west-2"), "accounts.workload.vpcCidrs.us-west-2", "no VPC CIDR"),
    ("missing-mandatory-tag", "dev", delete_path("tags.cost-center"), "tags.cost-center", "mandatory tag is missing"),
    ("tag-value-not-allowed", "dev", set_path("tags.data-classification", "secret"), "tags.data-classification", "not an allowed value"),
    ("environment-tag-mismatch", "dev", set_path("tags.environment", "prod"), "tags.environment", "environment is 'dev'"),
    ("wrong-type", "dev", set_path("network.azCount", "three"), "network.azCount", "integer"),
    ("typo-nested-key", "dev", set_path("network.azcount", 3), "network.azcount", "unknown key"),
    ("typo-top-level-key", "dev", set_path("regoins", {"primary": "us-east-1"}), "regoins", "unknown key"),
    ("redshift-needs-three-azs", "dev", set_path("features.redshift", True), "network.azCount", "three AZs"),
    ("prod-short-kms-window", "prod", set_path("knobs.kmsDeletionWindowDays", 7), "knobs.kmsDeletionWindowDays", "too short"),
    ("role-arn-other-account", "dev", set_path("accounts.workload.role", "arn:aws:iam::999999999999:role/Deployer"), "accounts.workload.role", "not 333333333333"),
    ("invalid-log-retention", "dev", set_path("knobs.logRetentionDays", 100), "knobs.logRetentionDays", "does not accept"),
    ("missing-environment", "dev", delete_path("environment"), "environment", "Field required"),
    ("workload-in-shared-stack", "shared", set_path("accounts.workload", {"id": "333333333333", "name": "mldev"}), "accounts.workload", "owns no workload"),
    ("dev-without-shared-stack", "dev", delete_path("sharedStack"), "sharedStack", "shared stack"),
    ("bad-alert-email", "dev", set_path("knobs.alertEmails", ["not-an-address"]), "knobs.alertEmails[0]", "e-mail"),
]


@pytest.mark.parametrize("stack,mutate,key,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_config_names_key_and_fix(stack, mutate, key, words):
    found = problems(stack, mutate)
    matching = [p for p in found if p.key == key]
    assert matching, f"no problem reported for {key}: {[p.key for p in found]}"
    assert any(words in p.message for p in matching), [p.message for p in matching]
    assert all(p.fix for p in matching)


def test_schema_problems_are_listed_together():
    def many(data: dict) -> None:
        data["accounts"]["workload"]["id"] = "1234"
        data["network"]["azCount"] = "two"
        data["regoins"] = {}

    keys = {p.key for p in problems("dev", many)}
    assert {"accounts.workload.id", "network.azCount", "regoins"} <= keys


def test_cross_field_problems_are_listed_together():
    def many(data: dict) -> None:
        data["regions"]["dr"] = "us-east-1"
        del data["tags"]["owner"]
        data["accounts"]["workload"]["vpcCidrs"]["us-west-2"] = "10.20.0.0/16"

    keys = {p.key for p in problems("prod", many)}
    assert {"regions.dr", "tags.owner", "accounts.workload.vpcCidrs.us-west-2"} <= keys


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory) -> Path:
    """A copy of the project whose dev stack has a wrong account id and an overlapping network."""
    def edit(cfg: dict) -> None:
        cfg["aiplatform:accounts"]["workload"]["id"] = "33333333333"  # 11 digits
        cfg["aiplatform:network"]["azCount"] = "two"

    return project_variant(tmp_path_factory, "broken", "dev", edit)


def test_bad_config_registers_nothing(broken_project):
    with pytest.raises(SynthError) as info:
        synth("dev", broken_project)
    assert info.value.user_error
    assert info.value.registered == 0
    assert "aiplatform:accounts.workload.id" in info.value.message
    assert "aiplatform:network.azCount" in info.value.message


def test_a_stacks_own_config_mistake_wins_over_a_failure_of_the_stack_it_reads(broken_project):
    """dev's config is checked beside shared's synthesis; when both fail, dev's own mistake is the one reported."""
    shared_file = broken_project / "Pulumi.shared.yaml"
    original = shared_file.read_text()
    doc = yaml.safe_load(original)
    doc["config"]["aiplatform:regions"]["primary"] = "mars-north-1"
    shared_file.write_text(yaml.safe_dump(doc))
    try:
        with pytest.raises(SynthError) as info:
            synth("dev", broken_project)
    finally:
        shared_file.write_text(original)
    assert info.value.stack == "dev"
    assert "aiplatform:accounts.workload.id" in info.value.message and "mars-north-1" not in info.value.message


def test_cli_prints_one_clear_error_without_traceback(broken_project):
    proc = subprocess.run([sys.executable, "-m", "platformctl", "synth", "dev", "--project-dir", str(broken_project)],
                          capture_output=True, text=True, cwd=ROOT)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2
    assert "Traceback" not in output
    assert "accounts.workload.id" in output and "fix:" in output
