"""Shared rule behaviour: previews with unknown values, exemptions, enforcement levels, config errors, metadata."""

from __future__ import annotations

import json

import pytest
from crossguard_aws.model import rules_of
from pulumi.runtime.proto import analyzer_pb2 as pb

from tests.policies.cases import KEY, TAGS
from tests.policies.harness import UNKNOWN, UNKNOWN_BOOL, Analyzer, R, provider, run_rule

NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"


# ---- unknown values during preview ----------------------------------------------------------------------
def test_unknown_value_is_reported_once_as_not_judged_never_as_violation() -> None:
    result = run_rule("aws-sagemaker-domain-enforce-vpc-only", R("aws:sagemaker/domain:Domain", "studio", {"appNetworkAccessType": UNKNOWN}))
    assert result.violations("aws-sagemaker-domain-enforce-vpc-only") == []
    [note] = result.not_judged("aws-sagemaker-domain-enforce-vpc-only")
    assert note.level == "advisory"
    assert "Domain 'studio' (.appNetworkAccessType)" in note.message
    assert "unknown until the resources are created" in note.message


def test_known_aspects_are_still_judged_next_to_unknown_ones() -> None:
    notebook = R(NOTEBOOK, "nb", {"subnetId": UNKNOWN, "directInternetAccess": "Enabled"})
    result = run_rule("aws-sagemaker-notebookinstance-deny-direct-internet", notebook)
    [violation] = result.violations("aws-sagemaker-notebookinstance-deny-direct-internet")
    assert "directInternetAccess is 'Enabled'" in violation.message
    [note] = result.not_judged("aws-sagemaker-notebookinstance-deny-direct-internet")
    assert ".subnetId" in note.message


def test_unknown_boolean_inside_a_block() -> None:
    result = run_rule("aws-ecr-repository-enable-scan-on-push",
                      R("aws:ecr/repository:Repository", "r", {"imageScanningConfiguration": {"scanOnPush": UNKNOWN_BOOL}}))
    assert result.violations("aws-ecr-repository-enable-scan-on-push") == []
    assert ".imageScanningConfiguration.scanOnPush" in result.not_judged("aws-ecr-repository-enable-scan-on-push")[0].message


def test_unknown_policy_document_is_not_judged() -> None:
    result = run_rule("aws-iam-policy-deny-admin-wildcard", R("aws:iam/policy:Policy", "p", {"policy": UNKNOWN}))
    assert result.violations("aws-iam-policy-deny-admin-wildcard") == []
    assert ".policy" in result.not_judged("aws-iam-policy-deny-admin-wildcard")[0].message


def test_unknown_own_tags_do_not_matter_when_provider_tags_cover_everything() -> None:
    res = R("aws:s3/bucket:Bucket", "b", {"tags": UNKNOWN}, provider=provider(default_tags=TAGS))
    result = run_rule("aws-tagging-resource-require-tags", res)
    assert result.of("aws-tagging-resource-require-tags") == []


def test_unknown_own_tags_with_missing_keys_are_not_judged() -> None:
    result = run_rule("aws-tagging-resource-require-tags", R("aws:s3/bucket:Bucket", "b", {"tags": UNKNOWN}))
    assert result.violations("aws-tagging-resource-require-tags") == []
    assert ".tags" in result.not_judged("aws-tagging-resource-require-tags")[0].message


def test_stack_rule_reports_unknowns_once_and_judges_other_resources() -> None:
    known_bad = R("aws:s3/bucket:Bucket", "plain")
    unknown = R("aws:s3/bucket:Bucket", "odd", {"versioning": {"enabled": UNKNOWN_BOOL}})
    # An unknown block fed from another resource's output (a property dependency) is the program's: not judged.
    source = R("aws:ssm/parameter:Parameter", "p")
    fed = R("aws:s3/bucket:Bucket", "odd2", {"versioning": UNKNOWN}, property_dependencies={"versioning": [source]})
    result = run_rule("aws-s3-bucket-enable-versioning", [known_bad, unknown, fed, source])
    [violation] = result.violations("aws-s3-bucket-enable-versioning")
    assert violation.urn == known_bad.urn
    [note] = result.not_judged("aws-s3-bucket-enable-versioning")
    assert "Bucket 'odd' (.versioning.enabled)" in note.message and "Bucket 'odd2' (.versioning)" in note.message


# ---- exemptions --------------------------------------------------------------------------------------------
def exemption(**kw: str) -> dict:
    return {"exemptions": [{"reason": "legacy bucket, migrating in Q3", "expires": "2999-12-31", **kw}]}


@pytest.mark.parametrize("match", [{"name": "legacy-*"}, {"urn": "urn:pulumi:dev::acme-app::aws:s3/bucket:Bucket::legacy-logs"}])
def test_exemption_by_name_or_urn_suppresses_only_that_resource(match: dict) -> None:
    bad = {"serverSideEncryptionConfiguration": {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}}
    exempt = run_rule("aws-s3-bucket-enforce-kms", R("aws:s3/bucket:Bucket", "legacy-logs", bad), exemption(**match))
    other = run_rule("aws-s3-bucket-enforce-kms", R("aws:s3/bucket:Bucket", "lake", bad), exemption(**match))
    assert exempt.of("aws-s3-bucket-enforce-kms") == []
    assert len(other.violations("aws-s3-bucket-enforce-kms")) == 1


def test_expired_exemption_is_a_violation_and_no_longer_exempts() -> None:
    config = {"exemptions": [{"name": "k", "reason": "load test", "expires": "2020-01-31"}]}
    result = run_rule("aws-kms-key-deny-lockout-bypass", R("aws:kms/key:Key", "k", {"bypassPolicyLockoutSafetyCheck": True}), config)
    messages = [v.message for v in result.violations("aws-kms-key-deny-lockout-bypass")]
    assert any("exemptions[0] (name 'k', reason: load test) expired on 2020-01-31" in m for m in messages)
    assert any("bypassPolicyLockoutSafetyCheck is true" in m for m in messages)


