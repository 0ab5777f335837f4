"""Behaviour of the services rules that pass/violate cases cannot express: unknown values in a preview."""

from __future__ import annotations

import pytest

from tests.policies.cases import PROD_ENV, TAGS
from tests.policies.harness import UNKNOWN, R, run_rule


@pytest.mark.parametrize("rule", ["aws-tagging-resource-enforce-allowed-values", "aws-tagging-resource-enforce-length-limits"])
def test_an_unknown_tag_bag_is_reported_not_judged(rule: str) -> None:
    result = run_rule(rule, R("aws:s3/bucket:Bucket", "b", {"tags": UNKNOWN}))
    assert result.violations(rule) == []
    assert len(result.not_judged(rule)) == 1
    assert ".tags" in result.not_judged(rule)[0].message


def test_an_unknown_tag_value_is_not_judged_against_the_allowed_values() -> None:
    rule = "aws-tagging-resource-enforce-allowed-values"
    result = run_rule(rule, R("aws:s3/bucket:Bucket", "b", {"tags": {**TAGS, "environment": UNKNOWN}}))
    assert result.violations(rule) == []
    assert len(result.not_judged(rule)) == 1


def test_an_unknown_tag_value_has_no_length_to_judge() -> None:
    rule = "aws-tagging-resource-enforce-length-limits"
    result = run_rule(rule, R("aws:s3/bucket:Bucket", "b", {"tags": {**TAGS, "note": UNKNOWN}}))
    assert result.of(rule) == []


def test_an_http_api_with_a_target_unknown_in_preview_is_a_quick_create() -> None:
    rule = "aws-apigatewayv2-api-deny-quick-create"
    result = run_rule(rule, R("aws:apigatewayv2/api:Api", "qc", {"protocolType": "HTTP", "target": UNKNOWN}))
    assert [v.message for v in result.violations(rule)] != []
    assert "quick-create HTTP API" in result.violations(rule)[0].message


def test_a_privileged_project_whose_buildspec_is_unknown_is_not_judged() -> None:
    rule = "aws-codebuild-project-deny-privileged-mode"
    result = run_rule(rule, R("aws:codebuild/project:Project", "cb", {
        "environment": {"privilegedMode": True}, "source": {"type": "NO_SOURCE", "buildspec": UNKNOWN}}))
    assert result.violations(rule) == []
    assert len(result.not_judged(rule)) == 1
    assert "source.buildspec" in result.not_judged(rule)[0].message


def test_a_web_acl_whose_rule_json_is_unknown_is_not_judged() -> None:
    rule = "aws-wafv2-webacl-require-blocking-rules"
    result = run_rule(rule, R("aws:wafv2/webAcl:WebAcl", "acl", {"defaultAction": {"allow": {}}, "ruleJson": UNKNOWN}))
    assert result.violations(rule) == []
    assert len(result.not_judged(rule)) == 1
    assert "ruleJson" in result.not_judged(rule)[0].message


# The stateful types tests/policies/test_stack_joins.py does not list (together they are the rule's whole default list).
MORE_STATEFUL = [
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws-native:s3:Bucket",
    "aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws-native:kms:Key", "aws-native:kms:ReplicaKey",
    "aws:backup/vault:Vault", "aws-native:backup:BackupVault",
    "aws:redshift/cluster:Cluster", "aws:redshiftserverless/namespace:Namespace",
    "aws-native:redshift:Cluster", "aws-native:redshiftserverless:Namespace",
    "aws:ecr/repository:Repository", "aws-native:ecr:Repository",
    "aws:cloudtrail/trail:Trail", "aws-native:cloudtrail:Trail", "aws:cloudwatch/logGroup:LogGroup", "aws-native:logs:LogGroup",
    "aws-native:dynamodb:GlobalTable", "aws:rds/globalCluster:GlobalCluster", "aws-native:rds:GlobalCluster",
    "aws:elasticache/cluster:Cluster", "aws-native:elasticache:CacheCluster", "aws-native:elasticache:ServerlessCache",
    "aws:opensearch/serverlessCollection:ServerlessCollection", "aws-native:opensearchserverless:Collection",
]


@pytest.mark.parametrize("type_", MORE_STATEFUL)
def test_each_stateful_type_must_be_protected_in_production(type_: str, stack_env) -> None:
    rule = "aws-stack-stateful-require-protect"
    stack_env.setenv("PULUMI_CONFIG", PROD_ENV["PULUMI_CONFIG"])
    bad = run_rule(rule, [R(type_, "data")])
    assert [v.message.split("\n")[-1] for v in bad.violations(rule)] == [
        f"{type_.rsplit(':', 1)[1]} 'data': is stateful but not protected in production (stack config environment='prod'); set protect=True."]
    assert run_rule(rule, [R(type_, "data", protect=True)]).violations(rule) == []


def test_a_configured_stateful_list_replaces_the_default(stack_env) -> None:
    rule = "aws-stack-stateful-require-protect"
    stack_env.setenv("PULUMI_CONFIG", PROD_ENV["PULUMI_CONFIG"])
    result = run_rule(rule, [R("aws:s3/bucket:Bucket", "b"), R("aws:sns/topic:Topic", "t")], {"statefulTypes": ["aws:sns/topic:Topic"]})
    assert [v.message.split("\n")[-1] for v in result.violations(rule)] == [
        "Topic 't': is stateful but not protected in production (stack config environment='prod'); set protect=True."]


@pytest.mark.parametrize("rule", ["aws-organizations-scp-deny-allow-statement", "aws-organizations-scp-enforce-size-limit",
                                  "aws-organizations-scp-deny-unconditional-lockout"])
@pytest.mark.parametrize("props", [{"content": UNKNOWN}, {"type": UNKNOWN, "content": '{"Statement": []}'}], ids=["content", "type"])
def test_an_scp_unknown_in_preview_is_reported_not_judged(rule: str, props: dict) -> None:
    result = run_rule(rule, R("aws:organizations/policy:Policy", "scp", props))
    assert result.violations(rule) == []
    assert len(result.not_judged(rule)) == 1
