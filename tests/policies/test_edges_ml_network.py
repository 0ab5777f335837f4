"""Behaviour of the ml/network rules (SageMaker, EC2/VPC, Glue, EBS, DynamoDB/EFS) that the pass/violate cases
cannot see: the tags and control ids each rule is published with (the engine's policy info, the README's tag
column), values unknown in a preview, and stack rules that judge several resources once."""

from __future__ import annotations

import pytest

from tests.policies.harness import UNKNOWN, Analyzer, R, run_rule

# (pack, rule, a type it judges, the tags it is published with: service, pack, own tags, control ids)
PUBLISHED = [
    ("encryption", "aws-databrew-job-enforce-kms", "aws-native:databrew:Job", {"data-lake", "databrew", "encryption", "kms"}),
    ("data-protection", "aws-dynamodb-table-enable-point-in-time-recovery", "aws:dynamodb/table:Table", {
        "cdk-nag:AwsSolutions-DDB3", "checkov:CKV_AWS_28", "data-protection", "database", "dynamodb", "fsbp:DynamoDB.2", "recoverability"}),
    ("encryption", "aws-dynamodb-table-enforce-kms", "aws:dynamodb/table:Table", {"database", "dynamodb", "encryption", "kms"}),
    ("encryption", "aws-ebs-account-enforce-default-encryption", "aws:ebs/encryptionByDefault:EncryptionByDefault", {
        "checkov:CKV_AWS_106", "ebs", "encryption", "fsbp:EC2.7", "kms", "storage"}),
    ("encryption", "aws-ebs-volume-enforce-kms", "aws:ebs/volume:Volume", {
        "cdk-nag:AwsSolutions-EC26", "checkov:CKV_AWS_189", "checkov:CKV_AWS_3", "ebs", "encryption", "fsbp:EC2.3", "kms", "storage"}),
    ("network", "aws-ec2-defaultsecuritygroup-deny-rules", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", {
        "checkov:CKV2_AWS_12", "cis:5.4", "ec2", "fsbp:EC2.2", "network", "vpc"}),
    ("network", "aws-ec2-networkacl-deny-public-admin-ports", "aws:ec2/networkAcl:NetworkAcl", {
        "checkov:CKV_AWS_231", "checkov:CKV_AWS_232", "cis:5.1", "ec2", "fsbp:EC2.21", "network", "public-access", "vpc"}),
    ("network", "aws-ec2-securitygroup-deny-public-ingress", "aws:ec2/securityGroup:SecurityGroup", {
        "cis:5.2", "cis:5.3", "ec2", "fsbp:EC2.18", "fsbp:EC2.19", "network", "public-access", "vpc"}),
    ("network", "aws-ec2-vpc-require-flow-logs", "aws:ec2/vpc:Vpc", {"cis:3.7", "ec2", "fsbp:EC2.6", "logging", "network", "vpc"}),
    ("encryption", "aws-efs-filesystem-enforce-kms", "aws:efs/fileSystem:FileSystem", {"efs", "encryption", "fsbp:EFS.1", "kms", "storage"}),
    ("encryption", "aws-glue-catalog-enforce-kms", "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", {
        "data-lake", "encryption", "glue", "kms"}),
    ("encryption", "aws-glue-job-require-security-configuration", "aws:glue/job:Job", {"data-lake", "encryption", "glue", "kms"}),
    ("network", "aws-glue-job-require-vpc-connection", "aws:glue/job:Job", {"etl", "glue", "network", "vpc"}),
    ("encryption", "aws-glue-securityconfiguration-enforce-kms", "aws:glue/securityConfiguration:SecurityConfiguration", {
        "data-lake", "encryption", "glue", "kms"}),
    ("encryption", "aws-sagemaker-domain-enforce-kms", "aws:sagemaker/domain:Domain", {"encryption", "kms", "ml", "sagemaker"}),
    ("network", "aws-sagemaker-domain-enforce-vpc-only", "aws:sagemaker/domain:Domain", {"ml", "network", "sagemaker", "vpc"}),
    ("encryption", "aws-sagemaker-endpointconfig-enforce-kms", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", {
        "encryption", "kms", "ml", "sagemaker"}),
    ("encryption", "aws-sagemaker-featuregroup-enforce-kms", "aws:sagemaker/featureGroup:FeatureGroup", {"encryption", "kms", "ml", "sagemaker"}),
    ("encryption", "aws-sagemaker-job-enforce-kms", "aws:sagemaker/trainingJob:TrainingJob", {"encryption", "kms", "ml", "sagemaker"}),
    ("network", "aws-sagemaker-job-enforce-network-isolation", "aws:sagemaker/trainingJob:TrainingJob", {"ml", "network", "sagemaker", "vpc"}),
    ("network", "aws-sagemaker-model-enforce-network-isolation", "aws:sagemaker/model:Model", {"ml", "network", "sagemaker", "vpc"}),
    ("network", "aws-sagemaker-notebookinstance-deny-direct-internet", "aws:sagemaker/notebookInstance:NotebookInstance", {
        "fsbp:SageMaker.1", "fsbp:SageMaker.2", "ml", "network", "sagemaker", "vpc"}),
    ("network", "aws-sagemaker-notebookinstance-deny-root-access", "aws:sagemaker/notebookInstance:NotebookInstance", {
        "fsbp:SageMaker.3", "ml", "network", "sagemaker"}),
    ("network", "aws-sagemaker-notebookinstance-enforce-imdsv2", "aws:sagemaker/notebookInstance:NotebookInstance", {
        "imds", "ml", "network", "sagemaker"}),
    ("encryption", "aws-sagemaker-notebookinstance-enforce-kms", "aws:sagemaker/notebookInstance:NotebookInstance", {
        "encryption", "kms", "ml", "sagemaker"}),
    ("encryption", "aws-sagemaker-pipeline-enforce-kms", "aws:sagemaker/pipeline:Pipeline", {"encryption", "kms", "ml", "sagemaker"}),
    ("network", "aws-sagemaker-pipeline-enforce-network-isolation", "aws:sagemaker/pipeline:Pipeline", {"ml", "network", "sagemaker", "vpc"}),
    ("encryption", "aws-sagemaker-pipeline-require-inline-definition", "aws:sagemaker/pipeline:Pipeline", {"encryption", "ml", "sagemaker"}),
]


@pytest.mark.parametrize(("pack", "rule", "type_", "tags"), PUBLISHED, ids=[p[1] for p in PUBLISHED])
def test_a_rule_is_published_with_its_tags_and_controls(pack, rule, type_, tags, stack_env):
    result = run_rule(rule, R(type_, "x", {}))  # runs the rule's module in-process (what the mutation selection sees)
    assert result.not_judged(rule) == []
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
