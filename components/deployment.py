"""Deployment layer of one workload account x region: the model behind a real-time endpoint,
scheduled batch transform, and the Lambda that serves lightweight requests.

* Model in the VPC with network isolation, its execution role least privilege
  (the promoted artifact, data-capture and batch-output write, the ML key, the shared
  images). It serves the approved version ``knobs.endpoint.modelPackageArn`` from its
  promoted copy in the shared delivery bucket (components/promotion.py) with the
  inference image; without an approved version the stack has no serving layer at all.
* Endpoint config: production variants from config, volumes encrypted with the ML
  key (none on NVMe instance types: AWS rejects it), data capture of requests and
  responses to the artifacts bucket under the ML key. Application Auto Scaling
  per variant on invocations per instance.
* Batch transform: EventBridge Scheduler (KMS-encrypted, retries, DLQ) invokes a
  small Lambda that calls CreateTransformJob with the KMS keys; the job inherits
  the model's VPC and isolation.
* Serverless inference: a Lambda in the VPC (KMS-encrypted environment, reserved
  concurrency, KMS-encrypted SQS dead-letter queue, X-Ray) that calls the endpoint.

A standby copy (``standby=True``, DR region) has the model, endpoint and scaling only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components import sagemaker_iam as smi
from components.conventions import PLATFORM_ROLE_PATH
from components.naming import fit
from components.providers import Target
from config.instance_types import has_local_nvme, volume_key_for

Input = pulumi.Input
LAMBDA_SRC = Path(__file__).resolve().parents[1] / "lambda_src"
SERVING_ARTIFACT = "models/serving/model.tar.gz"
DATA_CAPTURE_PREFIX = "data-capture"
BATCH_INPUT_PREFIX = "batch/input"
BATCH_OUTPUT_PREFIX = "batch/output"


@dataclass
class Variant:
    name: str
    instance_type: str
    weight: float
    min_instances: int
    max_instances: int


@dataclass
class DeploymentLayerArgs:
    target: Target
    org: str
    vpc_id: Input[str]
    subnet_ids: Input[Sequence[str]]
    security_group_id: Input[str]
    ml_key_arn: Input[str]  # artifacts bucket, volumes, data capture, Lambda environment, DLQ, schedule
    data_key_arn: Input[str]  # curated bucket (batch input)
    logs_key_arn: Input[str]
    artifacts_bucket_arn: Input[str]
    artifacts_bucket_name: Input[str]
    curated_bucket_arn: Input[str]
    curated_bucket_name: Input[str]
    inference_image: Input[str]
    image_repository_arns: Sequence[Input[str]]
    registry_key_arns: Sequence[Input[str]]
    variants: Sequence[Variant]
    invocations_per_instance_target: int
    data_capture_percent: int
    log_retention_days: int
    protect: bool
    # The approved version's promoted artifact (shared delivery bucket) and the key it is encrypted with.
    model_data_url: Input[str] | None = None
    model_data_object_arn: Input[str] | None = None
    model_data_key_arn: Input[str] | None = None
    batch_schedule: str = "cron(0 3 * * ? *)"
    reserved_concurrency: int = 10
    standby: bool = False  # DR copy: endpoint and scaling only


def scaling_resource_id(endpoint_name: str, variant: str) -> str:
    return f"endpoint/{endpoint_name}/variant/{variant}"


def endpoint_name(org: str, target_key: str, standby: bool) -> str:
    return fit(f"{org}-{target_key}-{'standby' if standby else 'realtime'}", "sagemaker")


def endpoint_volume_key(variants: Sequence[Variant], key_arn: Input[str]) -> Input[str] | None:
    """One key for the whole endpoint config: none if any variant has NVMe storage (config validation keeps them uniform)."""
    return None if any(has_local_nvme(v.instance_type) for v in variants) else key_arn


class DeploymentLayer(pulumi.ComponentResource):
    def __init__(self, name: str, args: DeploymentLayerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:deployment:DeploymentLayer", name, None, opts)
        t = args.target
        self.args = args
        region, account = t.region, t.account_id
        artifacts = args.artifacts_bucket_arn

        self.model_role = aws.iam.Role(
            f"{t.key}-model", path=PLATFORM_ROLE_PATH, assume_role_policy=smi.execution_role_trust(account),
            description="SageMaker model: endpoint and batch transform", max_session_duration=3600, opts=t.opts(self))
        # What serving needs, whoever created the model: the model delivery pipeline's execution role gets the same document.
        self.model_statements = [
            iam.allow(["s3:ListBucket", "s3:GetBucketLocation"], [artifacts, args.curated_bucket_arn], sid="ListBuckets"),
            iam.allow(["s3:GetObject"], [pulumi.Output.concat(artifacts, "/models/*"),
                                         pulumi.Output.concat(args.curated_bucket_arn, f"/{BATCH_INPUT_PREFIX}/*")], sid="ReadModelsAndBatchInput"),
            iam.allow(["s3:PutObject", "s3:AbortMultipartUpload"],
                      [pulumi.Output.concat(artifacts, f"/{DATA_CAPTURE_PREFIX}/*"), pulumi.Output.concat(artifacts, f"/{BATCH_OUTPUT_PREFIX}/*")],
                      sid="WriteCaptureAndPredictions"),
            *smi.key_statements([args.ml_key_arn, args.data_key_arn]),
            *smi.image_statements(args.image_repository_arns, args.registry_key_arns, [region]),
            *smi.telemetry_statements(region, account),
            *smi.vpc_statements(region, account, args.vpc_id),
            *self._promoted_model_statements(t, args),
        ]
        model_policy = aws.iam.RolePolicy(f"{t.key}-model-access", role=self.model_role.id, policy=iam.document(self.model_statements),
                                          opts=t.opts(self))

        if args.model_data_url is not None and not args.standby:
            # Not the registry version itself: its artifact lives in dev's bucket, which this account cannot read.
            container: dict[str, Any] = {"image": args.inference_image, "mode": "SingleModel", "model_data_url": args.model_data_url}
        else:
            container = {"image": args.inference_image, "mode": "SingleModel",
                         "model_data_url": pulumi.Output.concat("s3://", args.artifacts_bucket_name, f"/{SERVING_ARTIFACT}")}
        self.model = aws.sagemaker.Model(
            f"{t.key}-model", execution_role_arn=self.model_role.arn, primary_container=container,
            enable_network_isolation=True,
            vpc_config={"subnets": args.subnet_ids, "security_group_ids": [args.security_group_id]},
            opts=t.opts(self, depends_on=[model_policy]))

        volume_key = endpoint_volume_key(args.variants, args.ml_key_arn)
        if volume_key is None:
            pulumi.log.warn(f"{t.key}: endpoint instance types {[v.instance_type for v in args.variants]} have local NVMe storage; "
                            "their volumes are hardware-encrypted and AWS rejects a KMS key there, so the endpoint config has none",
                            resource=self)
        self.endpoint_name = endpoint_name(args.org, t.key, args.standby)
        self.endpoint_config = aws.sagemaker.EndpointConfiguration(
            f"{t.key}-endpoint-config",
            kms_key_arn=volume_key,
            production_variants=[{
                "variant_name": v.name, "model_name": self.model.name, "instance_type": v.instance_type,
                "initial_instance_count": v.min_instances, "initial_variant_weight": v.weight,
            } for v in args.variants],
            data_capture_config={
                "enable_capture": args.data_capture_percent > 0,
                "initial_sampling_percentage": args.data_capture_percent,
                "destination_s3_uri": pulumi.Output.concat("s3://", args.artifacts_bucket_name, f"/{DATA_CAPTURE_PREFIX}/{self.endpoint_name}"),
                "kms_key_id": args.ml_key_arn,
                "capture_options": [{"capture_mode": "Input"}, {"capture_mode": "Output"}],
                "capture_content_type_header": {"csv_content_types": ["text/csv"], "json_content_types": ["application/json"]},
            },
            opts=t.opts(self))
        # Pulumi creates the endpoint on this configuration; afterwards the shared model delivery pipeline
        # switches it to new configurations (copies of this one with a new model), which `pulumi up` must not revert.
        self.endpoint = aws.sagemaker.Endpoint(
            f"{t.key}-endpoint", name=self.endpoint_name, endpoint_config_name=self.endpoint_config.name,
            opts=t.opts(self, ignore_changes=["endpointConfigName"]))

        for v in args.variants:
            target = aws.appautoscaling.Target(
                f"{t.key}-scaling-{v.name}", service_namespace="sagemaker", scalable_dimension="sagemaker:variant:DesiredInstanceCount",
                resource_id=self.endpoint.name.apply(lambda n, v=v: scaling_resource_id(n, v.name)),
                min_capacity=v.min_instances, max_capacity=v.max_instances, opts=t.opts(self))
            aws.appautoscaling.Policy(
                f"{t.key}-scaling-{v.name}-invocations", policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace, scalable_dimension=target.scalable_dimension, resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration={
                    "target_value": args.invocations_per_instance_target,
                    "predefined_metric_specification": {"predefined_metric_type": "SageMakerVariantInvocationsPerInstance"},
                    "scale_in_cooldown": 300, "scale_out_cooldown": 60,
                },
                opts=t.opts(self))

        self.variant_names = [v.name for v in args.variants]
        self.endpoint_arn = self.endpoint.arn
        outputs: dict[str, Any] = {"endpointName": self.endpoint.name, "endpointArn": self.endpoint_arn, "variantNames": self.variant_names,
                                   "modelName": self.model.name, "modelRoleArn": self.model_role.arn}
        self.invoke_function_name: pulumi.Output[str] | None = None
        self.invoke_function_arn: pulumi.Output[str] | None = None
        self.batch_function_name: pulumi.Output[str] | None = None
        self.batch_schedule_name: pulumi.Output[str] | None = None
        if not args.standby:
            self.dlq = aws.sqs.Queue(
                f"{t.key}-inference-dlq", kms_master_key_id=args.ml_key_arn, kms_data_key_reuse_period_seconds=300,
                message_retention_seconds=1209600, opts=t.opts(self))
            self._invoke_function(t)
            self._batch_transform(t)
            outputs.update({
                "invokeFunctionName": self.invoke_function_name, "batchFunctionName": self.batch_function_name,
                "batchScheduleName": self.batch_schedule_name, "batchOutputUri": self.batch_output_uri,
                "deadLetterQueueArn": self.dlq.arn, "deadLetterQueueName": self.dlq.name,
            })
        self.register_outputs(outputs)

    @staticmethod
    def _promoted_model_statements(t: Target, args: DeploymentLayerArgs) -> list[dict[str, Any]]:
        if args.model_data_object_arn is None or args.standby:
            return []
        return [
            iam.allow(["s3:GetObject"], args.model_data_object_arn, sid="ReadPromotedModel"),
            iam.allow(["kms:Decrypt"], args.model_data_key_arn, sid="DecryptPromotedModel",
                      condition={"StringEquals": {"kms:ViaService": f"s3.{t.region}.amazonaws.com"}}),
        ]

    # -- Lambda functions -----------------------------------------------------------
    def _function(self, t: Target, kind: str, source: str, description: str, environment: dict[str, Input[str]],
                  statements: list[dict[str, Any]], reserved_concurrency: int, timeout: int) -> aws.lambda_.Function:
        a = self.args
        function_name = fit(f"{a.org}-{t.key}-{kind}", "lambda")
        log_group = aws.cloudwatch.LogGroup(
            f"{t.key}-{kind}-logs", name=f"/aws/lambda/{function_name}", kms_key_id=a.logs_key_arn,
            retention_in_days=a.log_retention_days, opts=t.stateful(self, a.protect))
        role = aws.iam.Role(
            f"{t.key}-{kind}", path=PLATFORM_ROLE_PATH, assume_role_policy=iam.service_trust("lambda.amazonaws.com", t.account_id),
            description=description, max_session_duration=3600, opts=t.opts(self))
        policy = aws.iam.RolePolicy(f"{t.key}-{kind}", role=role.id, policy=iam.document([
            *statements,
            iam.allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.Output.concat(log_group.arn, ":log-stream:*"), sid="WriteOwnLogs"),
            iam.allow(["sqs:SendMessage"], self.dlq.arn, sid="DeadLetters"),
            iam.allow(["kms:Decrypt", "kms:GenerateDataKey"], a.ml_key_arn, sid="EnvironmentAndQueueKey"),
            iam.allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*", sid="Tracing"),
            iam.allow(smi.EC2_DESCRIBE, "*", sid="DescribeNetwork"),
            iam.allow(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
                       "ec2:UnassignPrivateIpAddresses"],
                      [f"arn:aws:ec2:{t.region}:{t.account_id}:{k}/*" for k in ("network-interface", "subnet", "security-group")],
                      sid="InterfacesInOurVpc",
                      condition={"ArnEquals": {"ec2:Vpc": pulumi.Output.concat(f"arn:aws:ec2:{t.region}:{t.account_id}:vpc/", a.vpc_id)}}),
        ]), opts=t.opts(self))
        return aws.lambda_.Function(
            f"{t.key}-{kind}", name=function_name, description=description, role=role.arn,
            runtime="python3.12", architectures=["arm64"], handler="handler.handler",
            code=pulumi.AssetArchive({"handler.py": pulumi.FileAsset(str(LAMBDA_SRC / source / "handler.py"))}),
            timeout=timeout, memory_size=256, reserved_concurrent_executions=reserved_concurrency,
            environment={"variables": environment}, kms_key_arn=a.ml_key_arn,
            vpc_config={"subnet_ids": a.subnet_ids, "security_group_ids": [a.security_group_id]},
            dead_letter_config={"target_arn": self.dlq.arn},
            tracing_config={"mode": "Active"},
            logging_config={"log_format": "JSON", "log_group": log_group.name},
            opts=t.opts(self, depends_on=[policy, log_group]))

    def _invoke_function(self, t: Target) -> None:
        a = self.args
        fn = self._function(
            t, "invoke-endpoint", "invoke_endpoint", "Serverless inference path: calls the real-time endpoint",
            {"ENDPOINT_NAME": self.endpoint.name, "MAX_INSTANCES": "100"},
            [iam.allow(["sagemaker:InvokeEndpoint"], self.endpoint.arn, sid="InvokeEndpoint")],
            a.reserved_concurrency, timeout=29)
        self.invoke_function = fn
        self.invoke_function_name = fn.name
        self.invoke_function_arn = fn.arn

    def _batch_transform(self, t: Target) -> None:
        a = self.args
        region, account = t.region, t.account_id
        instance_type = a.variants[0].instance_type
        job_prefix = fit(f"{a.org}-{t.key}-batch", "sagemaker")[:40]
        self.batch_output_uri = pulumi.Output.concat("s3://", a.artifacts_bucket_name, f"/{BATCH_OUTPUT_PREFIX}/")
        fn = self._function(
            t, "batch-transform", "batch_transform", "Starts the scheduled batch transform job",
            # The endpoint, not a model name: the delivery pipeline swaps models, batch follows what the endpoint serves.
            {"ENDPOINT_NAME": self.endpoint.name, "INSTANCE_TYPE": instance_type, "JOB_PREFIX": job_prefix,
             "INPUT_URI": pulumi.Output.concat("s3://", a.curated_bucket_name, f"/{BATCH_INPUT_PREFIX}/"),
             "OUTPUT_URI": self.batch_output_uri, "KMS_KEY_ARN": a.ml_key_arn,
             "VOLUME_KMS_KEY_ARN": volume_key_for(instance_type, a.ml_key_arn) or ""},
            [iam.allow(["sagemaker:CreateTransformJob"],
                       [smi.sagemaker_arn(region, account, f"transform-job/{job_prefix}-*")], sid="StartTransformJobs"),
             # Which model the endpoint serves now (its current config may be one the delivery pipeline created).
             iam.allow(["sagemaker:DescribeEndpoint"], self.endpoint.arn, sid="ReadServingEndpoint"),
             iam.allow(["sagemaker:DescribeEndpointConfig"], smi.sagemaker_arn(region, account, "endpoint-config/*"),
                       sid="ReadServingEndpointConfig"),
             # The same run-time rules as Studio: no transform job without our keys.
             *[st for st in smi.guardrail_statements([], [], a.ml_key_arn) if set(st["Action"]) & {"sagemaker:CreateTransformJob"}]],
            reserved_concurrency=1, timeout=60)
        self.batch_function = fn
        self.batch_function_name = fn.name

        scheduler_role = aws.iam.Role(
            f"{t.key}-batch-schedule", path=PLATFORM_ROLE_PATH,
            assume_role_policy=iam.service_trust("scheduler.amazonaws.com", account),
            description="EventBridge Scheduler: starts the batch transform", max_session_duration=3600, opts=t.opts(self))
        schedule_policy = aws.iam.RolePolicy(f"{t.key}-batch-schedule", role=scheduler_role.id, policy=iam.document([
            iam.allow(["lambda:InvokeFunction"], fn.arn, sid="InvokeBatchFunction"),
            iam.allow(["sqs:SendMessage"], self.dlq.arn, sid="DeadLetters"),
            iam.allow(["kms:Decrypt", "kms:GenerateDataKey"], a.ml_key_arn, sid="ScheduleAndQueueKey"),
        ]), opts=t.opts(self))
        schedule = aws.scheduler.Schedule(
            f"{t.key}-batch-transform", name=fit(f"{a.org}-{t.key}-batch-transform", "generic"),
            description="Nightly batch predictions", schedule_expression=a.batch_schedule, schedule_expression_timezone="UTC",
            flexible_time_window={"mode": "FLEXIBLE", "maximum_window_in_minutes": 15}, kms_key_arn=a.ml_key_arn,
            target={"arn": fn.arn, "role_arn": scheduler_role.arn, "input": json.dumps({"source": "schedule"}),
                    "retry_policy": {"maximum_retry_attempts": 2, "maximum_event_age_in_seconds": 3600},
                    "dead_letter_config": {"arn": self.dlq.arn}},
            opts=t.opts(self, depends_on=[schedule_policy]))
        self.batch_schedule_name = schedule.name
