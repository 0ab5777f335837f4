"""Data stores rules (S3, ELB, ECS, EKS, RDS, Redshift, OpenSearch, ElastiCache, Secrets Manager, SNS/SQS) beyond
what a pass/violate case can say: the tags each policy is published with (service, pack, the rule's own tags, its
controls; Pulumi Cloud filters on them and the README lists them), and values unknown in a preview. Expected values
are written out."""

from __future__ import annotations

import pytest
from pulumi.runtime.proto import analyzer_pb2 as pb

from tests.policies.harness import UNKNOWN, Analyzer, R, run_rule

PUBLISHED_TAGS: dict[str, list[str]] = {
    "aws-ecs-service-deny-public-ip": ["ecs", "network", "ecs", "public-access", "fsbp:ECS.2"],
    "aws-ecs-taskdefinition-deny-privileged": ["ecs", "operations", "ecs", "least-privilege", "fsbp:ECS.4"],
    "aws-ecs-taskdefinition-require-awsvpc": ["ecs", "network", "ecs", "vpc", "fsbp:ECS.17"],
    "aws-ecs-taskdefinition-require-encrypted-logs": ["ecs", "data-protection", "ecs", "logging", "kms", "fsbp:ECS.9"],
    "aws-ecs-taskdefinition-require-readonly-rootfs": ["ecs", "operations", "ecs", "hardening", "fsbp:ECS.5"],
    "aws-eks-cluster-deny-public-endpoint": ["eks", "network", "eks", "public-access", "fsbp:EKS.1"],
    "aws-eks-cluster-enforce-secrets-encryption": ["eks", "encryption", "eks", "kms", "fsbp:EKS.3"],
    "aws-eks-cluster-require-control-plane-logs": ["eks", "data-protection", "eks", "logging", "fsbp:EKS.8"],
    "aws-eks-nodegroup-require-imdsv2": ["eks", "network", "eks", "imds", "fsbp:EC2.170"],
    "aws-elasticache-cache-enforce-kms": ["elasticache", "encryption", "kms", "cache", "fsbp:ElastiCache.4",
                                          "checkov:CKV_AWS_29", "checkov:CKV_AWS_191"],
    "aws-elasticache-replicationgroup-enforce-transit-encryption": ["elasticache", "data-protection", "tls", "cache",
                                                                    "fsbp:ElastiCache.5", "checkov:CKV_AWS_30"],
    "aws-elb-listener-require-tls": ["elb", "encryption", "elb", "tls", "fsbp:ELB.1", "fsbp:ELB.17"],
    "aws-elb-loadbalancer-enable-access-logs": ["elb", "data-protection", "elb", "logging", "fsbp:ELB.5"],
    "aws-elb-loadbalancer-require-internal": ["elb", "network", "elb", "public-access"],
    "aws-opensearch-domain-enforce-kms": ["opensearch", "encryption", "kms", "search", "fsbp:Opensearch.1",
                                          "checkov:CKV_AWS_5", "checkov:CKV_AWS_247"],
    "aws-opensearch-domain-enforce-tls": ["opensearch", "data-protection", "tls", "search", "fsbp:Opensearch.3",
                                          "fsbp:Opensearch.8", "checkov:CKV_AWS_6", "checkov:CKV_AWS_83",
                                          "cdk-nag:AwsSolutions-OS2"],
    "aws-opensearch-domain-require-vpc": ["opensearch", "network", "vpc", "search", "public-access", "fsbp:Opensearch.2",
                                          "cdk-nag:AwsSolutions-OS1"],
    "aws-rds-database-deny-public-access": ["rds", "network", "database", "vpc", "public-access", "fsbp:RDS.2",
                                            "checkov:CKV_AWS_17"],
    "aws-rds-database-enable-deletion-protection": ["rds", "data-protection", "database", "recoverability", "fsbp:RDS.7",
                                                    "fsbp:RDS.8", "checkov:CKV_AWS_293", "cdk-nag:AwsSolutions-RDS10"],
    "aws-rds-database-enforce-kms": ["rds", "encryption", "kms", "database", "fsbp:RDS.3", "fsbp:RDS.27",
                                     "checkov:CKV_AWS_16", "cdk-nag:AwsSolutions-RDS2"],
    "aws-redshift-cluster-deny-public-access": ["redshift", "network", "vpc", "warehouse", "fsbp:Redshift.1"],
    "aws-redshift-cluster-enforce-kms": ["redshift", "encryption", "kms", "warehouse", "fsbp:Redshift.10"],
    "aws-redshiftserverless-namespace-enforce-kms": ["redshiftserverless", "encryption", "kms", "warehouse"],
    "aws-redshiftserverless-workgroup-deny-public-access": ["redshiftserverless", "network", "vpc", "warehouse"],
    "aws-s3-bucket-deny-public-acl": ["s3", "network", "public-access", "fsbp:S3.2", "fsbp:S3.3", "fsbp:S3.12",
                                      "checkov:CKV_AWS_20", "checkov:CKV_AWS_57"],
    "aws-s3-bucket-enable-access-logging": ["s3", "data-protection", "logging", "fsbp:S3.9"],
    "aws-s3-bucket-enable-versioning": ["s3", "data-protection", "versioning", "fsbp:S3.14"],
    "aws-s3-bucket-enforce-kms": ["s3", "encryption", "kms", "fsbp:S3.17"],
    "aws-s3-bucket-require-encryption-config": ["s3", "encryption", "kms", "fsbp:S3.17"],
    "aws-s3-bucket-require-public-access-block": ["s3", "network", "public-access", "fsbp:S3.8", "cis:2.1.4"],
    "aws-s3-bucket-require-tls-policy": ["s3", "data-protection", "tls", "fsbp:S3.5", "cis:2.1.1"],
    "aws-s3-bucketpolicy-deny-public": ["s3", "network", "public-access", "fsbp:S3.2", "fsbp:S3.3", "checkov:CKV_AWS_70"],
    "aws-s3-publicaccessblock-enforce-all-flags": ["s3", "network", "public-access", "fsbp:S3.1", "fsbp:S3.8", "cis:2.1.4"],
    "aws-secretsmanager-secret-enable-rotation": ["secretsmanager", "data-protection", "secrets", "rotation",
                                                  "fsbp:SecretsManager.1", "checkov:CKV2_AWS_57", "cdk-nag:AwsSolutions-SMG4"],
    "aws-secretsmanager-secret-enforce-kms": ["secretsmanager", "encryption", "kms", "secrets", "checkov:CKV_AWS_149"],
    "aws-sns-topic-enforce-kms": ["sns", "encryption", "kms", "messaging", "fsbp:SNS.1"],
    "aws-sns-topicpolicy-deny-public": ["sns", "network", "public-access", "messaging"],
    "aws-sqs-queue-enforce-kms": ["sqs", "encryption", "kms", "messaging", "fsbp:SQS.1"],
    "aws-sqs-queuepolicy-deny-public": ["sqs", "network", "public-access", "messaging", "checkov:CKV_AWS_168"],
}