def test_expired_exemption_in_a_stack_rule() -> None:
    config = {"exemptions": [{"name": "b", "reason": "r", "expires": "2021-05-01"}]}
    result = run_rule("aws-s3-bucket-enable-versioning", [R("aws:s3/bucket:Bucket", "b")], config)
    assert any("expired on 2021-05-01" in v.message for v in result.violations("aws-s3-bucket-enable-versioning"))


@pytest.mark.parametrize(("entry", "expect"), [
    ({"name": "b", "expires": "2999-01-01"}, "'exemptions[0].reason' is required"),
    ({"name": "b", "reason": "r", "expires": "next year"}, "'exemptions[0].expires' must be a date YYYY-MM-DD"),
    ({"reason": "r", "expires": "2999-01-01"}, "needs exactly one of 'urn' or 'name'"),
])
def test_bad_exemption_config_is_one_clear_violation(entry: dict, expect: str) -> None:
    result = run_rule("aws-sqs-queue-enforce-kms", R("aws:sqs/queue:Queue", "q", {"kmsMasterKeyId": KEY}), {"exemptions": [entry]})
    [violation] = result.violations("aws-sqs-queue-enforce-kms")
    assert expect in violation.message and "invalid policy config for aws-sqs-queue-enforce-kms" in violation.message


def test_bad_knob_value_names_the_key() -> None:
    result = run_rule("aws-cloudwatch-loggroup-enforce-retention", R("aws:cloudwatch/logGroup:LogGroup", "lg", {}), {"minRetentionDays": "ninety"})
    assert "policy config 'minRetentionDays' must be a whole number" in result.violations("aws-cloudwatch-loggroup-enforce-retention")[0].message


# ---- enforcement levels and production ----------------------------------------------------------------------
UNENCRYPTED_TOPIC = R("aws:sns/topic:Topic", "t", {})


@pytest.mark.parametrize(("config", "expected"), [
    (None, ["mandatory"]),  # KMS encryption is a card area: mandatory by default although the rule's severity is medium
    ({"enforcementLevel": "advisory"}, ["advisory"]),
    ({"enforcementLevel": "mandatory"}, ["mandatory"]),
    ({"enforcementLevel": "disabled"}, []),
])
def test_enforcement_level_from_policy_config(config: dict | None, expected: list[str]) -> None:
    analyzer = Analyzer("encryption", {"aws-sns-topic-enforce-kms": config} if config else None)
    result = analyzer.analyze(UNENCRYPTED_TOPIC)
    assert [d.level for d in result.of("aws-sns-topic-enforce-kms")] == expected


def test_high_severity_rules_default_to_mandatory() -> None:
    result = run_rule("aws-s3-bucket-enforce-kms", R("aws:s3/bucket:Bucket", "b", {
        "serverSideEncryptionConfiguration": {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}}))
    assert [d.level for d in result.violations("aws-s3-bucket-enforce-kms")] == ["mandatory"]


def test_production_only_rule_is_not_applicable_outside_production() -> None:
    result = run_rule("aws-backup-vault-require-lock", [R("aws:backup/vault:Vault", "v", {"kmsKeyArn": KEY})])
    assert result.violations("aws-backup-vault-require-lock") == []
    assert "applies to production stacks only; this one is not (stack name 'dev')" in result.not_applicable["aws-backup-vault-require-lock"]


def test_environment_config_outranks_stack_name(stack_env) -> None:
    stack_env.setenv("PULUMI_STACK", "prod")
    stack_env.setenv("PULUMI_CONFIG", json.dumps({"acme-app:environment": "dev"}))
    result = run_rule("aws-stack-stateful-require-protect", [R("aws:kms/key:Key", "k")])
    assert "stack config environment='dev'" in result.not_applicable["aws-stack-stateful-require-protect"]


# ---- analyzer metadata ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def infos() -> dict[str, pb.PolicyInfo]:
    return {p.name: p for pack in ("encryption", "tagging", "network", "data-protection", "operations")
            for p in Analyzer(pack).info().policies}


def test_every_rule_is_served_with_its_metadata(infos: dict[str, pb.PolicyInfo]) -> None:
    assert set(infos) == {r.id for r in rules_of()}
    assert len(infos) >= 45
    for rule in rules_of():
        info = infos[rule.id]
        assert info.remediation_steps == rule.remediation
        assert info.severity != pb.POLICY_SEVERITY_UNSPECIFIED
        assert info.framework.name and info.framework.reference
        assert rule.service in info.tags and rule.pack in info.tags
        assert "exemptions" in info.configSchema.properties
        assert info.policy_type == (pb.POLICY_TYPE_STACK if rule.kind == "stack" else pb.POLICY_TYPE_RESOURCE)


def test_control_ids_and_knob_defaults_are_published(infos: dict[str, pb.PolicyInfo]) -> None:
    trail = infos["aws-cloudtrail-trail-enable-multi-region"]
    assert trail.framework.name == "AWS Foundational Security Best Practices" and trail.framework.reference == "CloudTrail.1"
    assert "cis:3.1" in trail.tags
    tags = infos["aws-tagging-resource-require-tags"].configSchema.properties["requiredTags"]
    assert list(tags["default"]) == ["owner", "cost-center", "environment", "data-classification"]
    window = infos["aws-kms-key-enforce-deletion-window"].configSchema.properties
    assert window["minDeletionWindowDaysProduction"]["default"] == 30 and window["minDeletionWindowDays"]["default"] == 7
