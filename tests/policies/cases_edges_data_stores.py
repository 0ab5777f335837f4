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

OS_DOMAIN = "aws:opensearch/domain:Domain"
ES_DOMAIN = "aws:elasticsearch/domain:Domain"
NATIVE_DOMAIN = "aws-native:opensearchservice:Domain"
NATIVE_LB = "aws-native:elasticloadbalancingv2:LoadBalancer"
NATIVE_LISTENER = "aws-native:elasticloadbalancingv2:Listener"
TLS13 = "ELBSecurityPolicy-TLS13-1-2-2021-06"

EDGES += [
    # ---- OpenSearch: each provider's block names --------------------------------------------------------------
    bad("aws-opensearch-domain-enforce-kms", "aws-off", R(OS_DOMAIN, "d", {}), "encryptAtRest.enabled is not true"),
    bad("aws-opensearch-domain-enforce-kms", "elasticsearch-no-key", R(ES_DOMAIN, "d", {"encryptAtRest": {"enabled": True}}),
        "encryptAtRest.kmsKeyId is not set"),
    ok("aws-opensearch-domain-enforce-kms", "native-key", R(NATIVE_DOMAIN, "d", {"encryptionAtRestOptions": {"enabled": True, "kmsKeyId": KEY}})),
    bad("aws-opensearch-domain-enforce-kms", "native-aws-managed", R(NATIVE_DOMAIN, "d", {
        "encryptionAtRestOptions": {"enabled": True, "kmsKeyId": "alias/aws/es"}}), "encryptionAtRestOptions.kmsKeyId is the AWS-managed key"),
    bad("aws-opensearch-domain-enforce-kms", "native-with-aws-spelling", R(NATIVE_DOMAIN, "d", {"encryptAtRest": {"enabled": True, "kmsKeyId": KEY}}),
        "encryptionAtRestOptions.enabled is not true"),
    ok("aws-opensearch-domain-require-vpc", "native-vpc", R(NATIVE_DOMAIN, "d", {"vpcOptions": {"subnetIds": ["subnet-1"]}})),
    bad("aws-opensearch-domain-require-vpc", "native-public", R(NATIVE_DOMAIN, "d", {}), "vpcOptions.subnetIds is not set"),
    bad("aws-opensearch-domain-require-vpc", "empty-subnets", R(OS_DOMAIN, "d", {"vpcOptions": {"subnetIds": []}}), "public endpoint"),
    bad("aws-opensearch-domain-enforce-tls", "no-endpoint-block", R(OS_DOMAIN, "d", {"nodeToNodeEncryption": {"enabled": True}}),
        "domainEndpointOptions.enforceHttps is not true; the endpoint accepts plain HTTP"),
    bad("aws-opensearch-domain-enforce-tls", "native-block-without-enforce", R(NATIVE_DOMAIN, "d", {
        "domainEndpointOptions": {"tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}, "nodeToNodeEncryptionOptions": {"enabled": True}}),
        "domainEndpointOptions.enforceHttps is not true"),
    ok("aws-opensearch-domain-enforce-tls", "native-https-n2n", R(NATIVE_DOMAIN, "d", {
        "domainEndpointOptions": {"enforceHttps": True}, "nodeToNodeEncryptionOptions": {"enabled": True}})),
    ok("aws-opensearch-domain-enforce-tls", "elasticsearch-https-n2n", R(ES_DOMAIN, "d", {
        "domainEndpointOptions": {"enforceHttps": True}, "nodeToNodeEncryption": {"enabled": True}})),
    bad("aws-opensearch-domain-enforce-tls", "aws-no-n2n", R(OS_DOMAIN, "d", {"domainEndpointOptions": {"enforceHttps": True}}),
        "nodeToNodeEncryption.enabled is not true; traffic between nodes is not encrypted"),
    bad("aws-opensearch-domain-enforce-tls", "native-with-aws-n2n-spelling", R(NATIVE_DOMAIN, "d", {
        "domainEndpointOptions": {"enforceHttps": True}, "nodeToNodeEncryption": {"enabled": True}}), "nodeToNodeEncryptionOptions.enabled"),
    # ---- ELB: internal ---------------------------------------------------------------------------------------
    bad("aws-elb-loadbalancer-require-internal", "native-internet-facing", R(NATIVE_LB, "alb", {"scheme": "internet-facing"}),
        "scheme is internet-facing"),
    bad("aws-elb-loadbalancer-require-internal", "native-ignores-internal", R(NATIVE_LB, "alb", {"internal": True}), "scheme is internet-facing"),
    bad("aws-elb-loadbalancer-require-internal", "explicit-false", R("aws:lb/loadBalancer:LoadBalancer", "alb", {"internal": False}),
        "internal is not true, so the load balancer is internet-facing"),
    ok("aws-elb-loadbalancer-require-internal", "alb-internal", R("aws:alb/loadBalancer:LoadBalancer", "alb", {"internal": True})),
    # ---- ELB: listener TLS -----------------------------------------------------------------------------------
    ok("aws-elb-listener-require-tls", "https-tls13", R("aws:alb/listener:Listener", "l", {"protocol": "HTTPS", "sslPolicy": TLS13})),
    ok("aws-elb-listener-require-tls", "lowercase-https", R("aws:lb/listener:Listener", "l", {"protocol": "https", "sslPolicy": TLS13})),
    ok("aws-elb-listener-require-tls", "native-tls13", R(NATIVE_LISTENER, "l", {"protocol": "HTTPS", "sslPolicy": TLS13})),
    bad("aws-elb-listener-require-tls", "tls-no-policy", R(NATIVE_LISTENER, "l", {"protocol": "TLS"}),
        "TLS listener names no ssl_policy; set a TLS 1.3 policy (ELBSecurityPolicy-TLS13-...) explicitly"),
    bad("aws-elb-listener-require-tls", "tls12-policy", R("aws:lb/listener:Listener", "l", {
        "protocol": "TLS", "sslPolicy": "ELBSecurityPolicy-TLS-1-2-2017-01"}), "is not a TLS 1.3 policy (ELBSecurityPolicy-TLS13-...)"),
    ok("aws-elb-listener-require-tls", "native-http-redirect", R(NATIVE_LISTENER, "l", {"protocol": "HTTP", "port": 80,
       "defaultActions": [{"type": "redirect", "redirectConfig": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]})),
    bad("aws-elb-listener-require-tls", "native-redirect-aws-spelling", R(NATIVE_LISTENER, "l", {"protocol": "HTTP", "port": 80,
        "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS"}}]}), "protocol is HTTP"),
    bad("aws-elb-listener-require-tls", "aws-redirect-native-spelling", R("aws:lb/listener:Listener", "l", {"protocol": "HTTP", "port": 80,
        "defaultActions": [{"type": "redirect", "redirectConfig": {"protocol": "HTTPS"}}]}), "protocol is HTTP"),
    ok("aws-elb-listener-require-tls", "redirect-lowercase-https", R("aws:lb/listener:Listener", "l", {"protocol": "http", "port": 80,
       "defaultActions": {"type": "redirect", "redirect": {"protocol": "https"}}})),
    bad("aws-elb-listener-require-tls", "redirect-to-http", R("aws:lb/listener:Listener", "l", {"protocol": "HTTP", "port": 80,
        "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTP", "port": "8080"}}]}), "protocol is HTTP"),
    bad("aws-elb-listener-require-tls", "forward-with-redirect-block", R("aws:lb/listener:Listener", "l", {"protocol": "HTTP", "port": 80,
        "defaultActions": [{"type": "forward", "redirect": {"protocol": "HTTPS"}}]}), "protocol is HTTP"),
    bad("aws-elb-listener-require-tls", "redirect-and-forward", R("aws:lb/listener:Listener", "l", {"protocol": "HTTP", "port": 80,
        "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS"}}, {"type": "forward", "targetGroupArn": "arn:tg"}]}),
        "protocol is HTTP"),
    bad("aws-elb-listener-require-tls", "http-no-actions", R("aws:lb/listener:Listener", "l", {"protocol": "HTTP", "port": 80}),
        "protocol is HTTP; traffic to the load balancer is not encrypted"),
    bad("aws-elb-listener-require-tls", "protocol-unset", R("aws:lb/listener:Listener", "l", {"port": 80}), "protocol is unset"),
    # ---- ELB: access logs ------------------------------------------------------------------------------------
    ok("aws-elb-loadbalancer-enable-access-logs", "gateway", R("aws:lb/loadBalancer:LoadBalancer", "gwlb", {"loadBalancerType": "gateway"})),
    ok("aws-elb-loadbalancer-enable-access-logs", "native-gateway", R(NATIVE_LB, "gwlb", {"type": "gateway"})),
    bad("aws-elb-loadbalancer-enable-access-logs", "native-type-is-not-aws-spelling", R(NATIVE_LB, "nlb", {"loadBalancerType": "gateway"}),
        "access logs are not enabled"),
    bad("aws-elb-loadbalancer-enable-access-logs", "aws-type-is-not-native-spelling", R("aws:lb/loadBalancer:LoadBalancer", "nlb", {"type": "gateway"}),
        "access logs are not enabled"),
    bad("aws-elb-loadbalancer-enable-access-logs", "enabled-without-bucket", R("aws:lb/loadBalancer:LoadBalancer", "alb", {
        "accessLogs": {"enabled": True}}), "access logs are not enabled"),
    ok("aws-elb-loadbalancer-enable-access-logs", "alb-enabled", R("aws:alb/loadBalancer:LoadBalancer", "alb", {
        "accessLogs": {"bucket": "lb-logs", "enabled": True}})),
    ok("aws-elb-loadbalancer-enable-access-logs", "native-upper-true", R(NATIVE_LB, "alb", {
        "loadBalancerAttributes": [{"key": "access_logs.s3.enabled", "value": "TRUE"}]})),
    bad("aws-elb-loadbalancer-enable-access-logs", "native-false", R(NATIVE_LB, "alb", {
        "loadBalancerAttributes": [{"key": "access_logs.s3.enabled", "value": "false"}, {"key": "access_logs.s3.bucket", "value": "b"}]}),
        "access logs are not enabled"),
    bad("aws-elb-loadbalancer-enable-access-logs", "native-none", R(NATIVE_LB, "alb", {}), "access logs are not enabled"),
    bad("aws-elb-loadbalancer-enable-access-logs", "native-aws-spelling", R(NATIVE_LB, "alb", {"accessLogs": {"bucket": "b", "enabled": True}}),
        "access logs are not enabled"),
]
