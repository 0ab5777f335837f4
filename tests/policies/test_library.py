"""The shared rule library (policies/crossguard_aws/*.py) tested directly: inputs and expected outputs written out."""

from __future__ import annotations

import pytest
from crossguard_aws import checks, packs, sdk, tags
from crossguard_aws.model import Rule, cdk_nag, checkov, cis, fsbp
from crossguard_aws.resources import Provider, Res
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi_policy import Severity

from tests.policies.harness import Analyzer, R

PUBLIC = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}


# ---- checks: policy documents --------------------------------------------------------------------------------
@pytest.mark.parametrize("operator, key", [
    ("StringEquals", "aws:SourceAccount"), ("ArnLike", "aws:SourceArn"), ("StringEquals", "aws:SourceOwner"),
    ("StringEquals", "aws:PrincipalOrgID"), ("StringEquals", "aws:PrincipalAccount"), ("ArnEquals", "aws:PrincipalArn"),
    ("StringEquals", "aws:SourceVpc"), ("StringEquals", "aws:SourceVpce"), ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths"),
    ("StringEquals", "aws:SourceOrgID"), ("IpAddress", "aws:SourceIp"), ("StringEquals", "kms:CallerAccount"),
])
def test_a_scoping_condition_key_makes_a_public_grant_not_public(operator: str, key: str) -> None:
    scoped = {**PUBLIC, "Condition": {operator: {key: "x"}}}
    assert list(checks.public_allow_statements({"Statement": [scoped]})) == []
    assert list(checks.public_policy_problems({"Statement": [scoped]})) == []


def test_a_condition_on_another_key_does_not_scope_a_public_grant() -> None:
    unscoped = {**PUBLIC, "Sid": "Open", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    assert list(checks.public_allow_statements({"Statement": [unscoped]})) == [unscoped]
    assert list(checks.public_policy_problems({"Statement": [unscoped]})) == [
        "statement 'Open' allows Principal '*' without a scoping condition."]


def test_grants_only_for_allow_statements() -> None:
    allow = {"Effect": "Allow", "Action": ["s3:GetObject", "kms:*"], "Resource": "*"}
    assert checks.grants(allow, r"kms:\*")
    assert checks.grants(allow, r"KMS:\*")  # case-insensitive
    assert not checks.grants({**allow, "Effect": "Deny"}, r"kms:\*")
    assert not checks.grants({**allow, "Resource": "arn:aws:kms:us-east-1:111122223333:key/k"}, r"kms:\*")
    assert checks.grants({"effect": "Allow", "action": "iam:PassRole", "resource": ["a", "*"]}, "iam:passrole")


# ---- tags: tag bags in either shape -------------------------------------------------------------------------
def _res(tag_value: object, default_tags: object = None) -> Res:
    provider = Provider("pulumi:providers:aws", "urn:p", "p", {"defaultTags": {"tags": default_tags}}) if default_tags else None
    return Res("aws:sqs/queue:Queue", "urn:q", "q", {"tags": tag_value}, provider)


@pytest.mark.parametrize("bag", [
    [{"Key": "owner", "Value": "ml"}, {"Key": "environment", "Value": "dev"}],
    [{"key": "owner", "value": "ml"}, {"key": "environment", "value": "dev"}],
    {"owner": "ml", "environment": "dev"},
    '[{"Key": "owner", "Value": "ml"}, {"Key": "environment", "Value": "dev"}]',
])
def test_tags_as_a_map_or_a_list_of_key_value_items_in_either_casing(bag: object) -> None:
    assert tags.effective_tags(_res(bag)) == ({"owner": "ml", "environment": "dev"}, [])


def test_own_tags_win_over_provider_default_tags() -> None:
    res = _res([{"Key": "owner", "Value": "ml"}], default_tags=[{"Key": "owner", "Value": "ops"}, {"Key": "cost-center", "Value": "42"}])
    assert tags.effective_tags(res) == ({"owner": "ml", "cost-center": "42"}, [])


# ---- model: compliance frameworks -------------------------------------------------------------------------
def _rule(controls: tuple) -> Rule:
    return Rule(id="aws-s3-bucket-enforce-library-test", pack="encryption", kind="resource", description="d",
                remediation="r", severity=Severity.LOW, check=lambda res, ctx: iter(()), types=None, controls=controls)


@pytest.mark.parametrize("controls, name, version, reference, specification", [
    (fsbp("S3.1", "S3.2"), "AWS Foundational Security Best Practices", "1.0.0", "S3.1, S3.2",
     "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html"),
    (cis("2.1.1"), "CIS AWS Foundations Benchmark", "3.0.0", "2.1.1", "https://www.cisecurity.org/benchmark/amazon_web_services"),
    (checkov("CKV_AWS_19") + fsbp("S3.1"), "Checkov", "3", "CKV_AWS_19", "https://www.checkov.io/5.Policy%20Index/terraform.html"),
    (cdk_nag("S1"), "cdk-nag AwsSolutions", "2", "AwsSolutions-S1", "https://github.com/cdklabs/cdk-nag/blob/main/RULES.md"),
    ((), "AI platform guardrails", "1.0.0", "aws-s3-bucket-enforce-library-test", "policies/README.md"),
])
def test_the_compliance_framework_of_a_rule_is_its_first_controls(controls, name, version, reference, specification) -> None:
    framework = _rule(controls).framework
    assert (framework.name, framework.version, framework.reference, framework.specification) == (
        name, version, reference, specification)


# ---- sdk: the stack's resources linked as the stock SDK links them ------------------------------------------
def test_stack_resources_are_linked_to_parent_dependencies_and_property_dependencies() -> None:
    vpc = R("aws:ec2/vpc:Vpc", "vpc")
    outside = R("aws:ec2/vpc:Vpc", "not-in-the-request")
    subnet = R("aws:ec2/subnet:Subnet", "subnet", {"vpcId": "vpc-1"}, parent=vpc, dependencies=[vpc, outside],
               property_dependencies={"vpcId": [vpc, outside]})
    request = pb.AnalyzeStackRequest(resources=[vpc.stack_resource(), subnet.stack_resource()])
    built_vpc, built_subnet = sdk._stack_resources(Analyzer("network").servicer, request)
    assert built_vpc.parent is None and built_vpc.dependencies == [] and built_vpc.property_dependencies == {}
    assert built_subnet.parent is built_vpc
    assert built_subnet.dependencies == [built_vpc]
    assert built_subnet.property_dependencies == {"vpcId": [built_vpc]}
    assert built_subnet.urn == "urn:pulumi:dev::acme-app::aws:ec2/subnet:Subnet::subnet"


# ---- packs: serving a pack -------------------------------------------------------------------------------
def test_serve_installs_the_fast_sdk_path_before_starting_the_pack(monkeypatch) -> None:
    started = []
    monkeypatch.delenv("CROSSGUARD_PLAIN_SDK", raising=False)
    monkeypatch.setattr(packs, "PolicyPack", lambda **kwargs: started.append((kwargs["name"], sdk.installed())))
    was = sdk.installed()
    sdk.uninstall()
    try:
        packs.serve("tagging")
        assert started == [("aws-tagging", True)]
    finally:
        if not was:
            sdk.uninstall()
