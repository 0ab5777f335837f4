"""Pass/violate cases for the rules added for issue 13 ("Missing rules"): public resource policies, API Gateway v2 and
WAF, network ACLs, data stores, Feature Store, Glue and CodeBuild. Same shape as ``cases.CASES``."""

from __future__ import annotations

import json
from typing import Any

from tests.policies.cases import KEY, Case, bad, ok, public_policy
from tests.policies.harness import UNKNOWN, R


def policy(statement: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "S", **statement}]})


PUBLIC_READ = policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"})
CLOUDFRONT_ONLY = policy({"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                          "Resource": "arn:aws:s3:::site/*", "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/E1"}}})
KMS_CALLER_ACCOUNT = policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt"], "Resource": "*",
                             "Condition": {"StringEquals": {"kms:CallerAccount": "333333333333", "kms:ViaService": "s3.us-east-1.amazonaws.com"}}})
KMS_OPEN = policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"})

HTTP_API = R("aws:apigatewayv2/api:Api", "http", {"protocolType": "HTTP"})
WS_API = R("aws:apigatewayv2/api:Api", "ws", {"protocolType": "WEBSOCKET", "routeSelectionExpression": "$request.body.action"})


def route(key: str, api: R = HTTP_API, **props: Any) -> R:
    return R("aws:apigatewayv2/route:Route", key.replace(" ", "-").replace("/", "").replace("$", "") or "root",
             {"apiId": UNKNOWN, "routeKey": key, **props}, property_dependencies={"apiId": [api]})


BLOCKING_RULE = {"name": "common", "priority": 1, "overrideAction": {"none": {}},
                 "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": "AWSManagedRulesCommonRuleSet"}}}
COUNT_RULE = {"name": "common", "priority": 1, "overrideAction": {"count": {}},
              "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": "AWSManagedRulesCommonRuleSet"}}}
ACL = R("aws:wafv2/webAcl:WebAcl", "acl", {"scope": "REGIONAL", "defaultAction": {"allow": {}}, "rules": [BLOCKING_RULE]})
SECRET = R("aws:secretsmanager/secret:Secret", "db", {"kmsKeyId": KEY})

NACL = R("aws:ec2/networkAcl:NetworkAcl", "acl", {"vpcId": "vpc-1", "ingress": [
    {"ruleNo": 100, "action": "allow", "protocol": "-1", "cidrBlock": "10.0.0.0/16", "fromPort": 0, "toPort": 0}]})


def _acl_rule(name: str, number: int, action: str, start: int, end: int) -> R:
    return R("aws:ec2/networkAclRule:NetworkAclRule", name, {
        "networkAclId": UNKNOWN, "ruleNumber": number, "egress": False, "protocol": "tcp", "ruleAction": action,
        "cidrBlock": "0.0.0.0/0", "fromPort": start, "toPort": end}, property_dependencies={"networkAclId": [NACL]})


def deny_rule(port: int) -> R:
    return _acl_rule(f"deny-{port}", 100 + port % 100, "deny", port, port)


def ephemeral_rule() -> R:
    return _acl_rule("ephemeral", 200, "allow", 1024, 65535)


ADDED: list[Case] = [
    # ---- public resource policies --------------------------------------------------------------------------
    ok("aws-s3-bucketpolicy-deny-public", "cloudfront-oac", R("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "site", "policy": CLOUDFRONT_ONLY})),
    bad("aws-s3-bucketpolicy-deny-public", "public-read", R("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "site", "policy": PUBLIC_READ}),
        "allows Principal '*' without a scoping condition"),
    bad("aws-s3-bucketpolicy-deny-public", "inline-on-bucket", R("aws:s3/bucket:Bucket", "b", {"policy": PUBLIC_READ}), "allows Principal '*'"),
    ok("aws-s3-bucket-deny-public-acl", "private", R("aws:s3/bucketAclV2:BucketAclV2", "acl", {"bucket": "b", "acl": "private"})),
    bad("aws-s3-bucket-deny-public-acl", "canned-public-read", R("aws:s3/bucket:Bucket", "b", {"acl": "public-read"}), "canned ACL 'public-read'"),
    bad("aws-s3-bucket-deny-public-acl", "grant-all-users", R("aws:s3/bucketAcl:BucketAcl", "acl", {"bucket": "b", "accessControlPolicy": {
        "owner": {"id": "o"}, "grants": [{"permission": "READ", "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}}]}}),
        "grant #0 gives READ to AllUsers"),
    bad("aws-s3-bucket-deny-public-acl", "native-public-read", R("aws-native:s3:Bucket", "b", {"accessControl": "PublicRead"}), "'PublicRead'"),
    ok("aws-sqs-queuepolicy-deny-public", "sns-source-arn", R("aws:sqs/queuePolicy:QueuePolicy", "qp", {"queueUrl": "q", "policy": public_policy(
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:333333333333:t"}})})),
    bad("aws-sqs-queuepolicy-deny-public", "open", R("aws:sqs/queuePolicy:QueuePolicy", "qp", {"queueUrl": "q", "policy": public_policy()}),
        "statement 'Open' allows Principal '*'"),
    bad("aws-sqs-queuepolicy-deny-public", "inline-on-queue", R("aws:sqs/queue:Queue", "q", {"policy": public_policy()}), "allows Principal '*'"),
    bad("aws-sqs-queuepolicy-deny-public", "native-inline-policy", R("aws-native:sqs:QueueInlinePolicy", "qp", {
        "queue": "q", "policyDocument": json.loads(public_policy())}), "allows Principal '*'"),
    ok("aws-lambda-permission-deny-public", "api-gateway-source", R("aws:lambda/permission:Permission", "p", {
        "action": "lambda:InvokeFunction", "function": "fn", "principal": "apigateway.amazonaws.com", "sourceArn": UNKNOWN})),
    ok("aws-lambda-permission-deny-public", "star-with-org", R("aws:lambda/permission:Permission", "p", {
        "action": "lambda:InvokeFunction", "function": "fn", "principal": "*", "principalOrgId": "o-abc123"})),
    bad("aws-lambda-permission-deny-public", "star", R("aws:lambda/permission:Permission", "p", {
        "action": "lambda:InvokeFunctionUrl", "function": "fn", "principal": "*", "functionUrlAuthType": "NONE"}), "anyone can invoke"),
    ok("aws-lambda-functionurl-require-iam-auth", "iam", R("aws:lambda/functionUrl:FunctionUrl", "u", {"functionName": "fn", "authorizationType": "AWS_IAM"})),
    bad("aws-lambda-functionurl-require-iam-auth", "none", R("aws-native:lambda:Url", "u", {"targetFunctionArn": "fn", "authType": "NONE"}),
        "authorization type is 'NONE'"),
    ok("aws-kms-keypolicy-deny-public", "caller-account", R("aws:kms/key:Key", "k", {"policy": KMS_CALLER_ACCOUNT})),
    ok("aws-kms-keypolicy-deny-public", "default-policy", R("aws:kms/key:Key", "k", {})),
    bad("aws-kms-keypolicy-deny-public", "open-key-policy", R("aws:kms/keyPolicy:KeyPolicy", "kp", {"keyId": "k", "policy": KMS_OPEN}),
        "allows Principal '*'"),
    bad("aws-kms-key-deny-lockout-bypass", "separate-key-policy", R("aws:kms/keyPolicy:KeyPolicy", "kp", {
        "keyId": "k", "policy": KMS_CALLER_ACCOUNT, "bypassPolicyLockoutSafetyCheck": True}), "bypassPolicyLockoutSafetyCheck is true"),
    # ---- API Gateway / WAF ---------------------------------------------------------------------------------
    ok("aws-apigatewayv2-route-require-authorization", "jwt-route", route("GET /items", authorizationType="JWT", authorizerId=UNKNOWN)),
    ok("aws-apigatewayv2-route-require-authorization", "websocket-message-route", route("sendmessage", WS_API)),
    ok("aws-apigatewayv2-route-require-authorization", "websocket-connect-iam", route("$connect", WS_API, authorizationType="AWS_IAM")),
    ok("aws-apigatewayv2-route-require-authorization", "cors-preflight", route("OPTIONS /items")),
    bad("aws-apigatewayv2-route-require-authorization", "open-route", route("POST /items"), "route 'POST /items' has authorization type NONE"),
    bad("aws-apigatewayv2-route-require-authorization", "websocket-connect-open", route("$connect", WS_API), "route '$connect'"),
    ok("aws-apigatewayv2-api-deny-quick-create", "explicit-routes", HTTP_API),
    bad("aws-apigatewayv2-api-deny-quick-create", "quick-create", R("aws:apigatewayv2/api:Api", "qc", {
        "protocolType": "HTTP", "target": "arn:aws:lambda:us-east-1:333333333333:function:fn"}), "quick-create HTTP API"),
    ok("aws-apigateway-stage-enable-access-logs", "rest", R("aws:apigateway/stage:Stage", "s", {
        "stageName": "v1", "accessLogSettings": {"destinationArn": "arn:aws:logs:us-east-1:333333333333:log-group:api", "format": "$context.requestId"}})),
    bad("aws-apigateway-stage-enable-access-logs", "rest-none", R("aws:apigateway/stage:Stage", "s", {"stageName": "v1"}), "accessLogSettings.destinationArn is not set"),
    bad("aws-apigateway-stage-enable-access-logs", "native-v2-none", R("aws-native:apigatewayv2:Stage", "s", {"stageName": "$default"}), "accessLogSettings"),
    ok("aws-wafv2-webacl-require-blocking-rules", "managed-group", ACL),
    ok("aws-wafv2-webacl-require-blocking-rules", "default-block", R("aws:wafv2/webAcl:WebAcl", "acl", {"defaultAction": {"block": {}}})),
    ok("aws-wafv2-webacl-require-blocking-rules", "rule-json-block", R("aws:wafv2/webAcl:WebAcl", "acl", {"defaultAction": {"allow": {}}, "ruleJson": json.dumps(
        [{"Name": "ip", "Priority": 0, "Action": {"Block": {}}, "Statement": {"IPSetReferenceStatement": {"ARN": "arn:ip"}}}])})),
    bad("aws-wafv2-webacl-require-blocking-rules", "no-rules", R("aws:wafv2/webAcl:WebAcl", "acl", {"defaultAction": {"allow": {}}}), "has no rules"),
    bad("aws-wafv2-webacl-require-blocking-rules", "count-only", R("aws-native:wafv2:WebAcl", "acl", {"defaultAction": {"allow": {}}, "rules": [COUNT_RULE]}),
        "no rule blocks"),
    ok("aws-wafv2-webacl-enable-logging", "logged", [ACL, R("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "log", {
        "resourceArn": UNKNOWN, "logDestinationConfigs": [UNKNOWN]}, property_dependencies={"resourceArn": [ACL]})]),
    bad("aws-wafv2-webacl-enable-logging", "unlogged", [ACL], "has no logging configuration"),
    # ---- network ---------------------------------------------------------------------------------------------
    ok("aws-ec2-defaultsecuritygroup-deny-rules", "emptied", R("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default", {"vpcId": "vpc-1"})),
    bad("aws-ec2-defaultsecuritygroup-deny-rules", "self-ingress", R("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default", {
        "vpcId": "vpc-1", "ingress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}]}), "has 1 ingress rule(s)"),
    ok("aws-ec2-networkacl-deny-public-admin-ports", "https-from-world", [R("aws:ec2/networkAclRule:NetworkAclRule", "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "tcp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0",
        "fromPort": 443, "toPort": 443})]),
    ok("aws-ec2-networkacl-deny-public-admin-ports", "ssh-from-office", [R("aws:ec2/networkAcl:NetworkAcl", "acl", {"vpcId": "vpc-1", "ingress": [
        {"ruleNo": 100, "action": "allow", "protocol": "tcp", "cidrBlock": "203.0.113.0/24", "fromPort": 22, "toPort": 22}]})]),
    ok("aws-ec2-networkacl-deny-public-admin-ports", "egress-all", [R("aws:ec2/networkAclRule:NetworkAclRule", "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": True, "protocol": "-1", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0"})]),
    ok("aws-ec2-networkacl-deny-public-admin-ports", "ephemeral-after-deny", [NACL, deny_rule(22), deny_rule(3389), ephemeral_rule()]),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "preview-unknown-inline-list", [
        R("aws:ec2/networkAcl:NetworkAcl", "acl", {"vpcId": UNKNOWN, "ingress": UNKNOWN}), deny_rule(22), ephemeral_rule()],
        "NetworkAclRule 'ephemeral' allows the internet to reach port(s) 3389"),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "ephemeral-without-deny", [NACL, deny_rule(22), ephemeral_rule()],
        "NetworkAclRule 'ephemeral' allows the internet to reach port(s) 3389"),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "rdp-range-ipv6", [R("aws:ec2/networkAclRule:NetworkAclRule", "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "6", "ruleAction": "allow", "ipv6CidrBlock": "::/0",
        "fromPort": 1024, "toPort": 4000})], "port(s) 3389"),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "inline-all-traffic", [R("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", "acl", {"ingress": [
        {"ruleNo": 100, "action": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0", "fromPort": 0, "toPort": 0}]})],
        "ingress[0] allows the internet to reach port(s) 22, 3389"),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "numeric-protocol-ssh", [R("aws:ec2/networkAclRule:NetworkAclRule", "e", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": 6, "ruleAction": "allow", "cidrBlock": "0.0.0.0/0",
        "fromPort": 22, "toPort": 22})], "port(s) 22"),
    # ---- data stores -----------------------------------------------------------------------------------------
    ok("aws-rds-database-enforce-kms", "instance", R("aws:rds/instance:Instance", "db", {"storageEncrypted": True, "kmsKeyId": KEY})),
    ok("aws-rds-database-enforce-kms", "aurora-member", R("aws-native:rds:DbInstance", "db1", {"dbClusterIdentifier": UNKNOWN})),
    bad("aws-rds-database-enforce-kms", "unencrypted", R("aws:rds/instance:Instance", "db", {"engine": "postgres"}), "storageEncrypted is not true"),
    bad("aws-rds-database-enforce-kms", "cluster-aws-managed", R("aws:rds/cluster:Cluster", "c", {"storageEncrypted": True}), "kmsKeyId is not set"),
    ok("aws-rds-database-deny-public-access", "private", R("aws:rds/clusterInstance:ClusterInstance", "i", {"publiclyAccessible": False})),
    bad("aws-rds-database-deny-public-access", "public", R("aws:rds/instance:Instance", "db", {"publiclyAccessible": True}), "publiclyAccessible is true"),
    ok("aws-rds-database-enable-deletion-protection", "on", R("aws:rds/cluster:Cluster", "c", {"deletionProtection": True})),
    bad("aws-rds-database-enable-deletion-protection", "off", R("aws:rds/instance:Instance", "db", {}), "deletionProtection is not true"),
    ok("aws-secretsmanager-secret-enforce-kms", "key", SECRET),
    bad("aws-secretsmanager-secret-enforce-kms", "default-key", R("aws-native:secretsmanager:Secret", "s", {}), "kmsKeyId is not set"),
    ok("aws-secretsmanager-secret-enable-rotation", "rotated", [SECRET, R("aws:secretsmanager/secretRotation:SecretRotation", "rot", {
        "secretId": UNKNOWN, "rotationRules": {"automaticallyAfterDays": 30}}, property_dependencies={"secretId": [SECRET]})]),
    bad("aws-secretsmanager-secret-enable-rotation", "never", [SECRET], "has no rotation schedule"),
    ok("aws-elasticache-cache-enforce-kms", "group", R("aws:elasticache/replicationGroup:ReplicationGroup", "rg", {
        "atRestEncryptionEnabled": True, "kmsKeyId": KEY})),
    ok("aws-elasticache-cache-enforce-kms", "serverless", R("aws:elasticache/serverlessCache:ServerlessCache", "sc", {"engine": "valkey", "kmsKeyId": KEY})),
    bad("aws-elasticache-cache-enforce-kms", "redis-default", R("aws:elasticache/replicationGroup:ReplicationGroup", "rg", {"engine": "redis"}),
        "atRestEncryptionEnabled is not true"),
    bad("aws-elasticache-cache-enforce-kms", "valkey-default-key", R("aws:elasticache/replicationGroup:ReplicationGroup", "rg", {"engine": "valkey"}),
        "kmsKeyId is not set"),
    ok("aws-elasticache-replicationgroup-enforce-transit-encryption", "tls", R("aws:elasticache/replicationGroup:ReplicationGroup", "rg", {
        "transitEncryptionEnabled": True})),
    bad("aws-elasticache-replicationgroup-enforce-transit-encryption", "clear", R("aws-native:elasticache:ReplicationGroup", "rg", {}),
        "transitEncryptionEnabled is not true"),
    bad("aws-elasticache-replicationgroup-enforce-transit-encryption", "preferred", R("aws:elasticache/replicationGroup:ReplicationGroup", "rg", {
        "transitEncryptionEnabled": True, "transitEncryptionMode": "preferred"}), "'preferred'"),
    ok("aws-opensearch-domain-enforce-kms", "key", R("aws:opensearch/domain:Domain", "d", {"encryptAtRest": {"enabled": True, "kmsKeyId": KEY}})),
    bad("aws-opensearch-domain-enforce-kms", "off", R("aws-native:opensearchservice:Domain", "d", {}), "encryptionAtRestOptions.enabled is not true"),
    ok("aws-opensearch-domain-require-vpc", "vpc", R("aws:opensearch/domain:Domain", "d", {"vpcOptions": {"subnetIds": ["subnet-1"]}})),
    bad("aws-opensearch-domain-require-vpc", "public", R("aws:elasticsearch/domain:Domain", "d", {}), "public endpoint"),
    ok("aws-opensearch-domain-enforce-tls", "https-n2n", R("aws:opensearch/domain:Domain", "d", {
        "domainEndpointOptions": {"tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}, "nodeToNodeEncryption": {"enabled": True}})),
    bad("aws-opensearch-domain-enforce-tls", "http-allowed", R("aws:opensearch/domain:Domain", "d", {
        "domainEndpointOptions": {"enforceHttps": False}, "nodeToNodeEncryption": {"enabled": True}}), "enforceHttps is not true"),
    bad("aws-opensearch-domain-enforce-tls", "native-no-n2n", R("aws-native:opensearchservice:Domain", "d", {
        "domainEndpointOptions": {"enforceHttps": True}}), "nodeToNodeEncryptionOptions.enabled is not true"),
    ok("aws-ebs-volume-enforce-kms", "volume", R("aws:ebs/volume:Volume", "v", {"availabilityZone": "us-east-1a", "encrypted": True, "kmsKeyId": KEY})),
    ok("aws-ebs-volume-enforce-kms", "instance-root", R("aws:ec2/instance:Instance", "i", {"rootBlockDevice": {"encrypted": True, "kmsKeyId": KEY}})),
    bad("aws-ebs-volume-enforce-kms", "unencrypted", R("aws-native:ec2:Volume", "v", {"availabilityZone": "us-east-1a"}), "encrypted is not true"),
    bad("aws-ebs-volume-enforce-kms", "instance-data-disk", R("aws:ec2/instance:Instance", "i", {
        "rootBlockDevice": {"encrypted": True, "kmsKeyId": KEY}, "ebsBlockDevices": [{"deviceName": "/dev/sdf", "encrypted": True}]}),
        "ebsBlockDevices[0].kmsKeyId is not set"),
    ok("aws-ebs-account-enforce-default-encryption", "on", R("aws:ebs/encryptionByDefault:EncryptionByDefault", "ebs", {"enabled": True})),
    ok("aws-ebs-account-enforce-default-encryption", "cmk", R("aws:ebs/defaultKmsKey:DefaultKmsKey", "ebs", {"keyArn": KEY})),
    bad("aws-ebs-account-enforce-default-encryption", "off", R("aws:ebs/encryptionByDefault:EncryptionByDefault", "ebs", {"enabled": False}),
        "enabled is false"),
    bad("aws-ebs-account-enforce-default-encryption", "aws-managed", R("aws:ebs/defaultKmsKey:DefaultKmsKey", "ebs", {"keyArn": "alias/aws/ebs"}),
        "AWS-managed key"),
    ok("aws-dynamodb-table-enable-point-in-time-recovery", "on", R("aws:dynamodb/table:Table", "t", {"pointInTimeRecovery": {"enabled": True}})),
    bad("aws-dynamodb-table-enable-point-in-time-recovery", "native-off", R("aws-native:dynamodb:Table", "t", {}),
        "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled is not true"),
    ok("aws-kinesis-stream-enforce-kms", "key", R("aws:kinesis/stream:Stream", "s", {"encryptionType": "KMS", "kmsKeyId": KEY})),
    bad("aws-kinesis-stream-enforce-kms", "none", R("aws:kinesis/stream:Stream", "s", {"shardCount": 1}), "encryptionType is 'NONE'"),
    bad("aws-kinesis-stream-enforce-kms", "native-aws-managed", R("aws-native:kinesis:Stream", "s", {
        "streamEncryption": {"encryptionType": "KMS", "keyId": "alias/aws/kinesis"}}), "AWS-managed key"),
    ok("aws-firehose-deliverystream-enforce-kms", "cmk", R("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "f", {
        "destination": "extended_s3", "serverSideEncryption": {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": KEY}})),
    ok("aws-firehose-deliverystream-enforce-kms", "kinesis-source", R("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "f", {
        "destination": "extended_s3", "kinesisSourceConfiguration": {"kinesisStreamArn": UNKNOWN, "roleArn": UNKNOWN}})),
    bad("aws-firehose-deliverystream-enforce-kms", "aws-owned", R("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "f", {
        "destination": "extended_s3", "serverSideEncryption": {"enabled": True}}), "keyType is 'AWS_OWNED_CMK'"),
    bad("aws-firehose-deliverystream-enforce-kms", "off", R("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "f", {
        "destination": "extended_s3"}), "serverSideEncryption.enabled is not true"),
    # ---- ML / ETL / CI ----------------------------------------------------------------------------------------
    ok("aws-sagemaker-featuregroup-enforce-kms", "both-stores", R("aws:sagemaker/featureGroup:FeatureGroup", "fg", {
        "onlineStoreConfig": {"enableOnlineStore": True, "securityConfig": {"kmsKeyId": KEY}},
        "offlineStoreConfig": {"s3StorageConfig": {"s3Uri": "s3://b/fs", "kmsKeyId": KEY}}})),
    bad("aws-sagemaker-featuregroup-enforce-kms", "online-default-key", R("aws:sagemaker/featureGroup:FeatureGroup", "fg", {
        "onlineStoreConfig": {"enableOnlineStore": True}}), "onlineStoreConfig.securityConfig.kmsKeyId is not set"),
    bad("aws-sagemaker-featuregroup-enforce-kms", "native-offline", R("aws-native:sagemaker:FeatureGroup", "fg", {
        "offlineStoreConfig": {"s3StorageConfig": {"s3Uri": "s3://b/fs"}}}), "offlineStoreConfig.s3StorageConfig.kmsKeyId is not set"),
    ok("aws-sagemaker-notebookinstance-enforce-imdsv2", "v2", R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {
        "instanceMetadataServiceConfiguration": {"minimumInstanceMetadataServiceVersion": "2"}})),
    bad("aws-sagemaker-notebookinstance-enforce-imdsv2", "default", R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {}), "is '1'"),
    ok("aws-sagemaker-pipeline-require-inline-definition", "inline", R("aws:sagemaker/pipeline:Pipeline", "p", {"pipelineDefinition": "{}"})),
    bad("aws-sagemaker-pipeline-require-inline-definition", "s3", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinitionS3Location": {"bucket": "b", "objectKey": "k"}}), "were not judged"),
    ok("aws-glue-job-require-vpc-connection", "network-connection", R("aws:glue/job:Job", "etl", {"connections": [UNKNOWN]})),
    ok("aws-glue-job-require-vpc-connection", "native-named-connection", R("aws-native:glue:Job", "etl", {"connections": {"connections": ["shared-vpc"]}})),
    bad("aws-glue-job-require-vpc-connection", "none", R("aws:glue/job:Job", "etl", {}), "has no connections"),
    ok("aws-codebuild-project-require-vpc", "vpc", R("aws:codebuild/project:Project", "cb", {"vpcConfig": {"vpcId": "vpc-1", "subnets": ["subnet-1"]}})),
    bad("aws-codebuild-project-require-vpc", "none", R("aws-native:codebuild:Project", "cb", {}), "vpcConfig.subnets is not set"),
    ok("aws-codebuild-project-deny-privileged-mode", "image-build", R("aws:codebuild/project:Project", "cb", {
        "environment": {"privilegedMode": True}, "source": {"type": "NO_SOURCE", "buildspec": "phases:\n  build:\n    commands:\n      - docker build -t app ."}})),
    ok("aws-codebuild-project-deny-privileged-mode", "unprivileged", R("aws:codebuild/project:Project", "cb", {"environment": {"computeType": "BUILD_GENERAL1_SMALL"}})),
    bad("aws-codebuild-project-deny-privileged-mode", "tests-privileged", R("aws:codebuild/project:Project", "cb", {
        "environment": {"privilegedMode": True}, "source": {"type": "NO_SOURCE", "buildspec": "phases:\n  build:\n    commands:\n      - pytest"}}),
        "builds no container image"),
]
