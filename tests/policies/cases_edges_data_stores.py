"""Pass/violate cases for mutation-testing survivors (bench/mutation.py) in the data stores rules: alternative
spellings, each provider's property names, each branch. Same shape as ``cases.CASES``; type tokens and property
names are written out, never taken from the rules."""

from __future__ import annotations

import json

from tests.policies.cases import KEY, Case, bad, ok, public_policy
from tests.policies.harness import UNKNOWN, R

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

EKS = "aws:eks/cluster:Cluster"
NATIVE_EKS = "aws-native:eks:Cluster"
EKS_KEY = {"provider": {"keyArn": KEY}, "resources": ["secrets"]}
EKS_LOGS = ["api", "audit", "authenticator"]
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
NATIVE_NODE_GROUP = "aws-native:eks:Nodegroup"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
NATIVE_TASK = "aws-native:ecs:TaskDefinition"
AWSLOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/aws/ecs/models", "awslogs-region": "us-east-1"}}


def eks(type_: str = EKS, **props: object) -> R:
    vpc = "resourcesVpcConfig" if type_ == NATIVE_EKS else "vpcConfig"
    base = {vpc: {"subnetIds": ["s"], "endpointPrivateAccess": True, "endpointPublicAccess": False}, "encryptionConfig": [EKS_KEY]}
    return R(type_, "eks", {**base, **props})


def lt(resource_name: str, tokens: str, native: bool = False, **props: object) -> R:
    if native:
        return R("aws-native:ec2:LaunchTemplate", resource_name, {"launchTemplateData": {"metadataOptions": {"httpTokens": tokens}}, **props})
    return R("aws:ec2/launchTemplate:LaunchTemplate", resource_name, {"metadataOptions": {"httpTokens": tokens}, **props})


def ng(ref: dict[str, object], type_: str = NODE_GROUP, name: str = "cpu") -> R:
    return R(type_, name, {"clusterName": "eks", "launchTemplate": ref})


def ecs_task(containers: list[dict[str, object]], native: bool = False, mode: str = "awsvpc") -> R:
    if native:
        return R(NATIVE_TASK, "task", {"networkMode": mode, "containerDefinitions": containers})
    return R(TASK, "task", {"networkMode": mode, "containerDefinitions": json.dumps(containers)})


def ctr(name: str | None = "model", **props: object) -> dict[str, object]:
    base: dict[str, object] = {"image": "m:1", "readonlyRootFilesystem": True, "logConfiguration": AWSLOGS, **props}
    return {"name": name, **base} if name else base


