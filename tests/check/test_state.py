"""``platformctl check --state FILE``: the packs over a ``pulumi stack export`` (deployed state), secrets redacted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.policy_host.state import StateError, snapshot_from_export
from tests.check.conftest import FIXTURE_PACK, _run

SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
STACK = "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod"
PROVIDER = "urn:pulumi:prod::shop::pulumi:providers:aws::default_7_0_0"


def resource(name: str, type_: str, inputs: dict, outputs: dict | None = None, **extra) -> dict:
    urn = f"urn:pulumi:prod::shop::{type_}::{name}"
    return {"urn": urn, "custom": True, "id": f"{name}-id", "type": type_, "inputs": inputs,
            "outputs": outputs if outputs is not None else {**inputs, "id": f"{name}-id"}, "parent": STACK,
            "provider": f"{PROVIDER}::p-id", "sourcePosition": f"project:///__main__.py#{len(name)},1", **extra}


def export(*resources: dict) -> dict:
    stack = {"urn": STACK, "custom": False, "type": "pulumi:pulumi:Stack",
             "outputs": {"password": {SIG: SECRET_SIG, "plaintext": "\"hunter2-output\""}}}
    provider = {"urn": PROVIDER, "custom": True, "id": "p-id", "type": "pulumi:providers:aws",
                "inputs": {"region": "eu-west-1"}, "outputs": {"region": "eu-west-1"}}
    return {"version": 3, "deployment": {"manifest": {"time": "2026-12-01T00:00:00Z", "magic": "x", "version": "v3.200.0"},
                                         "resources": [stack, provider, *resources]}}


def deployed() -> dict:
    """Two buckets (one encrypted), an open security group, and a secret in plain text (an export --show-secrets)."""
    tags = {"owner": "shop"}
    return export(
        resource("logs", "aws:s3/bucket:Bucket", {"bucket": "shop-logs", "tags": tags}, protect=True),
        resource("logs-sse", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                 {"bucket": "shop-logs", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]},
                 dependencies=["urn:pulumi:prod::shop::aws:s3/bucket:Bucket::logs"],
                 propertyDependencies={"bucket": ["urn:pulumi:prod::shop::aws:s3/bucket:Bucket::logs"]}),
        resource("media", "aws:s3/bucket:Bucket", {"bucket": "shop-media", "tags": tags}),
        resource("web", "aws:ec2/securityGroup:SecurityGroup",
                 {"tags": tags, "ingress": [{"fromPort": 22, "toPort": 22, "protocol": "tcp", "cidrBlocks": ["0.0.0.0/0"]}]}),
        resource("db-password", "aws:ssm/parameter:Parameter",
                 {"name": "db", "type": "SecureString", "value": {SIG: SECRET_SIG, "plaintext": "\"hunter2-input\""}}),
    )


@pytest.fixture(scope="module")
def state_check(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("state")
    state, report = tmp / "state.json", tmp / "report.json"
    state.write_text(json.dumps(deployed()))
    code, stdout, stderr = _run(["check", "--state", str(state), "--policy-pack", str(FIXTURE_PACK), "--project-dir", str(tmp),
                                 "--format", "json", "--output", str(report)])
    return code, stdout, stderr, report.read_text()


def test_state_findings_are_the_packs_findings_on_the_deployed_resources(state_check):
    code, _, stderr, report = state_check
    doc = json.loads(report)
    assert code == 1, stderr
    assert doc["stacks"][0]["stack"] == "prod" and doc["stacks"][0]["project"] == "shop"
    found = {(v["policy"], v["resource_name"]) for v in doc["stacks"][0]["violations"]}
    # The fixture pack: prod buckets must be protected, every bucket encrypted, no SSH from the internet.
    assert found == {("prod-buckets-protected", "media"), ("s3-encrypted", "media"), ("no-public-ingress", "web")}


def test_state_reports_never_carry_a_secret(state_check):
    _, stdout, stderr, report = state_check
    for text in (stdout, stderr, report):
        assert "hunter2" not in text


def test_state_violations_point_at_the_source_position(state_check):
    doc = json.loads(state_check[3])
    web = next(v for v in doc["stacks"][0]["violations"] if v["resource_name"] == "web")
    assert web["location"]["line"] == len("web")


def test_export_records_keep_what_the_packs_read():
    snap = snapshot_from_export(deployed(), Path("/project"))
    media = next(r for r in snap.resources if r.name == "media")
    sse = next(r for r in snap.resources if r.name == "logs-sse")
    assert (media.protect, next(r for r in snap.resources if r.name == "logs").protect) == (False, True)
    assert sse.property_dependencies == {"bucket": ["urn:pulumi:prod::shop::aws:s3/bucket:Bucket::logs"]}
    assert media.provider == f"{PROVIDER}::p-id" and media.parent == STACK
    assert media.source_file == "/project/__main__.py"
    secret = next(r for r in snap.resources if r.name == "db-password")
    assert secret.inputs["value"] == {"__secret__": True}
    assert snap.outputs == {"password": {"__secret__": True}}


@pytest.mark.parametrize("doc", [{"version": 2, "deployment": {}}, [], {"version": 3, "deployment": {"resources": []}}])
def test_a_file_that_is_not_an_export_is_one_clear_error(doc):
    with pytest.raises(StateError):
        snapshot_from_export(doc)


def test_cli_names_the_problem_with_a_bad_state_file(tmp_path):
    bad = tmp_path / "state.json"
    bad.write_text('{"version": 2}')
    code, stdout, stderr = _run(["check", "--state", str(bad), "--policy-pack", str(FIXTURE_PACK)])
    assert code == 2
    assert "pulumi stack export" in stdout + stderr and "Traceback" not in stdout + stderr


def test_a_resource_without_a_source_position_is_located_at_the_stack_file(tmp_path):
    """An export made without source positions: the finding says where it was not found (no file, line 0) and
    its location falls back to the stack's file, line 1."""
    doc = export(resource("web", "aws:ec2/securityGroup:SecurityGroup",
                          {"tags": {"owner": "shop"}, "ingress": [{"fromPort": 22, "toPort": 22, "protocol": "tcp",
                                                                    "cidrBlocks": ["0.0.0.0/0"]}]}))
    del doc["deployment"]["resources"][-1]["sourcePosition"]
    state, report = tmp_path / "state.json", tmp_path / "report.json"
    state.write_text(json.dumps(doc))
    code, _, stderr = _run(["check", "--state", str(state), "--policy-pack", str(FIXTURE_PACK), "--project-dir", str(tmp_path),
                            "--format", "json", "--output", str(report), "--print", "none"])
    [web] = json.loads(report.read_text())["stacks"][0]["violations"]
    assert code == 0, stderr  # no-public-ingress is advisory
    assert f"check --state {state}: PASS, 1 finding(s)" in stderr  # the verdict, as for a stack: advisory only
    assert (web["policy"], web["source_file"], web["source_line"]) == ("no-public-ingress", "", 0)
    assert web["location"] == {"file": "Pulumi.prod.yaml", "line": 1}
