"""Engine events -> progress and drift findings; policy pack discovery; private PULUMI_HOME directories."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi.automation import EngineEvent

from platformctl.automation.events import EventTracker
from platformctl.automation.isolation import PulumiHomes
from platformctl.automation.policies import discover_policy_packs

STACK_URN = "urn:pulumi:dev::aiplatform::pulumi:pulumi:Stack::aiplatform-dev"


def meta(op: str, type_: str, name: str, **extra: object) -> dict:
    return {"op": op, "urn": f"urn:pulumi:dev::aiplatform::{type_}::{name}", "type": type_, "provider": "", **extra}


def feed(tracker: EventTracker, *events: dict) -> EventTracker:
    for i, event in enumerate(events):
        tracker(EngineEvent.from_json({"sequence": i, "timestamp": 0, **event}))
    return tracker


def test_progress_counts_resources_but_not_the_stack():
    tracker = feed(
        EventTracker(),
        {"resourcePreEvent": {"metadata": {"op": "same", "urn": STACK_URN, "type": "pulumi:pulumi:Stack", "provider": ""}}},
        {"resourcePreEvent": {"metadata": meta("create", "aws:s3/bucket:Bucket", "lake-raw")}},
        {"resourcePreEvent": {"metadata": meta("create", "aws:kms/key:Key", "platform-key")}},
        {"resOutputsEvent": {"metadata": meta("create", "aws:s3/bucket:Bucket", "lake-raw")}},
    )

    snap = tracker.snapshot()
    assert (snap.started, snap.done) == (2, 1)
    assert snap.current == "creating aws:kms/key:Key platform-key"


@pytest.mark.parametrize(("metadata", "drifted"), [
    (meta("refresh", "aws:ec2/vpc:Vpc", "vpc"), None),
    (meta("same", "aws:ec2/vpc:Vpc", "vpc"), None),
    (meta("update", "aws:ec2/vpc:Vpc", "vpc", detailedDiff={"tags": {"diffKind": "update"}}), ("update", ("tags",))),
    (meta("refresh", "aws:ec2/vpc:Vpc", "vpc", diffs=["cidrBlock"]), ("update", ("cidrBlock",))),
    (meta("delete", "aws:ec2/vpc:Vpc", "vpc"), ("delete", ())),
])
def test_which_steps_count_as_drift(metadata: dict, drifted: tuple | None):
    tracker = feed(EventTracker(), {"resOutputsEvent": {"metadata": metadata}})

    found = [(c.op, c.keys) for c in tracker.changed_resources()]
    assert found == ([drifted] if drifted else [])


def test_only_mandatory_policy_events_are_violations():
    base = {"message": "S3 buckets must block public access.", "color": "never", "policyName": "s3-no-public-access",
            "policyPackName": "security-baseline", "policyPackVersion": "1", "policyPackVersionTag": "v1",
            "resourceUrn": "urn:pulumi:dev::aiplatform::aws:s3/bucket:Bucket::lake-raw"}
    tracker = feed(EventTracker(), {"policyEvent": {**base, "enforcementLevel": "advisory"}},
                   {"policyEvent": {**base, "enforcementLevel": "mandatory"}})

    assert tracker.policy_violations == ["security-baseline/s3-no-public-access (lake-raw): S3 buckets must block public access."]


def test_summary_and_error_diagnostics_are_kept():
    tracker = feed(EventTracker(),
                   {"diagnosticEvent": {"message": "AccessDenied\n", "color": "never", "severity": "error"}},
                   {"diagnosticEvent": {"message": "just saying", "color": "never", "severity": "info"}},
                   {"summaryEvent": {"resourceChanges": {"create": 2, "same": 1}, "PolicyPacks": {"tagging": "v1"}}},
                   {"cancelEvent": {}})

    assert tracker.errors == ["AccessDenied"]
    assert tracker.summary == {"create": 2, "same": 1}
    assert tracker.snapshot().current == "done"


def test_policy_packs_are_the_directories_with_a_manifest(tmp_path: Path):
    for name, manifest in (("tagging", True), ("security", True), ("notes", False)):
        (tmp_path / name).mkdir()
        if manifest:
            (tmp_path / name / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "PulumiPolicy.yaml").write_text("stray file at the top is not a pack\n")

    assert [p.name for p in discover_policy_packs(tmp_path)] == ["security", "tagging"]
    assert discover_policy_packs(tmp_path / "missing") == []


def test_private_homes_share_everything_but_workspace_settings(tmp_path: Path):
    shared = tmp_path / "home"
    (shared / "workspaces").mkdir(parents=True)
    (shared / "credentials.json").write_text("{}")
    homes = PulumiHomes(shared)

    dev, prod = homes.for_stack("dev"), homes.for_stack("acme/prod")

    assert dev != prod and dev.name == "dev" and prod.name == "acme_prod"
    for home in (dev, prod):
        assert (home / "workspaces").is_dir() and not (home / "workspaces").is_symlink()
        assert (home / "credentials.json").resolve() == shared / "credentials.json"
        assert (home / "plugins").resolve() == shared / "plugins"  # created in the real home, then linked
    (dev / "plugins" / "resource-aws-v7.0.0").mkdir()
    assert (prod / "plugins" / "resource-aws-v7.0.0").is_dir()  # one plugin cache

    homes.close()

    assert not dev.exists() and not prod.exists()
    assert (shared / "credentials.json").read_text() == "{}" and (shared / "plugins" / "resource-aws-v7.0.0").is_dir()
