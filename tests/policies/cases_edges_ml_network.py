"""Pass/violate cases for mutation-testing survivors (bench/mutation.py) in the ml network rules: alternative
spellings, each provider's property names, each branch. Same shape as ``cases.CASES``; type tokens and property
names are written out, never taken from the rules."""

from __future__ import annotations

import json
from typing import Any

from tests.policies.cases import KEY, Case, bad, ok, pipeline
from tests.policies.harness import UNKNOWN, R

NACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
PLAIN_VPC = R("aws:ec2/vpc:Vpc", "core", {"cidrBlock": "10.1.0.0/16"})
EMPTY_ACL = R("aws:ec2/networkAcl:NetworkAcl", "edge", {"vpcId": "vpc-2"})
ISOLATED = {"enableNetworkIsolation": True, "enableInterContainerTrafficEncryption": True,
            "vpcConfig": {"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]}}
TRAIN_KEYS = {"OutputDataConfig": {"S3OutputPath": "s3://x", "KmsKeyId": KEY}, "ResourceConfig": {"VolumeKmsKeyId": KEY}}


AWSX = R("awsx:ec2:Vpc", "mesh", {"cidrBlock": "10.2.0.0/16"}, provider=None)
AWSX_INNER = R("aws:ec2/vpc:Vpc", "mesh-vpc", {"cidrBlock": "10.2.0.0/16"}, parent=AWSX)


CATALOG = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
NATIVE_CATALOG = "aws-native:glue:DataCatalogEncryptionSettings"
AT_REST_KMS = {"catalogEncryptionMode": "SSE-KMS", "sseAwsKmsKeyId": KEY}
PASSWORDS_KMS = {"returnConnectionPasswordEncrypted": True, "awsKmsKeyId": KEY}


def catalog(at_rest: dict[str, Any] | None = None, passwords: dict[str, Any] | None = None, type_: str = CATALOG) -> R:
    return R(type_, "cat", {"dataCatalogEncryptionSettings": {
        "encryptionAtRest": AT_REST_KMS if at_rest is None else at_rest,
        "connectionPasswordEncryption": PASSWORDS_KMS if passwords is None else passwords}})


def native_flow_log(resource_type: str) -> R:
    return R("aws-native:ec2:FlowLog", "native-fl", {"resourceId": UNKNOWN, "resourceType": resource_type, "trafficType": "ALL"},
             property_dependencies={"resourceId": [PLAIN_VPC]})


def acl_entry(name: str, number: int, action: str, protocol: str, start: int, end: int) -> R:
    """A NetworkAclRule attached to EMPTY_ACL through its (unknown-at-preview) id, source 0.0.0.0/0."""
    return R(NACL_RULE, name, {"networkAclId": UNKNOWN, "ruleNumber": number, "egress": False, "protocol": protocol,
                               "ruleAction": action, "cidrBlock": "0.0.0.0/0", "fromPort": start, "toPort": end},
             property_dependencies={"networkAclId": [EMPTY_ACL]})


def pipeline_with(steps: list[dict[str, Any]], parameters: list[dict[str, Any]] | None = None) -> str:
    body: dict[str, Any] = {"Version": "2020-12-01", "Steps": steps}
    if parameters:
        body["Parameters"] = parameters
    return json.dumps(body)


def training_step(**arguments: Any) -> dict[str, Any]:
    return {"Name": "Fit", "Type": "Training", "Arguments": {**TRAIN_KEYS, **arguments}}


CLUSTER = {"instanceType": "ml.m5.large", "instanceCount": 1, "volumeKmsKeyId": KEY}
NETWORK = {"networkConfig": ISOLATED}
# Job-like types with every key and network setting in place (type, props), and what an empty one is told first.
JOB_TYPES: list[tuple[str, dict[str, Any], str, str]] = [
    ("aws:sagemaker/trainingJob:TrainingJob", {"outputDataConfig": {"kmsKeyId": KEY}, "resourceConfig": CLUSTER, **ISOLATED},
     "outputDataConfig.kmsKeyId is not set", "enableInterContainerTrafficEncryption is not true"),
    ("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition", {
        "jobResources": {"clusterConfig": CLUSTER}, "dataQualityJobOutputConfig": {"kmsKeyId": KEY}, **NETWORK},
     "dataQualityJobOutputConfig.kmsKeyId is not set", "networkConfig.vpcConfig with subnets is not set"),
    ("aws-native:sagemaker:ProcessingJob", {
        "processingResources": {"clusterConfig": CLUSTER}, "processingOutputConfig": {"kmsKeyId": KEY}, **NETWORK},
     "processingOutputConfig.kmsKeyId is not set", "networkConfig.enableInterContainerTrafficEncryption is not true"),
    ("aws-native:sagemaker:DataQualityJobDefinition", {
        "jobResources": {"clusterConfig": CLUSTER}, "dataQualityJobOutputConfig": {"kmsKeyId": KEY}, **NETWORK},
     "dataQualityJobOutputConfig.kmsKeyId is not set", "networkConfig.enableNetworkIsolation is not true"),
    ("aws-native:sagemaker:ModelQualityJobDefinition", {
        "jobResources": {"clusterConfig": CLUSTER}, "modelQualityJobOutputConfig": {"kmsKeyId": KEY}, **NETWORK},
     "modelQualityJobOutputConfig.kmsKeyId is not set", "networkConfig.enableNetworkIsolation is not true"),
    ("aws-native:sagemaker:ModelBiasJobDefinition", {
        "jobResources": {"clusterConfig": CLUSTER}, "modelBiasJobOutputConfig": {"kmsKeyId": KEY}, **NETWORK},
     "modelBiasJobOutputConfig.kmsKeyId is not set", "networkConfig.enableNetworkIsolation is not true"),
    ("aws-native:sagemaker:ModelExplainabilityJobDefinition", {
        "jobResources": {"clusterConfig": CLUSTER}, "modelExplainabilityJobOutputConfig": {"kmsKeyId": KEY}, **NETWORK},
     "modelExplainabilityJobOutputConfig.kmsKeyId is not set", "networkConfig.enableNetworkIsolation is not true"),
    ("aws-native:sagemaker:MonitoringSchedule", {"monitoringScheduleConfig": {"monitoringJobDefinition": {
        "monitoringResources": {"clusterConfig": CLUSTER}, "monitoringOutputConfig": {"kmsKeyId": KEY}, **NETWORK}}},
     "monitoringScheduleConfig.monitoringJobDefinition.monitoringResources.clusterConfig.volumeKmsKeyId is not set",
     "monitoringScheduleConfig.monitoringJobDefinition.networkConfig.vpcConfig with subnets is not set"),
]
TUNE_OK = {"Name": "Tune", "Type": "Tuning", "Arguments": {"TrainingJobDefinition": {
    "OutputDataConfig": {"KmsKeyId": KEY}, "ResourceConfig": {"InstanceType": "ml.m5.large", "VolumeKmsKeyId": KEY},
    "EnableNetworkIsolation": True, "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}}}}
PROCESS_OK = {"Name": "Prep", "Type": "Processing", "Arguments": {
    "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeKmsKeyId": KEY}},
    "ProcessingOutputConfig": {"Outputs": [], "KmsKeyId": KEY},
    "NetworkConfig": {"EnableNetworkIsolation": True, "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}}}}
TRANSFORM_OK = {"Name": "Score", "Type": "Transform", "Arguments": {
    "TransformOutput": {"S3OutputPath": "s3://x", "KmsKeyId": KEY},
    "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeKmsKeyId": KEY}}}
EMPTY_SCHEDULE = {"monitoringScheduleConfig": {"monitoringJobDefinition": {"monitoringAppSpecification": {"imageUri": "img"}}}}


def job_cases() -> list[Case]:
    """Per job type: everything set passes both rules; an empty job (an inline schedule with no settings) violates both."""
    cases: list[Case] = []
    for type_, props, kms, network in JOB_TYPES:
        name = ("native-" if type_.startswith("aws-native:") else "") + type_.rpartition(":")[2]
        empty = EMPTY_SCHEDULE if name.endswith("MonitoringSchedule") else {}
        cases += [
            ok("aws-sagemaker-job-enforce-kms", f"{name}-all-set", R(type_, "job", props)),
            ok("aws-sagemaker-job-enforce-network-isolation", f"{name}-all-set", R(type_, "job", props)),
            bad("aws-sagemaker-job-enforce-kms", f"{name}-empty", R(type_, "job", empty), kms),
            bad("aws-sagemaker-job-enforce-network-isolation", f"{name}-empty", R(type_, "job", empty), network),
        ]
    return cases


EDGES: list[Case] = [
    *job_cases(),
    ok("aws-sagemaker-job-enforce-network-isolation", "schedule-by-name", R("aws-native:sagemaker:MonitoringSchedule", "s", {
        "monitoringScheduleConfig": {"monitoringJobDefinitionName": "dq"}})),
    # ---- VPC flow logs: the aws-native FlowLog spelling (resourceId + resourceType) -------------------------
    ok("aws-ec2-vpc-require-flow-logs", "native-flow-log-on-vpc", [PLAIN_VPC, native_flow_log("VPC")]),
    bad("aws-ec2-vpc-require-flow-logs", "native-flow-log-on-subnet", [PLAIN_VPC, native_flow_log("Subnet")],
        "Vpc 'core': has no flow log"),
    # ---- network ACLs: rule-number order, a missing protocol, a source family left out in a preview --------
    ok("aws-ec2-networkacl-deny-public-admin-ports", "inline-deny-numbered-first-listed-second", [
        R("aws:ec2/networkAcl:NetworkAcl", "acl", {"vpcId": "vpc-1", "ingress": [
            {"ruleNo": 200, "action": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0", "fromPort": 0, "toPort": 0},
            {"ruleNo": 100, "action": "deny", "protocol": "tcp", "cidrBlock": "0.0.0.0/0", "fromPort": 0, "toPort": 65535}]})]),
    ok("aws-ec2-networkacl-deny-public-admin-ports", "rule-resources-deny-numbered-first-listed-second", [
        EMPTY_ACL, acl_entry("wide", 300, "allow", "-1", 0, 0), acl_entry("no-admin", 110, "deny", "tcp", 0, 65535)]),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "rule-resources-allow-numbered-first", [
        EMPTY_ACL, acl_entry("no-admin", 310, "deny", "tcp", 0, 65535), acl_entry("wide", 120, "allow", "-1", 0, 0)],
        "NetworkAclRule 'wide' allows the internet to reach port(s) 22, 3389."),
    # Joined by the ACL's known id instead of a dependency (names fixed in code, an update): the rules are judged
    # with their ACL, in number order, never on their own.
    ok("aws-ec2-networkacl-deny-public-admin-ports", "rule-resources-by-known-id-deny-numbered-first", [
        R("aws:ec2/networkAcl:NetworkAcl", "known", {"vpcId": "vpc-2", "id": "acl-123"}),
        *(R(NACL_RULE, name, {"networkAclId": "acl-123", "ruleNumber": number, "egress": False, "protocol": protocol,
                              "ruleAction": action, "cidrBlock": "0.0.0.0/0", "fromPort": start, "toPort": end})
          for name, number, action, protocol, start, end in (("no-admin", 100, "deny", "tcp", 0, 65535),
                                                              ("wide", 200, "allow", "-1", 0, 0)))]),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "protocol-left-out-means-all", [R(NACL_RULE, "bare", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "ruleAction": "allow", "cidrBlock": "0.0.0.0/0"})],
        "rule allows the internet to reach port(s) 22, 3389."),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "ipv6-source-unknown-beside-ipv4-world", [R(NACL_RULE, "ssh", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "tcp", "ruleAction": "allow",
        "cidrBlock": "0.0.0.0/0", "ipv6CidrBlock": UNKNOWN, "fromPort": 22, "toPort": 22})],
        "rule allows the internet to reach port(s) 22."),
    # ---- SageMaker jobs: the training job's own isolation flag, the processing job's volume key -------------
    ok("aws-sagemaker-job-enforce-network-isolation", "training-isolated", R("aws:sagemaker/trainingJob:TrainingJob", "t", ISOLATED)),
    bad("aws-sagemaker-job-enforce-network-isolation", "training-not-isolated", R("aws:sagemaker/trainingJob:TrainingJob", "t", {
        **ISOLATED, "enableNetworkIsolation": False}), "TrainingJob 't': enableNetworkIsolation is not true."),
    ok("aws-sagemaker-job-enforce-kms", "native-processing", R("aws-native:sagemaker:ProcessingJob", "prep", {
        "processingResources": {"clusterConfig": {"instanceType": "ml.m5.xlarge", "instanceCount": 1, "volumeKmsKeyId": KEY}},
        "processingOutputConfig": {"kmsKeyId": KEY}})),
    bad("aws-sagemaker-job-enforce-kms", "native-processing-volume", R("aws-native:sagemaker:ProcessingJob", "prep", {
        "processingResources": {"clusterConfig": {"instanceType": "ml.m5.xlarge", "instanceCount": 1}},
        "processingOutputConfig": {"kmsKeyId": KEY}}), "processingResources.clusterConfig.volumeKmsKeyId is not set"),
    # ---- SageMaker pipelines: a training step's network settings ------------------------------------------
    bad("aws-sagemaker-pipeline-enforce-network-isolation", "training-step-open", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline([training_step(VpcConfig={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]})])}),
        "step 'Fit': Arguments.EnableNetworkIsolation is not true."),
    bad("aws-sagemaker-pipeline-enforce-network-isolation", "training-step-outside-vpc", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline([training_step(EnableNetworkIsolation=True)])}),
        "step 'Fit': Arguments.VpcConfig with Subnets is not set."),
    # ---- SageMaker pipelines: tuning, transform and processing steps, else-branches, expressions ------------
    ok("aws-sagemaker-pipeline-enforce-network-isolation", "tuning-and-processing-isolated", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([TUNE_OK, PROCESS_OK, TRANSFORM_OK])})),
    bad("aws-sagemaker-pipeline-enforce-network-isolation", "tuning-open", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([{"Name": "Tune", "Type": "Tuning", "Arguments": {"TrainingJobDefinition": {}}}])}),
        "step 'Tune': Arguments.TrainingJobDefinition.EnableNetworkIsolation is not true."),
    bad("aws-sagemaker-pipeline-enforce-network-isolation", "tuning-outside-vpc", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([{"Name": "Tune", "Type": "Tuning", "Arguments": {"TrainingJobDefinition": {
            "EnableNetworkIsolation": True}}}])}), "step 'Tune': Arguments.TrainingJobDefinition.VpcConfig with Subnets is not set."),
    bad("aws-sagemaker-pipeline-enforce-network-isolation", "processing-in-else-branch", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([{"Name": "Check", "Type": "Condition", "Arguments": {"IfSteps": [], "ElseSteps": [
            {"Name": "Late", "Type": "Processing", "Arguments": {"NetworkConfig": {"EnableNetworkIsolation": True}}}]}}])}),
        "step 'Late': Arguments.NetworkConfig.VpcConfig with Subnets is not set."),
    ok("aws-sagemaker-pipeline-enforce-network-isolation", "settings-from-parameters", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([training_step(EnableNetworkIsolation={"Get": "Parameters.Isolate"},
                                                           VpcConfig={"Std:Join": {"On": ",", "Values": ["subnet-1"]}})])})),
    ok("aws-sagemaker-pipeline-enforce-kms", "tuning-transform-processing-keys", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([TUNE_OK, PROCESS_OK, TRANSFORM_OK])})),
    ok("aws-sagemaker-pipeline-enforce-kms", "key-from-std-join", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([training_step(OutputDataConfig={"KmsKeyId": {"Std:Join": {"On": "", "Values": [KEY]}}})])})),
    bad("aws-sagemaker-pipeline-enforce-kms", "transform-output", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([{**TRANSFORM_OK, "Arguments": {**TRANSFORM_OK["Arguments"], "TransformOutput": {}}}])}),
        "step 'Score' Arguments.TransformOutput.KmsKeyId is not set"),
    bad("aws-sagemaker-pipeline-enforce-kms", "transform-volume", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([{**TRANSFORM_OK, "Arguments": {**TRANSFORM_OK["Arguments"], "TransformResources": {
            "InstanceType": "ml.m5.large", "InstanceCount": 1}}}])}),
        "step 'Score' Arguments.TransformResources.VolumeKmsKeyId is not set"),
    bad("aws-sagemaker-pipeline-enforce-kms", "tuning-volume", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([{"Name": "Tune", "Type": "Tuning", "Arguments": {"TrainingJobDefinition": {
            "OutputDataConfig": {"KmsKeyId": KEY}, "ResourceConfig": {"InstanceType": "ml.m5.large"}}}}])}),
        "step 'Tune' Arguments.TrainingJobDefinition.ResourceConfig.VolumeKmsKeyId is not set"),
    bad("aws-sagemaker-pipeline-enforce-kms", "tuning-output", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([{"Name": "Tune", "Type": "Tuning", "Arguments": {"TrainingJobDefinition": {
            "ResourceConfig": {"VolumeKmsKeyId": KEY}}}}])}),
        "step 'Tune' Arguments.TrainingJobDefinition.OutputDataConfig.KmsKeyId is not set"),
    bad("aws-sagemaker-pipeline-enforce-kms", "processing-output", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([{**PROCESS_OK, "Arguments": {**PROCESS_OK["Arguments"], "ProcessingOutputConfig": {}}}])}),
        "step 'Prep' Arguments.ProcessingOutputConfig.KmsKeyId is not set"),
    bad("aws-sagemaker-pipeline-enforce-kms", "training-volume", R("aws:sagemaker/pipeline:Pipeline", "p", {
        "pipelineDefinition": pipeline_with([training_step(ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1})])}),
        "step 'Fit' Arguments.ResourceConfig.VolumeKmsKeyId is not set"),
    ok("aws-sagemaker-pipeline-enforce-kms", "native-nvme-type-from-parameter", R("aws-native:sagemaker:Pipeline", "p", {
        "pipelineDefinition": {"pipelineDefinitionBody": pipeline_with(
            [training_step(ResourceConfig={"InstanceType": {"Get": "Parameters.TrainType"}, "InstanceCount": 1})],
            [{"Name": "TrainType", "Type": "String", "DefaultValue": "ml.g5.xlarge"}])}})),
    ok("aws-sagemaker-pipeline-enforce-kms", "native-all-keys", R("aws-native:sagemaker:Pipeline", "p", {
        "pipelineDefinition": {"pipelineDefinitionBody": pipeline_with([training_step(), PROCESS_OK])}})),
    # ---- SageMaker endpoint configs, notebooks, domains, models, feature groups: each provider --------------
    ok("aws-sagemaker-endpointconfig-enforce-kms", "native-all-keys", R("aws-native:sagemaker:EndpointConfig", "ep", {
        "kmsKeyId": KEY, "productionVariants": [{"variantName": "a", "instanceType": "ml.m5.large", "initialInstanceCount": 1}],
        "asyncInferenceConfig": {"outputConfig": {"s3OutputPath": "s3://x", "kmsKeyId": KEY}}, "dataCaptureConfig": {"kmsKeyId": KEY}})),
    bad("aws-sagemaker-endpointconfig-enforce-kms", "async-output-unencrypted", R("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "ep", {
        "kmsKeyArn": KEY, "asyncInferenceConfig": {"outputConfig": {"s3OutputPath": "s3://x"}}}),
        "asyncInferenceConfig.outputConfig.kmsKeyId is not set"),
    bad("aws-sagemaker-endpointconfig-enforce-kms", "no-variants-no-key", R("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "ep", {}),
        "kmsKeyArn is not set"),
    bad("aws-sagemaker-endpointconfig-enforce-kms", "serverless-beside-instance-variant", R("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "ep", {
        "productionVariants": [{"variantName": "a", "serverlessConfig": {"maxConcurrency": 1, "memorySizeInMb": 2048}},
                               {"variantName": "b", "instanceType": "ml.m5.large", "initialInstanceCount": 1}]}),
        "kmsKeyArn is not set"),
    bad("aws-sagemaker-notebookinstance-enforce-kms", "native-no-key", R("aws-native:sagemaker:NotebookInstance", "nb", {}), "kmsKeyId is not set"),
    ok("aws-sagemaker-notebookinstance-enforce-kms", "native-key", R("aws-native:sagemaker:NotebookInstance", "nb", {"kmsKeyId": KEY})),
    bad("aws-sagemaker-notebookinstance-deny-root-access", "native-default", R("aws-native:sagemaker:NotebookInstance", "nb", {}),
        "rootAccess is 'Enabled'"),
    bad("aws-sagemaker-notebookinstance-deny-root-access", "enabled", R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {
        "rootAccess": "Enabled"}), "rootAccess is 'Enabled'"),
    bad("aws-sagemaker-notebookinstance-enforce-imdsv2", "native-default", R("aws-native:sagemaker:NotebookInstance", "nb", {}), "is '1'"),
    ok("aws-sagemaker-notebookinstance-enforce-imdsv2", "native-v2", R("aws-native:sagemaker:NotebookInstance", "nb", {
        "instanceMetadataServiceConfiguration": {"minimumInstanceMetadataServiceVersion": "2"}})),
    bad("aws-sagemaker-notebookinstance-deny-direct-internet", "enabled-in-subnet", R("aws-native:sagemaker:NotebookInstance", "nb", {
        "subnetId": "subnet-1", "directInternetAccess": "Enabled"}), "directInternetAccess is 'Enabled'"),
    bad("aws-sagemaker-domain-enforce-vpc-only", "native-default-public", R("aws-native:sagemaker:Domain", "studio", {}),
        "appNetworkAccessType is 'PublicInternetOnly'"),
    ok("aws-sagemaker-domain-enforce-vpc-only", "native-vpc-only", R("aws-native:sagemaker:Domain", "studio", {
        "appNetworkAccessType": "VpcOnly", "subnetIds": ["subnet-1"]})),
    ok("aws-sagemaker-domain-enforce-kms", "native-key", R("aws-native:sagemaker:Domain", "studio", {"kmsKeyId": KEY})),
    ok("aws-sagemaker-model-enforce-network-isolation", "native-isolated-subnet-ids", R("aws-native:sagemaker:Model", "m", {
        "enableNetworkIsolation": True, "vpcConfig": {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}})),
    bad("aws-sagemaker-model-enforce-network-isolation", "isolated-outside-vpc", R("aws:sagemaker/model:Model", "m", {
        "enableNetworkIsolation": True, "vpcConfig": {"securityGroupIds": ["sg-1"]}}), "vpcConfig with subnets is not set"),
    ok("aws-sagemaker-featuregroup-enforce-kms", "native-both-stores", R("aws-native:sagemaker:FeatureGroup", "fg", {
        "onlineStoreConfig": {"enableOnlineStore": True, "securityConfig": {"kmsKeyId": KEY}},
        "offlineStoreConfig": {"s3StorageConfig": {"s3Uri": "s3://b/fs", "kmsKeyId": KEY}}})),
    ok("aws-sagemaker-featuregroup-enforce-kms", "online-store-off", R("aws:sagemaker/featureGroup:FeatureGroup", "fg", {
        "onlineStoreConfig": {"securityConfig": {}}})),
    bad("aws-sagemaker-featuregroup-enforce-kms", "offline-aws-managed", R("aws:sagemaker/featureGroup:FeatureGroup", "fg", {
        "offlineStoreConfig": {"s3StorageConfig": {"s3Uri": "s3://b/fs", "kmsKeyId": "alias/aws/s3"}}}),
        "offlineStoreConfig.s3StorageConfig.kmsKeyId is the AWS-managed key"),
    # ---- VPC flow logs: native VPCs joined by value, a flow log on an awsx component's inner VPC -----------
    ok("aws-ec2-vpc-require-flow-logs", "native-joined-by-vpc-id", [
        R("aws-native:ec2:Vpc", "nv", {"cidrBlock": "10.3.0.0/16", "vpcId": "vpc-0abc"}),
        R("aws-native:ec2:FlowLog", "nfl", {"resourceId": "vpc-0abc", "resourceType": "VPC", "trafficType": "ALL"})]),
    ok("aws-ec2-vpc-require-flow-logs", "aws-joined-by-id", [
        R("aws:ec2/vpc:Vpc", "v", {"cidrBlock": "10.3.0.0/16", "id": "vpc-0def"}),
        R("aws:ec2/flowLog:FlowLog", "fl", {"vpcId": "vpc-0def", "trafficType": "REJECT"})]),
    bad("aws-ec2-vpc-require-flow-logs", "native-vpc-without", [R("aws-native:ec2:Vpc", "nv", {"cidrBlock": "10.3.0.0/16"})],
        "Vpc 'nv': has no flow log"),
    ok("aws-ec2-vpc-require-flow-logs", "awsx-flow-log-on-inner-vpc", [AWSX, AWSX_INNER, R("aws:ec2/flowLog:FlowLog", "fl", {
        "vpcId": UNKNOWN}, property_dependencies={"vpcId": [AWSX_INNER]})]),
    # ---- security groups: every rule type and source spelling, protocol spellings, allowed ports ------------
    bad("aws-ec2-securitygroup-deny-public-ingress", "native-ingress-resource", R("aws-native:ec2:SecurityGroupIngress", "r", {
        "groupId": "sg-1", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIp": "0.0.0.0/0"}), "rule allows 0.0.0.0/0 on tcp 22-22."),
    bad("aws-ec2-securitygroup-deny-public-ingress", "inline-ipv6", R("aws:ec2/securityGroup:SecurityGroup", "sg", {
        "ingress": [{"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": [], "ipv6CidrBlocks": ["::/0"]}]}),
        "ingress[0] allows ::/0 on tcp 80-80."),
    bad("aws-ec2-securitygroup-deny-public-ingress", "native-inline-ipv6", R("aws-native:ec2:SecurityGroup", "sg", {
        "securityGroupIngress": [{"ipProtocol": "-1", "cidrIpv6": "::/0"}]}), "securityGroupIngress[0] allows ::/0 on all ports."),
    bad("aws-ec2-securitygroup-deny-public-ingress", "protocol-all-spelled-out", R("aws:ec2/securityGroupRule:SecurityGroupRule", "r", {
        "type": "ingress", "protocol": "all", "fromPort": 0, "toPort": 65535, "cidrBlocks": ["0.0.0.0/0"]}), "rule allows 0.0.0.0/0 on all ports."),
    bad("aws-ec2-securitygroup-deny-public-ingress", "protocol-left-out-means-all", R("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", {
        "fromPort": 22, "toPort": 22, "cidrIpv4": "0.0.0.0/0"}), "rule allows 0.0.0.0/0 on all ports."),
    bad("aws-ec2-securitygroup-deny-public-ingress", "tcp-without-ports", R("aws-native:ec2:SecurityGroupIngress", "r", {
        "ipProtocol": "tcp", "cidrIp": "0.0.0.0/0"}), "rule allows 0.0.0.0/0 on all ports."),
    ok("aws-ec2-securitygroup-deny-public-ingress", "allowed-port-numeric-tcp", R("aws-native:ec2:SecurityGroupIngress", "r", {
        "ipProtocol": "6", "fromPort": 443, "toPort": 443, "cidrIp": "0.0.0.0/0"}), config={"allowedPublicIngressPorts": [443]}),
    ok("aws-ec2-securitygroup-deny-public-ingress", "allowed-port-udp", R("aws:ec2/securityGroup:SecurityGroup", "sg", {
        "ingress": [{"protocol": "udp", "fromPort": 53, "toPort": 53, "cidrBlocks": ["0.0.0.0/0"]},
                    {"protocol": "17", "fromPort": 53, "toPort": 53, "ipv6CidrBlocks": ["::/0"]}]}), config={"allowedPublicIngressPorts": [53]}),
    bad("aws-ec2-securitygroup-deny-public-ingress", "allowed-port-in-a-wider-range", R("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", {
        "ipProtocol": "tcp", "fromPort": 443, "toPort": 444, "cidrIpv4": "0.0.0.0/0"}), "rule allows 0.0.0.0/0 on tcp 443-444.",
        config={"allowedPublicIngressPorts": [443]}),
    bad("aws-ec2-securitygroup-deny-public-ingress", "allowed-port-over-icmp", R("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", {
        "ipProtocol": "icmp", "fromPort": 8, "toPort": 8, "cidrIpv4": "0.0.0.0/0"}), "rule allows 0.0.0.0/0 on icmp 8-8.",
        config={"allowedPublicIngressPorts": [8]}),
    bad("aws-ec2-securitygroup-deny-public-ingress", "not-allowed-port", R("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", {
        "ipProtocol": "tcp", "fromPort": 8443, "toPort": 8443, "cidrIpv4": "0.0.0.0/0"}), "rule allows 0.0.0.0/0 on tcp 8443-8443.",
        config={"allowedPublicIngressPorts": [443]}),
    bad("aws-ec2-defaultsecuritygroup-deny-rules", "egress-kept", R("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default", {
        "vpcId": "vpc-1", "egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]}), "has 1 egress rule(s)"),
    # ---- network ACLs: protocol spellings, port ranges --------------------------------------------------------
    bad("aws-ec2-networkacl-deny-public-admin-ports", "protocol-all-spelled-out", [R(NACL_RULE, "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "all", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0"})],
        "rule allows the internet to reach port(s) 22, 3389."),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "tcp-zero-range-means-all", [R(NACL_RULE, "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "tcp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0",
        "fromPort": 0, "toPort": 0})], "rule allows the internet to reach port(s) 22, 3389."),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "tcp-without-ports", [R(NACL_RULE, "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "tcp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0"})],
        "rule allows the internet to reach port(s) 22, 3389."),
    ok("aws-ec2-networkacl-deny-public-admin-ports", "udp-from-world", [R(NACL_RULE, "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "udp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0",
        "fromPort": 0, "toPort": 65535})]),
    ok("aws-ec2-networkacl-deny-public-admin-ports", "range-between-admin-ports", [R(NACL_RULE, "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "tcp", "ruleAction": "allow", "ipv6CidrBlock": "::/0",
        "fromPort": 23, "toPort": 3388})]),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "range-edges", [R(NACL_RULE, "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "tcp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0",
        "fromPort": 22, "toPort": 3389})], "rule allows the internet to reach port(s) 22, 3389."),
    ok("aws-ec2-networkacl-deny-public-admin-ports", "ipv4-deny-does-not-cover-ipv6-allow-elsewhere", [R("aws:ec2/networkAcl:NetworkAcl", "acl", {
        "vpcId": "vpc-1", "ingress": [
            {"ruleNo": 100, "action": "deny", "protocol": "-1", "cidrBlock": "0.0.0.0/0", "fromPort": 0, "toPort": 0},
            {"ruleNo": 110, "action": "deny", "protocol": "-1", "ipv6CidrBlock": "::/0", "fromPort": 0, "toPort": 0},
            {"ruleNo": 200, "action": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0", "fromPort": 0, "toPort": 0}]})]),
    ok("aws-ec2-networkacl-deny-public-admin-ports", "tcp-from-zero-below-ssh", [R(NACL_RULE, "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "tcp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0",
        "fromPort": 0, "toPort": 21})]),
    bad("aws-ec2-networkacl-deny-public-admin-ports", "tcp-without-end-port", [R(NACL_RULE, "r", {
        "networkAclId": "acl-1", "ruleNumber": 100, "egress": False, "protocol": "tcp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0",
        "fromPort": 1024})], "rule allows the internet to reach port(s) 22, 3389."),
    # ---- Glue catalog: each provider's key field, the service-role mode, each missing piece ------------------
    ok("aws-glue-catalog-enforce-kms", "native-kms", catalog(passwords={"returnConnectionPasswordEncrypted": True, "kmsKeyId": KEY},
                                                               type_=NATIVE_CATALOG)),
    ok("aws-glue-catalog-enforce-kms", "kms-with-service-role", catalog(at_rest={
        "catalogEncryptionMode": "SSE-KMS-WITH-SERVICE-ROLE", "sseAwsKmsKeyId": KEY,
        "catalogEncryptionServiceRole": "arn:aws:iam::333333333333:role/glue-catalog"})),
    bad("aws-glue-catalog-enforce-kms", "native-empty", R(NATIVE_CATALOG, "cat", {"dataCatalogEncryptionSettings": {}}),
        "encryptionAtRest.catalogEncryptionMode is 'DISABLED'"),
    bad("aws-glue-catalog-enforce-kms", "kms-without-key", catalog(at_rest={"catalogEncryptionMode": "SSE-KMS"}),
        "encryptionAtRest.sseAwsKmsKeyId is not set"),
    bad("aws-glue-catalog-enforce-kms", "passwords-returned-in-clear", catalog(passwords={"returnConnectionPasswordEncrypted": False,
                                                                                            "awsKmsKeyId": KEY}),
        "connectionPasswordEncryption.returnConnectionPasswordEncrypted is not true."),
    bad("aws-glue-catalog-enforce-kms", "passwords-without-key", catalog(passwords={"returnConnectionPasswordEncrypted": True}),
        "connectionPasswordEncryption.awsKmsKeyId is not set"),
    # ---- Glue security configurations: each block in each provider ----------------------------------------
    ok("aws-glue-securityconfiguration-enforce-kms", "native-all-kms", R("aws-native:glue:SecurityConfiguration", "sec", {
        "encryptionConfiguration": {"s3Encryptions": [{"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": KEY}],
                                    "cloudWatchEncryption": {"cloudWatchEncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "CSE-KMS", "kmsKeyArn": KEY}}})),
    bad("aws-glue-securityconfiguration-enforce-kms", "s3-managed", R("aws:glue/securityConfiguration:SecurityConfiguration", "sec", {
        "encryptionConfiguration": {"s3Encryption": {"s3EncryptionMode": "SSE-S3"},
                                    "cloudwatchEncryption": {"cloudwatchEncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "CSE-KMS", "kmsKeyArn": KEY}}}),
        "s3Encryption.s3EncryptionMode is 'SSE-S3'"),
    bad("aws-glue-securityconfiguration-enforce-kms", "logs-unencrypted", R("aws:glue/securityConfiguration:SecurityConfiguration", "sec", {
        "encryptionConfiguration": {"s3Encryption": {"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "CSE-KMS", "kmsKeyArn": KEY}}}),
        "cloudwatchEncryption.cloudwatchEncryptionMode is None"),
    # The classic provider reads `cloudwatchEncryptionMode` only: aws-native's spelling there sets no mode at all.
    bad("aws-glue-securityconfiguration-enforce-kms", "classic-with-native-spelling", R("aws:glue/securityConfiguration:SecurityConfiguration", "sec", {
        "encryptionConfiguration": {"s3Encryption": {"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "cloudwatchEncryption": {"cloudWatchEncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "CSE-KMS", "kmsKeyArn": KEY}}}),
        "cloudwatchEncryption.cloudwatchEncryptionMode is None"),
    bad("aws-glue-securityconfiguration-enforce-kms", "native-second-s3-block", R("aws-native:glue:SecurityConfiguration", "sec", {
        "encryptionConfiguration": {"s3Encryptions": [{"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": KEY}, {"s3EncryptionMode": "DISABLED"}],
                                    "cloudWatchEncryption": {"cloudWatchEncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "CSE-KMS", "kmsKeyArn": KEY}}}),
        "s3Encryptions.s3EncryptionMode is 'DISABLED'"),
    bad("aws-glue-securityconfiguration-enforce-kms", "bookmarks-without-key", R("aws:glue/securityConfiguration:SecurityConfiguration", "sec", {
        "encryptionConfiguration": {"s3Encryption": {"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "cloudwatchEncryption": {"cloudwatchEncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
                                    "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "CSE-KMS"}}}),
        "jobBookmarksEncryption.kmsKeyArn is not set"),
    # ---- Glue jobs, crawlers, dev endpoints; DataBrew -------------------------------------------------------
    bad("aws-glue-job-require-security-configuration", "crawler", R("aws:glue/crawler:Crawler", "c", {}), "securityConfiguration is not set"),
    bad("aws-glue-job-require-security-configuration", "dev-endpoint", R("aws:glue/devEndpoint:DevEndpoint", "d", {}),
        "securityConfiguration is not set"),
    bad("aws-glue-job-require-security-configuration", "native-job", R("aws-native:glue:Job", "j", {}), "securityConfiguration is not set"),
    ok("aws-glue-job-require-security-configuration", "native-job-set", R("aws-native:glue:Job", "j", {"securityConfiguration": "sec"})),
    ok("aws-glue-job-require-security-configuration", "native-crawler-set", R("aws-native:glue:Crawler", "c", {
        "crawlerSecurityConfiguration": "sec"})),
    bad("aws-glue-job-require-vpc-connection", "native-empty-list", R("aws-native:glue:Job", "etl", {"connections": {"connections": []}}),
        "has no connections"),
    bad("aws-glue-job-require-vpc-connection", "native-none", R("aws-native:glue:Job", "etl", {}), "has no connections"),
    ok("aws-glue-job-require-vpc-connection", "native-computed-names", R("aws-native:glue:Job", "etl", {"connections": {"connections": UNKNOWN}})),
    bad("aws-databrew-job-enforce-kms", "kms-without-key", R("aws-native:databrew:Job", "brew", {"encryptionMode": "SSE-KMS"}),
        "encryptionKeyArn is not set"),
    bad("aws-databrew-job-enforce-kms", "no-mode", R("aws-native:databrew:Job", "brew", {}), "encryptionMode is None"),
    # ---- EBS -----------------------------------------------------------------------------------------------
    ok("aws-ebs-volume-enforce-kms", "native-volume", R("aws-native:ec2:Volume", "v", {"availabilityZone": "us-east-1a", "encrypted": True,
                                                                                     "kmsKeyId": KEY})),
    bad("aws-ebs-volume-enforce-kms", "instance-without-root-device", R("aws:ec2/instance:Instance", "i", {"ami": "ami-1"}),
        "rootBlockDevice.encrypted is not true."),
    bad("aws-ebs-volume-enforce-kms", "instance-unencrypted-data-disk", R("aws:ec2/instance:Instance", "i", {
        "rootBlockDevice": {"encrypted": True, "kmsKeyId": KEY}, "ebsBlockDevices": [
            {"deviceName": "/dev/sdf", "encrypted": True, "kmsKeyId": KEY}, {"deviceName": "/dev/sdg"}]}),
        "ebsBlockDevices[1].encrypted is not true."),
    bad("aws-ebs-volume-enforce-kms", "aws-managed-key", R("aws:ebs/volume:Volume", "v", {"availabilityZone": "us-east-1a",
                                                                                           "encrypted": True, "kmsKeyId": "alias/aws/ebs"}),
        "kmsKeyId is the AWS-managed key 'alias/aws/ebs'"),
    ok("aws-ebs-account-enforce-default-encryption", "enabled-by-default", R("aws:ebs/encryptionByDefault:EncryptionByDefault", "ebs", {})),
    bad("aws-ebs-account-enforce-default-encryption", "default-key-unset", R("aws:ebs/defaultKmsKey:DefaultKmsKey", "ebs", {}),
        "keyArn is not set"),
    # ---- DynamoDB and EFS ----------------------------------------------------------------------------------
    ok("aws-dynamodb-table-enforce-kms", "native-key", R("aws-native:dynamodb:Table", "t", {"sseSpecification": {
        "sseEnabled": True, "sseType": "KMS", "kmsMasterKeyId": KEY}})),
    bad("aws-dynamodb-table-enforce-kms", "native-enabled-without-key", R("aws-native:dynamodb:Table", "t", {"sseSpecification": {
        "sseEnabled": True}}), "sseSpecification.kmsMasterKeyId is not set"),
    bad("aws-dynamodb-table-enforce-kms", "owned-key", R("aws:dynamodb/table:Table", "t", {}),
        "serverSideEncryption.enabled is not true, so an AWS-owned key is used."),
    bad("aws-dynamodb-table-enforce-kms", "enabled-without-key", R("aws:dynamodb/table:Table", "t", {"serverSideEncryption": {
        "enabled": True}}), "serverSideEncryption.kmsKeyArn is not set"),
    ok("aws-dynamodb-table-enable-point-in-time-recovery", "native-on", R("aws-native:dynamodb:Table", "t", {
        "pointInTimeRecoverySpecification": {"pointInTimeRecoveryEnabled": True}})),
    bad("aws-dynamodb-table-enable-point-in-time-recovery", "off", R("aws:dynamodb/table:Table", "t", {"pointInTimeRecovery": {
        "enabled": False}}), "pointInTimeRecovery.enabled is not true"),
    ok("aws-efs-filesystem-enforce-kms", "native-key", R("aws-native:efs:FileSystem", "fs", {"encrypted": True, "kmsKeyId": KEY})),
    bad("aws-efs-filesystem-enforce-kms", "native-unencrypted", R("aws-native:efs:FileSystem", "fs", {}), "encrypted is not true."),
    bad("aws-sagemaker-pipeline-require-inline-definition", "native-s3-definition", R("aws-native:sagemaker:Pipeline", "p", {
        "roleArn": "arn:aws:iam::333333333333:role/pipeline", "pipelineDefinition": {
            "pipelineDefinitionS3Location": {"bucket": "defs", "key": "pipeline.json"}}}),
        "read from S3 (pipelineDefinition.pipelineDefinitionS3Location)"),
    ok("aws-sagemaker-pipeline-require-inline-definition", "native-inline-definition", R("aws-native:sagemaker:Pipeline", "p", {
        "roleArn": "arn:aws:iam::333333333333:role/pipeline", "pipelineDefinition": {"pipelineDefinitionBody": '{"Steps": []}'}})),
]
