"""The CLI's own messages, as a subprocess: import-hints (in a terminal), one error prefix, the JSON convention."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from platformctl.import_hints import import_hints
from tests.cli_runner import run_cli, subcommands
from tests.conftest import ROOT, project_variant


@pytest.fixture(scope="module")
def hints(options_project):
    """import-hints for the options dev (Macie left to an organization's administrator), in a terminal (pty): the
    commands must survive it unwrapped."""
    return run_cli("import-hints", "--stack", "dev", "--project-dir", str(options_project), tty=True)


def _commands(text: str) -> dict[str, str]:
    """resource type -> the one command importing it."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("pulumi import "):
            kind = re.search(r" (aws:[\w/]+:\w+) ", line)[1]
            assert kind not in found, f"{kind} twice"
            found[kind] = line.strip()
    return found


def test_import_hints_name_the_types_and_ids_aws_expects(hints):
    assert hints.code == 0, hints.stdout
    commands = _commands(hints.stdout)
    base = ("pulumi import --stack dev --yes --generate-code=false --protect=false --parent "
            "'parent=urn:pulumi:dev::aiplatform::pulumi:pulumi:Stack$aiplatform:security:RegionalBaseline::mldev-use1-baseline' "
            "--provider 'provider=urn:pulumi:dev::aiplatform::pulumi:pulumi:Stack$pulumi:providers:aws::aws-mldev-use1' ")
    assert commands["aws:guardduty/detector:Detector"] == base + (
        "aws:guardduty/detector:Detector mldev-use1-guardduty "
        "\"$(aws guardduty list-detectors --region us-east-1 --query 'DetectorIds[0]' --output text)\"")
    assert commands["aws:securityhub/account:Account"] == base + "aws:securityhub/account:Account mldev-use1-securityhub 333333333333"
    # A feature turned off creates nothing, so there is nothing to import: no second Macie account is planned.
    assert "aws:macie2/account:Account" not in commands
    assert commands["aws:securityhub/standardsSubscription:StandardsSubscription"] == base + (
        "aws:securityhub/standardsSubscription:StandardsSubscription mldev-use1-fsbp "
        "arn:aws:securityhub:us-east-1:333333333333:subscription/aws-foundational-security-best-practices/v/1.0.0")
    assert commands["aws:cloudtrail/trail:Trail"].endswith(
        "aws:cloudtrail/trail:Trail mldev-trail arn:aws:cloudtrail:us-east-1:333333333333:trail/acme-platform-trail")
    # dev records with AWS Config since issue 12 (FSBP needs it): the recorder is a singleton to import too
    assert any(kind.startswith("aws:cfg/recorder") for kind in commands)


def test_import_hints_say_which_key_turns_a_service_off(hints):
    assert "# account 333333333333, us-east-1: GuardDuty detector (one per account and region); turn off with " \
           "features.guardDuty: false" in hints.stdout
    assert "pulumi/pulumi#14596" in hints.stdout  # why providers must already be in the state


def test_import_hints_for_the_committed_dev_include_macie(snapshots):
    [macie] = [h for h in import_hints(snapshots["dev"]) if h.type == "aws:macie2/account:Account"]
    assert (macie.name, macie.id, macie.feature) == ("mldev-use1-macie", "333333333333", "features.macie")


def test_import_hints_for_prod_cover_config_per_region_and_keep_protection(snapshots):
    hints = import_hints(snapshots["prod"])
    regions = {r.inputs["region"] for r in snapshots["prod"].resources if r.type == "pulumi:providers:aws"}
    # AWS Config is on in prod: recorder, channel and status are imported by name, once per region.
    config = sorted((h.type, h.region, h.id) for h in hints if h.type.startswith("aws:cfg/"))
    assert config == sorted((t, region, "default") for region in regions for t in (
        "aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus"))
    slr = [h for h in hints if h.type == "aws:iam/serviceLinkedRole:ServiceLinkedRole"]
    assert slr and all(h.id == f"arn:aws:iam::{h.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
                       for h in slr)
    trails = [h for h in hints if h.type == "aws:cloudtrail/trail:Trail"]
    assert trails and all(h.protect and "--protect=true" in h.command("prod") for h in trails)
    detectors = [h for h in hints if h.type == "aws:guardduty/detector:Detector"]
    assert sorted(h.region for h in detectors) == sorted(regions)


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    def edit(cfg: dict) -> None:
        cfg["aiplatform:org"] = "my-org"

    return project_variant(tmp_path_factory, "badorg", "dev", edit)


def test_config_error_has_one_prefix_and_a_hint_that_matches_the_pattern(broken):
    run = run_cli("synth", "dev", "--project-dir", str(broken))
    assert run.code == 2
    first = run.stderr.strip().splitlines()[-3]
    assert first == "error: stack 'dev' has 1 configuration problem(s); nothing was deployed:", run.stderr
    assert "stack dev: stack 'dev'" not in run.stderr
    assert "fix: use 2-10 lowercase letters and digits, starting with a letter (no '-'), e.g. acme" in run.stderr


# Commands that one module registers together.
DEPLOY = {"preview", "up", "refresh", "destroy", "drift"}
SIBLINGS = {"synth": {"synth"}, "check": {"check"}, "graph": {"graph"}, "cost": {"cost"}, "import-hints": {"import-hints"},
            **{name: DEPLOY for name in DEPLOY}}


@pytest.mark.parametrize("command", sorted(SIBLINGS))
def test_each_command_is_registered_by_the_module_that_loads_alone(command):
    assert set(subcommands([command])) == SIBLINGS[command]


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h", "check"], ["chek"]])
def test_help_or_a_typo_offers_every_command(argv):
    assert set(subcommands(argv)) == set(SIBLINGS)


def test_synth_imports_neither_the_policy_host_nor_pydantic_nor_the_automation_api():
    # The parent of `synth` only starts workers: the heavy SDKs load in them (or in the zygote), not here.
    probe = ("import sys; from platformctl.cli import build_parser; build_parser(['synth']);"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'grpc', 'pydantic', 'pulumi', 'jsonschema'}))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert proc.stdout.strip() == "[]"
