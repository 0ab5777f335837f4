"""Operational alarms and the platform dashboard of one workload account x region.

Alarms (thresholds from ``knobs.alarms``), each notifying the alerts topic on ALARM
and on recovery:

* endpoint, per variant: p90 model latency, 5xx and 4xx invocation errors, and an
  anomaly-detection alarm on invocations (a band learnt from the metric's history);
* inference API: 5xx responses and p99 latency;
* Lambda functions: errors and throttles;
* Glue jobs: failed tasks (CloudWatch metric) and every FAILED/TIMEOUT/ERROR run
  (EventBridge rule straight to the topic, since a run that dies early emits no metric).

The dashboard body is built as data and serialised, so Outputs (names) flow into it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.naming import fit
from components.providers import Target
from config.schema import AlarmThresholds

FIVE_MINUTES = 300


@dataclass
class EndpointWatch:
    name: pulumi.Input[str]
    variant_names: Sequence[str]


@dataclass
class ApiWatch:
    """REST APIs report by ApiName with metrics 5XXError/Latency; HTTP APIs by ApiId with 5xx/Latency."""

    kind: str  # "rest" or "http"
    name_or_id: pulumi.Input[str]
    stage: pulumi.Input[str]

    def dimensions(self) -> dict[str, pulumi.Input[str]]:
        key = "ApiName" if self.kind == "rest" else "ApiId"
        return {key: self.name_or_id, "Stage": self.stage}

    @property
    def server_error_metric(self) -> str:
        return "5XXError" if self.kind == "rest" else "5xx"


@dataclass
class MonitoringArgs:
    target: Target
    org: str
    alerts_topic_arn: pulumi.Input[str]
    thresholds: AlarmThresholds
    endpoint: EndpointWatch | None = None
    api: ApiWatch | None = None
    lambda_names: Sequence[pulumi.Input[str]] = field(default_factory=list)
    glue_job_names: Sequence[pulumi.Input[str]] = field(default_factory=list)
    # Alarms built elsewhere (drift, dead letters) that the dashboard should show too.
    extra_alarm_arns: Sequence[pulumi.Input[str]] = field(default_factory=list)


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


class Monitoring(pulumi.ComponentResource):
    """``remediation_alarm_names``: the latency and 5xx alarms per variant, which trigger remediation."""

    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    remediation_alarm_names: list[pulumi.Output[str]]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:monitoring:Monitoring", name, None, opts)
        self._t = args.target
        self._args = args
        self._prefix = f"{args.org}-{args.target.key}"
        self.alarms = {}
        self.remediation_alarm_names = []
        th = args.thresholds
        widgets: list[dict[str, Any]] = []

        if args.endpoint is not None:
            widgets += self._endpoint_alarms(args.endpoint, th)
        if args.api is not None:
            widgets += self._api_alarms(args.api, th)
        for i, fn in enumerate(args.lambda_names):
            widgets += self._lambda_alarms(i, fn, th)
        if args.glue_job_names:
            widgets += self._glue_alarms(args.glue_job_names, th)

        alarm_arns = [a.arn for a in self.alarms.values()] + list(args.extra_alarm_arns)
        if alarm_arns:
            widgets.insert(0, {"type": "alarm", "width": 24, "height": 4,
                               "properties": {"title": "Platform alarms", "alarms": alarm_arns}})
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard", dashboard_name=fit(f"{self._prefix}-ml-platform", "generic"),
            dashboard_body=pulumi.Output.json_dumps({"widgets": layout(widgets)}), opts=self._t.opts(self))
        self.register_outputs({"alarmNames": {k: a.name for k, a in self.alarms.items()},
                               "dashboardName": self.dashboard.dashboard_name})

    # -- helpers ---------------------------------------------------------------
    def _alarm(self, key: str, description: str, **kwargs: Any) -> aws.cloudwatch.MetricAlarm:
        topic = self._args.alerts_topic_arn
        alarm = aws.cloudwatch.MetricAlarm(
            f"{self._prefix}-{key}", name=f"{self._prefix}-{key}", alarm_description=description,
            alarm_actions=[topic], ok_actions=[topic], opts=self._t.opts(self), **kwargs)
        self.alarms[key] = alarm
        return alarm

    def _graph(self, title: str, metrics: list[list[Any]], stat: str = "Sum") -> dict[str, Any]:
        return {"type": "metric", "width": 12, "height": 6, "properties": {
            "title": title, "region": self._t.region, "stat": stat, "period": FIVE_MINUTES, "view": "timeSeries",
            "metrics": metrics}}

    # -- alarms per source -------------------------------------------------------
    def _endpoint_alarms(self, ep: EndpointWatch, th: AlarmThresholds) -> list[dict[str, Any]]:
        widgets = []
        for variant in ep.variant_names:
            dims = {"EndpointName": ep.name, "VariantName": variant}
            v = slug(variant)
            latency = self._alarm(
                f"endpoint-{v}-latency", f"p90 model latency of variant {variant} above {th.endpoint_latency_ms} ms",
                namespace="AWS/SageMaker", metric_name="ModelLatency", dimensions=dims, extended_statistic="p90",
                period=FIVE_MINUTES, evaluation_periods=3, datapoints_to_alarm=2,
                threshold=th.endpoint_latency_ms * 1000,  # ModelLatency is reported in microseconds
                comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching")
            errors = self._alarm(
                f"endpoint-{v}-5xx", f"variant {variant} returned {th.endpoint_5xx_errors}+ 5xx errors in 5 minutes",
                namespace="AWS/SageMaker", metric_name="Invocation5XXErrors", dimensions=dims, statistic="Sum",
                period=FIVE_MINUTES, evaluation_periods=1, threshold=th.endpoint_5xx_errors,
                comparison_operator="GreaterThanOrEqualToThreshold", treat_missing_data="notBreaching")
            self._alarm(
                f"endpoint-{v}-4xx", f"variant {variant} rejected {th.endpoint_4xx_errors}+ requests (4xx) in 5 minutes",
                namespace="AWS/SageMaker", metric_name="Invocation4XXErrors", dimensions=dims, statistic="Sum",
                period=FIVE_MINUTES, evaluation_periods=1, threshold=th.endpoint_4xx_errors,
                comparison_operator="GreaterThanOrEqualToThreshold", treat_missing_data="notBreaching")
            self._alarm(
                f"endpoint-{v}-invocations-anomaly",
                f"invocations of variant {variant} outside the expected band ({th.invocations_band_width} standard deviations)",
                metric_queries=[
                    aws.cloudwatch.MetricAlarmMetricQueryArgs(
                        id="invocations", return_data=True, metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                            namespace="AWS/SageMaker", metric_name="Invocations", dimensions=dims, stat="Sum", period=FIVE_MINUTES)),
                    aws.cloudwatch.MetricAlarmMetricQueryArgs(
                        id="band", return_data=True, label="expected invocations",
                        expression=f"ANOMALY_DETECTION_BAND(invocations, {th.invocations_band_width:g})"),
                ],
                threshold_metric_id="band", comparison_operator="LessThanLowerOrGreaterThanUpperThreshold",
                evaluation_periods=3, datapoints_to_alarm=3, treat_missing_data="notBreaching")
            self.remediation_alarm_names += [latency.name, errors.name]
            widgets += [
                self._graph(f"Endpoint {variant}: invocations and errors", [
                    ["AWS/SageMaker", m, "EndpointName", ep.name, "VariantName", variant]
                    for m in ("Invocations", "Invocation4XXErrors", "Invocation5XXErrors")]),
                self._graph(f"Endpoint {variant}: model latency p90 (µs)", [
                    ["AWS/SageMaker", "ModelLatency", "EndpointName", ep.name, "VariantName", variant]], stat="p90"),
            ]
        return widgets

    def _api_alarms(self, api: ApiWatch, th: AlarmThresholds) -> list[dict[str, Any]]:
        dims = api.dimensions()
        self._alarm(
            "api-5xx", f"inference API returned {th.api_5xx_errors}+ 5xx responses in 5 minutes",
            namespace="AWS/ApiGateway", metric_name=api.server_error_metric, dimensions=dims, statistic="Sum",
            period=FIVE_MINUTES, evaluation_periods=1, threshold=th.api_5xx_errors,
            comparison_operator="GreaterThanOrEqualToThreshold", treat_missing_data="notBreaching")
        self._alarm(
            "api-latency-p99", f"p99 latency of the inference API above {th.api_latency_p99_ms} ms",
            namespace="AWS/ApiGateway", metric_name="Latency", dimensions=dims, extended_statistic="p99",
            period=FIVE_MINUTES, evaluation_periods=3, datapoints_to_alarm=2, threshold=th.api_latency_p99_ms,
            comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching")
        flat = [x for kv in dims.items() for x in kv]
        return [self._graph("Inference API: requests and 5xx", [["AWS/ApiGateway", m, *flat] for m in ("Count", api.server_error_metric)]),
                self._graph("Inference API: latency p99 (ms)", [["AWS/ApiGateway", "Latency", *flat]], stat="p99")]

    def _lambda_alarms(self, index: int, fn: pulumi.Input[str], th: AlarmThresholds) -> list[dict[str, Any]]:
        dims = {"FunctionName": fn}
        for metric, limit in (("Errors", th.lambda_errors), ("Throttles", th.lambda_throttles)):
            self._alarm(
                f"lambda-{index}-{metric.lower()}", f"{metric.lower()} of an inference-path function reached {limit} in 5 minutes",
                namespace="AWS/Lambda", metric_name=metric, dimensions=dims, statistic="Sum", period=FIVE_MINUTES,
                evaluation_periods=1, threshold=limit, comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching")
        return [self._graph("Lambda: invocations, errors, throttles",
                            [["AWS/Lambda", m, "FunctionName", fn] for m in ("Invocations", "Errors", "Throttles")])]

    def _glue_alarms(self, jobs: Sequence[pulumi.Input[str]], th: AlarmThresholds) -> list[dict[str, Any]]:
        t = self._t
        for i, job in enumerate(jobs):
            # Published when the job runs with --enable-metrics (job run "ALL" aggregates every run).
            self._alarm(
                f"glue-{i}-failed-tasks", f"a Glue job run had {th.glue_failed_tasks}+ failed tasks",
                namespace="Glue", metric_name="glue.driver.aggregate.numFailedTasks",
                dimensions={"JobName": job, "JobRunId": "ALL", "Type": "count"}, statistic="Sum", period=FIVE_MINUTES,
                evaluation_periods=1, threshold=th.glue_failed_tasks, comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching")
        rule = aws.cloudwatch.EventRule(
            f"{self._prefix}-glue-failures", description="Glue job runs that failed, timed out or errored -> alerts topic",
            event_pattern=pulumi.Output.json_dumps({
                "source": ["aws.glue"], "detail-type": ["Glue Job State Change"],
                "detail": {"jobName": list(jobs), "state": ["FAILED", "TIMEOUT", "ERROR"]}}),
            opts=t.opts(self))
        aws.cloudwatch.EventTarget(f"{self._prefix}-glue-failures", rule=rule.name, arn=self._args.alerts_topic_arn, opts=t.opts(self))
        return [self._graph("Glue: failed tasks", [
            ["Glue", "glue.driver.aggregate.numFailedTasks", "JobName", job, "JobRunId", "ALL", "Type", "count"] for job in jobs])]


def layout(widgets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Place widgets left to right, top to bottom, on CloudWatch's 24-column grid."""
    x = y = row = 0
    placed = []
    for w in widgets:
        if x + w["width"] > 24:
            x, y, row = 0, y + row, 0
        placed.append({**w, "x": x, "y": y})
        x += w["width"]
        row = max(row, w["height"])
    return placed