@pytest.fixture(scope="module")
def infos() -> dict[str, pb.PolicyInfo]:
    return {p.name: p for pack in ("encryption", "network", "data-protection", "operations")
            for p in Analyzer(pack).info().policies}


@pytest.mark.parametrize("rule_id", sorted(PUBLISHED_TAGS))
def test_policy_is_published_with_its_tags(infos: dict[str, pb.PolicyInfo], rule_id: str) -> None:
    assert list(infos[rule_id].tags) == PUBLISHED_TAGS[rule_id]


@pytest.mark.parametrize("rule_id", ["aws-ecs-taskdefinition-deny-privileged", "aws-ecs-taskdefinition-require-readonly-rootfs"])
@pytest.mark.parametrize("type_", ["aws:ecs/taskDefinition:TaskDefinition", "aws-native:ecs:TaskDefinition"])
def test_unknown_container_definitions_are_not_judged(rule_id: str, type_: str) -> None:
    result = run_rule(rule_id, R(type_, "task", {"networkMode": "awsvpc", "containerDefinitions": UNKNOWN}))
    assert result.violations(rule_id) == []
    [note] = result.not_judged(rule_id)
    assert "TaskDefinition 'task' (.containerDefinitions)" in note.message


# pulumi_aws's BucketV2 nests its inline default encryption as serverSideEncryptionConfigurations[].rules[]
# .applyServerSideEncryptionByDefaults[] (plural at every level, unlike Bucket's singular blocks).
V2_INLINE = "serverSideEncryptionConfigurations"


def test_bucket_v2_inline_sse_s3_is_a_violation() -> None:
    bucket = R("aws:s3/bucketV2:BucketV2", "b", {V2_INLINE: [{"rules": [{"applyServerSideEncryptionByDefaults": [{"sseAlgorithm": "AES256"}]}]}]})
    [violation] = run_rule("aws-s3-bucket-enforce-kms", [bucket]).violations("aws-s3-bucket-enforce-kms")
    assert "sseAlgorithm is 'AES256'" in violation.message


def test_bucket_v2_inline_kms_counts_as_encryption_config() -> None:
    bucket = R("aws:s3/bucketV2:BucketV2", "b", {V2_INLINE: [{"rules": [{"applyServerSideEncryptionByDefaults": [
        {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}]}]})
    assert run_rule("aws-s3-bucket-require-encryption-config", [bucket]).of("aws-s3-bucket-require-encryption-config") == []