EDGES += [
    # ---- EKS endpoint ------------------------------------------------------------------------------------------
    bad("aws-eks-cluster-deny-public-endpoint", "native-unset", R(NATIVE_EKS, "eks", {}), "endpointPublicAccess is unset, AWS's default is true"),
    bad("aws-eks-cluster-deny-public-endpoint", "native-aws-spelling", R(NATIVE_EKS, "eks", {
        "vpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True}}), "the API server endpoint is public"),
    bad("aws-eks-cluster-deny-public-endpoint", "aws-native-spelling", R(EKS, "eks", {
        "resourcesVpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True}}), "the API server endpoint is public"),
    bad("aws-eks-cluster-deny-public-endpoint", "native-public", eks(NATIVE_EKS, resourcesVpcConfig={"endpointPublicAccess": True}),
        "the API server endpoint is public (endpointPublicAccess is true)"),
    ok("aws-eks-cluster-deny-public-endpoint", "private-access-unset", eks(vpcConfig={"subnetIds": ["s"], "endpointPublicAccess": False})),
    bad("aws-eks-cluster-deny-public-endpoint", "native-no-private", eks(NATIVE_EKS, resourcesVpcConfig={
        "endpointPublicAccess": False, "endpointPrivateAccess": False}), "nodes in the VPC cannot reach the API server privately"),
    # ---- EKS secrets encryption -----------------------------------------------------------------------------------
    ok("aws-eks-cluster-enforce-secrets-encryption", "second-config", eks(encryptionConfig=[
        {"provider": {"keyArn": KEY}, "resources": ["configmaps"]}, EKS_KEY])),
    bad("aws-eks-cluster-enforce-secrets-encryption", "other-resources", eks(NATIVE_EKS, encryptionConfig=[
        {"provider": {"keyArn": KEY}, "resources": ["configmaps"]}]), "no encryptionConfig for 'secrets' with provider.keyArn"),
    bad("aws-eks-cluster-enforce-secrets-encryption", "resources-unset", eks(encryptionConfig={"provider": {"keyArn": KEY}}),
        "not envelope-encrypted"),
    ok("aws-eks-cluster-enforce-secrets-encryption", "single-block", eks(encryptionConfig=EKS_KEY)),
    # ---- EKS control-plane logs ---------------------------------------------------------------------------------
    bad("aws-eks-cluster-require-control-plane-logs", "native-two", eks(NATIVE_EKS, logging={"clusterLogging": {
        "enabledTypes": [{"type": "audit"}, {"type": "api"}]}}), "control-plane log types authenticator are not enabled"),
    bad("aws-eks-cluster-require-control-plane-logs", "native-aws-spelling", eks(NATIVE_EKS, enabledClusterLogTypes=EKS_LOGS),
        "log types api, audit, authenticator are not enabled"),
    bad("aws-eks-cluster-require-control-plane-logs", "aws-native-spelling", eks(logging={"clusterLogging": {
        "enabledTypes": [{"type": t} for t in EKS_LOGS]}}), "log types api, audit, authenticator are not enabled"),
    bad("aws-eks-cluster-require-control-plane-logs", "no-api", eks(enabledClusterLogTypes=["authenticator", "audit", "scheduler"]),
        "log types api are not enabled"),
    ok("aws-eks-cluster-require-control-plane-logs", "any-order", eks(enabledClusterLogTypes=["authenticator", "scheduler", "audit", "api"])),
    # ---- EKS node groups: templates joined by known id or name ----------------------------------------------------
    bad("aws-eks-nodegroup-require-imdsv2", "known-id", [lt("nodes", "optional", id="lt-0abc"), ng({"id": "lt-0abc", "version": "1"})],
        "launch template 'nodes' has metadata http_tokens 'optional'; IMDSv1 stays reachable"),
    bad("aws-eks-nodegroup-require-imdsv2", "known-name", [lt("nodes", "optional", name="gpu-nodes"), ng({"name": "gpu-nodes", "version": "1"})],
        "http_tokens 'optional'"),
    bad("aws-eks-nodegroup-require-imdsv2", "native-known-name", [
        lt("nodes", "optional", native=True, launchTemplateName="gpu-nodes"), ng({"name": "gpu-nodes"}, NATIVE_NODE_GROUP)],
        "http_tokens 'optional'"),
    ok("aws-eks-nodegroup-require-imdsv2", "native-known-id-required", [
        lt("nodes", "required", native=True, id="lt-0abc"), ng({"id": "lt-0abc"}, NATIVE_NODE_GROUP)]),
    bad("aws-eks-nodegroup-require-imdsv2", "native-template-aws-spelling", [
        R("aws-native:ec2:LaunchTemplate", "nodes", {"metadataOptions": {"httpTokens": "required"}, "id": "lt-0abc"}),
        ng({"id": "lt-0abc"}, NATIVE_NODE_GROUP)], "http_tokens None"),
    ok("aws-eks-nodegroup-require-imdsv2", "template-elsewhere", [lt("other", "optional", id="lt-other"), ng({"id": "lt-0abc"})]),
    # ---- ECS containers ---------------------------------------------------------------------------------------------
    bad("aws-ecs-taskdefinition-deny-privileged", "unnamed", ecs_task([ctr(), ctr(None, privileged=True)]), "container '1' is privileged"),
    ok("aws-ecs-taskdefinition-deny-privileged", "native-unprivileged", ecs_task([ctr(privileged=False), ctr("sidecar")], native=True)),
    bad("aws-ecs-taskdefinition-require-readonly-rootfs", "native-writable", ecs_task([ctr(readonlyRootFilesystem=False)], native=True),
        "container 'model' has a writable root filesystem"),
    ok("aws-ecs-taskdefinition-require-readonly-rootfs", "aws-readonly", ecs_task([ctr(), ctr("sidecar")])),
    ok("aws-ecs-taskdefinition-require-awsvpc", "native-awsvpc", ecs_task([ctr()], native=True)),
    bad("aws-ecs-taskdefinition-require-awsvpc", "native-bridge", ecs_task([ctr()], native=True, mode="bridge"),
        "networkMode is 'bridge'; tasks share the host's network"),
    # ---- ECS logs: groups of either provider, matched by name ------------------------------------------------------
    bad("aws-ecs-taskdefinition-require-encrypted-logs", "native-plain-group", [
        R("aws-native:logs:LogGroup", "ecs-logs", {"logGroupName": "/aws/ecs/models", "retentionInDays": 365}), ecs_task([ctr()], native=True)],
        "container 'model' logs to 'ecs-logs', which is not KMS-encrypted"),
    ok("aws-ecs-taskdefinition-require-encrypted-logs", "native-kms-group", [
        R("aws-native:logs:LogGroup", "ecs-logs", {"logGroupName": "/aws/ecs/models", "kmsKeyId": KEY}), ecs_task([ctr()])]),
    ok("aws-ecs-taskdefinition-require-encrypted-logs", "aws-group-native-spelling", [
        R("aws:cloudwatch/logGroup:LogGroup", "ecs-logs", {"logGroupName": "/aws/ecs/models"}), ecs_task([ctr()])]),
    ok("aws-ecs-taskdefinition-require-encrypted-logs", "other-driver", [
        R("aws:cloudwatch/logGroup:LogGroup", "ecs-logs", {"name": "/aws/ecs/models"}),
        ecs_task([ctr(logConfiguration={**AWSLOGS, "logDriver": "awsfirelens"})])]),
    ok("aws-ecs-taskdefinition-require-encrypted-logs", "other-group", [
        R("aws:cloudwatch/logGroup:LogGroup", "ecs-logs", {"name": "/aws/ecs/other"}), ecs_task([ctr()])]),
    bad("aws-ecs-taskdefinition-require-encrypted-logs", "second-container-no-logs", [ecs_task([ctr(), ctr("sidecar", logConfiguration=None)])],
        "container 'sidecar' has no logConfiguration"),
    # ---- ECS services -------------------------------------------------------------------------------------------
    ok("aws-ecs-service-deny-public-ip", "no-network-configuration", R("aws:ecs/service:Service", "svc", {"launchType": "EC2"})),
    ok("aws-ecs-service-deny-public-ip", "native-unset", R("aws-native:ecs:Service", "svc", {
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s"]}}})),
    bad("aws-ecs-service-deny-public-ip", "aws-public", R("aws:ecs/service:Service", "svc", {
        "networkConfiguration": {"subnets": ["s"], "assignPublicIp": True}}), "assignPublicIp is true."),
]

S3B = "aws:s3/bucket:Bucket"
S3B_V2 = "aws:s3/bucketV2:BucketV2"
S3_NATIVE = "aws-native:s3:Bucket"
SSE_V1 = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
FOUR_FLAGS = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}
KMS_DEFAULT = {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY}
NAMED = R(S3B, "named", {"bucket": "acme-named", "id": "acme-named"})
# A name fixed in the program: known at preview, while the id is not yet.
NAME_ONLY = R(S3B, "named", {"bucket": "acme-named"})


def tls_doc(condition: dict[str, object], effect: str = "Deny") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, "Principal": "*", "Action": "s3:*",
                                                               "Resource": "arn:aws:s3:::acme-named/*", "Condition": condition}]})


EDGES += [
    # ---- S3 default encryption: each spelling of the block ---------------------------------------------------------
    ok("aws-s3-bucket-enforce-kms", "dsse", R(SSE_V2, "enc", {"rules": [{"applyServerSideEncryptionByDefault": {
        "sseAlgorithm": "aws:kms:dsse", "kmsMasterKeyId": KEY}}]})),
    ok("aws-s3-bucket-enforce-kms", "singular-rule", R(SSE_V1, "enc", {"rule": {"applyServerSideEncryptionByDefault": KMS_DEFAULT}})),
    bad("aws-s3-bucket-enforce-kms", "rule-without-default", R(SSE_V1, "enc", {"rules": [{"bucketKeyEnabled": True}]}),
        "rules[0].applyServerSideEncryptionByDefault is missing; set sseAlgorithm 'aws:kms'"),
    bad("aws-s3-bucket-enforce-kms", "second-rule-aes", R(SSE_V1, "enc", {"rules": [
        {"applyServerSideEncryptionByDefault": KMS_DEFAULT}, {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}),
        "rules[1].applyServerSideEncryptionByDefault.sseAlgorithm is 'AES256'; use 'aws:kms'"),
    bad("aws-s3-bucket-enforce-kms", "native-aes", R(S3_NATIVE, "b", {"bucketEncryption": {"serverSideEncryptionConfiguration": [
        {"serverSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}}),
        "bucketEncryption.serverSideEncryptionConfiguration[0].serverSideEncryptionByDefault.sseAlgorithm is 'AES256'"),
    bad("aws-s3-bucket-enforce-kms", "native-aws-managed", R(S3_NATIVE, "b", {"bucketEncryption": {"serverSideEncryptionConfiguration": [
        {"serverSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "alias/aws/s3"}}]}}),
        "serverSideEncryptionByDefault.kmsMasterKeyId is the AWS-managed key"),
    bad("aws-s3-bucket-enforce-kms", "inline-bucket-aes", R(S3B, "b", {"serverSideEncryptionConfiguration": {
        "rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}}),
        "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm is 'AES256'"),
    # ---- S3 encryption configuration per bucket -----------------------------------------------------------------
    ok("aws-s3-bucket-require-encryption-config", "native-inline", R(S3_NATIVE, "b", {"bucketEncryption": {
        "serverSideEncryptionConfiguration": [{"serverSideEncryptionByDefault": KMS_DEFAULT}]}})),
    bad("aws-s3-bucket-require-encryption-config", "native-none", R(S3_NATIVE, "b", {}), "has no server-side encryption configuration"),
    ok("aws-s3-bucket-require-encryption-config", "inline-kms", R(S3B, "b", {"serverSideEncryptionConfiguration": {
        "rule": {"applyServerSideEncryptionByDefault": KMS_DEFAULT}}})),
    ok("aws-s3-bucket-require-encryption-config", "one-good-config-of-two", [NAMED,
        R(SSE_V1, "aes", {"bucket": "acme-named", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}),
        R(SSE_V2, "kms", {"bucket": "acme-named", "rules": [{"applyServerSideEncryptionByDefault": KMS_DEFAULT}]})]),
    bad("aws-s3-bucket-require-encryption-config", "v2-config-missing-default", [NAMED,
        R(SSE_V2, "enc", {"bucket": "acme-named", "rules": [{"bucketKeyEnabled": True}]})],
        "BucketServerSideEncryptionConfigurationV2 'enc': rules[0].applyServerSideEncryptionByDefault is missing."),
    bad("aws-s3-bucket-require-encryption-config", "config-of-another-bucket", [NAMED,
        R(SSE_V1, "enc", {"bucket": "acme-other", "rules": [{"applyServerSideEncryptionByDefault": KMS_DEFAULT}]})],
        "has no server-side encryption configuration"),
    # ---- S3 public access blocks ----------------------------------------------------------------------------------
    bad("aws-s3-publicaccessblock-enforce-all-flags", "unset-flags", R(PAB, "pab", {"bucket": "b", "blockPublicAcls": True}),
        "blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets not true; all four flags must be true"),
    bad("aws-s3-publicaccessblock-enforce-all-flags", "ignore-off", R(PAB, "pab", {"bucket": "b", **FOUR_FLAGS, "ignorePublicAcls": False}),
        "ignorePublicAcls not true"),
    ok("aws-s3-publicaccessblock-enforce-all-flags", "account-all-four", R(ACCOUNT_PAB, "acct", FOUR_FLAGS)),
    ok("aws-s3-bucket-require-public-access-block", "native-inline", R(S3_NATIVE, "b", {"publicAccessBlockConfiguration": FOUR_FLAGS})),
    bad("aws-s3-bucket-require-public-access-block", "native-inline-partial", R(S3_NATIVE, "b", {
        "publicAccessBlockConfiguration": {**FOUR_FLAGS, "blockPublicAcls": False}}), "has no public access block"),
    ok("aws-s3-bucket-require-public-access-block", "native-partial-but-account-block", [
        R(S3_NATIVE, "b", {"publicAccessBlockConfiguration": {**FOUR_FLAGS, "blockPublicAcls": False}}), R(ACCOUNT_PAB, "acct", FOUR_FLAGS)]),
    ok("aws-s3-bucket-require-public-access-block", "known-name", [NAMED, R(PAB, "pab", {"bucket": "acme-named", **FOUR_FLAGS})]),
    ok("aws-s3-bucket-require-public-access-block", "one-full-block-of-two", [NAMED,
        R(PAB, "partial", {"bucket": "acme-named", **FOUR_FLAGS, "ignorePublicAcls": False}), R(ACCOUNT_PAB, "acct", FOUR_FLAGS)]),
    bad("aws-s3-bucket-require-public-access-block", "partial-account-block", [NAMED, R(ACCOUNT_PAB, "acct", {
        **FOUR_FLAGS, "restrictPublicBuckets": False})], "its public access block (AccountPublicAccessBlock 'acct') leaves restrictPublicBuckets off"),
    # ---- S3 TLS-only policies ---------------------------------------------------------------------------------------
    ok("aws-s3-bucket-require-tls-policy", "known-name-lowercase-key", [NAMED, R("aws:s3/bucketPolicy:BucketPolicy", "pol", {
        "bucket": "acme-named", "policy": tls_doc({"Bool": {"aws:securetransport": ["false"]}})})]),
    ok("aws-s3-bucket-require-tls-policy", "boolean-false", [NAMED, R("aws:s3/bucketPolicy:BucketPolicy", "pol", {
        "bucket": "acme-named", "policy": tls_doc({"Bool": {"aws:SecureTransport": False}})})]),
    ok("aws-s3-bucket-require-tls-policy", "native-policy-document", [R(S3_NATIVE, "b", {"bucketName": "acme-native"}),
        R("aws-native:s3:BucketPolicy", "pol", {"bucket": "acme-native", "policyDocument": json.loads(tls_doc({"Bool": {"aws:SecureTransport": "false"}}))})]),
    ok("aws-s3-bucket-require-tls-policy", "inline-on-bucket", R(S3B, "b", {"policy": tls_doc({"Bool": {"aws:SecureTransport": "false"}})})),
    ok("aws-s3-bucket-require-tls-policy", "inline-on-bucket-v2", R(S3B_V2, "b", {"policy": tls_doc({"Bool": {"aws:SecureTransport": "false"}})})),
    bad("aws-s3-bucket-require-tls-policy", "allow-not-deny", R(S3B, "b", {"policy": tls_doc({"Bool": {"aws:SecureTransport": "false"}}, "Allow")}),
        "its bucket policy has no Deny statement on aws:SecureTransport = false"),
    bad("aws-s3-bucket-require-tls-policy", "false-or-true", R(S3B, "b", {"policy": tls_doc({"Bool": {"aws:SecureTransport": ["false", "true"]}})}),
        "no Deny statement on aws:SecureTransport"),
    ok("aws-s3-bucket-require-tls-policy", "second-operator", R(S3B, "b", {"policy": tls_doc({
        "StringEquals": {"aws:PrincipalOrgID": "o-abc123"}, "Bool": {"aws:SecureTransport": "false"}})})),
    ok("aws-s3-bucket-require-tls-policy", "second-document", [R(S3B, "b", {"bucket": "acme-named", "id": "acme-named", "policy": tls_doc(
        {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})}),
        R("aws:s3/bucketPolicy:BucketPolicy", "pol", {"bucket": "acme-named", "policy": tls_doc({"Bool": {"aws:SecureTransport": "false"}})})]),
    bad("aws-s3-bucket-require-tls-policy", "native-no-policy", R(S3_NATIVE, "b", {"policy": tls_doc({"Bool": {"aws:SecureTransport": "false"}})}),
        "has no bucket policy; add one that denies requests with aws:SecureTransport = false"),
    # ---- S3 versioning -----------------------------------------------------------------------------------------------
    ok("aws-s3-bucket-enable-versioning", "inline-enabled", R(S3B, "b", {"versioning": {"enabled": True}})),
    bad("aws-s3-bucket-enable-versioning", "inline-disabled", R(S3B, "b", {"versioning": {"enabled": False}}),
        "versioning is not enabled; add a BucketVersioning with status 'Enabled'"),
    ok("aws-s3-bucket-enable-versioning", "inline-v2-plural", R(S3B_V2, "b", {"versionings": [{"enabled": True}]})),
    bad("aws-s3-bucket-enable-versioning", "native-suspended", R(S3_NATIVE, "b", {"versioningConfiguration": {"status": "Suspended"}}),
        "versioning is not enabled"),
    bad("aws-s3-bucket-enable-versioning", "native-aws-spelling", R(S3_NATIVE, "b", {"versioning": {"enabled": True}}), "versioning is not enabled"),
    ok("aws-s3-bucket-enable-versioning", "known-name-v2", [NAMED, R("aws:s3/bucketVersioningV2:BucketVersioningV2", "ver", {
        "bucket": "acme-named", "versioningConfiguration": {"status": "Enabled"}})]),
    # ---- S3 access logging -----------------------------------------------------------------------------------------
    ok("aws-s3-bucket-enable-access-logging", "native-inline", R(S3_NATIVE, "b", {"loggingConfiguration": {"destinationBucketName": "acme-logs"}})),
    bad("aws-s3-bucket-enable-access-logging", "native-none", R(S3_NATIVE, "b", {}), "server access logging is not configured"),
    ok("aws-s3-bucket-enable-access-logging", "inline-v2-plural", R(S3B_V2, "b", {"loggings": [{"targetBucket": "acme-logs"}]})),
    ok("aws-s3-bucket-enable-access-logging", "known-name-v2", [NAMED, R("aws:s3/bucketLoggingV2:BucketLoggingV2", "log", {
        "bucket": "acme-named", "targetBucket": "acme-logs"})]),
    ok("aws-s3-bucket-enable-access-logging", "target-of-v2-logging", [NAMED, R("aws:s3/bucketLoggingV2:BucketLoggingV2", "log", {
        "bucket": "acme-other", "targetBucket": "acme-named"})]),
    ok("aws-s3-bucket-enable-access-logging", "target-of-inline-sender", [NAMED, R(S3B, "sender", {"logging": {"targetBucket": "acme-named"}})]),
    ok("aws-s3-bucket-enable-access-logging", "target-of-inline-v2-sender", [NAMED, R(S3B_V2, "sender", {"loggings": [{"targetBucket": "acme-named"}]})]),
    bad("aws-s3-bucket-enable-access-logging", "sender-to-another-target", [NAMED, R(S3B, "sender", {"logging": {"targetBucket": "acme-other"}})],
        "server access logging is not configured; add a BucketLogging with a target bucket"),
    ok("aws-s3-bucket-enable-access-logging", "target-of-native-sender", [R(S3_NATIVE, "logs", {"bucketName": "acme-logs"}), R(S3_NATIVE, "sender", {
        "bucketName": "acme-sender", "loggingConfiguration": {"destinationBucketName": "acme-logs"}})]),
    # ---- S3 ACLs and bucket policies ----------------------------------------------------------------------------------
    bad("aws-s3-bucket-deny-public-acl", "native-public-read-write", R(S3_NATIVE, "b", {"accessControl": "PublicReadWrite"}),
        "canned ACL 'PublicReadWrite' makes the bucket readable by everyone"),
    bad("aws-s3-bucket-deny-public-acl", "native-authenticated", R(S3_NATIVE, "b", {"accessControl": "AuthenticatedRead"}), "'AuthenticatedRead'"),
    ok("aws-s3-bucket-deny-public-acl", "native-private", R(S3_NATIVE, "b", {"accessControl": "Private"})),
    ok("aws-s3-bucket-deny-public-acl", "native-ignores-acl", R(S3_NATIVE, "b", {"acl": "public-read"})),
    bad("aws-s3-bucket-deny-public-acl", "authenticated-read", R(S3B_V2, "b", {"acl": "authenticated-read"}), "'authenticated-read'"),
    bad("aws-s3-bucket-deny-public-acl", "public-read-write", R("aws:s3/bucketAclV2:BucketAclV2", "acl", {"bucket": "b", "acl": "public-read-write"}),
        "'public-read-write'"),
    ok("aws-s3-bucket-deny-public-acl", "bucket-owner-full-control", R("aws:s3/bucketAcl:BucketAcl", "acl", {"bucket": "b", "acl": "bucket-owner-full-control"})),
    bad("aws-s3-bucket-deny-public-acl", "inline-grant-authenticated-users", R(S3B, "b", {"grants": [
        {"type": "CanonicalUser", "id": "owner", "permissions": ["FULL_CONTROL"]},
        {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "permissions": ["READ"]}]}),
        "grant #1 gives ['READ'] to AuthenticatedUsers"),
    ok("aws-s3-bucket-deny-public-acl", "log-delivery-grant", R(S3B, "b", {"grants": [
        {"type": "Group", "uri": "http://acs.amazonaws.com/groups/s3/LogDelivery", "permissions": ["WRITE"]}]})),
    bad("aws-s3-bucket-deny-public-acl", "acl-v2-grant", R("aws:s3/bucketAclV2:BucketAclV2", "acl", {"bucket": "b", "accessControlPolicy": {
        "owner": {"id": "o"}, "grants": [{"permission": "WRITE", "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}}]}}),
        "grant #0 gives WRITE to AllUsers"),
    bad("aws-s3-bucketpolicy-deny-public", "native-policy", R("aws-native:s3:BucketPolicy", "p", {"bucket": "site", "policyDocument": json.loads(
        public_policy())}), "allows Principal '*'"),
    bad("aws-s3-bucketpolicy-deny-public", "inline-on-bucket-v2", R(S3B_V2, "b", {"policy": public_policy()}), "allows Principal '*'"),
    # ---- S3 companions that name the bucket by the literal name the program gave it (id unknown at preview) ----
    ok("aws-s3-bucket-require-encryption-config", "literal-name", [NAME_ONLY,
        R(SSE_V2, "enc", {"bucket": "acme-named", "rules": [{"applyServerSideEncryptionByDefault": KMS_DEFAULT}]})]),
    ok("aws-s3-bucket-require-public-access-block", "literal-name", [NAME_ONLY, R(PAB, "pab", {"bucket": "acme-named", **FOUR_FLAGS})]),
    ok("aws-s3-bucket-require-tls-policy", "literal-name", [NAME_ONLY, R("aws:s3/bucketPolicy:BucketPolicy", "pol", {
        "bucket": "acme-named", "policy": tls_doc({"Bool": {"aws:SecureTransport": "false"}})})]),
    ok("aws-s3-bucket-enable-versioning", "literal-name", [NAME_ONLY, R("aws:s3/bucketVersioning:BucketVersioning", "ver", {
        "bucket": "acme-named", "versioningConfiguration": {"status": "Enabled"}})]),
    ok("aws-s3-bucket-enable-access-logging", "literal-name-target", [NAME_ONLY, R(S3B, "sender", {"logging": {"targetBucket": "acme-named"}})]),
    ok("aws-s3-bucket-enforce-kms", "literal-name-log-target-sse-s3", [NAME_ONLY,
        R("aws:s3/bucketLogging:BucketLogging", "log", {"bucket": "acme-sender", "targetBucket": "acme-named"}),
        R(SSE_V1, "enc", {"bucket": "acme-named", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]})]),
    # ---- a native bucket's encryption block the provider computes (unknown, fed by nothing) counts as absent ----
    bad("aws-s3-bucket-require-encryption-config", "native-computed-encryption", R(S3_NATIVE, "b", {"bucketEncryption": UNKNOWN}),
        "has no server-side encryption configuration"),
    ok("aws-s3-bucket-enforce-kms", "native-computed-encryption", R(S3_NATIVE, "b", {"bucketEncryption": UNKNOWN})),
    # ---- the account-level block's accountId: computed (unknown) or empty means the provider's account -------------
    ok("aws-s3-bucket-require-public-access-block", "account-id-computed", [NAMED, R(ACCOUNT_PAB, "acct", {**FOUR_FLAGS, "accountId": UNKNOWN})]),
    ok("aws-s3-bucket-require-public-access-block", "account-id-empty", [NAMED, R(ACCOUNT_PAB, "acct", {**FOUR_FLAGS, "accountId": ""})]),
    # only aws-native buckets carry an inline publicAccessBlockConfiguration
    bad("aws-s3-bucket-require-public-access-block", "classic-inline-not-read", R(S3B, "b", {"publicAccessBlockConfiguration": FOUR_FLAGS}),
        "has no public access block; add a BucketPublicAccessBlock with all four flags true"),
    bad("aws-elb-listener-require-tls", "alb-listener-http", R("aws:alb/listener:Listener", "l", {"protocol": "HTTP", "port": 8080,
        "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}]}), "protocol is HTTP"),
    bad("aws-elb-loadbalancer-enable-access-logs", "bucket-without-enabled", R("aws:lb/loadBalancer:LoadBalancer", "alb", {
        "accessLogs": {"bucket": "lb-logs", "prefix": "alb"}}), "access logs are not enabled"),
    bad("aws-s3-bucket-enforce-kms", "singular-rule-aes", R(SSE_V1, "enc", {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}),
        "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is 'AES256'"),
]
