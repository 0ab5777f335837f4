"""The workload side of model delivery: what the shared-services pipeline may do in this account.

The pipeline's deploy build (in the shared-services account) assumes ``<org>-model-deploy`` here.
That role trusts only the principals the shared stack exports, and may only create models and
endpoint configs named after this account's endpoint, update that endpoint, pass the model
execution role to SageMaker and read the deploy description (an SSM parameter). Nothing else.

The endpoint is the serving layer's (components/deployment.py): the pipeline copies the
configuration Pulumi manages for it (``baseEndpointConfigName``: variants, capacity, data
capture, KMS key) and swaps in the new model, so monitoring, autoscaling and capture keep working.

The model execution role is what SageMaker runs the model as: it reads the model package from the
shared artifact bucket (``models/*``, decrypted through S3 with the shared artifacts key) and pulls
the image from the shared registry. A delivered model must behave exactly like the one Pulumi
manages, so the role also carries the serving layer's model policy (``serving_statements``: data
capture and batch output under the ML key, ...) and sits under the platform role path the lake's
bucket perimeter admits.

Role names are fixed so the shared stack can name them (sts:AssumeRole grant, bucket policy)
before they exist; see :func:`deploy_role_arn` and :func:`execution_role_arn`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam
from components import sagemaker_iam as smi
from components.conventions import PLATFORM_ROLE_PATH
from components.naming import fit
from components.providers import Target

# Model and endpoint-config names are "<prefix>-<12-char version>-<build number>"; SageMaker allows 63.
NAME_PREFIX_CHARS = 40


def deploy_role_name(org: str) -> str:
    return fit(f"{org}-model-deploy", "iam")


def execution_role_name(org: str) -> str:
    return fit(f"{org}-model-execution", "iam")


def deploy_role_arn(org: str, account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{deploy_role_name(org)}"


def execution_role_arn(org: str, account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role{PLATFORM_ROLE_PATH}{execution_role_name(org)}"


def target_parameter_name(org: str) -> str:
    """Where each workload account describes its deploy target; the deploy buildspec reads it."""
    return f"/{org}/model-delivery/target"


def default_endpoint_name(org: str) -> str:
    return fit(f"{org}-model", "sagemaker")


def resource_prefix(endpoint_name: str) -> str:
    return endpoint_name[:NAME_PREFIX_CHARS].rstrip("-")


@dataclass
class DeployTargetArgs:
    target: Target  # the workload account's primary region
    org: str
    # From the shared stack's exports (knobs.modelDelivery): who may deploy, and what the model reads.
    trusted_principal_arns: pulumi.Input[list[str]]
    artifact_bucket_arn: pulumi.Input[str]
    artifact_key_arn: pulumi.Input[str]
    image_repository_arns: pulumi.Input[list[str]]
    # This account's serving resources.
    ml_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    security_group_id: pulumi.Input[str]
    instance_type: str
    log_retention_days: int
    protect: bool
    initial_instance_count: int = 1
    endpoint_name: str | None = None  # the serving layer's endpoint; default "<org>-model"
    base_endpoint_config_name: pulumi.Input[str] | None = None  # the configuration Pulumi manages for it
    # The serving layer's model policy (DeploymentLayer.model_statements): delivered models get the same permissions.
    serving_statements: list[dict] | None = None


class DeployTarget(pulumi.ComponentResource):
    deploy_role_arn: pulumi.Output[str]
    execution_role_arn: pulumi.Output[str]
    endpoint_name: str

    def __init__(self, name: str, args: DeployTargetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:cicd:DeployTarget", name, None, opts)
        t = args.target
        self.endpoint_name = args.endpoint_name or default_endpoint_name(args.org)
        prefix = resource_prefix(self.endpoint_name)

        # SageMaker writes endpoint logs here; created up front so they are encrypted and expire.
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-endpoint-logs", name=f"/aws/sagemaker/Endpoints/{self.endpoint_name}", kms_key_id=args.logs_key_arn,
            retention_in_days=args.log_retention_days, opts=t.stateful(self, args.protect))

        execution = aws.iam.Role(
            f"{name}-execution", name=execution_role_name(args.org), path=PLATFORM_ROLE_PATH,
            assume_role_policy=smi.execution_role_trust(t.account_id),
            description="SageMaker runs models delivered by the shared pipeline as this role", max_session_duration=3600,
            opts=t.opts(self))
        aws.iam.RolePolicy(f"{name}-execution", role=execution.id, policy=iam.document(
            self._execution_statements(t, args, log_group.arn)), opts=t.opts(self))
        if args.serving_statements:
            aws.iam.RolePolicy(f"{name}-execution-serving", role=execution.id, policy=iam.document(args.serving_statements),
                               opts=t.opts(self))

        deploy = aws.iam.Role(
            f"{name}-deploy", name=deploy_role_name(args.org),
            # Exactly the shared pipeline's deployer principals; no account root, no other service.
            assume_role_policy=iam.document([{
                "Effect": "Allow", "Principal": {"AWS": args.trusted_principal_arns}, "Action": "sts:AssumeRole",
            }]),
            description="Assumed by the shared-services model delivery pipeline to update this account's endpoint",
            max_session_duration=3600, opts=t.opts(self))
        parameter_arn = t.arn("ssm", f"parameter{target_parameter_name(args.org)}")
        aws.iam.RolePolicy(f"{name}-deploy", role=deploy.id, policy=iam.document(
            self._deploy_statements(t, args, prefix, execution.arn, parameter_arn)), opts=t.opts(self))

        # Everything the deploy buildspec needs to know about this account, owned by this stack.
        aws.ssm.Parameter(
            f"{name}-target", name=target_parameter_name(args.org), type="String",
            description="Model delivery target: endpoint, execution role, network and key (no secrets)",
            # Not a secret (ids and ARNs); insecure_value keeps it readable in previews and reviews.
            insecure_value=pulumi.Output.json_dumps({
                "endpointName": self.endpoint_name, "resourcePrefix": prefix, "executionRoleArn": execution.arn,
                "subnetIds": args.subnet_ids, "securityGroupIds": [args.security_group_id], "kmsKeyArn": args.ml_key_arn,
                "instanceType": args.instance_type, "instanceCount": args.initial_instance_count,
                "baseEndpointConfigName": args.base_endpoint_config_name or "",
            }),
            opts=t.opts(self))

        self.deploy_role_arn = deploy.arn
        self.execution_role_arn = execution.arn
        self.register_outputs({"deployRoleArn": deploy.arn, "executionRoleArn": execution.arn, "endpointName": self.endpoint_name})

    @staticmethod
    def _deploy_statements(t: Target, args: DeployTargetArgs, prefix: str, execution_arn: pulumi.Input[str],
                           parameter_arn: str) -> list[dict]:
        models = t.arn("sagemaker", f"model/{prefix}-*")
        configs = t.arn("sagemaker", f"endpoint-config/{prefix}-*")
        endpoint = t.arn("sagemaker", f"endpoint/{args.endpoint_name or default_endpoint_name(args.org)}")
        return [
            iam.allow(["ssm:GetParameter"], parameter_arn, "ReadDeployTarget"),
            iam.allow(["sagemaker:CreateModel", "sagemaker:DescribeModel", "sagemaker:AddTags"], models, "CreateModels"),
            iam.allow(["sagemaker:CreateEndpointConfig", "sagemaker:AddTags"], configs, "CreateEndpointConfigs"),
            # Reading the endpoint's current config (possibly created by the serving layer under another name) is read-only.
            iam.allow(["sagemaker:DescribeEndpointConfig"], t.arn("sagemaker", "endpoint-config/*"), "ReadEndpointConfigs"),
            # Create/UpdateEndpoint authorise on the endpoint and on the config it switches to.
            iam.allow(["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DescribeEndpoint", "sagemaker:AddTags"],
                      [endpoint, configs], "UpdateEndpoint"),
            iam.allow(["iam:PassRole"], execution_arn, "PassExecutionRole",
                      {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
            # The endpoint's volumes are encrypted with this account's ml key; SageMaker needs a grant from the caller.
            iam.allow(["kms:CreateGrant"], args.ml_key_arn, "GrantEndpointVolumeKey", {"Bool": {"kms:GrantIsForAWSResource": "true"}}),
            iam.allow(["kms:DescribeKey"], args.ml_key_arn, "DescribeEndpointVolumeKey"),
        ]

    @staticmethod
    def _execution_statements(t: Target, args: DeployTargetArgs, log_group_arn: pulumi.Output[str]) -> list[dict]:
        return [
            iam.allow(["s3:GetObject"], pulumi.Output.concat(args.artifact_bucket_arn, "/models/*"), "ReadModelPackages"),
            iam.allow(["kms:Decrypt"], args.artifact_key_arn, "DecryptModelPackages",
                      {"StringEquals": {"kms:ViaService": f"s3.{t.region}.amazonaws.com"}}),
            # GetAuthorizationToken has no resource-level permissions; the pulls below are scoped.
            iam.allow(["ecr:GetAuthorizationToken"], "*", "RegistryLogin"),
            iam.allow(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                      args.image_repository_arns, "PullModelImages"),
            iam.allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                      log_group_arn.apply(lambda a: [a, f"{a}:log-stream:*"]), "EndpointLogs"),
            # VPC-attached endpoints: SageMaker creates ENIs in the workload subnets as this role.
            iam.allow(["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces",
                       "ec2:DescribeDhcpOptions"], "*", "DescribeNetwork"),
            iam.allow(["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
                       "ec2:DeleteNetworkInterfacePermission"],
                      [t.arn("ec2", "network-interface/*"), t.arn("ec2", "subnet/*"), t.arn("ec2", "security-group/*")],
                      "EndpointNetworkInterfaces"),
        ]
