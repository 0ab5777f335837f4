"""Cost controls: a monthly budget and Cost Anomaly Detection that notify the alerts topic, which lets them publish."""

from __future__ import annotations

import json

import pytest

from config import Settings, validate
from platformctl.offline.records import ResourceRecord, Snapshot

BUDGET = "aws:budgets/budget:Budget"
TOPIC = "aws:sns/topic:Topic"


def settings_of(snap: Snapshot) -> Settings:
    ns = "aiplatform:"
    return validate({k[len(ns):]: v for k, v in snap.config.items() if k.startswith(ns)}, snap.stack, snap.project)


def primary_topic(snap: Snapshot) -> ResourceRecord:
    region = settings_of(snap).primary_region
    (topic,) = [t for t in snap.of_type(TOPIC) if snap.provider_of(t).inputs["region"] == region]
    return topic


def test_one_monthly_cost_budget_per_account_with_the_configured_limit(workload):
    s = settings_of(workload)
    (budget,) = workload.of_type(BUDGET)
    assert budget.inputs["budgetType"] == "COST"
    assert budget.inputs["timeUnit"] == "MONTHLY"
    assert float(budget.inputs["limitAmount"]) == s.knobs.monthly_budget_usd
    assert budget.inputs["limitUnit"] == "USD"
    assert budget.inputs["accountId"] == s.config.accounts.workload.id


def test_budget_warns_on_forecast_and_on_actual_spend_through_the_topic(workload):
    budget = workload.one(BUDGET)
    topic = primary_topic(workload)
    notifications = budget.inputs["notifications"]
    assert {n["notificationType"] for n in notifications} == {"FORECASTED", "ACTUAL"}
    assert any(n["notificationType"] == "ACTUAL" and n["threshold"] == 100 for n in notifications)
    for n in notifications:
        assert n["subscriberSnsTopicArns"] == [topic.outputs["arn"]]
    assert topic.urn in budget.property_dependencies["notifications"]


def test_cost_anomalies_go_to_the_topic_immediately(workload):
    s = settings_of(workload)
    monitor = workload.one("aws:costexplorer/anomalyMonitor:AnomalyMonitor")
    sub = workload.one("aws:costexplorer/anomalySubscription:AnomalySubscription")
    topic = primary_topic(workload)
    assert monitor.inputs["monitorType"] == "DIMENSIONAL" and monitor.inputs["monitorDimension"] == "SERVICE"
    assert monitor.urn in sub.property_dependencies["monitorArnLists"]
    # SNS subscribers of Cost Anomaly Detection must use IMMEDIATE delivery.
    assert sub.inputs["frequency"] == "IMMEDIATE"
    assert sub.inputs["subscribers"] == [{"type": "SNS", "address": topic.outputs["arn"]}]
    threshold = sub.inputs["thresholdExpression"]["dimension"]
    assert threshold["key"] == "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
    assert float(threshold["values"][0]) == s.knobs.cost_anomaly_threshold_usd


@pytest.mark.parametrize("service", ["budgets.amazonaws.com", "costalerts.amazonaws.com"])
def test_billing_services_may_publish_to_the_encrypted_topic(workload, service):
    """Both the topic policy (sns:Publish) and the topic's key policy (data keys) must admit the service."""
    topic = primary_topic(workload)
    policy = next(p for p in workload.of_type("aws:sns/topicPolicy:TopicPolicy") if topic.urn in p.property_dependencies["arn"])
    publish = [st for st in json.loads(policy.inputs["policy"])["Statement"] if st["Principal"] == {"Service": service}]
    assert publish and publish[0]["Action"] == "sns:Publish" and publish[0]["Effect"] == "Allow"
    key = next(k for k in workload.of_type("aws:kms/key:Key") if k.urn in topic.property_dependencies["kmsMasterKeyId"])
    grants = [st for st in json.loads(key.inputs["policy"])["Statement"] if st.get("Principal") == {"Service": service}]
    assert grants, f"the key of {topic.name} does not let {service} encrypt messages"
    assert {"kms:GenerateDataKey*", "kms:Decrypt"} <= set(grants[0]["Action"])


def test_cost_allocation_tags_are_left_alone_unless_the_flag_is_on(workload):
    assert not settings_of(workload).features.cost_allocation_tags
    assert workload.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag") == []
