"""Rule metadata of the ml/network rules that the pass/violate cases cannot see: the tags each rule is published
with (the engine's policy info, the README's tag column). Each test also runs its rule once, so the rule's
module is exercised in-process."""

from __future__ import annotations

import pytest

from tests.policies.harness import UNKNOWN, Analyzer, R, run_rule

PUBLISHED = [
    ("network", "aws-ec2-vpc-require-flow-logs", R("aws:ec2/vpc:Vpc", "main", {"cidrBlock": "10.0.0.0/16"}),
     {"ec2", "network", "vpc", "logging", "fsbp:EC2.6", "cis:3.7"}),
    ("encryption", "aws-sagemaker-job-enforce-kms", R("aws:sagemaker/trainingJob:TrainingJob", "t", {}),
     {"sagemaker", "encryption", "kms", "ml"}),
    ("encryption", "aws-efs-filesystem-enforce-kms", R("aws:efs/fileSystem:FileSystem", "fs", {}),
     {"efs", "encryption", "kms", "storage", "fsbp:EFS.1"}),
]


@pytest.mark.parametrize(("pack", "rule", "resource", "tags"), PUBLISHED, ids=[p[1] for p in PUBLISHED])
def test_a_violated_rule_is_published_with_its_tags(pack, rule, resource, tags, stack_env):
    assert run_rule(rule, resource).violations(rule)
    [info] = [p for p in Analyzer(pack).info().policies if p.name == rule]
    assert set(info.tags) == tags


@pytest.mark.parametrize("rule", ["aws-sagemaker-pipeline-enforce-kms", "aws-sagemaker-pipeline-enforce-network-isolation"])
@pytest.mark.parametrize(("type_", "definition"), [
    ("aws:sagemaker/pipeline:Pipeline", UNKNOWN),
    ("aws-native:sagemaker:Pipeline", {"pipelineDefinitionBody": UNKNOWN}),
], ids=["aws", "aws-native"])
def test_a_pipeline_definition_unknown_in_a_preview_is_reported_not_judged(rule, type_, definition, stack_env):
    result = run_rule(rule, R(type_, "p", {"pipelineDefinition": definition}))
    assert result.violations(rule) == []
    [note] = result.not_judged(rule)
    assert "could not judge" in note.message and ".pipelineDefinition" in note.message


def test_an_awsx_vpc_without_a_flow_log_is_reported_once_on_the_component(stack_env):
    rule = "aws-ec2-vpc-require-flow-logs"
    component = R("awsx:ec2:Vpc", "mesh", {"cidrBlock": "10.2.0.0/16"}, provider=None)
    inner = R("aws:ec2/vpc:Vpc", "mesh-vpc", {"cidrBlock": "10.2.0.0/16"}, parent=component)
    [violation] = run_rule(rule, [component, inner]).violations(rule)
    assert violation.urn == "urn:pulumi:dev::acme-app::awsx:ec2:Vpc::mesh"


def test_an_acl_rule_resource_is_judged_once_with_its_acl(stack_env):
    rule = "aws-ec2-networkacl-deny-public-admin-ports"
    acl = R("aws:ec2/networkAcl:NetworkAcl", "edge", {"vpcId": "vpc-2"})
    entry = R("aws:ec2/networkAclRule:NetworkAclRule", "wide", {
        "networkAclId": UNKNOWN, "ruleNumber": 100, "egress": False, "protocol": "-1", "ruleAction": "allow",
        "cidrBlock": "0.0.0.0/0"}, property_dependencies={"networkAclId": [acl]})
    [violation] = run_rule(rule, [acl, entry]).violations(rule)
    assert violation.urn == "urn:pulumi:dev::acme-app::aws:ec2/networkAcl:NetworkAcl::edge"
    assert "NetworkAclRule 'wide' allows the internet to reach port(s) 22, 3389." in violation.message


def test_an_acl_entry_whose_source_is_unknown_in_a_preview_is_reported_not_judged(stack_env):
    rule = "aws-ec2-networkacl-deny-public-admin-ports"
    entry = R("aws:ec2/networkAclRule:NetworkAclRule", "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "-1", "ruleAction": "allow",
        "cidrBlock": UNKNOWN})
    result = run_rule(rule, entry)
    assert result.violations(rule) == []
    [note] = result.not_judged(rule)
    assert ".cidrBlock" in note.message
