"""Endpoint remediation: add one instance to the alarming variant, never beyond its autoscaling maximum.

Invoked by EventBridge with a "CloudWatch Alarm State Change" event for one of the
endpoint's latency or 5xx alarms entering ALARM. The action is deliberately small and
bounded:

* only the endpoint named in ``ENDPOINT_NAME`` and the variants in ``VARIANT_NAMES``;
* only while the endpoint is ``InService`` (an update in progress is left alone);
* only up to the variant's registered autoscaling ``MaxCapacity``; a variant without a
  scalable target is not touched, since there are no agreed bounds;
* one instance per alarm event; the reserved concurrency serialises events.

Every outcome, including "nothing done", is published to the alerts topic, so a
human sees what automation did. Autoscaling may later scale the variant back in.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)


@dataclass(frozen=True)
class Decision:
    variant: str
    current: int
    desired: int | None  # None: leave the variant as it is
    reason: str


def variants_of(event: dict[str, Any], configured: list[str]) -> list[str]:
    """The configured variants the alarm's metric names, or all of them when the alarm spans the endpoint."""
    metrics = event.get("detail", {}).get("configuration", {}).get("metrics", [])
    named = {
        m.get("metricStat", {}).get("metric", {}).get("dimensions", {}).get("VariantName")
        for m in metrics
    } - {None}
    chosen = [v for v in configured if v in named]
    return chosen or list(configured)


def decide(variant: str, current: int, bounds: tuple[int, int] | None, endpoint_status: str) -> Decision:
    """One more instance within [min, max], or a reason to do nothing."""
    if endpoint_status != "InService":
        return Decision(variant, current, None, f"endpoint is {endpoint_status}; an update is already under way")
    if bounds is None:
        return Decision(variant, current, None, "no autoscaling target is registered, so there are no bounds to scale within")
    low, high = bounds
    if current >= high:
        return Decision(variant, current, None, f"already at the autoscaling maximum ({high})")
    return Decision(variant, current, max(low, current + 1), f"scaled out within [{low}, {high}]")


def scaling_bounds(autoscaling: Any, endpoint: str, variants: list[str]) -> dict[str, tuple[int, int]]:
    ids = {f"endpoint/{endpoint}/variant/{v}": v for v in variants}
    found = autoscaling.describe_scalable_targets(
        ServiceNamespace="sagemaker", ResourceIds=list(ids), ScalableDimension="sagemaker:variant:DesiredInstanceCount")
    return {ids[t["ResourceId"]]: (t["MinCapacity"], t["MaxCapacity"]) for t in found.get("ScalableTargets", []) if t["ResourceId"] in ids}


def remediate(event: dict[str, Any], sagemaker: Any, autoscaling: Any, sns: Any, endpoint: str, variants: list[str],
              topic_arn: str) -> list[Decision]:
    alarm = event.get("detail", {}).get("alarmName", "unknown alarm")
    targets = variants_of(event, variants)
    described = sagemaker.describe_endpoint(EndpointName=endpoint)
    current = {v["VariantName"]: v.get("DesiredInstanceCount", v.get("CurrentInstanceCount", 0))
               for v in described.get("ProductionVariants", [])}
    bounds = scaling_bounds(autoscaling, endpoint, targets)
    decisions = [decide(v, current.get(v, 0), bounds.get(v), described["EndpointStatus"]) for v in targets if v in current]
    changes = [{"VariantName": d.variant, "DesiredInstanceCount": d.desired} for d in decisions if d.desired is not None]
    if changes:
        sagemaker.update_endpoint_weights_and_capacities(EndpointName=endpoint, DesiredWeightsAndCapacities=changes)
    summary = {"alarm": alarm, "endpoint": endpoint,
               "decisions": [{"variant": d.variant, "from": d.current, "to": d.desired, "reason": d.reason} for d in decisions]}
    logger.info(json.dumps(summary))
    sns.publish(TopicArn=topic_arn, Subject=f"Remediation for {alarm}"[:100], Message=json.dumps(summary, indent=2))
    return decisions


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    import boto3  # provided by the Lambda runtime

    decisions = remediate(
        event, boto3.client("sagemaker"), boto3.client("application-autoscaling"), boto3.client("sns"),
        os.environ["ENDPOINT_NAME"], json.loads(os.environ["VARIANT_NAMES"]), os.environ["ALERTS_TOPIC_ARN"])
    return {"changed": [d.variant for d in decisions if d.desired is not None]}
