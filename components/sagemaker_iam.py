"""IAM statements shared by the ML layers' SageMaker roles.

Two kinds of statement live here:

* run-time guardrails (``guardrail_statements``): Deny statements on the
  create-job actions keyed on SageMaker's own condition keys, so a job started by
  a person from Studio (which no deploy-time policy pack ever sees) is refused
  unless it runs in our subnets and security group, with network isolation,
  inter-container encryption and our KMS key on its volumes and outputs;
* the least-privilege Allow statements the Studio, pipeline and model roles are
  built from, every one scoped to this account/region's ARNs.

Values may be ``pulumi.Output``s: ``iam.document`` resolves nested Outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from components import iam
from config.instance_types import nvme_instance_patterns

Input = pulumi.Input
Statement = dict[str, Any]

# Actions whose request names a VPC (sagemaker:VpcSubnets / VpcSecurityGroupIds condition keys).
VPC_ACTIONS = ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateHyperParameterTuningJob",
               "sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2", "sagemaker:CreateModel"]
# Actions that carry sagemaker:NetworkIsolation (AutoML has no such setting).
ISOLATION_ACTIONS = ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateHyperParameterTuningJob",
                     "sagemaker:CreateModel"]
TRAFFIC_ENCRYPTION_ACTIONS = ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
                              "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2"]
# Actions with sagemaker:InstanceTypes, so the volume-key rule can exempt NVMe instance types.
SIZED_KEY_ACTIONS = ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateHyperParameterTuningJob",
                     "sagemaker:CreateTransformJob"]
AUTOML_ACTIONS = ["sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2"]
OUTPUT_KEY_ACTIONS = [*SIZED_KEY_ACTIONS, *AUTOML_ACTIONS]

JOB_RESOURCES = ("training-job", "processing-job", "hyper-parameter-tuning-job", "transform-job", "automl-job", "model")
JOB_ACTIONS = [
    "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateTransformJob", "sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2", "sagemaker:CreateModel",
    "sagemaker:StopTrainingJob", "sagemaker:StopProcessingJob", "sagemaker:StopHyperParameterTuningJob",
    "sagemaker:StopTransformJob", "sagemaker:StopAutoMLJob", "sagemaker:AddTags",
]
# Read-only calls that AWS only authorizes on "*" (no resource-level permissions).
LIST_ACTIONS = [
    "sagemaker:ListTrainingJobs", "sagemaker:ListProcessingJobs", "sagemaker:ListHyperParameterTuningJobs",
    "sagemaker:ListTransformJobs", "sagemaker:ListAutoMLJobs", "sagemaker:ListCandidatesForAutoMLJob", "sagemaker:ListModels",
    "sagemaker:ListEndpoints", "sagemaker:ListEndpointConfigs", "sagemaker:ListModelPackageGroups", "sagemaker:ListPipelines",
    "sagemaker:ListExperiments", "sagemaker:ListTrials", "sagemaker:ListTrialComponents", "sagemaker:ListDomains",
    "sagemaker:ListUserProfiles", "sagemaker:ListApps", "sagemaker:ListSpaces", "sagemaker:ListImages", "sagemaker:Search",
]
DESCRIBE_ACTIONS = [
    "sagemaker:DescribeTrainingJob", "sagemaker:DescribeProcessingJob", "sagemaker:DescribeHyperParameterTuningJob",
    "sagemaker:DescribeTransformJob", "sagemaker:DescribeAutoMLJob", "sagemaker:DescribeAutoMLJobV2", "sagemaker:DescribeModel",
    "sagemaker:DescribeEndpoint", "sagemaker:DescribeEndpointConfig", "sagemaker:DescribePipeline",
    "sagemaker:DescribePipelineExecution", "sagemaker:DescribePipelineDefinitionForExecution",
    "sagemaker:ListPipelineExecutions", "sagemaker:ListPipelineExecutionSteps", "sagemaker:ListPipelineParametersForExecution",
    "sagemaker:ListTrainingJobsForHyperParameterTuningJob", "sagemaker:DescribeDomain", "sagemaker:DescribeUserProfile",
    "sagemaker:DescribeApp", "sagemaker:DescribeSpace", "sagemaker:DescribeImage", "sagemaker:DescribeImageVersion",
    "sagemaker:ListTags",
]
ECR_PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
KMS_USE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
# What SageMaker needs to attach jobs and endpoints to the VPC (the service acts with the passed role).
ENI_ACTIONS = ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
               "ec2:DeleteNetworkInterfacePermission"]
EC2_DESCRIBE = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups"]


# Studio records each user profile as the STS source identity (ExecutionRoleIdentityConfig=USER_PROFILE_NAME);
# AWS then requires sts:SetSourceIdentity in the trust of every role SageMaker assumes, or job and model
# creation fails (AccessDeniedException/ValidationError). docs: sagemaker/latest/dg/monitor-user-access-how-to.html
EXECUTION_TRUST_ACTIONS = ("sts:AssumeRole", "sts:SetSourceIdentity")


def execution_role_trust(account_id: str) -> pulumi.Output[str]:
    """Trust policy of every role SageMaker runs jobs, models and monitors as."""
    return iam.service_trust("sagemaker.amazonaws.com", account_id, actions=EXECUTION_TRUST_ACTIONS)


def _deny(sid: str, actions: Sequence[str], condition: dict[str, Any]) -> Statement:
    return {"Sid": sid, "Effect": "Deny", "Action": list(actions), "Resource": "*", "Condition": condition}


def _other_key(condition_key: str, key_arn: Input[str]) -> dict[str, Any]:
    """True only for a request that names a key other than ours (never for one that names none)."""
    return {"ArnNotEquals": {condition_key: key_arn}, "Null": {condition_key: "false"}}


def guardrail_statements(subnet_ids: Input[Sequence[str]], security_group_ids: Input[Sequence[str]],
                         key_arn: Input[str]) -> list[Statement]:
    """Deny create-job calls that would run outside the VPC, unisolated, or without our KMS key.

    Instance types with local NVMe storage cannot take a volume key (AWS rejects it), so the
    volume-key rule exempts exactly those types; their instance store is hardware-encrypted.

    The "other key" rules apply only when the request names a key (``Null: false``): a negated operator
    such as ``ArnNotEquals`` is TRUE when the key is absent, and so is its ``IfExists`` form, so without
    the Null test they would deny every NVMe job (which sends no volume key) despite the exemption.
    Absent keys are the "without" rules' business.
    """
    return [
        _deny("DenyJobsOutsideVpc", VPC_ACTIONS, {"Null": {"sagemaker:VpcSubnets": "true"}}),
        _deny("DenyJobsInOtherSubnets", VPC_ACTIONS, {"ForAnyValue:StringNotEquals": {"sagemaker:VpcSubnets": subnet_ids}}),
        _deny("DenyJobsWithoutSecurityGroups", VPC_ACTIONS, {"Null": {"sagemaker:VpcSecurityGroupIds": "true"}}),
        _deny("DenyJobsInOtherSecurityGroups", VPC_ACTIONS,
              {"ForAnyValue:StringNotEquals": {"sagemaker:VpcSecurityGroupIds": security_group_ids}}),
        _deny("DenyJobsWithoutNetworkIsolation", ISOLATION_ACTIONS, {"BoolIfExists": {"sagemaker:NetworkIsolation": "false"}}),
        _deny("DenyJobsWithoutTrafficEncryption", TRAFFIC_ENCRYPTION_ACTIONS,
              {"BoolIfExists": {"sagemaker:InterContainerTrafficEncryption": "false"}}),
        _deny("DenyJobsWithoutOutputKey", OUTPUT_KEY_ACTIONS, {"Null": {"sagemaker:OutputKmsKey": "true"}}),
        _deny("DenyJobsWithOtherOutputKey", OUTPUT_KEY_ACTIONS, _other_key("sagemaker:OutputKmsKey", key_arn)),
        _deny("DenyEbsJobsWithoutVolumeKey", SIZED_KEY_ACTIONS, {
            "Null": {"sagemaker:VolumeKmsKey": "true"},
            "ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": nvme_instance_patterns()},
        }),
        _deny("DenyAutoMLWithoutVolumeKey", AUTOML_ACTIONS, {"Null": {"sagemaker:VolumeKmsKey": "true"}}),
        _deny("DenyJobsWithOtherVolumeKey", OUTPUT_KEY_ACTIONS, _other_key("sagemaker:VolumeKmsKey", key_arn)),
    ]


def sagemaker_arn(region: str, account: str, resource: str) -> str:
    return f"arn:aws:sagemaker:{region}:{account}:{resource}"


def read_statements(region: str, account: str) -> list[Statement]:
    return [
        iam.allow(LIST_ACTIONS, "*", sid="SageMakerList"),
        iam.allow(DESCRIBE_ACTIONS, sagemaker_arn(region, account, "*"), sid="SageMakerDescribe"),
    ]


def job_statements(region: str, account: str) -> list[Statement]:
    """Create/stop jobs and models in this account (guardrails decide which requests pass)."""
    return [iam.allow(JOB_ACTIONS, [sagemaker_arn(region, account, f"{kind}/*") for kind in JOB_RESOURCES], sid="RunJobs")]


def bucket_statements(read_arns: Sequence[Input[str]], write_arns: Sequence[Input[str]]) -> list[Statement]:
    """Objects of the given buckets (ARNs of the buckets themselves); write buckets are also readable."""
    every = [*read_arns, *write_arns]
    statements = [
        iam.allow(["s3:ListBucket", "s3:GetBucketLocation"], every, sid="ListBuckets"),
        iam.allow(["s3:GetObject", "s3:GetObjectVersion"], [_objects(a) for a in every], sid="ReadObjects"),
    ]
    if write_arns:
        statements.append(iam.allow(["s3:PutObject", "s3:AbortMultipartUpload"], [_objects(a) for a in write_arns], sid="WriteObjects"))
    return statements


def _objects(bucket_arn: Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat(bucket_arn, "/*")


def key_statements(key_arns: Sequence[Input[str]]) -> list[Statement]:
    """Use of this account's keys, and grants for SageMaker's volumes only."""
    return [
        iam.allow(KMS_USE, list(key_arns), sid="UseKeys"),
        iam.allow(["kms:CreateGrant"], list(key_arns), sid="GrantsForSageMakerVolumes",
                  condition={"Bool": {"kms:GrantIsForAWSResource": "true"}}),
    ]


def image_statements(repository_arns: Sequence[Input[str]], registry_key_arns: Sequence[Input[str]],
                     regions: Sequence[str]) -> list[Statement]:
    """Pull the shared-services images; their KMS key may only be used through ECR."""
    return [
        iam.allow(["ecr:GetAuthorizationToken"], "*", sid="EcrLogin"),
        iam.allow(ECR_PULL, list(repository_arns), sid="PullSharedImages"),
        iam.allow(["kms:Decrypt"], list(registry_key_arns), sid="DecryptImagesThroughEcr",
                  condition={"StringEquals": {"kms:ViaService": [f"ecr.{r}.amazonaws.com" for r in regions]}}),
    ]


def telemetry_statements(region: str, account: str, log_group_prefix: str = "/aws/sagemaker/") -> list[Statement]:
    return [
        iam.allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"],
                  f"arn:aws:logs:{region}:{account}:log-group:{log_group_prefix}*", sid="WriteLogs"),
        iam.allow(["cloudwatch:PutMetricData"], "*", sid="PublishMetrics",
                  condition={"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"]}}),
    ]


def vpc_statements(region: str, account: str, vpc_id: Input[str]) -> list[Statement]:
    """Network interfaces for VPC jobs and endpoints, only inside our VPC."""
    return [
        iam.allow(EC2_DESCRIBE, "*", sid="DescribeNetwork"),
        iam.allow(ENI_ACTIONS, [f"arn:aws:ec2:{region}:{account}:{kind}/*" for kind in ("network-interface", "subnet", "security-group")],
                  sid="InterfacesInOurVpc",
                  condition={"ArnEquals": {"ec2:Vpc": pulumi.Output.concat(f"arn:aws:ec2:{region}:{account}:vpc/", vpc_id)}}),
    ]


def pass_role_statement(role_arns: Sequence[Input[str]]) -> Statement:
    return iam.allow(["iam:PassRole"], list(role_arns), sid="PassRolesToSageMaker",
                     condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})


def registry_statements(group_arn: Input[str], publish: bool) -> list[Statement]:
    """The shared model package group: publishers register pending versions; everyone may read."""
    versions = pulumi.Output.from_input(group_arn).apply(lambda a: a.replace(":model-package-group/", ":model-package/") + "/*")
    statements = [iam.allow(["sagemaker:DescribeModelPackageGroup", "sagemaker:DescribeModelPackage"], [group_arn, versions],
                            sid="ReadModelRegistry")]
    if publish:
        statements.append(iam.allow(["sagemaker:CreateModelPackage"], [group_arn, versions], sid="RegisterPendingVersions",
                                    condition={"StringEquals": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}}))
    return statements
