"""Per-rule cases: each rule has resources that pass and resources that violate, with the expected message."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.policies.harness import DEFAULT_PROVIDER, UNKNOWN, R, provider

KEY = "arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TAGS = {"owner": "ml-team", "cost-center": "cc-2000", "environment": "dev", "data-classification": "internal"}


@dataclass
class Case:
    rule: str
    id: str
    resources: R | list[R]
    expect: str | None = None  # substring of the violation message; None: the rule must pass
    config: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


def ok(rule: str, id: str, resources: R | list[R], **kw: Any) -> Case:
    return Case(rule, id, resources, None, **kw)


def bad(rule: str, id: str, resources: R | list[R], expect: str, **kw: Any) -> Case:
    return Case(rule, id, resources, expect, **kw)


def sse(key: Any = KEY, algorithm: str = "aws:kms") -> dict[str, Any]:
    return {"sseAlgorithm": algorithm, "kmsMasterKeyId": key}


BUCKET = R("aws:s3/bucket:Bucket", "lake")
BUCKET_V2 = R("aws:s3/bucketV2:BucketV2", "legacy")
NATIVE_BUCKET = R("aws-native:s3:Bucket", "brew")


def on_bucket(type_: str, name: str, props: dict[str, Any], bucket: R = BUCKET, prop: str = "bucket") -> R:
    """A bucket sub-resource whose ``bucket`` input comes from the bucket's (unknown-at-preview) id."""
    return R(type_, name, {prop: UNKNOWN, **props}, property_dependencies={prop: [bucket]})


SSE_CONFIG = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_CONFIG_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
TLS_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::lake", "arn:aws:s3:::lake/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
ALL_FLAGS = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}


def public_policy(condition: dict[str, Any] | None = None) -> str:
    st: dict[str, Any] = {"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": "*"}
    if condition:
        st["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [st]})


def iam_doc(action: Any, resource: Any = "*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "S1", "Effect": "Allow", "Action": action, "Resource": resource}]})


def trust(principal: Any, condition: dict[str, Any] | None = None, action: str = "sts:AssumeRole") -> str:
    statement = {"Sid": "T1", "Effect": "Allow", "Principal": principal, "Action": action}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement | ({"Condition": condition} if condition else {})]})


GITHUB = {"Federated": "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com"}
GITLAB = {"Federated": "arn:aws:iam::333333333333:oidc-provider/gitlab.com"}
TFC = {"Federated": "arn:aws:iam::333333333333:oidc-provider/app.terraform.io"}
EKS_OIDC = {"Federated": "arn:aws:iam::333333333333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}
WEB = "sts:AssumeRoleWithWebIdentity"
GITHUB_AUD = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}


def role(document: Any) -> R:
    return R("aws:iam/role:Role", "r", {"assumeRolePolicy": document})


