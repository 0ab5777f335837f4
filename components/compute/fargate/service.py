"""The model served by a Fargate service in the isolated subnets, behind an internal Network Load Balancer.

* ECS cluster with Container Insights; one Fargate service (``awsvpc``, no public IP) in the isolated subnets,
  with a security group that admits only the serving port from the VPC and lets tasks out only to the VPC
  endpoints (HTTPS) and S3 (gateway endpoint prefix list).
* The task runs the shared ECR inference image (SageMaker's container contract: port 8080, ``GET /ping``,
  ``POST /invocations``) as a non-root user on a read-only root filesystem with every Linux capability
  dropped; the model artifact (``MODEL_DATA_URL``) is fetched at start into the writable ``/opt/ml/model``
  task volume, beside a writable ``/tmp``.
* Execution role: pull the platform's images, write the service's log group (KMS-encrypted, retained).
  Task role: read the artifacts bucket's ``models/`` prefix and decrypt with the ``ml`` key through S3 only.
* Internal NLB with a TLS listener (modern policy, ACM certificate from config) forwarding to the tasks; API
  Gateway reaches it through a VPC link (``api.py``). Its TLS access logs go to a bucket of their own, encrypted
  with a key of their own, because ELB's log delivery (``delivery.logs.amazonaws.com``) must be admitted by
  both the bucket and the key policy, and the platform's ``logs`` key admits CloudWatch Logs only.
* Autoscaling between ``minTasks`` and ``maxTasks``: target tracking on CPU and memory (an NLB has no
  per-target request-count metric; that needs an ALB), plus a one-task step scale-out that the latency,
  5xx and saturation alarms trigger (``monitoring.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam
from components import sagemaker_iam as smi
from components.deployment import SERVING_ARTIFACT
from components.kms import root_admin, service_use
from components.naming import fit
from components.providers import Target
from components.secure_bucket import Lifecycle, SecureBucket, SecureBucketArgs

CONTAINER = "model"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
NON_ROOT_USER = "1000:1000"
MODEL_DIR = "/opt/ml/model"
ACCESS_LOG_PREFIX = "nlb"


@dataclass
class FargateModelServiceArgs:
    target: Target
    org: str
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    subnet_ids: pulumi.Input[Sequence[str]]
    s3_prefix_list_id: pulumi.Input[str]
    image: pulumi.Input[str]
    image_repository_arns: Sequence[pulumi.Input[str]]
    registry_key_arns: Sequence[pulumi.Input[str]]
    artifacts_bucket_arn: pulumi.Input[str]
    artifacts_bucket_name: pulumi.Input[str]
    ml_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    certificate_arn: str
    # Where the access-log bucket writes its own S3 server access logs (the lake's access-log bucket).
    access_log_bucket: pulumi.Input[str]
    deletion_window_days: int = 30
    cpu: int = 1024
    memory: int = 2048
    container_port: int = 8080
    min_tasks: int = 2
    max_tasks: int = 4
    cpu_target_percent: int = 60
    memory_target_percent: int = 75
    protect: bool = False


def container_definitions(args: FargateModelServiceArgs, image: str, log_group: str, model_url: str, region: str) -> list[dict]:
    return [{
        "name": CONTAINER, "image": image, "essential": True, "user": NON_ROOT_USER, "privileged": False,
        "readonlyRootFilesystem": True,
        "portMappings": [{"containerPort": args.container_port, "protocol": "tcp"}],
        "environment": [{"name": "MODEL_DATA_URL", "value": model_url}, {"name": "MODEL_DIR", "value": MODEL_DIR},
                        {"name": "SAGEMAKER_BIND_TO_PORT", "value": str(args.container_port)}],
        "mountPoints": [{"sourceVolume": "model", "containerPath": MODEL_DIR, "readOnly": False},
                        {"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}],
        "linuxParameters": {"capabilities": {"drop": ["ALL"]}, "initProcessEnabled": True},
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": log_group, "awslogs-region": region, "awslogs-stream-prefix": CONTAINER}},
    }]


class FargateModelService(pulumi.ComponentResource):
    cluster: aws.ecs.Cluster
    service: aws.ecs.Service
    load_balancer: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    scale_out_policy: aws.appautoscaling.Policy

    def __init__(self, name: str, args: FargateModelServiceArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:compute:FargateModelService", name, None, opts)
        t = args.target
        self.name = fit(f"{args.org}-{t.key}-model-service", "generic")
        stateful = t.stateful(self, args.protect)

        self.cluster = aws.ecs.Cluster(f"{name}-cluster", name=self.name,
                                       settings=[{"name": "containerInsights", "value": "enabled"}], opts=t.opts(self))
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=f"/aws/ecs/{self.name}", kms_key_id=args.logs_key_arn, retention_in_days=args.log_retention_days,
            opts=stateful)

        task_trust = iam.service_trust("ecs-tasks.amazonaws.com", t.account_id, t.arn("ecs", "*"))
        execution = aws.iam.Role(f"{name}-execution", assume_role_policy=task_trust,
                                 description="ECS agent: pull the model image, write the service's logs", opts=t.opts(self))
        aws.iam.RolePolicy(f"{name}-execution", role=execution.id, policy=iam.document([
            *smi.image_statements(args.image_repository_arns, args.registry_key_arns, [t.region]),
            iam.allow(["logs:CreateLogStream", "logs:PutLogEvents"], self.log_group.arn.apply(lambda a: f"{a}:log-stream:*"),
                      sid="ServiceLogs"),
        ]), opts=t.opts(self))
        task = aws.iam.Role(f"{name}-task", assume_role_policy=task_trust, description="Model container: read model artifacts",
                            opts=t.opts(self))
        bucket = pulumi.Output.from_input(args.artifacts_bucket_arn)
        aws.iam.RolePolicy(f"{name}-task", role=task.id, policy=iam.document([
            iam.allow(["s3:GetObject"], bucket.apply(lambda a: f"{a}/models/*"), sid="ReadModels"),
            iam.allow(["s3:ListBucket"], bucket, sid="ListModels", condition={"StringLike": {"s3:prefix": ["models/*"]}}),
            iam.allow(["kms:Decrypt"], args.ml_key_arn, sid="DecryptModelsThroughS3",
                      condition={"StringEquals": {"kms:ViaService": f"s3.{t.region}.amazonaws.com"}}),
        ]), opts=t.opts(self))

        model_url = pulumi.Output.concat("s3://", args.artifacts_bucket_name, f"/{SERVING_ARTIFACT}")
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task", family=self.name, network_mode="awsvpc", requires_compatibilities=["FARGATE"],
            cpu=str(args.cpu), memory=str(args.memory), execution_role_arn=execution.arn, task_role_arn=task.arn,
            runtime_platform={"operating_system_family": "LINUX", "cpu_architecture": "X86_64"},
            volumes=[{"name": "model"}, {"name": "tmp"}],
            container_definitions=pulumi.Output.all(args.image, self.log_group.name, model_url).apply(
                lambda v: pulumi.Output.json_dumps(container_definitions(args, v[0], v[1], v[2], t.region))),
            opts=t.opts(self))

        self.security_group = self._security_group(name, t, args)
        logs = self._access_log_bucket(name, t, args)
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-nlb", name=fit(f"{args.org}-{t.key}-models", "elb"), internal=True,
            load_balancer_type="network", subnets=args.subnet_ids, enable_cross_zone_load_balancing=True,
            enable_deletion_protection=args.protect,
            access_logs={"bucket": logs.name, "enabled": True, "prefix": ACCESS_LOG_PREFIX},
            opts=t.opts(self, depends_on=[logs.policy]))
        self.target_group = aws.lb.TargetGroup(
            f"{name}-targets", name=fit(f"{args.org}-{t.key}-models-tasks", "elb"), port=args.container_port, protocol="TCP", target_type="ip", vpc_id=args.vpc_id,
            deregistration_delay=30,
            health_check={"protocol": "HTTP", "path": "/ping", "port": "traffic-port", "healthy_threshold": 3,
                          "unhealthy_threshold": 3, "interval": 30},
            opts=t.opts(self))
        self.listener = aws.lb.Listener(
            f"{name}-tls", load_balancer_arn=self.load_balancer.arn, port=443, protocol="TLS", ssl_policy=TLS_POLICY,
            certificate_arn=args.certificate_arn, default_actions=[{"type": "forward", "target_group_arn": self.target_group.arn}],
            opts=t.opts(self))

        self.service = aws.ecs.Service(
            f"{name}-service", name=self.name, cluster=self.cluster.arn, task_definition=self.task_definition.arn,
            desired_count=args.min_tasks, launch_type="FARGATE", platform_version="LATEST",
            network_configuration={"subnets": args.subnet_ids, "security_groups": [self.security_group.id], "assign_public_ip": False},
            load_balancers=[{"target_group_arn": self.target_group.arn, "container_name": CONTAINER,
                             "container_port": args.container_port}],
            deployment_circuit_breaker={"enable": True, "rollback": True}, health_check_grace_period_seconds=120,
            enable_execute_command=False, propagate_tags="SERVICE",
            # Autoscaling owns the running count.
            opts=t.opts(self, depends_on=[self.listener], ignore_changes=["desiredCount"]))
        self._autoscaling(name, t, args)

        self.cluster_name = self.cluster.name
        self.service_name = self.service.name
        self.register_outputs({"clusterName": self.cluster_name, "serviceName": self.service_name,
                               "loadBalancerArn": self.load_balancer.arn, "logGroup": self.log_group.name})

    def _access_log_bucket(self, name: str, t: Target, args: FargateModelServiceArgs) -> SecureBucket:
        """The NLB's TLS access logs: a bucket (and key) that admit only ELB's log delivery for this account."""
        source = {"StringEquals": {"aws:SourceAccount": t.account_id},
                  "ArnLike": {"aws:SourceArn": f"arn:aws:logs:{t.region}:{t.account_id}:*"}}
        key = aws.kms.Key(
            f"{name}-lb-logs-key", description=f"{args.org} load balancer access logs ({t.account.name}, {t.region})",
            enable_key_rotation=True, rotation_period_in_days=365, deletion_window_in_days=args.deletion_window_days,
            bypass_policy_lockout_safety_check=False,
            policy=iam.document([root_admin(t.account_id), service_use("LogDeliveryUse", "delivery.logs.amazonaws.com", t.account_id,
                                                                       condition=source)]),
            opts=t.stateful(self, args.protect))

        def delivery(arn: pulumi.Output[str]) -> list[dict]:
            return [arn.apply(lambda a: {
                "Sid": "ElbLogDeliveryAclCheck", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
                "Action": "s3:GetBucketAcl", "Resource": a, "Condition": source}),
                arn.apply(lambda a: {
                "Sid": "ElbLogDeliveryWrite", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
                "Action": "s3:PutObject", "Resource": f"{a}/{ACCESS_LOG_PREFIX}/AWSLogs/{t.account_id}/*",
                "Condition": {**source, "StringEquals": {**source["StringEquals"], "s3:x-amz-acl": "bucket-owner-full-control"}}})]

        return SecureBucket(f"{name}-lb-logs", SecureBucketArgs(
            target=t, bucket_name=fit(f"{args.org}-{t.account.name}-lb-logs-{t.account_id}-{t.region}", "s3"), kms_key_arn=key.arn,
            protect=args.protect, lifecycle=Lifecycle(ia_days=30, glacier_days=90, noncurrent_expiration_days=30),
            access_log_bucket=args.access_log_bucket, policy_statements=delivery), opts=pulumi.ResourceOptions(parent=self))

    def _security_group(self, name: str, t: Target, args: FargateModelServiceArgs) -> aws.ec2.SecurityGroup:
        sg = aws.ec2.SecurityGroup(f"{name}-tasks-sg", vpc_id=args.vpc_id,
                                   description="Model tasks: serving port from the VPC (NLB), out to AWS endpoints only", opts=t.opts(self))
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-tasks-serving-in", security_group_id=sg.id, ip_protocol="tcp", from_port=args.container_port,
            to_port=args.container_port, cidr_ipv4=args.vpc_cidr, description="NLB traffic and health checks", opts=t.opts(self))
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-tasks-endpoints-out", security_group_id=sg.id, ip_protocol="tcp", from_port=443, to_port=443,
            cidr_ipv4=args.vpc_cidr, description="ECR, CloudWatch Logs, STS, KMS through the interface endpoints", opts=t.opts(self))
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-tasks-s3-out", security_group_id=sg.id, ip_protocol="tcp", from_port=443, to_port=443,
            prefix_list_id=args.s3_prefix_list_id, description="image layers and model artifacts from S3", opts=t.opts(self))
        return sg

    def _autoscaling(self, name: str, t: Target, args: FargateModelServiceArgs) -> None:
        resource_id = pulumi.Output.concat("service/", self.cluster.name, "/", self.service.name)
        target = aws.appautoscaling.Target(
            f"{name}-scaling", service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount", resource_id=resource_id,
            min_capacity=args.min_tasks, max_capacity=args.max_tasks, opts=t.opts(self))
        common = {"service_namespace": "ecs", "scalable_dimension": "ecs:service:DesiredCount", "resource_id": target.resource_id}
        for metric, value in (("ECSServiceAverageCPUUtilization", args.cpu_target_percent),
                              ("ECSServiceAverageMemoryUtilization", args.memory_target_percent)):
            aws.appautoscaling.Policy(
                f"{name}-{metric.removeprefix('ECSServiceAverage').removesuffix('Utilization').lower()}-tracking",
                policy_type="TargetTrackingScaling", **common,
                target_tracking_scaling_policy_configuration={
                    "target_value": value, "predefined_metric_specification": {"predefined_metric_type": metric},
                    "scale_in_cooldown": 300, "scale_out_cooldown": 60},
                opts=t.opts(self))
        # Remediation: the latency, 5xx and saturation alarms add one task (never beyond maxTasks).
        self.scale_out_policy = aws.appautoscaling.Policy(
            f"{name}-alarm-scale-out", policy_type="StepScaling", **common,
            step_scaling_policy_configuration={
                "adjustment_type": "ChangeInCapacity", "cooldown": 300, "metric_aggregation_type": "Maximum",
                "step_adjustments": [{"metric_interval_lower_bound": "0", "scaling_adjustment": 1}]},
            opts=t.opts(self))
