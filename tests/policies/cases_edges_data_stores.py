"""Pass/violate cases for mutation-testing survivors (bench/mutation.py) in the data stores rules: alternative
spellings, each provider's property names, each branch. Same shape as ``cases.CASES``; type tokens and property
names are written out, never taken from the rules."""

from __future__ import annotations

import json

from tests.policies.cases import KEY, Case, bad, ok, public_policy
from tests.policies.harness import R

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:333333333333:secret:db-AbCdEf"
NATIVE_SECRET = R("aws-native:secretsmanager:Secret", "s", {"kmsKeyId": KEY})

EDGES: list[Case] = [
    # publiclyAccessible defaults to false: a database that leaves it unset is private
    ok("aws-rds-database-deny-public-access", "unset-instance", R("aws:rds/instance:Instance", "db", {"engine": "postgres"})),
    ok("aws-rds-database-deny-public-access", "unset-native-cluster", R("aws-native:rds:DbCluster", "c", {"engine": "aurora-postgresql"})),
    bad("aws-rds-database-deny-public-access", "native-instance", R("aws-native:rds:DbInstance", "db", {"publiclyAccessible": True}),
        "publiclyAccessible is true; the database gets a public address"),
    bad("aws-rds-database-deny-public-access", "cluster-instance", R("aws:rds/clusterInstance:ClusterInstance", "i", {"publiclyAccessible": True}),
        "publiclyAccessible is true"),
    bad("aws-rds-database-deny-public-access", "multi-az-cluster", R("aws:rds/cluster:Cluster", "c", {"publiclyAccessible": True}),
        "publiclyAccessible is true"),
    # ---- RDS encryption: members and replicas take it from their cluster or source; clusters never skip ------
    ok("aws-rds-database-enforce-kms", "aurora-member-known", R("aws:rds/instance:Instance", "db1", {"dbClusterIdentifier": "aurora"})),
    ok("aws-rds-database-enforce-kms", "read-replica", R("aws:rds/instance:Instance", "replica", {"replicateSourceDb": "primary"})),
    ok("aws-rds-database-enforce-kms", "native-read-replica", R("aws-native:rds:DbInstance", "replica", {"sourceDbInstanceIdentifier": "primary"})),
    bad("aws-rds-database-enforce-kms", "native-cluster-named", R("aws-native:rds:DbCluster", "c", {"dbClusterIdentifier": "aurora"}),
        "storageEncrypted is not true"),
    bad("aws-rds-database-enforce-kms", "native-instance", R("aws-native:rds:DbInstance", "db", {"storageEncrypted": False}),
        "storageEncrypted is not true"),
    ok("aws-rds-database-enforce-kms", "serverless-v1", R("aws:rds/cluster:Cluster", "c", {"engineMode": "serverless"})),
    bad("aws-rds-database-enforce-kms", "provisioned-cluster", R("aws:rds/cluster:Cluster", "c", {"engineMode": "provisioned"}),
        "storageEncrypted is not true"),
    bad("aws-rds-database-enforce-kms", "aws-managed-key", R("aws-native:rds:DbCluster", "c", {
        "storageEncrypted": True, "kmsKeyId": "alias/aws/rds"}), "kmsKeyId is the AWS-managed key"),
    ok("aws-rds-database-enforce-kms", "native-cluster-key", R("aws-native:rds:DbCluster", "c", {"storageEncrypted": True, "kmsKeyId": KEY})),
    # ---- RDS deletion protection ---------------------------------------------------------------------------
    ok("aws-rds-database-enable-deletion-protection", "read-replica", R("aws:rds/instance:Instance", "replica", {"replicateSourceDb": "primary"})),
    ok("aws-rds-database-enable-deletion-protection", "aurora-member", R("aws-native:rds:DbInstance", "db1", {"dbClusterIdentifier": "aurora"})),
    bad("aws-rds-database-enable-deletion-protection", "native-cluster-named", R("aws-native:rds:DbCluster", "c", {
        "dbClusterIdentifier": "aurora"}), "deletionProtection is not true"),
    bad("aws-rds-database-enable-deletion-protection", "native-instance-off", R("aws-native:rds:DbInstance", "db", {
        "deletionProtection": False}), "deletionProtection is not true"),
    ok("aws-rds-database-enable-deletion-protection", "native-instance-on", R("aws-native:rds:DbInstance", "db", {"deletionProtection": True})),
    # ---- Secrets Manager -----------------------------------------------------------------------------------
    ok("aws-secretsmanager-secret-enforce-kms", "native-key", NATIVE_SECRET),
    bad("aws-secretsmanager-secret-enforce-kms", "aws-no-key", R("aws:secretsmanager/secret:Secret", "s", {}), "kmsKeyId is not set"),
    bad("aws-secretsmanager-secret-enforce-kms", "aws-managed", R("aws:secretsmanager/secret:Secret", "s", {
        "kmsKeyId": "alias/aws/secretsmanager"}), "kmsKeyId is the AWS-managed key"),
    ok("aws-secretsmanager-secret-enable-rotation", "native-schedule", [NATIVE_SECRET, R(
        "aws-native:secretsmanager:RotationSchedule", "rot", {"secretId": "s-id", "rotationRules": {"automaticallyAfterDays": 30}},
        property_dependencies={"secretId": [NATIVE_SECRET]})]),
    bad("aws-secretsmanager-secret-enable-rotation", "native-never", [NATIVE_SECRET], "has no rotation schedule"),
    ok("aws-secretsmanager-secret-enable-rotation", "known-arn", [
        R("aws:secretsmanager/secret:Secret", "s", {"kmsKeyId": KEY, "arn": SECRET_ARN}),
        R("aws:secretsmanager/secretRotation:SecretRotation", "rot", {"secretId": SECRET_ARN, "rotationRules": {"automaticallyAfterDays": 30}})]),
    ok("aws-secretsmanager-secret-enable-rotation", "known-id", [
        R("aws:secretsmanager/secret:Secret", "s", {"kmsKeyId": KEY, "id": SECRET_ARN}),
        R("aws:secretsmanager/secretRotation:SecretRotation", "rot", {"secretId": SECRET_ARN, "rotationRules": {"automaticallyAfterDays": 30}})]),
    bad("aws-secretsmanager-secret-enable-rotation", "rotation-of-another-secret", [
        R("aws:secretsmanager/secret:Secret", "s", {"kmsKeyId": KEY, "arn": SECRET_ARN}),
        R("aws:secretsmanager/secretRotation:SecretRotation", "rot", {"secretId": SECRET_ARN + "-other", "rotationRules": {"automaticallyAfterDays": 30}})],
        "has no rotation schedule"),
    # ---- SNS and SQS ---------------------------------------------------------------------------------------
    bad("aws-sns-topic-enforce-kms", "native-no-key", R("aws-native:sns:Topic", "t", {}),
        "kmsMasterKeyId is not set, so AWS-owned or AWS-managed keys are used"),
    ok("aws-sns-topic-enforce-kms", "native-key", R("aws-native:sns:Topic", "t", {"kmsMasterKeyId": KEY})),
    bad("aws-sns-topic-enforce-kms", "aws-managed-named", R("aws:sns/topic:Topic", "t", {"kmsMasterKeyId": "alias/aws/sns"}),
        "kmsMasterKeyId is the AWS-managed key 'alias/aws/sns'"),
    bad("aws-sns-topicpolicy-deny-public", "inline-on-topic", R("aws:sns/topic:Topic", "t", {"kmsMasterKeyId": KEY, "policy": public_policy()}),
        "allows Principal '*'"),
    bad("aws-sns-topicpolicy-deny-public", "native-topic-policy", R("aws-native:sns:TopicPolicy", "tp", {
        "topics": ["arn:aws:sns:us-east-1:333333333333:t"], "policyDocument": json.loads(public_policy())}), "allows Principal '*'"),
    ok("aws-sns-topicpolicy-deny-public", "native-topic-policy-scoped", R("aws-native:sns:TopicPolicy", "tp", {
        "topics": ["arn:aws:sns:us-east-1:333333333333:t"],
        "policyDocument": json.loads(public_policy({"StringEquals": {"aws:SourceAccount": "333333333333"}}))})),
    bad("aws-sqs-queue-enforce-kms", "native-sqs-managed", R("aws-native:sqs:Queue", "q", {"sqsManagedSseEnabled": True}),
        "sqsManagedSseEnabled uses SQS-owned keys"),
    bad("aws-sqs-queue-enforce-kms", "native-no-key", R("aws-native:sqs:Queue", "q", {}), "kmsMasterKeyId is not set"),
    ok("aws-sqs-queue-enforce-kms", "native-key", R("aws-native:sqs:Queue", "q", {"kmsMasterKeyId": KEY, "sqsManagedSseEnabled": False})),
    bad("aws-sqs-queue-enforce-kms", "aws-managed-named", R("aws:sqs/queue:Queue", "q", {"kmsMasterKeyId": "alias/aws/sqs"}),
        "kmsMasterKeyId is the AWS-managed key"),
    bad("aws-sqs-queuepolicy-deny-public", "native-queue-inline", R("aws-native:sqs:Queue", "q", {
        "kmsMasterKeyId": KEY, "policy": public_policy()}), "allows Principal '*'"),
    # ---- ElastiCache ---------------------------------------------------------------------------------------
    bad("aws-elasticache-cache-enforce-kms", "engine-unset-is-redis", R("aws:elasticache/replicationGroup:ReplicationGroup", "rg", {
        "kmsKeyId": KEY}), "atRestEncryptionEnabled is not true"),
    ok("aws-elasticache-cache-enforce-kms", "valkey-default-at-rest", R("aws:elasticache/replicationGroup:ReplicationGroup", "rg", {
        "engine": "Valkey", "kmsKeyId": KEY})),
    bad("aws-elasticache-cache-enforce-kms", "valkey-turned-off", R("aws-native:elasticache:ReplicationGroup", "rg", {
        "engine": "valkey", "atRestEncryptionEnabled": False, "kmsKeyId": KEY}), "atRestEncryptionEnabled is not true"),
    bad("aws-elasticache-cache-enforce-kms", "native-group-no-key", R("aws-native:elasticache:ReplicationGroup", "rg", {
        "atRestEncryptionEnabled": True}), "kmsKeyId is not set"),
    ok("aws-elasticache-cache-enforce-kms", "serverless-redis", R("aws:elasticache/serverlessCache:ServerlessCache", "sc", {
        "engine": "redis", "kmsKeyId": KEY})),
    bad("aws-elasticache-cache-enforce-kms", "native-serverless-no-key", R("aws-native:elasticache:ServerlessCache", "sc", {
        "engine": "redis"}), "kmsKeyId is not set"),
    bad("aws-elasticache-cache-enforce-kms", "aws-managed", R("aws:elasticache/serverlessCache:ServerlessCache", "sc", {
        "engine": "valkey", "kmsKeyId": "alias/aws/elasticache"}), "kmsKeyId is the AWS-managed key"),
    ok("aws-elasticache-replicationgroup-enforce-transit-encryption", "native-required", R("aws-native:elasticache:ReplicationGroup", "rg", {
        "transitEncryptionEnabled": True, "transitEncryptionMode": "required"})),
    bad("aws-elasticache-replicationgroup-enforce-transit-encryption", "off", R("aws:elasticache/replicationGroup:ReplicationGroup", "rg", {
        "transitEncryptionEnabled": False}), "clients talk to the cache in clear text"),
    # ---- Redshift ------------------------------------------------------------------------------------------
    ok("aws-redshift-cluster-enforce-kms", "encrypted-by-default", R("aws:redshift/cluster:Cluster", "rs", {"kmsKeyId": KEY})),
    bad("aws-redshift-cluster-enforce-kms", "native-unencrypted", R("aws-native:redshift:Cluster", "rs", {"encrypted": False, "kmsKeyId": KEY}),
        "encrypted is false"),
    bad("aws-redshift-cluster-enforce-kms", "native-no-key", R("aws-native:redshift:Cluster", "rs", {"encrypted": True}), "kmsKeyId is not set"),
    bad("aws-redshift-cluster-enforce-kms", "aws-managed", R("aws:redshift/cluster:Cluster", "rs", {"kmsKeyId": "alias/aws/redshift"}),
        "kmsKeyId is the AWS-managed key"),
    bad("aws-redshiftserverless-namespace-enforce-kms", "native-no-key", R("aws-native:redshiftserverless:Namespace", "ns", {}),
        "kmsKeyId is not set"),
    bad("aws-redshiftserverless-namespace-enforce-kms", "aws-managed", R("aws:redshiftserverless/namespace:Namespace", "ns", {
        "kmsKeyId": "alias/aws/redshift"}), "kmsKeyId is the AWS-managed key"),
    bad("aws-redshift-cluster-deny-public-access", "native-default-vpc", R("aws-native:redshift:Cluster", "rs", {}),
        "clusterSubnetGroupName is not set, so the cluster lands in the default VPC"),
    bad("aws-redshift-cluster-deny-public-access", "native-public", R("aws-native:redshift:Cluster", "rs", {
        "clusterSubnetGroupName": "private", "publiclyAccessible": True}), "publiclyAccessible is true"),
    ok("aws-redshift-cluster-deny-public-access", "native-private", R("aws-native:redshift:Cluster", "rs", {
        "clusterSubnetGroupName": "private", "publiclyAccessible": False})),
    bad("aws-redshiftserverless-workgroup-deny-public-access", "native-default-vpc", R("aws-native:redshiftserverless:Workgroup", "wg", {}),
        "subnetIds is not set, so the workgroup lands in the default VPC"),
    bad("aws-redshiftserverless-workgroup-deny-public-access", "public", R("aws:redshiftserverless/workgroup:Workgroup", "wg", {
        "subnetIds": ["subnet-1"], "publiclyAccessible": True}), "publiclyAccessible is true"),
    ok("aws-redshiftserverless-workgroup-deny-public-access", "native-private", R("aws-native:redshiftserverless:Workgroup", "wg", {
        "subnetIds": ["subnet-1"]})),
]