def pipeline(steps: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2020-12-01", "Steps": steps})


TRAIN_OK = {"Name": "Train", "Type": "Training", "Arguments": {
    "OutputDataConfig": {"S3OutputPath": "s3://x", "KmsKeyId": KEY}, "ResourceConfig": {"VolumeKmsKeyId": {"Get": "Parameters.Key"}},
    "EnableNetworkIsolation": True, "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}}}
PROCESS_BAD = {"Name": "Prep", "Type": "Processing", "Arguments": {
    "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1}}, "ProcessingOutputConfig": {"Outputs": []}}}
CONDITION_WITH_BAD = {"Name": "Check", "Type": "Condition", "Arguments": {"IfSteps": [PROCESS_BAD], "ElseSteps": []}}

JOB_NETWORK = {"enableNetworkIsolation": True, "enableInterContainerTrafficEncryption": True,
               "vpcConfig": {"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]}}

VPC = R("aws:ec2/vpc:Vpc", "main", {"cidrBlock": "10.0.0.0/16"})
AWSX_VPC = R("awsx:ec2:Vpc", "net", {"cidrBlock": "10.1.0.0/16"}, provider=None)
AWSX_CHILD = R("aws:ec2/vpc:Vpc", "net", {"cidrBlock": "10.1.0.0/16"}, parent=AWSX_VPC)
STAGE = R("aws:apigateway/stage:Stage", "v1", {"stageName": "v1", "restApi": UNKNOWN, "deployment": UNKNOWN})
VAULT = R("aws:backup/vault:Vault", "vault", {"kmsKeyArn": KEY})
PROD_ENV = {"PULUMI_CONFIG": json.dumps({"acme-app:environment": "prod"})}

CASES: list[Case] = [
    # ---- S3 -------------------------------------------------------------------------------------------
    ok("aws-s3-bucket-enforce-kms", "split-config-kms", R(SSE_CONFIG, "enc", {"bucket": "lake", "rules": [{"applyServerSideEncryptionByDefault": sse()}]})),
    ok("aws-s3-bucket-enforce-kms", "unknown-key-is-program-key", R(SSE_CONFIG, "enc", {"rules": [{"applyServerSideEncryptionByDefault": sse(UNKNOWN)}]})),
    bad("aws-s3-bucket-enforce-kms", "split-config-aes256",
        R(SSE_CONFIG, "enc", {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}), "sseAlgorithm is 'AES256'"),
    bad("aws-s3-bucket-enforce-kms", "v2-config-aws-managed-key",
        R(SSE_CONFIG_V2, "enc",
          {"rules": [{"applyServerSideEncryptionByDefault": sse("alias/aws/s3")}]}), "AWS-managed key 'alias/aws/s3'"),
    bad("aws-s3-bucket-enforce-kms", "inline-bucket-v2-no-key",
        R("aws:s3/bucketV2:BucketV2", "b", {"serverSideEncryptionConfigurations": [{"rules": [{"applyServerSideEncryptionByDefaults": [{"sseAlgorithm": "aws:kms"}]}]}]}),
        "kmsMasterKeyId is not set"),
    ok("aws-s3-bucket-enforce-kms", "native-bucket-kms", R("aws-native:s3:Bucket", "b", {"bucketEncryption": {
        "serverSideEncryptionConfiguration": [{"serverSideEncryptionByDefault": sse()}]}})),
    ok("aws-s3-bucket-require-encryption-config", "joined-by-property-dependency",
       [BUCKET, on_bucket(SSE_CONFIG, "enc", {"rules": [{"applyServerSideEncryptionByDefault": sse()}]})]),
    ok("aws-s3-bucket-require-encryption-config", "joined-by-known-id",
       [R("aws:s3/bucket:Bucket", "named", {"bucket": "acme-named", "id": "acme-named"}),
        R(SSE_CONFIG, "enc", {"bucket": "acme-named", "rules": [{"applyServerSideEncryptionByDefault": sse()}]})]),
    bad("aws-s3-bucket-require-encryption-config", "bucket-without-config", [BUCKET, BUCKET_V2,
        on_bucket(SSE_CONFIG, "enc", {"rules": [{"applyServerSideEncryptionByDefault": sse()}]})], "BucketV2 'legacy': has no server-side encryption"),
    bad("aws-s3-bucket-require-encryption-config", "config-not-kms",
        [BUCKET, on_bucket(SSE_CONFIG, "enc", {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]})],
        "no encryption configuration uses a customer-managed KMS key"),
    ok("aws-s3-publicaccessblock-enforce-all-flags", "all-four", R("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {"bucket": "b", **ALL_FLAGS})),
    bad("aws-s3-publicaccessblock-enforce-all-flags", "one-off", R("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "acct",
        {**ALL_FLAGS, "restrictPublicBuckets": False}), "restrictPublicBuckets not true"),
    ok("aws-s3-bucket-require-public-access-block", "bucket-block",
       [BUCKET, on_bucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", ALL_FLAGS)]),
    ok("aws-s3-bucket-require-public-access-block", "account-block-same-provider",
       [BUCKET, R("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "acct", ALL_FLAGS)]),
    bad("aws-s3-bucket-require-public-access-block", "account-block-other-account",
        [BUCKET, R("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "acct", ALL_FLAGS,
                   provider=provider("security-us-east-1", allowedAccountIds=["111111111111"]))],
        "has no public access block"),
    bad("aws-s3-bucket-require-public-access-block", "partial-block",
        [BUCKET, on_bucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {**ALL_FLAGS, "blockPublicPolicy": False})],
        "leaves blockPublicPolicy off"),
    ok("aws-s3-bucket-require-tls-policy", "deny-insecure", [BUCKET, on_bucket("aws:s3/bucketPolicy:BucketPolicy", "pol", {"policy": TLS_POLICY})]),
    bad("aws-s3-bucket-require-tls-policy", "no-policy", [BUCKET], "has no bucket policy"),
    # Alternative spellings that are not the TLS deny: denying TLS requests ("true"), or another key set to "false".
    bad("aws-s3-bucket-require-tls-policy", "deny-secure-transport-true",
        [BUCKET, on_bucket("aws:s3/bucketPolicy:BucketPolicy", "pol", {"policy": TLS_POLICY.replace('"false"', '"true"')})],
        "no Deny statement on aws:SecureTransport"),
    bad("aws-s3-bucket-require-tls-policy", "deny-other-key-false",
        [BUCKET, on_bucket("aws:s3/bucketPolicy:BucketPolicy", "pol",
                           {"policy": TLS_POLICY.replace("aws:SecureTransport", "aws:ViaAWSService")})],
        "no Deny statement on aws:SecureTransport"),
    bad("aws-s3-bucket-require-tls-policy", "policy-without-tls",
        [BUCKET, on_bucket("aws:s3/bucketPolicy:BucketPolicy", "pol", {"policy": iam_doc("s3:GetObject")})], "no Deny statement on aws:SecureTransport"),
    ok("aws-s3-bucket-enable-versioning", "split-versioning",
       [BUCKET, on_bucket("aws:s3/bucketVersioning:BucketVersioning", "ver", {"versioningConfiguration": {"status": "Enabled"}})]),
    ok("aws-s3-bucket-enable-versioning", "native-inline", [R("aws-native:s3:Bucket", "b", {"versioningConfiguration": {"status": "Enabled"}})]),
    bad("aws-s3-bucket-enable-versioning", "suspended",
        [BUCKET, on_bucket("aws:s3/bucketVersioningV2:BucketVersioningV2", "ver", {"versioningConfiguration": {"status": "Suspended"}})],
        "versioning is not enabled"),
    ok("aws-s3-bucket-enable-access-logging", "logged-and-log-target", [
        BUCKET, R("aws:s3/bucket:Bucket", "logs"),
        R("aws:s3/bucketLogging:BucketLogging", "log", {"bucket": UNKNOWN, "targetBucket": UNKNOWN},
          property_dependencies={"bucket": [BUCKET], "targetBucket": [R("aws:s3/bucket:Bucket", "logs")]})]),
    ok("aws-s3-bucket-enable-access-logging", "inline-logging",
       [R("aws:s3/bucket:Bucket", "lake", {"logging": {"targetBucket": "acme-logs", "targetPrefix": "lake/"}})]),
    bad("aws-s3-bucket-enable-access-logging", "no-logging", [BUCKET], "server access logging is not configured"),
    # ---- SageMaker ---------------------------------------------------------------------------------------
    ok("aws-sagemaker-domain-enforce-kms", "key", R("aws:sagemaker/domain:Domain", "studio", {"kmsKeyId": KEY})),
    bad("aws-sagemaker-domain-enforce-kms", "no-key", R("aws-native:sagemaker:Domain", "studio", {}), "kmsKeyId is not set"),
    ok("aws-sagemaker-domain-enforce-vpc-only", "vpc-only", R("aws:sagemaker/domain:Domain", "studio", {"appNetworkAccessType": "VpcOnly"})),
    bad("aws-sagemaker-domain-enforce-vpc-only", "default-public", R("aws:sagemaker/domain:Domain", "studio", {}), "'PublicInternetOnly'"),
    ok("aws-sagemaker-endpointconfig-enforce-kms", "all-keys", R("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "ep", {
        "kmsKeyArn": KEY, "productionVariants": [{"variantName": "a"}], "dataCaptureConfig": {"kmsKeyId": KEY}})),
    ok("aws-sagemaker-endpointconfig-enforce-kms", "serverless-needs-no-volume-key", R("aws-native:sagemaker:EndpointConfig", "ep", {
        "productionVariants": [{"serverlessConfig": {"maxConcurrency": 1, "memorySizeInMb": 2048}}]})),
    bad("aws-sagemaker-endpointconfig-enforce-kms", "capture-unencrypted", R("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "ep", {
        "kmsKeyArn": KEY, "dataCaptureConfig": {"enableCapture": True}}), "dataCaptureConfig.kmsKeyId is not set"),
    ok("aws-sagemaker-notebookinstance-enforce-kms", "key", R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {"kmsKeyId": KEY})),
    bad("aws-sagemaker-notebookinstance-enforce-kms", "no-key", R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {}), "kmsKeyId is not set"),
    ok("aws-sagemaker-notebookinstance-deny-direct-internet", "private", R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {
        "subnetId": "subnet-1", "directInternetAccess": "Disabled"})),
    bad("aws-sagemaker-notebookinstance-deny-direct-internet", "default-internet", R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {
        "subnetId": "subnet-1"}), "directInternetAccess is 'Enabled'"),
    bad("aws-sagemaker-notebookinstance-deny-direct-internet", "no-subnet", R("aws-native:sagemaker:NotebookInstance", "nb", {
        "directInternetAccess": "Disabled"}), "subnetId is not set"),
    ok("aws-sagemaker-notebookinstance-deny-root-access", "disabled", R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {"rootAccess": "Disabled"})),
    bad("aws-sagemaker-notebookinstance-deny-root-access", "default", R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {}), "rootAccess is 'Enabled'"),
    ok("aws-sagemaker-model-enforce-network-isolation", "isolated", R("aws:sagemaker/model:Model", "m", {
        "enableNetworkIsolation": True, "vpcConfig": {"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]}})),
    bad("aws-sagemaker-model-enforce-network-isolation", "open", R("aws-native:sagemaker:Model", "m", {}), "enableNetworkIsolation is not true"),
    ok("aws-sagemaker-job-enforce-kms", "training", R("aws:sagemaker/trainingJob:TrainingJob", "t", {
        "outputDataConfig": {"kmsKeyId": KEY}, "resourceConfig": {"volumeKmsKeyId": KEY}})),
    ok("aws-sagemaker-job-enforce-kms", "schedule-by-name", R("aws-native:sagemaker:MonitoringSchedule", "s", {
        "monitoringScheduleConfig": {"monitoringJobDefinitionName": "dq"}})),
    bad("aws-sagemaker-job-enforce-kms", "data-quality-volume", R("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition", "dq", {
        "dataQualityJobOutputConfig": {"kmsKeyId": KEY}, "jobResources": {"clusterConfig": {"instanceCount": 1}}}),
        "jobResources.clusterConfig.volumeKmsKeyId is not set"),
    bad("aws-sagemaker-job-enforce-kms", "native-bias-output", R("aws-native:sagemaker:ModelBiasJobDefinition", "bias", {
        "jobResources": {"clusterConfig": {"volumeKmsKeyId": KEY}}, "modelBiasJobOutputConfig": {"kmsKeyId": "alias/aws/sagemaker"}}),
        "AWS-managed key"),
    ok("aws-sagemaker-job-enforce-network-isolation", "definition", R("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition", "dq", {
        "networkConfig": JOB_NETWORK})),
    bad("aws-sagemaker-job-enforce-network-isolation", "training-open", R("aws:sagemaker/trainingJob:TrainingJob", "t", {
        "enableNetworkIsolation": True}), "vpcConfig with subnets is not set"),
    bad("aws-sagemaker-job-enforce-network-isolation", "inline-schedule", R("aws-native:sagemaker:MonitoringSchedule", "s", {
        "monitoringScheduleConfig": {"monitoringJobDefinition": {"networkConfig": {"enableNetworkIsolation": False}}}}),
        "networkConfig.enableNetworkIsolation is not true"),
    ok("aws-sagemaker-pipeline-enforce-kms", "keys-and-parameters", R("aws:sagemaker/pipeline:Pipeline", "p", {"pipelineDefinition": pipeline([TRAIN_OK])})),
    ok("aws-sagemaker-pipeline-enforce-kms", "s3-definition-not-inspectable", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinitionS3Location": {"bucket": "b", "objectKey": "k"}})),
    bad("aws-sagemaker-pipeline-enforce-kms", "processing-in-condition", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline([TRAIN_OK, CONDITION_WITH_BAD])}), "step 'Prep' Arguments.ProcessingOutputConfig.KmsKeyId is not set"),
    bad("aws-sagemaker-pipeline-enforce-kms", "native-body", R("aws-native:sagemaker:Pipeline", "p", {
        "pipelineDefinition": {"pipelineDefinitionBody": pipeline([PROCESS_BAD])}}), "ClusterConfig.VolumeKmsKeyId is not set"),
    ok("aws-sagemaker-pipeline-enforce-network-isolation", "isolated", R("aws:sagemaker/pipeline:Pipeline", "p", {"pipelineDefinition": pipeline([TRAIN_OK])})),
    bad("aws-sagemaker-pipeline-enforce-network-isolation", "processing-open", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline([PROCESS_BAD])}), "step 'Prep': Arguments.NetworkConfig.EnableNetworkIsolation is not true"),
    # ---- Glue / DataBrew ----------------------------------------------------------------------------------
    ok("aws-glue-catalog-enforce-kms", "kms", R("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", "cat", {
        "dataCatalogEncryptionSettings": {"encryptionAtRest": {"catalogEncryptionMode": "SSE-KMS", "sseAwsKmsKeyId": KEY},
                                          "connectionPasswordEncryption": {"returnConnectionPasswordEncrypted": True, "awsKmsKeyId": KEY}}})),
    bad("aws-glue-catalog-enforce-kms", "disabled", R("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", "cat", {
        "dataCatalogEncryptionSettings": {"encryptionAtRest": {"catalogEncryptionMode": "DISABLED"},
                                          "connectionPasswordEncryption": {"returnConnectionPasswordEncrypted": True, "awsKmsKeyId": KEY}}}),
        "catalogEncryptionMode is 'DISABLED'"),
    ok("aws-glue-securityconfiguration-enforce-kms", "all-kms", R("aws:glue/securityConfiguration:SecurityConfiguration", "sec", {
        "encryptionConfiguration": {"s3Encryption": {"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "cloudwatchEncryption": {"cloudwatchEncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "CSE-KMS", "kmsKeyArn": KEY}}})),
    bad("aws-glue-securityconfiguration-enforce-kms", "bookmarks-off", R("aws-native:glue:SecurityConfiguration", "sec", {
        "encryptionConfiguration": {"s3Encryptions": [{"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": KEY}],
                                    "cloudWatchEncryption": {"cloudWatchEncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "DISABLED"}}}),
        "jobBookmarksEncryption.jobBookmarksEncryptionMode is 'DISABLED'"),
    ok("aws-glue-job-require-security-configuration", "set", R("aws:glue/job:Job", "etl", {"securityConfiguration": "sec"})),
    bad("aws-glue-job-require-security-configuration", "native-crawler", R("aws-native:glue:Crawler", "crawl", {}), "crawlerSecurityConfiguration is not set"),
    ok("aws-databrew-job-enforce-kms", "kms", R("aws-native:databrew:Job", "brew", {"encryptionMode": "SSE-KMS", "encryptionKeyArn": KEY})),
    bad("aws-databrew-job-enforce-kms", "s3-managed", R("aws-native:databrew:Job", "brew", {"encryptionMode": "SSE-S3"}), "encryptionMode is 'SSE-S3'"),
    # ---- Logs, SNS, SQS -----------------------------------------------------------------------------------
    ok("aws-cloudwatch-loggroup-enforce-kms", "key", R("aws:cloudwatch/logGroup:LogGroup", "lg", {"kmsKeyId": KEY})),
    bad("aws-cloudwatch-loggroup-enforce-kms", "no-key", R("aws-native:logs:LogGroup", "lg", {}), "kmsKeyId is not set"),
    ok("aws-cloudwatch-loggroup-enforce-retention", "year", R("aws:cloudwatch/logGroup:LogGroup", "lg", {"retentionInDays": 365})),
    ok("aws-cloudwatch-loggroup-enforce-retention", "never-expire", R("aws:cloudwatch/logGroup:LogGroup", "lg", {})),
    bad("aws-cloudwatch-loggroup-enforce-retention", "week", R("aws:cloudwatch/logGroup:LogGroup", "lg", {"retentionInDays": 7}), "at least 90 days"),
    bad("aws-cloudwatch-loggroup-enforce-retention", "configured-minimum", R("aws:cloudwatch/logGroup:LogGroup", "lg", {"retentionInDays": 180}),
        "at least 365 days", config={"minRetentionDays": 365}),
    ok("aws-sns-topic-enforce-kms", "key", R("aws:sns/topic:Topic", "t", {"kmsMasterKeyId": KEY})),
    bad("aws-sns-topic-enforce-kms", "aws-managed", R("aws:sns/topic:Topic", "t", {"kmsMasterKeyId": "alias/aws/sns"}), "AWS-managed key"),
    ok("aws-sns-topicpolicy-deny-public", "scoped", R("aws:sns/topicPolicy:TopicPolicy", "tp", {
        "arn": "arn:t", "policy": public_policy({"StringEquals": {"aws:SourceAccount": "333333333333"}})})),
    bad("aws-sns-topicpolicy-deny-public", "open", R("aws:sns/topicPolicy:TopicPolicy", "tp", {"arn": "arn:t", "policy": public_policy()}),
        "statement 'Open' allows Principal '*'"),
    ok("aws-sqs-queue-enforce-kms", "key", R("aws:sqs/queue:Queue", "q", {"kmsMasterKeyId": KEY})),
    bad("aws-sqs-queue-enforce-kms", "sqs-managed", R("aws:sqs/queue:Queue", "q", {"sqsManagedSseEnabled": True}), "SQS-owned keys"),
    # ---- ECR / CI/CD / Backup ----------------------------------------------------------------------------
    ok("aws-ecr-repository-enforce-kms", "kms", R("aws:ecr/repository:Repository", "r", {"encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": KEY}]})),
    bad("aws-ecr-repository-enforce-kms", "aws-managed-ecr-key", R("aws:ecr/repository:Repository", "r", {"encryptionConfigurations": [{"encryptionType": "KMS"}]}),
        "kmsKey is not set"),
    bad("aws-ecr-repository-enforce-kms", "aes", R("aws-native:ecr:Repository", "r", {}), "encryptionType is 'AES256'"),
    ok("aws-ecr-repository-enable-scan-on-push", "on", R("aws:ecr/repository:Repository", "r", {"imageScanningConfiguration": {"scanOnPush": True}})),
    bad("aws-ecr-repository-enable-scan-on-push", "off", R("aws:ecr/repository:Repository", "r", {}), "scanOnPush is not true"),
    ok("aws-ecr-repository-enforce-immutable-tags", "immutable", R("aws:ecr/repository:Repository", "r", {"imageTagMutability": "IMMUTABLE"})),
    bad("aws-ecr-repository-enforce-immutable-tags", "mutable", R("aws:ecr/repository:Repository", "r", {}), "'MUTABLE'"),
    ok("aws-ecr-repositorypolicy-deny-public", "org-scoped", R("aws:ecr/repositoryPolicy:RepositoryPolicy", "rp", {
        "repository": "r", "policy": public_policy({"StringEquals": {"aws:PrincipalOrgID": "o-123"}})})),
    bad("aws-ecr-repositorypolicy-deny-public", "open", R("aws:ecr/repositoryPolicy:RepositoryPolicy", "rp", {"repository": "r", "policy": public_policy()}),
        "allows Principal '*'"),
    ok("aws-codebuild-project-enforce-kms", "key", R("aws:codebuild/project:Project", "cb", {"encryptionKey": KEY, "artifacts": {"type": "NO_ARTIFACTS"}})),
    bad("aws-codebuild-project-enforce-kms", "disabled-artifacts", R("aws:codebuild/project:Project", "cb", {
        "encryptionKey": KEY, "artifacts": {"type": "S3", "encryptionDisabled": True}}), "artifact #0 sets encryptionDisabled"),
    ok("aws-codepipeline-pipeline-enforce-kms", "key", R("aws:codepipeline/pipeline:Pipeline", "cp", {
        "artifactStores": [{"location": "b", "type": "S3", "encryptionKey": {"id": KEY, "type": "KMS"}}]})),
    bad("aws-codepipeline-pipeline-enforce-kms", "default-key", R("aws:codepipeline/pipeline:Pipeline", "cp", {
        "artifactStores": [{"location": "b", "type": "S3"}]}), "artifact store #0 encryptionKey.id is not set"),
    ok("aws-backup-vault-enforce-kms", "key", VAULT),
    bad("aws-backup-vault-enforce-kms", "native-no-key", R("aws-native:backup:BackupVault", "v", {"backupVaultName": "v"}), "encryptionKeyArn is not set"),
    ok("aws-backup-vault-require-lock", "locked", [VAULT, R("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "lock", {
        "backupVaultName": UNKNOWN, "minRetentionDays": 7}, property_dependencies={"backupVaultName": [VAULT]})], env=PROD_ENV),
    bad("aws-backup-vault-require-lock", "unlocked-prod", [VAULT], "has no vault lock", env=PROD_ENV),
    # ---- Redshift / Lambda / DynamoDB / EFS ----------------------------------------------------------------
    ok("aws-redshift-cluster-enforce-kms", "key", R("aws:redshift/cluster:Cluster", "rs", {"encrypted": True, "kmsKeyId": KEY})),
    bad("aws-redshift-cluster-enforce-kms", "unencrypted", R("aws:redshift/cluster:Cluster", "rs", {"encrypted": False, "kmsKeyId": KEY}), "encrypted is false"),
    ok("aws-redshiftserverless-namespace-enforce-kms", "key", R("aws:redshiftserverless/namespace:Namespace", "ns", {"kmsKeyId": KEY})),
    bad("aws-redshiftserverless-namespace-enforce-kms", "no-key", R("aws:redshiftserverless/namespace:Namespace", "ns", {}), "kmsKeyId is not set"),
    ok("aws-redshift-cluster-deny-public-access", "private", R("aws:redshift/cluster:Cluster", "rs", {"clusterSubnetGroupName": "private"})),
    bad("aws-redshift-cluster-deny-public-access", "public", R("aws:redshift/cluster:Cluster", "rs", {
        "clusterSubnetGroupName": "private", "publiclyAccessible": True}), "publiclyAccessible is true"),
    ok("aws-redshiftserverless-workgroup-deny-public-access", "private", R("aws:redshiftserverless/workgroup:Workgroup", "wg", {"subnetIds": ["subnet-1"]})),
    bad("aws-redshiftserverless-workgroup-deny-public-access", "default-vpc", R("aws:redshiftserverless/workgroup:Workgroup", "wg", {}),
        "subnetIds is not set"),
    ok("aws-lambda-function-enforce-kms", "no-variables", R("aws:lambda/function:Function", "fn", {})),
    ok("aws-lambda-function-enforce-kms", "key", R("aws:lambda/function:Function", "fn", {"environment": {"variables": {"A": "1"}}, "kmsKeyArn": KEY})),
    bad("aws-lambda-function-enforce-kms", "variables-no-key", R("aws:lambda/function:Function", "fn", {"environment": {"variables": {"A": "1"}}}),
        "kmsKeyArn is not set"),
    ok("aws-lambda-function-require-vpc", "vpc", R("aws-native:lambda:Function", "fn", {"vpcConfig": {"subnetIds": ["subnet-1"]}})),
    bad("aws-lambda-function-require-vpc", "no-vpc", R("aws:lambda/function:Function", "fn", {}), "vpcConfig.subnetIds is not set"),
    ok("aws-dynamodb-table-enforce-kms", "key", R("aws:dynamodb/table:Table", "t", {"serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY}})),
    bad("aws-dynamodb-table-enforce-kms", "owned", R("aws-native:dynamodb:Table", "t", {}), "sseSpecification.sseEnabled is not true"),
    ok("aws-efs-filesystem-enforce-kms", "key", R("aws:efs/fileSystem:FileSystem", "fs", {"encrypted": True, "kmsKeyId": KEY})),
    bad("aws-efs-filesystem-enforce-kms", "managed", R("aws:efs/fileSystem:FileSystem", "fs", {"encrypted": True}), "kmsKeyId is not set"),
    # ---- CloudTrail / KMS ---------------------------------------------------------------------------------
    ok("aws-cloudtrail-trail-enforce-kms", "key", R("aws:cloudtrail/trail:Trail", "ct", {"kmsKeyId": KEY})),
    bad("aws-cloudtrail-trail-enforce-kms", "no-key", R("aws:cloudtrail/trail:Trail", "ct", {}), "kmsKeyId is not set"),
    ok("aws-cloudtrail-trail-enable-multi-region", "multi", R("aws:cloudtrail/trail:Trail", "ct", {"isMultiRegionTrail": True})),
    bad("aws-cloudtrail-trail-enable-multi-region", "single", R("aws-native:cloudtrail:Trail", "ct", {}), "isMultiRegionTrail is not true"),
    ok("aws-cloudtrail-trail-enable-log-validation", "on", R("aws:cloudtrail/trail:Trail", "ct", {"enableLogFileValidation": True})),
    bad("aws-cloudtrail-trail-enable-log-validation", "off", R("aws:cloudtrail/trail:Trail", "ct", {}), "enableLogFileValidation is not true"),
    ok("aws-cloudtrail-trail-require-cloudwatch-delivery", "on", R("aws:cloudtrail/trail:Trail", "ct", {
        "cloudWatchLogsGroupArn": "arn:aws:logs:us-east-1:1:log-group:trail:*", "cloudWatchLogsRoleArn": "arn:aws:iam::1:role/ct"})),
    bad("aws-cloudtrail-trail-require-cloudwatch-delivery", "native-missing-role", R("aws-native:cloudtrail:Trail", "ct", {
        "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:1:log-group:trail:*"}), "cloudWatchLogsRoleArn not set"),
    ok("aws-kms-key-enable-rotation", "on", R("aws:kms/key:Key", "k", {"enableKeyRotation": True})),
    ok("aws-kms-key-enable-rotation", "asymmetric-cannot-rotate", R("aws:kms/key:Key", "k", {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"})),
    bad("aws-kms-key-enable-rotation", "off", R("aws-native:kms:Key", "k", {}), "enableKeyRotation is not true"),
    ok("aws-kms-key-enforce-deletion-window", "dev-seven", R("aws:kms/key:Key", "k", {"deletionWindowInDays": 7})),
    ok("aws-kms-key-enforce-deletion-window", "prod-default-thirty", R("aws:kms/key:Key", "k", {}), env=PROD_ENV),
    bad("aws-kms-key-enforce-deletion-window", "prod-fourteen", R("aws:kms/key:Key", "k", {"deletionWindowInDays": 14}),
        "production requires at least 30 (stack config environment='prod')", env=PROD_ENV),
    bad("aws-kms-key-enforce-deletion-window", "prod-by-stack-name", R("aws-native:kms:Key", "k", {"pendingWindowInDays": 10}),
        "production requires at least 30 (stack name 'prod')", env={"PULUMI_STACK": "acme/aiplatform/prod"}),
    bad("aws-kms-key-enforce-deletion-window", "prod-by-policy-config", R("aws:kms/key:Key", "k", {"deletionWindowInDays": 20}),
        "policy config production=true", config={"production": True}),
    ok("aws-kms-key-deny-lockout-bypass", "default", R("aws:kms/key:Key", "k", {})),
    bad("aws-kms-key-deny-lockout-bypass", "bypass", R("aws:kms/key:Key", "k", {"bypassPolicyLockoutSafetyCheck": True}),
        "bypassPolicyLockoutSafetyCheck is true"),
    # ---- Tagging ------------------------------------------------------------------------------------------
    ok("aws-tagging-resource-require-tags", "provider-default-tags-encoded", R("aws:s3/bucket:Bucket", "b", {}, provider=provider(default_tags=TAGS))),
    ok("aws-tagging-resource-require-tags", "provider-default-tags-decoded",
       R("aws:s3/bucket:Bucket", "b", {}, provider=provider(default_tags=TAGS, encoded=False))),
    ok("aws-tagging-resource-require-tags", "merged-own-and-provider", R("aws:kms/key:Key", "k", {"tags": {"owner": "me"}},
       provider=provider(default_tags={k: v for k, v in TAGS.items() if k != "owner"}))),
    ok("aws-tagging-resource-require-tags", "native-list-tags", R("aws-native:databrew:Job", "j", {"tags": [{"key": k, "value": v} for k, v in TAGS.items()]},
       provider=provider(package="aws-native"))),
    ok("aws-tagging-resource-require-tags", "not-taggable", R("aws:s3/bucketPolicy:BucketPolicy", "p", {})),
    bad("aws-tagging-resource-require-tags", "untagged", R("aws:s3/bucket:Bucket", "b", {}),
        "missing required tag(s) owner, cost-center, environment, data-classification"),
    bad("aws-tagging-resource-require-tags", "configured-keys", R("aws:sqs/queue:Queue", "q", {"tags": TAGS}), "missing required tag(s) team",
        config={"requiredTags": ["owner", "team"]}),
    ok("aws-tagging-resource-enforce-allowed-values", "allowed", R("aws:s3/bucket:Bucket", "b", {"tags": TAGS})),
    bad("aws-tagging-resource-enforce-allowed-values", "bad-environment", R("aws:s3/bucket:Bucket", "b", {"tags": {**TAGS, "environment": "staging"}}),
        "tag environment='staging' is not one of shared, dev, prod"),
    bad("aws-tagging-resource-enforce-allowed-values", "provider-value", R("aws-native:databrew:Job", "j", {},
        provider=provider(package="aws-native", default_tags={**TAGS, "data-classification": "secret"})), "tag data-classification='secret'"),
    ok("aws-tagging-resource-enforce-length-limits", "fine", R("aws:s3/bucket:Bucket", "b", {"tags": TAGS})),
    bad("aws-tagging-resource-enforce-length-limits", "long-value", R("aws:s3/bucket:Bucket", "b", {"tags": {"note": "x" * 300}}),
        "tag 'note' value is 300 characters; the limit is 256"),
    bad("aws-tagging-resource-enforce-length-limits", "reserved-prefix", R("aws:s3/bucket:Bucket", "b", {"tags": {"aws:owner": "me"}}), "reserved 'aws:' prefix"),
    # ---- Network ------------------------------------------------------------------------------------------
    ok("aws-ec2-securitygroup-deny-public-ingress", "vpc-cidr", R("aws:ec2/securityGroup:SecurityGroup", "sg", {
        "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.0.0.0/16"]}]})),
    ok("aws-ec2-securitygroup-deny-public-ingress", "allowed-port", R("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", {
        "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}), config={"allowedPublicIngressPorts": [443]}),
    ok("aws-ec2-securitygroup-deny-public-ingress", "egress-rule-ignored", R("aws:ec2/securityGroupRule:SecurityGroupRule", "r", {
        "type": "egress", "protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]})),
    bad("aws-ec2-securitygroup-deny-public-ingress", "inline-ssh", R("aws:ec2/securityGroup:SecurityGroup", "sg", {
        "ingress": [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]}), "ingress[0] allows 0.0.0.0/0 on tcp 22-22"),
    bad("aws-ec2-securitygroup-deny-public-ingress", "ipv6-rule", R("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", {
        "ipProtocol": "-1", "cidrIpv6": "::/0"}), "rule allows ::/0 on all ports"),
    bad("aws-ec2-securitygroup-deny-public-ingress", "sg-rule-resource", R("aws:ec2/securityGroupRule:SecurityGroupRule", "r", {
        "type": "ingress", "protocol": "tcp", "fromPort": 0, "toPort": 65535, "cidrBlocks": ["0.0.0.0/0"]}), "0.0.0.0/0 on tcp 0-65535"),
    bad("aws-ec2-securitygroup-deny-public-ingress", "native-inline", R("aws-native:ec2:SecurityGroup", "sg", {
        "securityGroupIngress": [{"ipProtocol": "tcp", "fromPort": 3389, "toPort": 3389, "cidrIp": "0.0.0.0/0"}]}), "securityGroupIngress[0] allows"),
    ok("aws-ec2-vpc-require-flow-logs", "flow-log", [VPC, R("aws:ec2/flowLog:FlowLog", "fl", {"vpcId": UNKNOWN, "trafficType": "ALL"},
       property_dependencies={"vpcId": [VPC]})]),
    ok("aws-ec2-vpc-require-flow-logs", "awsx-flow-log-on-component", [AWSX_VPC, AWSX_CHILD, R("aws:ec2/flowLog:FlowLog", "fl", {
        "vpcId": UNKNOWN}, property_dependencies={"vpcId": [AWSX_VPC]})]),
    bad("aws-ec2-vpc-require-flow-logs", "awsx-without", [AWSX_VPC, AWSX_CHILD], "Vpc 'net': has no flow log"),
    bad("aws-ec2-vpc-require-flow-logs", "plain-without", [VPC], "Vpc 'main': has no flow log"),
    ok("aws-apigateway-stage-require-waf", "associated", [STAGE, R("aws:wafv2/webAclAssociation:WebAclAssociation", "waf", {
        "resourceArn": UNKNOWN, "webAclArn": UNKNOWN}, property_dependencies={"resourceArn": [STAGE]})]),
    bad("aws-apigateway-stage-require-waf", "bare", [STAGE], "has no WAFv2 web ACL association"),
    ok("aws-apigateway-method-require-authorization", "iam", R("aws:apigateway/method:Method", "m", {"httpMethod": "GET", "authorization": "AWS_IAM"})),
    bad("aws-apigateway-method-require-authorization", "api-key-alone", R("aws:apigateway/method:Method", "m", {
        "httpMethod": "POST", "authorization": "NONE", "apiKeyRequired": True}), "an API key alone is not authorization"),
    ok("aws-apigateway-method-require-authorization", "cognito-and-api-key", R("aws:apigateway/method:Method", "m", {
        "httpMethod": "POST", "authorization": "COGNITO_USER_POOLS", "authorizerId": "abc", "apiKeyRequired": True})),
    ok("aws-apigateway-method-require-authorization", "cors-preflight", R("aws:apigateway/method:Method", "m", {"httpMethod": "OPTIONS", "authorization": "NONE"})),
    bad("aws-apigateway-method-require-authorization", "open", R("aws-native:apigateway:Method", "m", {"httpMethod": "GET", "authorizationType": "NONE"}),
        "authorization is NONE"),
    # ---- IAM / operations ---------------------------------------------------------------------------------
    ok("aws-iam-policy-deny-admin-wildcard", "scoped", R("aws:iam/policy:Policy", "p", {"policy": iam_doc(["s3:GetObject"], "arn:aws:s3:::b/*")})),
    bad("aws-iam-policy-deny-admin-wildcard", "admin", R("aws:iam/policy:Policy", "p", {"policy": iam_doc("*")}), "policy statement 'S1' allows Action '*'"),
    bad("aws-iam-policy-deny-admin-wildcard", "role-inline", R("aws:iam/role:Role", "r", {"assumeRolePolicy": "{}",
        "inlinePolicies": [{"name": "x", "policy": iam_doc(["*:*"])}]}), "inlinePolicies[0] statement 'S1'"),
    ok("aws-iam-policy-deny-passrole-wildcard", "scoped", R("aws:iam/rolePolicy:RolePolicy", "p", {"role": "r",
       "policy": iam_doc("iam:PassRole", "arn:aws:iam::333333333333:role/sagemaker-exec")})),
    bad("aws-iam-policy-deny-passrole-wildcard", "wildcard", R("aws-native:iam:ManagedPolicy", "p", {
        "policyDocument": json.loads(iam_doc(["iam:PassRole", "s3:GetObject"]))}), "allows iam:PassRole on Resource '*'"),
    ok("aws-iam-role-deny-open-trust", "service", role(trust({"Service": "sagemaker.amazonaws.com"}))),
    ok("aws-iam-role-deny-open-trust", "account", role(trust({"AWS": "arn:aws:iam::222222222222:root"}))),
    ok("aws-iam-role-deny-open-trust", "star-in-the-organization", role(trust({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))),
    ok("aws-iam-role-deny-open-trust", "github-repository", role(trust(GITHUB, {"StringEquals": GITHUB_AUD, "StringLike": {
        "token.actions.githubusercontent.com:sub": "repo:acme/ml-models:ref:refs/heads/main"}}, WEB))),
    ok("aws-iam-role-deny-open-trust", "eks-service-account", role(trust(EKS_OIDC, {"StringEquals": {
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:ml:trainer"}}, WEB))),
    ok("aws-iam-role-deny-open-trust", "cognito-pool", role(trust({"Federated": "cognito-identity.amazonaws.com"}, {"StringEquals": {
        "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012"}}, WEB))),
    bad("aws-iam-role-deny-open-trust", "everyone", role(trust("*")), "trust statement 'T1' lets Principal '*' assume the role"),
    bad("aws-iam-role-deny-open-trust", "external-id-is-no-scope", role(trust({"AWS": ["*"]}, {"StringEquals": {"sts:ExternalId": "x"}})),
        "lets Principal '*' assume"),
    bad("aws-iam-role-deny-open-trust", "github-audience-only", role(trust(GITHUB, {"StringEquals": GITHUB_AUD}, WEB)),
        "lets any identity of token.actions.githubusercontent.com assume the role; add a condition on token.actions.githubusercontent.com:sub"),
    bad("aws-iam-role-deny-open-trust", "github-any-subject", role(trust(GITHUB, {"StringLike": {"token.actions.githubusercontent.com:sub": "*"}}, WEB)),
        "add a condition on token.actions.githubusercontent.com:sub"),
    bad("aws-iam-role-deny-open-trust", "eks-any-service-account", role(trust(EKS_OIDC, None, WEB)),
        "add a condition on oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"),
    bad("aws-iam-role-deny-open-trust", "cognito-any-pool", R("aws-native:iam:Role", "r", {"assumeRolePolicyDocument": json.loads(
        trust({"Federated": "cognito-identity.amazonaws.com"}, {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}, WEB))}),
        "add a condition on cognito-identity.amazonaws.com:aud"),
    ok("aws-iam-role-deny-open-trust", "github-owner-pattern", role(trust(GITHUB, {"StringLike": {
        "token.actions.githubusercontent.com:sub": ["repo:acme/ml-models:*", "repo:acme/infra:environment:prod"]}}, WEB))),
    ok("aws-iam-role-deny-open-trust", "literal-star-matches-no-token", role(trust(GITHUB, {"StringEquals": {
        "token.actions.githubusercontent.com:sub": "*"}}, WEB))),
    ok("aws-iam-role-deny-open-trust", "google-app", role(trust({"Federated": "accounts.google.com"}, {"StringEquals": {
        "accounts.google.com:aud": "66677788899.apps.googleusercontent.com"}}, WEB))),
    ok("aws-iam-role-deny-open-trust", "facebook-app", role(trust({"Federated": "graph.facebook.com"}, {"StringEquals": {
        "graph.facebook.com:app_id": "1234567890"}}, WEB))),
    ok("aws-iam-role-deny-open-trust", "not-action-excludes-web-identity", role(json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": EKS_OIDC, "NotAction": ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]}]}))),
    bad("aws-iam-role-deny-open-trust", "github-any-owner", role(trust(GITHUB, {"StringLike": {
        "token.actions.githubusercontent.com:sub": "repo:*"}}, WEB)), "naming whose tokens it accepts"),
    bad("aws-iam-role-deny-open-trust", "github-one-broad-value", role(trust(GITHUB, {"StringLike": {
        "token.actions.githubusercontent.com:sub": ["repo:acme/ml-models:*", "repo:*/*:*"]}}, WEB)), "add a condition on token."),
    bad("aws-iam-role-deny-open-trust", "github-negated-subject", role(trust(GITHUB, {"StringNotEquals": {
        "token.actions.githubusercontent.com:sub": "repo:evil/x:ref:refs/heads/main"}}, WEB)), "add a condition on token."),
    bad("aws-iam-role-deny-open-trust", "github-subject-if-exists", role(trust(GITHUB, {"StringLikeIfExists": {
        "token.actions.githubusercontent.com:sub": "repo:acme/*"}}, WEB)), "add a condition on token."),
    bad("aws-iam-role-deny-open-trust", "eks-any-namespace", role(trust(EKS_OIDC, {"StringLike": {
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:*:*"}}, WEB)),
        "EXAMPLED539D4633E53DE1B71EXAMPLE:sub"),
    bad("aws-iam-role-deny-open-trust", "cognito-any-pool-of-a-region", role(trust({"Federated": "cognito-identity.amazonaws.com"}, {
        "StringLike": {"cognito-identity.amazonaws.com:aud": "us-east-1:*"}}, WEB)), "cognito-identity.amazonaws.com:aud"),
    bad("aws-iam-role-deny-open-trust", "facebook-audience-is-no-key", role(trust({"Federated": "graph.facebook.com"}, {
        "StringEquals": {"graph.facebook.com:aud": "1234567890"}}, WEB)), "add a condition on graph.facebook.com:app_id"),
    bad("aws-iam-role-deny-open-trust", "wildcard-action", role(trust(GITHUB, {"StringEquals": GITHUB_AUD}, "sts:AssumeRole*")),
        "add a condition on token.actions.githubusercontent.com:sub"),
    bad("aws-iam-role-deny-open-trust", "not-action-admits-web-identity", role(json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": GITHUB, "NotAction": "sts:AssumeRoleWithSAML"}]})), "add a condition on token."),
    bad("aws-iam-role-deny-open-trust", "star-scoped-only-if-exists", role(trust({"AWS": "*"}, {
        "StringEqualsIfExists": {"aws:PrincipalAccount": "333333333333"}})), "lets Principal '*' assume"),
    bad("aws-iam-role-deny-open-trust", "star-negated-account", role(trust({"AWS": "*"}, {
        "StringNotEquals": {"aws:PrincipalAccount": "999999999999"}})), "lets Principal '*' assume"),
    bad("aws-iam-role-deny-open-trust", "star-any-account-pattern", role(trust({"AWS": "*"}, {
        "StringLike": {"aws:PrincipalAccount": "*"}})), "lets Principal '*' assume"),
    bad("aws-iam-role-deny-open-trust", "star-any-account-arn-equals", role(trust({"AWS": "*"}, {
        "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/deployer"}})), "lets Principal '*' assume"),
    bad("aws-iam-role-deny-open-trust", "star-org-id-pattern", role(trust({"AWS": "*"}, {
        "StringLike": {"aws:PrincipalOrgID": "o-*"}})), "lets Principal '*' assume"),
    bad("aws-iam-role-deny-open-trust", "star-account-prefix", role(trust({"AWS": "*"}, {
        "StringLike": {"aws:PrincipalAccount": "1*"}})), "lets Principal '*' assume"),
    bad("aws-iam-role-deny-open-trust", "star-account-compared-with-itself", role(trust({"AWS": "*"}, {
        "StringEquals": {"aws:PrincipalAccount": "${aws:PrincipalAccount}"}})), "lets Principal '*' assume"),
    # IAM ANDs operator blocks: one block naming the account scopes '*' whatever another block of the key admits.
    ok("aws-iam-role-deny-open-trust", "star-account-in-one-block-any-in-another", role(trust({"AWS": "*"}, {
        "StringEquals": {"aws:PrincipalAccount": "333333333333"}, "StringLike": {"aws:PrincipalAccount": "*"}}))),
    ok("aws-iam-role-deny-open-trust", "github-subject-narrowed-by-a-second-block", role(trust(GITHUB, {
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"},
        "StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main"}}, WEB))),
    # GitHub subjects customized to lead with the owner or repository (include_claim_keys), and exact ones.
    ok("aws-iam-role-deny-open-trust", "github-custom-subject-owner-id", role(trust(GITHUB, {"StringLike": {
        "token.actions.githubusercontent.com:sub": "repository_owner_id:72338950:*"}}, WEB))),
    ok("aws-iam-role-deny-open-trust", "github-custom-subject-exact-under-like", role(trust(GITHUB, {"StringLike": {
        "token.actions.githubusercontent.com:sub": "context:prod:repository_owner:acme"}}, WEB))),
    bad("aws-iam-role-deny-open-trust", "github-custom-subject-any-owner", role(trust(GITHUB, {"StringLike": {
        "token.actions.githubusercontent.com:sub": "repository_owner:*"}}, WEB)), "add a condition on token."),
    # A pattern's literal start must end where the owner's name does: 'acme*' also admits the owner acme-evil.
    *[bad("aws-iam-role-deny-open-trust", f"github-owner-prefix-{key}", role(trust(GITHUB, {"StringLike": {
        "token.actions.githubusercontent.com:sub": f"{key}:{value}*"}}, WEB)), "add a condition on token.")
      for key, value in (("repository_owner", "acme"), ("repository_owner_id", "1234"), ("repository_id", "9"))],
    ok("aws-iam-role-deny-open-trust", "github-owner-then-separator", role(trust(GITHUB, {"StringLike": {
        "token.actions.githubusercontent.com:sub": "repository_owner:acme:*"}}, WEB))),
    # Multi-tenant issuers: a subject must name the GitLab.com group or the Terraform Cloud organization.
    ok("aws-iam-role-deny-open-trust", "gitlab-group", role(trust(GITLAB, {"StringLike": {
        "gitlab.com:sub": "project_path:acme/ml/*:ref_type:branch:ref:main"}}, WEB))),
    bad("aws-iam-role-deny-open-trust", "gitlab-any-group", role(trust(GITLAB, {"StringLike": {
        "gitlab.com:sub": "project_path:*"}}, WEB)), "add a condition on gitlab.com:sub"),
    ok("aws-iam-role-deny-open-trust", "terraform-cloud-organization", role(trust(TFC, {"StringLike": {
        "app.terraform.io:sub": "organization:acme:project:*:workspace:*:run_phase:*"}}, WEB))),
    # Another issuer (GitHub Enterprise Server, a self-managed GitLab or cluster): the subject's shape says whose it is.
    bad("aws-iam-role-deny-open-trust", "self-managed-gitlab-any-group", role(trust(
        {"Federated": "arn:aws:iam::333333333333:oidc-provider/gitlab.acme.example"}, {"StringLike": {
            "gitlab.acme.example:sub": "project_path:*"}}, WEB)), "add a condition on gitlab.acme.example:sub"),
    ok("aws-iam-role-deny-open-trust", "self-managed-gitlab-group", role(trust(
        {"Federated": "arn:aws:iam::333333333333:oidc-provider/gitlab.acme.example"}, {"StringLike": {
            "gitlab.acme.example:sub": "project_path:acme/*"}}, WEB))),
    bad("aws-iam-role-deny-open-trust", "self-hosted-kubernetes-any-namespace", role(trust(
        {"Federated": "arn:aws:iam::333333333333:oidc-provider/oidc.k8s.acme.example"}, {"StringLike": {
            "oidc.k8s.acme.example:sub": "system:serviceaccount:*"}}, WEB)), "add a condition on oidc.k8s.acme.example:sub"),
    bad("aws-iam-role-deny-open-trust", "github-enterprise-any-owner", role(trust(
        {"Federated": "arn:aws:iam::333333333333:oidc-provider/ghe.acme.example/_services/token"}, {"StringLike": {
            "ghe.acme.example/_services/token:sub": "repo:*"}}, WEB)), "naming whose tokens it accepts"),
    # Whoever customizes a GitHub subject picks its keys, not its values: one exact subject must still name the owner.
    *[bad("aws-iam-role-deny-open-trust", f"github-exact-subject-{name}", role(trust(GITHUB, {"StringEquals": {
        "token.actions.githubusercontent.com:sub": subject}}, WEB)), "add a condition on token.actions.githubusercontent.com:sub")
      for name, subject in (("environment", "environment:prod"), ("ref", "ref:refs/heads/main"),
                            ("reusable-workflow", "job_workflow_ref:octo/shared/.github/workflows/d.yml@refs/heads/main"))],
    ok("aws-iam-role-deny-open-trust", "github-exact-subject-of-an-owner", role(trust(GITHUB, {"StringEquals": {
        "token.actions.githubusercontent.com:sub": ["repository_owner:acme", "repo:acme/app:environment:prod"]}}, WEB))),
    # Keys naming a VPC, an endpoint or an organization path: a wildcard in the id admits any account's.
    *[bad("aws-iam-role-deny-open-trust", f"star-{name}", role(trust({"AWS": "*"}, {"StringLike": condition})), "lets Principal '*' assume")
      for name, condition in (("any-endpoint", {"aws:SourceVpce": "vpce-*"}), ("any-vpc", {"aws:SourceVpc": "vpc-0*"}),
                              ("any-organization-path", {"aws:PrincipalOrgPaths": "o-*/*"}))],
    ok("aws-iam-role-deny-open-trust", "star-one-organization-path", role(trust({"AWS": "*"}, {"ForAnyValue:StringLike": {
        "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-*"}}))),
    # The resource's own account and organization, as AWS's data-perimeter samples compare them.
    ok("aws-iam-role-deny-open-trust", "star-in-the-resource-organization", role(trust({"AWS": "*"}, {"StringEquals": {
        "aws:PrincipalOrgID": "${aws:ResourceOrgID}"}}))),
    ok("aws-iam-role-deny-open-trust", "star-in-the-resource-account", role(trust({"AWS": "*"}, {"StringEquals": {
        "aws:PrincipalAccount": "${aws:ResourceAccount}"}}))),
    # Only equality, likeness and address ranges restrict: a numeric comparison admits a range of accounts.
    bad("aws-iam-role-deny-open-trust", "star-numeric-account", role(trust({"AWS": "*"}, {"NumericGreaterThan": {
        "aws:SourceAccount": "0"}})), "lets Principal '*' assume"),
    bad("aws-iam-role-deny-open-trust", "star-any-hosted-zone", role(trust({"AWS": "*"}, {"ArnLike": {
        "aws:SourceArn": "arn:aws:route53:::hostedzone/*"}})), "lets Principal '*' assume"),
    bad("aws-iam-role-deny-open-trust", "star-two-halves-of-the-internet", role(trust({"AWS": "*"}, {"IpAddress": {
        "aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}})), "lets Principal '*' assume"),
    ok("aws-iam-role-deny-open-trust", "star-one-office-network", role(trust({"AWS": "*"}, {"IpAddress": {
        "aws:SourceIp": "203.0.113.0/24"}}))),
    bad("aws-iam-role-deny-open-trust", "terraform-cloud-any-organization", role(trust(TFC, {"StringLike": {
        "app.terraform.io:sub": "organization:*"}}, WEB)), "add a condition on app.terraform.io:sub"),
    bad("aws-iam-role-deny-open-trust", "star-every-address", role(trust({"AWS": "*"}, {
        "IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})), "lets Principal '*' assume"),
    ok("aws-iam-role-deny-open-trust", "star-role-of-one-account", role(trust({"AWS": "*"}, {
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::333333333333:role/ml-*"}}))),
    ok("aws-iam-role-deny-open-trust", "saml-with-wildcard-action", role(trust(
        {"Federated": "arn:aws:iam::333333333333:saml-provider/corp-idp"}, {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        "sts:AssumeRoleWith*"))),
    bad("aws-s3-bucketpolicy-deny-public", "any-bucket-source-arn", R("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "b", "policy": json.dumps({
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
                       "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}}]})}), "allows Principal '*'"),
    ok("aws-stack-stateful-require-protect", "protected", [R("aws:s3/bucket:Bucket", "b", protect=True), R("aws:sns/topic:Topic", "t")], env=PROD_ENV),
    bad("aws-stack-stateful-require-protect", "unprotected-key", [R("aws:kms/key:Key", "k")], "is stateful but not protected", env=PROD_ENV),
    bad("aws-stack-stateful-require-protect", "configured-types", [R("aws:sns/topic:Topic", "t")], "is stateful but not protected",
        env=PROD_ENV, config={"statefulTypes": ["aws:sns/topic:Topic"]}),
    ok("aws-stack-resource-deny-default-provider", "explicit", [R("aws:s3/bucket:Bucket", "b"), R("pulumi:pulumi:StackReference", "shared", provider=DEFAULT_PROVIDER)]),
    bad("aws-stack-resource-deny-default-provider", "default", [R("aws:s3/bucket:Bucket", "b", provider=DEFAULT_PROVIDER)],
        "uses the default aws provider (urn:pulumi:dev::acme-app::pulumi:providers:aws::default_7_51_0)"),
]

# Container compute (EKS, ECS, ELB) cases live in their own module.
from tests.policies.cases_compute import COMPUTE_CASES  # noqa: E402

CASES += COMPUTE_CASES

# Organizations (SCPs) and the organization trail: tests/policies/cases_organizations.py.
from tests.policies.cases_organizations import ORGANIZATION_CASES  # noqa: E402

CASES += ORGANIZATION_CASES
