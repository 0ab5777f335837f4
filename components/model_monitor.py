"""SageMaker Model Monitor on the endpoint's data capture, and the drift alarm it feeds.

A data-quality job definition compares what the endpoint captured against the
baseline (constraints and statistics) that the training pipeline writes to the
artifacts bucket; a monitoring schedule runs it every ``intervalHours``. The job runs
in the isolated VPC with network isolation, inter-container encryption and the ``ml``
key on its volume and its reports. With CloudWatch metrics enabled, each run publishes
``feature_baseline_drift_<feature>`` in ``aws/sagemaker/Endpoints/data-metrics``; the
drift alarm takes the largest drift of the watched features. A model-quality job
(``features.modelQualityMonitor``) compares predictions with ground-truth labels once
those exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native

from components import iam
from components import sagemaker_iam as smi
from components.conventions import BASELINE_PREFIX, PLATFORM_ROLE_PATH
from components.naming import fit
from components.providers import Target

# Account that hosts the prebuilt ``sagemaker-model-monitor-analyzer`` image in each region. Source: the
# SageMaker Python SDK's image registry (src/sagemaker/image_uri_config/model-monitor.json) and the
# "Model Monitor prebuilt container" page of the SageMaker developer guide. Regions missing here have no
# published account in those sources; the platform refuses to guess one.
MODEL_MONITOR_REGISTRIES = {
    "af-south-1": "875698925577", "ap-east-1": "001633400207", "ap-northeast-1": "574779866223",
    "ap-northeast-2": "709848358524", "ap-south-1": "126357580389", "ap-southeast-1": "245545462676",
    "ap-southeast-2": "563025443158", "ca-central-1": "536280801234", "eu-central-1": "048819808253",
    "eu-north-1": "895015795356", "eu-south-1": "933208885752", "eu-west-1": "468650794304",
    "eu-west-2": "749857270468", "eu-west-3": "680080141114", "me-south-1": "607024016150",
    "sa-east-1": "539772159869", "us-east-1": "156813124566", "us-east-2": "777275614652",
    "us-west-1": "890145073186", "us-west-2": "159807026194",
}
DATA_METRICS_NAMESPACE = "aws/sagemaker/Endpoints/data-metrics"
MODEL_METRICS_NAMESPACE = "aws/sagemaker/Endpoints/model-metrics"
# Where the training pipeline leaves the baseline and the ground truth, and where reports go.
GROUND_TRUTH_PREFIX = "monitoring/ground-truth"
REPORTS_PREFIX = "monitoring/reports"


def model_monitor_repository_arn(region: str) -> str:
    return f"arn:aws:ecr:{region}:{MODEL_MONITOR_REGISTRIES[region]}:repository/sagemaker-model-monitor-analyzer"


def model_monitor_image(region: str) -> str:
    account = MODEL_MONITOR_REGISTRIES.get(region)
    if account is None:
        raise pulumi.RunError(
            f"aiplatform:regions.primary: SageMaker Model Monitor's prebuilt image has no known registry in {region}\n"
            f"      fix: choose a primary region among {', '.join(sorted(MODEL_MONITOR_REGISTRIES))}")
    return f"{account}.dkr.ecr.{region}.amazonaws.com/sagemaker-model-monitor-analyzer"


def schedule_expression(interval_hours: int) -> str:
    """SageMaker accepts hourly, every N hours from midnight, or daily cron expressions."""
    if interval_hours == 1:
        return "cron(0 * ? * * *)"
    if interval_hours == 24:
        return "cron(0 0 ? * * *)"
    return f"cron(0 0/{interval_hours} ? * * *)"


@dataclass
class ModelQualitySpec:
    """Model-quality monitoring: needs ground-truth labels under GROUND_TRUTH_PREFIX."""

    problem_type: str
    inference_attribute: str
    probability_attribute: str | None = None


@dataclass
class ModelMonitorArgs:
    target: Target
    org: str
    endpoint_name: pulumi.Input[str]
    artifacts_bucket_name: pulumi.Input[str]
    artifacts_bucket_arn: pulumi.Input[str]
    data_capture_prefix: str  # under the artifacts bucket, as the deployment layer configures data capture
    ml_key_arn: pulumi.Input[str]  # artifacts bucket, job volumes and reports
    subnet_ids: pulumi.Input[Sequence[str]]
    security_group_id: pulumi.Input[str]
    interval_hours: int
    instance_type: str
    features: Sequence[str]
    drift_threshold: float
    alerts_topic_arn: pulumi.Input[str]
    model_quality: ModelQualitySpec | None = None


class ModelMonitor(pulumi.ComponentResource):
    """``drift_alarm_name``: the alarm that goes to ALARM when any watched feature drifts past the threshold."""

    drift_alarm_name: pulumi.Output[str]
    schedule_name: pulumi.Output[str]

    def __init__(self, name: str, args: ModelMonitorArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:monitoring:ModelMonitor", name, None, opts)
        t = args.target
        image = model_monitor_image(t.region)
        bucket = args.artifacts_bucket_name
        role = self._role(name, t, args)
        network = dict(enable_network_isolation=True, enable_inter_container_traffic_encryption=True)
        max_runtime = min(3600, args.interval_hours * 3600)  # a run must end before the next one starts

        self.job_definition = aws.sagemaker.DataQualityJobDefinition(
            f"{name}-data-quality",
            name=fit(f"{args.org}-{t.key}-data-quality", "sagemaker"),
            role_arn=role.arn,
            data_quality_app_specification=aws.sagemaker.DataQualityJobDefinitionDataQualityAppSpecificationArgs(
                image_uri=image, environment={"publish_cloudwatch_metrics": "Enabled"}),
            data_quality_baseline_config=aws.sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigArgs(
                constraints_resource=aws.sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigConstraintsResourceArgs(
                    s3_uri=pulumi.Output.concat("s3://", bucket, f"/{BASELINE_PREFIX}/constraints.json")),
                statistics_resource=aws.sagemaker.DataQualityJobDefinitionDataQualityBaselineConfigStatisticsResourceArgs(
                    s3_uri=pulumi.Output.concat("s3://", bucket, f"/{BASELINE_PREFIX}/statistics.json"))),
            data_quality_job_input=aws.sagemaker.DataQualityJobDefinitionDataQualityJobInputArgs(
                endpoint_input=aws.sagemaker.DataQualityJobDefinitionDataQualityJobInputEndpointInputArgs(
                    endpoint_name=args.endpoint_name, local_path="/opt/ml/processing/input/endpoint",
                    s3_input_mode="File", s3_data_distribution_type="FullyReplicated")),
            data_quality_job_output_config=aws.sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigArgs(
                kms_key_id=args.ml_key_arn,
                monitoring_outputs=aws.sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsArgs(
                    s3_output=aws.sagemaker.DataQualityJobDefinitionDataQualityJobOutputConfigMonitoringOutputsS3OutputArgs(
                        s3_uri=pulumi.Output.concat("s3://", bucket, f"/{REPORTS_PREFIX}/data-quality"),
                        local_path="/opt/ml/processing/output", s3_upload_mode="EndOfJob"))),
            job_resources=aws.sagemaker.DataQualityJobDefinitionJobResourcesArgs(
                cluster_config=aws.sagemaker.DataQualityJobDefinitionJobResourcesClusterConfigArgs(
                    instance_count=1, instance_type=args.instance_type, volume_size_in_gb=20, volume_kms_key_id=args.ml_key_arn)),
            network_config=aws.sagemaker.DataQualityJobDefinitionNetworkConfigArgs(
                **network, vpc_config=aws.sagemaker.DataQualityJobDefinitionNetworkConfigVpcConfigArgs(
                    security_group_ids=[args.security_group_id], subnets=args.subnet_ids)),
            stopping_condition=aws.sagemaker.DataQualityJobDefinitionStoppingConditionArgs(max_runtime_in_seconds=max_runtime),
            opts=t.opts(self))

        schedule_name = fit(f"{args.org}-{t.key}-data-quality", "sagemaker")
        self.schedule = aws.sagemaker.MonitoringSchedule(
            f"{name}-data-quality-schedule",
            name=schedule_name,
            monitoring_schedule_config=aws.sagemaker.MonitoringScheduleMonitoringScheduleConfigArgs(
                monitoring_type="DataQuality",
                monitoring_job_definition_name=self.job_definition.name,
                schedule_config=aws.sagemaker.MonitoringScheduleMonitoringScheduleConfigScheduleConfigArgs(
                    schedule_expression=schedule_expression(args.interval_hours))),
            opts=t.opts(self))
        self.schedule_name = self.schedule.name

        if args.model_quality is not None:
            self._model_quality(name, t, args, role, image, max_runtime)

        self.drift_alarm = self._drift_alarm(name, t, args, schedule_name)
        self.drift_alarm_name = self.drift_alarm.name
        self.silence_alarm = self._silence_alarm(name, t, args, schedule_name)
        self.register_outputs({"scheduleName": self.schedule_name, "driftAlarmName": self.drift_alarm_name,
                               "driftAlarmArn": self.drift_alarm.arn, "silenceAlarmName": self.silence_alarm.name,
                               "roleArn": role.arn})

    def _role(self, name: str, t: Target, args: ModelMonitorArgs) -> aws.iam.Role:
        # The lake's bucket policy admits platform roles by path; the monitoring role reads the artifacts bucket.
        role = aws.iam.Role(
            f"{name}-role", path=PLATFORM_ROLE_PATH, assume_role_policy=smi.execution_role_trust(t.account_id),
            description="SageMaker Model Monitor jobs of the endpoint", opts=t.opts(self))
        arn = pulumi.Output.from_input(args.artifacts_bucket_arn)
        read_prefixes = [f"{args.data_capture_prefix}/*", f"{BASELINE_PREFIX}/*", f"{GROUND_TRUTH_PREFIX}/*"]
        processing_logs = t.arn("logs", "log-group:/aws/sagemaker/ProcessingJobs")
        statements = [
            iam.allow(["s3:GetObject"], [arn.apply(lambda a, p=p: f"{a}/{p}") for p in read_prefixes], sid="ReadCaptureAndBaseline"),
            iam.allow(["s3:ListBucket"], arn, sid="ListMonitoredPrefixes",
                      condition={"StringLike": {"s3:prefix": [*read_prefixes, f"{REPORTS_PREFIX}/*"]}}),
            iam.allow(["s3:PutObject"], arn.apply(lambda a: f"{a}/{REPORTS_PREFIX}/*"), sid="WriteReports"),
            iam.allow(["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], args.ml_key_arn, sid="ArtifactsAndVolumeKey"),
            # The job's EBS volume is encrypted with the ML key: SageMaker needs a grant, created with this role.
            iam.allow(["kms:CreateGrant"], args.ml_key_arn, sid="GrantVolumeKeyToSageMaker",
                      condition={"Bool": {"kms:GrantIsForAWSResource": "true"}}),
            iam.allow(["cloudwatch:PutMetricData"], "*", sid="PublishMonitoringMetrics",
                      condition={"StringEquals": {"cloudwatch:namespace": [DATA_METRICS_NAMESPACE, MODEL_METRICS_NAMESPACE]}}),
            iam.allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                      [processing_logs, f"{processing_logs}:log-stream:*"], sid="JobLogs"),
            *vpc_job_statements(t),
        ]
        aws.iam.RolePolicy(f"{name}-role", role=role.id, policy=iam.document(statements), opts=t.opts(self))
        return role

    def _model_quality(self, name: str, t: Target, args: ModelMonitorArgs, role: aws.iam.Role, image: str, max_runtime: int) -> None:
        mq = args.model_quality
        assert mq is not None
        native = pulumi.ResourceOptions(parent=self, provider=t.native())
        bucket = args.artifacts_bucket_name
        ns = aws_native.sagemaker
        definition = ns.ModelQualityJobDefinition(
            f"{name}-model-quality",
            job_definition_name=fit(f"{args.org}-{t.key}-model-quality", "sagemaker"),
            role_arn=role.arn,
            model_quality_app_specification=ns.ModelQualityJobDefinitionModelQualityAppSpecificationArgs(
                image_uri=image, problem_type=ns.ModelQualityJobDefinitionProblemType(mq.problem_type)),
            model_quality_job_input=ns.ModelQualityJobDefinitionModelQualityJobInputArgs(
                endpoint_input=ns.ModelQualityJobDefinitionEndpointInputArgs(
                    endpoint_name=args.endpoint_name, local_path="/opt/ml/processing/input/endpoint",
                    inference_attribute=mq.inference_attribute, probability_attribute=mq.probability_attribute),
                ground_truth_s3_input=ns.ModelQualityJobDefinitionMonitoringGroundTruthS3InputArgs(
                    s3_uri=pulumi.Output.concat("s3://", bucket, f"/{GROUND_TRUTH_PREFIX}"))),
            model_quality_job_output_config=ns.ModelQualityJobDefinitionMonitoringOutputConfigArgs(
                kms_key_id=args.ml_key_arn,
                monitoring_outputs=[ns.ModelQualityJobDefinitionMonitoringOutputArgs(s3_output=ns.ModelQualityJobDefinitionS3OutputArgs(
                    local_path="/opt/ml/processing/output", s3_uri=pulumi.Output.concat("s3://", bucket, f"/{REPORTS_PREFIX}/model-quality")))]),
            job_resources=ns.ModelQualityJobDefinitionMonitoringResourcesArgs(cluster_config=ns.ModelQualityJobDefinitionClusterConfigArgs(
                instance_count=1, instance_type=args.instance_type, volume_size_in_gb=20, volume_kms_key_id=args.ml_key_arn)),
            network_config=ns.ModelQualityJobDefinitionNetworkConfigArgs(
                enable_network_isolation=True, enable_inter_container_traffic_encryption=True,
                vpc_config=ns.ModelQualityJobDefinitionVpcConfigArgs(security_group_ids=[args.security_group_id], subnets=args.subnet_ids)),
            stopping_condition=ns.ModelQualityJobDefinitionStoppingConditionArgs(max_runtime_in_seconds=max_runtime),
            opts=native)
        aws.sagemaker.MonitoringSchedule(
            f"{name}-model-quality-schedule",
            name=fit(f"{args.org}-{t.key}-model-quality", "sagemaker"),
            monitoring_schedule_config=aws.sagemaker.MonitoringScheduleMonitoringScheduleConfigArgs(
                monitoring_type="ModelQuality", monitoring_job_definition_name=definition.job_definition_name,
                schedule_config=aws.sagemaker.MonitoringScheduleMonitoringScheduleConfigScheduleConfigArgs(
                    schedule_expression=schedule_expression(args.interval_hours))),
            opts=t.opts(self))

    def _drift_alarm(self, name: str, t: Target, args: ModelMonitorArgs, schedule_name: str) -> aws.cloudwatch.MetricAlarm:
        # One datapoint per monitoring run: the period spans one run, and missing data keeps the current state,
        # so drift that persists across runs stays one ALARM (one retraining), not one per run.
        period = args.interval_hours * 3600
        drift = [aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=f"d{i}", return_data=False, label=feature,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=DATA_METRICS_NAMESPACE, metric_name=f"feature_baseline_drift_{feature}", period=period, stat="Maximum",
                dimensions={"Endpoint": args.endpoint_name, "MonitoringSchedule": schedule_name}))
            for i, feature in enumerate(args.features)]
        worst = aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id="drift", expression=f"MAX([{', '.join(q.id for q in drift)}])", label="largest feature drift", return_data=True)
        return aws.cloudwatch.MetricAlarm(
            f"{name}-drift",
            name=f"{args.org}-{t.key}-feature-drift",
            alarm_description=f"A watched feature drifted more than {args.drift_threshold} from the training baseline "
                              "(SageMaker Model Monitor); starts the retraining pipeline",
            metric_queries=[*drift, worst], comparison_operator="GreaterThanThreshold", threshold=args.drift_threshold,
            evaluation_periods=1, datapoints_to_alarm=1, treat_missing_data="ignore",
            alarm_actions=[args.alerts_topic_arn], ok_actions=[args.alerts_topic_arn], opts=t.opts(self))


    def _silence_alarm(self, name: str, t: Target, args: ModelMonitorArgs, schedule_name: str) -> aws.cloudwatch.MetricAlarm:
        """ALARM when two monitoring runs in a row published no drift metric: schedule failing, capture unreadable, no traffic.

        The drift alarm keeps its state on missing data (a gap must not start a retraining), so without this
        alarm a monitor that never produces a datapoint stays INSUFFICIENT_DATA forever and nobody hears of it.
        Here missing data is breaching; it notifies the alerts topic only (the retraining rule matches the drift
        alarm by name). Two periods of interval_hours stay within CloudWatch's 7-day evaluation range.
        """
        period = args.interval_hours * 3600
        runs = aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id="runs", return_data=True, label="monitoring runs that published drift metrics",
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=DATA_METRICS_NAMESPACE, metric_name=f"feature_baseline_drift_{args.features[0]}", period=period,
                stat="SampleCount", dimensions={"Endpoint": args.endpoint_name, "MonitoringSchedule": schedule_name}))
        return aws.cloudwatch.MetricAlarm(
            f"{name}-silent",
            name=f"{args.org}-{t.key}-model-monitor-silent",
            alarm_description="Model Monitor published no drift metrics for two scheduled runs: check the monitoring schedule's "
                              "executions, the data capture and the baseline",
            metric_queries=[runs], comparison_operator="LessThanThreshold", threshold=1,
            evaluation_periods=2, datapoints_to_alarm=2, treat_missing_data="breaching",
            alarm_actions=[args.alerts_topic_arn], ok_actions=[args.alerts_topic_arn], opts=t.opts(self))


def vpc_job_statements(t: Target) -> list[dict]:
    """What SageMaker needs to attach a job's network interfaces in this account's VPC (describes are not resource-scoped)."""
    eni = t.arn("ec2", "network-interface/*")
    return [
        iam.allow(["ec2:CreateNetworkInterface"], [eni, t.arn("ec2", "subnet/*"), t.arn("ec2", "security-group/*")], sid="CreateJobEni"),
        iam.allow(["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"],
                  eni, sid="ManageJobEni"),
        iam.allow(["ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets",
                   "ec2:DescribeSecurityGroups"], "*", sid="DescribeNetwork"),
    ]
