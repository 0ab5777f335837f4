"""Monitoring layer, from the recorded dev and prod runs: alerts topic, alarms, Model Monitor, remediation, retraining.

Also the remediation function's decision logic, with in-memory stand-ins for the AWS clients.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from config import Settings, validate
from lambda_src.remediation import handler
from platformctl.offline.records import ResourceRecord, Snapshot

TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
FUNCTION = "aws:lambda/function:Function"
QUEUE = "aws:sqs/queue:Queue"
JOB_DEFINITION = "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"
SCHEDULE = "aws:sagemaker/monitoringSchedule:MonitoringSchedule"
PUBLISHERS = {"cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com"}


# -- helpers ----------------------------------------------------------------------------------------------------
def settings_of(snap: Snapshot) -> Settings:
    ns = "aiplatform:"
    return validate({k[len(ns):]: v for k, v in snap.config.items() if k.startswith(ns)}, snap.stack, snap.project)


def region_of(snap: Snapshot, record: ResourceRecord) -> str:
    return snap.provider_of(record).inputs["region"]


def deps(record: ResourceRecord, prop: str) -> list[str]:
    return record.property_dependencies.get(prop, [])


def statements(doc: str) -> list[dict[str, Any]]:
    found = json.loads(doc)["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def topic_in(snap: Snapshot, region: str) -> ResourceRecord:
    (topic,) = [t for t in snap.of_type(TOPIC) if region_of(snap, t) == region]
    return topic


def policy_of_role(snap: Snapshot, role: ResourceRecord) -> list[dict[str, Any]]:
    (policy,) = [p for p in snap.of_type(ROLE_POLICY) if role.urn in deps(p, "role")]
    return statements(policy.inputs["policy"])


def in_layer(snap: Snapshot, token: str, type_: str) -> list[ResourceRecord]:
    return [r for r in snap.of_type(type_) if snap.layer_of(r) == token or any(a.type == token for a in snap.ancestors(r))]


# -- alerts topic ------------------------------------------------------------------------------------------------
def test_every_region_has_a_topic_encrypted_with_its_alerts_key(workload):
    s = settings_of(workload)
    for region in s.regions:
        topic = topic_in(workload, region)
        (key_urn,) = deps(topic, "kmsMasterKeyId")
        key = workload.by_urn[key_urn]
        assert key.name.endswith("-alerts-key") and region_of(workload, key) == region
        assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]


def test_topic_policy_admits_only_the_publishers_from_this_account_and_requires_tls(workload):
    account = settings_of(workload).config.accounts.workload.id
    for policy in workload.of_type(TOPIC_POLICY):
        topic = workload.by_urn[deps(policy, "arn")[0]]
        sts = statements(policy.inputs["policy"])
        allows = [st for st in sts if st["Effect"] == "Allow"]
        assert {st["Principal"]["Service"] for st in allows} == PUBLISHERS
        for st in allows:
            assert as_list(st["Action"]) == ["sns:Publish"]
            assert st["Resource"] == topic.outputs["arn"]
            assert st["Condition"]["StringEquals"]["aws:SourceAccount"] == account
            source_arn = st["Condition"].get("ArnLike", {}).get("aws:SourceArn")
            if source_arn is not None:
                assert f":{account}:" in source_arn
        (deny,) = [st for st in sts if st["Effect"] == "Deny"]
        assert deny["Principal"] == "*" and "sns:Publish" in deny["Action"]
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_alert_emails_from_config_are_subscribed(workload):
    s = settings_of(workload)
    subs = workload.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sorted(r.inputs["endpoint"] for r in subs) == sorted(s.knobs.alert_emails * len(s.regions))
    assert all(r.inputs["protocol"] == "email" for r in subs)


# -- every alarm notifies the topic --------------------------------------------------------------------------------
def test_every_alarm_notifies_its_regions_topic(workload):
    alarms = workload.of_type(ALARM)
    assert alarms
    for alarm in alarms:
        topic = topic_in(workload, region_of(workload, alarm))
        assert alarm.inputs["alarmActions"] == [topic.outputs["arn"]], alarm.name
        assert topic.urn in deps(alarm, "alarmActions")


# -- remediation function logic ----------------------------------------------------------------------------------
class FakeSageMaker:
    def __init__(self, status: str, counts: dict[str, int]):
        self.status, self.counts, self.updates = status, counts, []

    def describe_endpoint(self, EndpointName: str) -> dict:
        return {"EndpointStatus": self.status,
                "ProductionVariants": [{"VariantName": v, "DesiredInstanceCount": n} for v, n in self.counts.items()]}

    def update_endpoint_weights_and_capacities(self, EndpointName: str, DesiredWeightsAndCapacities: list) -> None:
        self.updates.append((EndpointName, DesiredWeightsAndCapacities))


class FakeAutoscaling:
    def __init__(self, bounds: dict[str, tuple[int, int]]):
        self.bounds = bounds

    def describe_scalable_targets(self, ServiceNamespace: str, ResourceIds: list, ScalableDimension: str) -> dict:
        assert ServiceNamespace == "sagemaker" and ScalableDimension == "sagemaker:variant:DesiredInstanceCount"
        return {"ScalableTargets": [
            {"ResourceId": rid, "MinCapacity": lo, "MaxCapacity": hi}
            for rid in ResourceIds for v, (lo, hi) in self.bounds.items() if rid.endswith(f"/variant/{v}")]}


class FakeSns:
    def __init__(self):
        self.messages = []

    def publish(self, TopicArn: str, Subject: str, Message: str) -> None:
        self.messages.append((TopicArn, Subject, json.loads(Message)))


def alarm_event(variant: str | None) -> dict:
    dims = {"EndpointName": "ep", **({"VariantName": variant} if variant else {})}
    return {"detail-type": "CloudWatch Alarm State Change", "detail": {
        "alarmName": "acme-latency", "state": {"value": "ALARM"},
        "configuration": {"metrics": [{"metricStat": {"metric": {"name": "ModelLatency", "dimensions": dims}}}]}}}


@pytest.mark.parametrize(("status", "count", "bounds", "expected"), [
    ("InService", 1, (1, 4), 2),          # room to grow: one more instance
    ("InService", 4, (1, 4), None),       # at the autoscaling maximum: nothing
    ("InService", 1, None, None),         # no scalable target: no agreed bounds, nothing
    ("Updating", 1, (1, 4), None),        # an update is under way: leave it
    ("InService", 0, (2, 4), 2),          # below the floor: straight to the minimum
])
def test_remediation_scales_out_by_one_within_the_autoscaling_bounds(status, count, bounds, expected):
    sm, sns = FakeSageMaker(status, {"primary": count}), FakeSns()
    aas = FakeAutoscaling({"primary": bounds} if bounds else {})
    decisions = handler.remediate(alarm_event("primary"), sm, aas, sns, "ep", ["primary"], "arn:topic")
    assert [d.desired for d in decisions] == [expected]
    assert sm.updates == ([("ep", [{"VariantName": "primary", "DesiredInstanceCount": expected}])] if expected else [])
    # Every outcome, including doing nothing, is reported to the topic.
    (topic, _, summary) = sns.messages[0]
    assert topic == "arn:topic" and summary["decisions"][0]["to"] == expected


def test_remediation_touches_only_the_variant_the_alarm_names():
    sm, sns = FakeSageMaker("InService", {"a": 1, "b": 1}), FakeSns()
    aas = FakeAutoscaling({"a": (1, 3), "b": (1, 3)})
    handler.remediate(alarm_event("b"), sm, aas, sns, "ep", ["a", "b"], "arn:topic")
    assert sm.updates == [("ep", [{"VariantName": "b", "DesiredInstanceCount": 2}])]


def test_remediation_ignores_variants_it_was_not_configured_for():
    sm, sns = FakeSageMaker("InService", {"a": 1, "other": 1}), FakeSns()
    handler.remediate(alarm_event("other"), sm, FakeAutoscaling({"a": (1, 3), "other": (1, 3)}), sns, "ep", ["a"], "arn:topic")
    assert sm.updates == [("ep", [{"VariantName": "a", "DesiredInstanceCount": 2}])]


def test_handler_entry_point_reads_its_configuration_from_the_environment(monkeypatch):
    sm, sns = FakeSageMaker("InService", {"primary": 1}), FakeSns()
    clients = {"sagemaker": sm, "application-autoscaling": FakeAutoscaling({"primary": (1, 2)}), "sns": sns}
    fake_boto3 = type(sys)("boto3")
    fake_boto3.client = clients.__getitem__
    monkeypatch.setitem(sys.modules, "boto3", fake_boto3)
    monkeypatch.setenv("ENDPOINT_NAME", "ep")
    monkeypatch.setenv("VARIANT_NAMES", json.dumps(["primary"]))
    monkeypatch.setenv("ALERTS_TOPIC_ARN", "arn:topic")
    assert handler.handler(alarm_event("primary"), None) == {"changed": ["primary"]}
    assert sns.messages[0][0] == "arn:topic"


# -- alarms per source (primary region) -------------------------------------------------------------------------------
def primary(snap: Snapshot) -> str:
    return settings_of(snap).primary_region


def alarm(snap: Snapshot, suffix: str) -> ResourceRecord:
    (found,) = [a for a in snap.of_type(ALARM) if a.inputs.get("name", "").endswith(suffix)]
    return found


def test_endpoint_alarms_per_variant_with_thresholds_from_config(workload):
    s = settings_of(workload)
    endpoint = workload.one("aws:sagemaker/endpoint:Endpoint")
    th = s.knobs.alarms
    for variant in (v.name for v in s.knobs.endpoint.variants):
        latency = alarm(workload, f"endpoint-{variant}-latency")
        assert latency.inputs["dimensions"] == {"EndpointName": endpoint.outputs["name"], "VariantName": variant}
        assert endpoint.urn in deps(latency, "dimensions")
        assert (latency.inputs["metricName"], latency.inputs["extendedStatistic"]) == ("ModelLatency", "p90")
        assert latency.inputs["threshold"] == th.endpoint_latency_ms * 1000  # ModelLatency is in microseconds
        assert alarm(workload, f"endpoint-{variant}-5xx").inputs["threshold"] == th.endpoint_5xx_errors
        assert alarm(workload, f"endpoint-{variant}-4xx").inputs["metricName"] == "Invocation4XXErrors"


def test_invocations_anomaly_alarm_compares_against_an_anomaly_detection_band(workload):
    s = settings_of(workload)
    for variant in (v.name for v in s.knobs.endpoint.variants):
        anomaly = alarm(workload, f"endpoint-{variant}-invocations-anomaly")
        queries = {q["id"]: q for q in anomaly.inputs["metricQueries"]}
        band = queries[anomaly.inputs["thresholdMetricId"]]
        metric_id = band["expression"].split("(")[1].split(",")[0]
        assert band["expression"].startswith("ANOMALY_DETECTION_BAND(")
        assert queries[metric_id]["metric"]["metricName"] == "Invocations"
        assert anomaly.inputs["comparisonOperator"] == "LessThanLowerOrGreaterThanUpperThreshold"
        assert "threshold" not in anomaly.inputs


def test_api_alarms_watch_the_inference_stage(workload):
    s = settings_of(workload)
    stage = workload.one("aws:apigateway/stage:Stage", "inference-stage")
    api = workload.one("aws:apigateway/restApi:RestApi")
    for suffix in ("api-5xx", "api-latency-p99"):
        a = alarm(workload, suffix)
        assert a.inputs["namespace"] == "AWS/ApiGateway"
        assert a.inputs["dimensions"] == {"ApiName": api.inputs["name"], "Stage": stage.outputs["stageName"]}
        assert stage.urn in deps(a, "dimensions")
    assert alarm(workload, "api-5xx").inputs["metricName"] == "5XXError"
    p99 = alarm(workload, "api-latency-p99")
    assert p99.inputs["extendedStatistic"] == "p99" and p99.inputs["threshold"] == s.knobs.alarms.api_latency_p99_ms


def test_every_inference_path_function_has_error_and_throttle_alarms(workload):
    functions = [f for f in workload.of_type(FUNCTION) if f.name.endswith(("invoke-endpoint", "batch-transform"))]
    assert len(functions) == 2
    for fn in functions:
        watching = {a.inputs["metricName"] for a in workload.of_type(ALARM) if fn.urn in deps(a, "dimensions")}
        assert watching == {"Errors", "Throttles"}, fn.name


def test_glue_job_failures_reach_the_topic(workload):
    job = workload.one("aws:glue/job:Job")
    failed_tasks = [a for a in workload.of_type(ALARM) if job.urn in deps(a, "dimensions")]
    assert [a.inputs["metricName"] for a in failed_tasks] == ["glue.driver.aggregate.numFailedTasks"]
    rule = workload.one(RULE, "glue-failures")
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern["detail"]["jobName"] == [job.outputs["name"]] and "FAILED" in pattern["detail"]["state"]
    target = workload.one(TARGET, "glue-failures")
    assert target.inputs["arn"] == topic_in(workload, primary(workload)).outputs["arn"]


def test_dashboard_body_is_json_and_shows_every_alarm_of_the_layer(workload):
    dashboard = workload.one("aws:cloudwatch/dashboard:Dashboard")
    body = json.loads(dashboard.inputs["dashboardBody"])
    shown = {arn for w in body["widgets"] if w["type"] == "alarm" for arn in w["properties"]["alarms"]}
    monitoring_alarms = in_layer(workload, "aiplatform:monitoring:Monitoring", ALARM)
    assert {a.outputs["arn"] for a in monitoring_alarms} | {alarm(workload, "feature-drift").outputs["arn"]} == shown
    assert all(w["x"] + w["width"] <= 24 for w in body["widgets"])


# -- Model Monitor ----------------------------------------------------------------------------------------------------
def test_monitoring_schedule_runs_the_data_quality_job_on_the_endpoint(workload):
    s = settings_of(workload)
    schedule = workload.one(SCHEDULE, "data-quality")
    job = workload.one(JOB_DEFINITION)
    endpoint = workload.one("aws:sagemaker/endpoint:Endpoint")
    config = schedule.inputs["monitoringScheduleConfig"]
    assert config["monitoringType"] == "DataQuality"
    assert config["monitoringJobDefinitionName"] == job.inputs["name"] and job.urn in deps(schedule, "monitoringScheduleConfig")
    assert job.inputs["dataQualityJobInput"]["endpointInput"]["endpointName"] == endpoint.outputs["name"]
    assert endpoint.urn in deps(job, "dataQualityJobInput")
    hours = s.knobs.model_monitoring.interval_hours
    expression = config["scheduleConfig"]["scheduleExpression"]
    assert expression == "cron(0 0 ? * * *)" if hours == 24 else expression.endswith(f"/{hours} ? * * *)")


def test_monitoring_job_is_isolated_in_the_vpc_and_encrypted_with_the_ml_key(workload):
    job = workload.one(JOB_DEFINITION)
    ml_key = workload.one("aws:kms/key:Key", f"{primary_key_prefix(workload)}-ml-key")
    network = job.inputs["networkConfig"]
    assert network["enableNetworkIsolation"] is True and network["enableInterContainerTrafficEncryption"] is True
    sg = workload.one("aws:ec2/securityGroup:SecurityGroup", f"{primary_key_prefix(workload)}-network-workload-sg")
    assert network["vpcConfig"]["securityGroupIds"] == [sg.id] and network["vpcConfig"]["subnets"]
    assert sg.urn in deps(job, "networkConfig")
    assert job.inputs["jobResources"]["clusterConfig"]["volumeKmsKeyId"] == ml_key.outputs["arn"]
    assert job.inputs["dataQualityJobOutputConfig"]["kmsKeyId"] == ml_key.outputs["arn"]


def test_baseline_and_reports_live_in_the_artifacts_bucket(workload):
    job = workload.one(JOB_DEFINITION)
    artifacts = workload.one("aws:s3/bucket:Bucket", f"{primary_key_prefix(workload)}-lake-artifacts")
    bucket = f"s3://{artifacts.inputs['bucket']}/"
    baseline = job.inputs["dataQualityBaselineConfig"]
    assert baseline["constraintsResource"]["s3Uri"].startswith(bucket)
    assert baseline["statisticsResource"]["s3Uri"].startswith(bucket)
    assert job.inputs["dataQualityJobOutputConfig"]["monitoringOutputs"]["s3Output"]["s3Uri"].startswith(bucket)


def test_monitoring_image_is_the_regions_model_monitor_analyzer(workload):
    image = workload.one(JOB_DEFINITION).inputs["dataQualityAppSpecification"]["imageUri"]
    account, _, _, region, *_ = image.split(".")
    assert region == primary(workload)
    assert image.endswith("/sagemaker-model-monitor-analyzer") and len(account) == 12 and account != workload_account(workload)


def test_drift_alarm_watches_the_configured_features_of_this_schedule(workload):
    s = settings_of(workload)
    mm = s.knobs.model_monitoring
    drift = alarm(workload, "feature-drift")
    schedule = workload.one(SCHEDULE, "data-quality")
    endpoint = workload.one("aws:sagemaker/endpoint:Endpoint")
    metrics = [q["metric"] for q in drift.inputs["metricQueries"] if "metric" in q]
    assert [m["metricName"] for m in metrics] == [f"feature_baseline_drift_{f}" for f in mm.features]
    for m in metrics:
        assert m["namespace"] == "aws/sagemaker/Endpoints/data-metrics"
        assert m["dimensions"] == {"Endpoint": endpoint.outputs["name"], "MonitoringSchedule": schedule.inputs["name"]}
        assert m["period"] == mm.interval_hours * 3600
    assert drift.inputs["threshold"] == mm.drift_threshold
    # Missing data between runs keeps the state: persisting drift stays one ALARM (one retraining).
    assert drift.inputs["treatMissingData"] == "ignore"


# -- drift -> retraining ----------------------------------------------------------------------------------------------
def primary_key_prefix(snap: Snapshot) -> str:
    s = settings_of(snap)
    return workload_target_key(s)


def workload_target_key(s: Settings) -> str:
    from components.naming import region_code

    return f"{s.config.accounts.workload.name}-{region_code(s.primary_region)}"


def workload_account(snap: Snapshot) -> str:
    return settings_of(snap).config.accounts.workload.id


def alarm_rule_pattern(rule: ResourceRecord) -> dict:
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern["source"] == ["aws.cloudwatch"] and pattern["detail-type"] == ["CloudWatch Alarm State Change"]
    # Only transitions INTO alarm: OK and INSUFFICIENT_DATA must not match.
    assert pattern["detail"]["state"] == {"value": ["ALARM"]}
    return pattern


def test_drift_alarm_starts_the_retraining_pipeline_only_on_alarm(workload):
    rule = workload.one(RULE, "retraining-rule")
    drift = alarm(workload, "feature-drift")
    assert alarm_rule_pattern(rule)["detail"]["alarmName"] == [drift.inputs["name"]]
    pipeline = workload.one("aws:sagemaker/pipeline:Pipeline")
    target = workload.one(TARGET, "retraining-target")
    pipeline_arn = f"arn:aws:sagemaker:{primary(workload)}:{workload_account(workload)}:pipeline/{pipeline.inputs['pipelineName'].lower()}"
    assert target.inputs["arn"] == pipeline_arn
    assert "sagemakerPipelineTarget" in target.inputs
    retry = target.inputs["retryPolicy"]
    assert retry["maximumRetryAttempts"] <= 2 and retry["maximumEventAgeInSeconds"] <= 3600
    queue = workload.by_urn[deps(target, "deadLetterConfig")[0]]
    assert queue.type == QUEUE and queue.inputs["kmsMasterKeyId"]


def test_retraining_role_may_only_start_that_pipeline(workload):
    target = workload.one(TARGET, "retraining-target")
    role = workload.by_urn[deps(target, "roleArn")[0]]
    (trust,) = statements(role.inputs["assumeRolePolicy"])
    rule = workload.one(RULE, "retraining-rule")
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"].endswith(f":rule/{rule.inputs['name']}")
    (allow,) = policy_of_role(workload, role)
    assert as_list(allow["Action"]) == ["sagemaker:StartPipelineExecution"]
    assert allow["Resource"] == target.inputs["arn"]


# -- endpoint remediation -------------------------------------------------------------------------------------------
def test_remediation_rule_fires_only_when_latency_or_5xx_alarms_enter_alarm(workload):
    s = settings_of(workload)
    pattern = alarm_rule_pattern(workload.one(RULE, "remediation-rule"))
    expected = [alarm(workload, f"endpoint-{v.name}-{kind}").inputs["name"] for v in s.knobs.endpoint.variants for kind in ("latency", "5xx")]
    assert pattern["detail"]["alarmName"] == expected


def test_remediation_function_runs_in_the_vpc_with_dlq_tracing_and_reserved_concurrency(workload):
    s = settings_of(workload)
    fn = workload.one(FUNCTION, "remediation-function")
    prefix = primary_key_prefix(workload)
    sg = workload.one("aws:ec2/securityGroup:SecurityGroup", f"{prefix}-network-workload-sg")
    assert fn.inputs["vpcConfig"]["securityGroupIds"] == [sg.id] and fn.inputs["vpcConfig"]["subnetIds"]
    assert sg.urn in deps(fn, "vpcConfig")
    queue = workload.by_urn[deps(fn, "deadLetterConfig")[0]]
    alerts_key = workload.one("aws:kms/key:Key", f"{prefix}-alerts-key")
    assert queue.type == QUEUE and alerts_key.urn in deps(queue, "kmsMasterKeyId")
    assert fn.inputs["tracingConfig"] == {"mode": "Active"}
    assert fn.inputs["reservedConcurrentExecutions"] == s.knobs.remediation_concurrency
    permission = workload.one("aws:lambda/permission:Permission", "remediation-invoke")
    assert permission.inputs["principal"] == "events.amazonaws.com"
    assert workload.one(RULE, "remediation-rule").urn in deps(permission, "sourceArn")


def test_remediation_role_is_scoped_to_the_endpoint(workload):
    fn = workload.one(FUNCTION, "remediation-function")
    role = workload.by_urn[deps(fn, "role")[0]]
    endpoint = workload.one("aws:sagemaker/endpoint:Endpoint")
    sts = policy_of_role(workload, role)
    sagemaker = [st for st in sts if any(a.startswith("sagemaker:") for a in as_list(st["Action"]))]
    assert sagemaker and all(st["Resource"] == endpoint.outputs["arn"] for st in sagemaker)
    assert {a for st in sagemaker for a in as_list(st["Action"])} == {"sagemaker:DescribeEndpoint",
                                                                      "sagemaker:UpdateEndpointWeightsAndCapacities"}
    # Wildcard resources only for calls that cannot be scoped (describes, tracing).
    for st in sts:
        if st["Resource"] == "*":
            assert all(a.split(":")[1].startswith(("Describe", "Put")) for a in as_list(st["Action"])), st


@pytest.mark.parametrize("rule_part", ["remediation", "retraining"])
def test_dead_letter_queues_accept_only_their_rule_over_tls_and_alarm_when_used(workload, rule_part):
    queue = workload.one(QUEUE, f"{rule_part}-dlq")
    policy = workload.one("aws:sqs/queuePolicy:QueuePolicy", f"{rule_part}-dlq")
    sts = statements(policy.inputs["policy"])
    (allow,) = [st for st in sts if st["Effect"] == "Allow"]
    rule = workload.one(RULE, f"{rule_part}-rule")
    assert allow["Principal"] == {"Service": "events.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    assert [a.rsplit("/", 1)[1] for a in allow["Condition"]["ArnEquals"]["aws:SourceArn"]] == [rule.inputs["name"]]
    assert any(st["Effect"] == "Deny" and st["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for st in sts)
    assert any(queue.urn in deps(a, "dimensions") for a in workload.of_type(ALARM))


# -- feature flags flipped (the options dev of tests/options_variant.py) -----------------------------------------------
def test_without_remediation_no_function_or_rule_exists(options_dev):
    assert not in_layer(options_dev, "aiplatform:monitoring:Remediation", FUNCTION)
    assert not [r for r in options_dev.of_type(RULE) if "remediation" in r.name]
    # The rest of monitoring stays: the drift alarm still drives retraining.
    assert options_dev.one(RULE, "retraining-rule")


def test_model_quality_job_is_isolated_encrypted_and_scheduled_on_the_endpoint(options_dev):
    (job,) = options_dev.of_type("aws-native:sagemaker:ModelQualityJobDefinition")
    endpoint = options_dev.one("aws:sagemaker/endpoint:Endpoint")
    ml_key = options_dev.one("aws:kms/key:Key", f"{primary_key_prefix(options_dev)}-ml-key")
    assert job.inputs["modelQualityJobInput"]["endpointInput"]["endpointName"] == endpoint.outputs["name"]
    assert job.inputs["modelQualityJobInput"]["groundTruthS3Input"]["s3Uri"].startswith("s3://")
    network = job.inputs["networkConfig"]
    assert network["enableNetworkIsolation"] is True and network["vpcConfig"]["subnets"]
    assert job.inputs["jobResources"]["clusterConfig"]["volumeKmsKeyId"] == ml_key.outputs["arn"]
    assert job.inputs["modelQualityJobOutputConfig"]["kmsKeyId"] == ml_key.outputs["arn"]
    assert options_dev.provider_of(job).type == "pulumi:providers:aws-native"
    schedule = options_dev.one(SCHEDULE, "model-quality")
    assert schedule.inputs["monitoringScheduleConfig"]["monitoringType"] == "ModelQuality"
    assert job.urn in deps(schedule, "monitoringScheduleConfig")


def test_cost_allocation_tags_activate_the_required_tags(options_dev):
    tags = options_dev.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag")
    # aiplatform:tagPolicy.required of Pulumi.dev.yaml
    assert sorted(t.inputs["tagKey"] for t in tags) == ["cost-center", "data-classification", "environment", "owner"]
    assert all(t.inputs["status"] == "Active" for t in tags)


# -- configuration errors name the key and the fix ------------------------------------------------------------------
def raw_config(snap: Snapshot) -> dict:
    ns = "aiplatform:"
    return {k[len(ns):]: json.loads(json.dumps(v)) for k, v in snap.config.items() if k.startswith(ns)}


@pytest.mark.parametrize(("change", "key"), [
    ({"intervalHours": 5}, "knobs.modelMonitoring.intervalHours"),
    ({"features": []}, "knobs.modelMonitoring.features"),
    ({"features": [f"_c{i}" for i in range(11)]}, "knobs.modelMonitoring.features"),
    ({"features": ["has space"]}, "knobs.modelMonitoring.features[0]"),
    ({"features": ["age"]}, "knobs.modelMonitoring.features[0]"),  # the baseline is headerless CSV: _c0, _c1, ...
    ({"instanceType": "m5.large"}, "knobs.modelMonitoring.instanceType"),
])
def test_bad_model_monitoring_settings_are_reported_by_key(snapshots, change, key):
    from config import ConfigError

    raw = raw_config(snapshots["dev"])
    raw["knobs"]["modelMonitoring"] = {**raw["knobs"]["modelMonitoring"], **change}
    with pytest.raises(ConfigError) as info:
        validate(raw, "dev", "aiplatform")
    assert [p.key for p in info.value.problems] == [key]
    assert info.value.problems[0].fix


# Registry accounts of the prebuilt Model Monitor image, as the SageMaker Developer Guide lists them
# ("Amazon SageMaker Model Monitor prebuilt container"), written out rather than read from components.model_monitor.
@pytest.mark.parametrize(("region", "account"), [
    ("us-east-1", "156813124566"), ("us-west-2", "159807026194"), ("eu-west-1", "468650794304"), ("ap-southeast-2", "563025443158"),
])
def test_monitor_image_comes_from_the_documented_registry(region, account):
    from components.model_monitor import model_monitor_image

    assert model_monitor_image(region) == f"{account}.dkr.ecr.{region}.amazonaws.com/sagemaker-model-monitor-analyzer"


def test_a_primary_region_without_a_known_monitor_image_fails_clearly():
    import pulumi

    from components.model_monitor import model_monitor_image

    with pytest.raises(pulumi.RunError, match="regions.primary"):
        model_monitor_image("il-central-1")
