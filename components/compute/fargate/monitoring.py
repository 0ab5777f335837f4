"""Alarms of the Fargate model service: the SageMaker endpoint's latency, 5xx and saturation signals, for ECS.

An NLB reports no HTTP status or latency, so those come from the service's API stage, which sees every
prediction: p90 ``IntegrationLatency`` (the model's answer time, as ``ModelLatency`` is for the endpoint)
and ``5XXError``. Saturation comes from ECS (service CPU and memory) and the NLB (unhealthy targets).

Every alarm notifies the alerts topic on ALARM and on recovery. Remediation is the endpoint's in ECS terms:
latency, 5xx and CPU saturation also trigger the service's step scale-out policy, which adds one task and
never goes beyond ``maxTasks`` (the scalable target's ceiling), the way the remediation Lambda adds one
instance within the variant's autoscaling maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.providers import Target
from config.schema import AlarmThresholds

FIVE_MINUTES = 300
SATURATION_PERCENT = 85  # sustained above the CPU/memory targets: scaling is not keeping up


@dataclass
class ServiceWatchArgs:
    target: Target
    org: str
    alerts_topic_arn: pulumi.Input[str]
    thresholds: AlarmThresholds
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    api_name: str
    stage_name: pulumi.Input[str]
    load_balancer_arn_suffix: pulumi.Input[str]
    target_group_arn_suffix: pulumi.Input[str]
    scale_out_policy_arn: pulumi.Input[str]


class ServiceWatch(pulumi.ComponentResource):
    alarms: dict[str, aws.cloudwatch.MetricAlarm]

    def __init__(self, name: str, args: ServiceWatchArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:compute:ServiceWatch", name, None, opts)
        self._t, self._args = args.target, args
        self._prefix = f"{args.org}-{args.target.key}-model-service"
        self.alarms = {}
        th = args.thresholds
        api = {"ApiName": args.api_name, "Stage": args.stage_name}
        ecs = {"ClusterName": args.cluster_name, "ServiceName": args.service_name}
        self._alarm("latency", f"p90 model latency behind the service's API above {th.endpoint_latency_ms} ms", remediate=True,
                    namespace="AWS/ApiGateway", metric_name="IntegrationLatency", dimensions=api, extended_statistic="p90",
                    period=FIVE_MINUTES, evaluation_periods=3, datapoints_to_alarm=2, threshold=th.endpoint_latency_ms,
                    comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching")
        self._alarm("5xx", f"the service's API returned {th.api_5xx_errors}+ 5xx responses in 5 minutes", remediate=True,
                    namespace="AWS/ApiGateway", metric_name="5XXError", dimensions=api, statistic="Sum", period=FIVE_MINUTES,
                    evaluation_periods=1, threshold=th.api_5xx_errors, comparison_operator="GreaterThanOrEqualToThreshold",
                    treat_missing_data="notBreaching")
        for metric, remediate in (("CPUUtilization", True), ("MemoryUtilization", False)):
            self._alarm(f"{metric.removesuffix('Utilization').lower()}-saturation",
                        f"service {metric} above {SATURATION_PERCENT}% for 15 minutes", remediate=remediate,
                        namespace="AWS/ECS", metric_name=metric, dimensions=ecs, statistic="Average", period=FIVE_MINUTES,
                        evaluation_periods=3, threshold=SATURATION_PERCENT, comparison_operator="GreaterThanThreshold",
                        treat_missing_data="missing")
        self._alarm("unhealthy-targets", "the NLB has unhealthy model tasks", remediate=False,
                    namespace="AWS/NetworkELB", metric_name="UnHealthyHostCount",
                    dimensions={"LoadBalancer": args.load_balancer_arn_suffix, "TargetGroup": args.target_group_arn_suffix},
                    statistic="Maximum", period=60, evaluation_periods=5, datapoints_to_alarm=3, threshold=0,
                    comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching")
        self.register_outputs({"alarmNames": {k: a.name for k, a in self.alarms.items()}})

    def _alarm(self, key: str, description: str, remediate: bool, **kwargs: Any) -> None:
        topic = self._args.alerts_topic_arn
        actions = [topic, self._args.scale_out_policy_arn] if remediate else [topic]
        self.alarms[key] = aws.cloudwatch.MetricAlarm(
            f"{self._prefix}-{key}", name=f"{self._prefix}-{key}", alarm_description=description,
            alarm_actions=actions, ok_actions=[topic], opts=self._t.opts(self), **kwargs)
