"""The alerts topic of one workload account x region: where every alarm, rule, budget and cost anomaly reports.

CloudWatch alarms can only notify a topic in their own region, hence one topic per
region. The topic is encrypted with the ``alerts`` key, whose key policy already lets
the four publishing services (CloudWatch, EventBridge, Budgets, Cost Anomaly
Detection) use it; the topic policy admits exactly those four, each only on behalf
of this account, and refuses any request that does not use TLS. Principals of the
account itself (the remediation function) publish through their IAM policies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components.providers import Target

# Service principal -> the ARN pattern of the resources that publish on this account's behalf.
# Cost Anomaly Detection documents only aws:SourceAccount for its topic policy.
PUBLISHERS: dict[str, str | None] = {
    "cloudwatch.amazonaws.com": "arn:aws:cloudwatch:{region}:{account}:alarm:*",
    "events.amazonaws.com": "arn:aws:events:{region}:{account}:rule/*",
    "budgets.amazonaws.com": "arn:aws:budgets::{account}:*",
    "costalerts.amazonaws.com": None,
}


def topic_policy_statements(topic_arn: pulumi.Input[str], region: str, account_id: str) -> list[dict[str, Any]]:
    """Allow each publishing service from this account only; deny anything over plain HTTP."""
    statements: list[dict[str, Any]] = []
    for service, source_arn in PUBLISHERS.items():
        condition: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account_id}}
        if source_arn:
            condition["ArnLike"] = {"aws:SourceArn": source_arn.format(region=region, account=account_id)}
        statements.append({
            "Sid": f"Allow{service.split('.')[0].title()}Publish",
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": condition,
        })
    statements.append({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["sns:Publish", "sns:Subscribe"],
        "Resource": topic_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    })
    return statements


@dataclass
class AlertTopicArgs:
    target: Target
    alerts_key_arn: pulumi.Input[str]
    emails: Sequence[str] = field(default_factory=list)


class AlertTopic(pulumi.ComponentResource):
    """``topic_arn``: the SNS topic every operational signal of this account x region goes to."""

    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AlertTopicArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:monitoring:AlertTopic", name, None, opts)
        t = args.target
        self.topic = aws.sns.Topic(
            f"{name}-topic", kms_master_key_id=args.alerts_key_arn,
            display_name=f"ML platform alerts ({t.account.name}, {t.region})", opts=t.opts(self))
        self.topic_arn = self.topic.arn
        aws.sns.TopicPolicy(
            f"{name}-policy", arn=self.topic.arn,
            policy=iam.document(topic_policy_statements(self.topic.arn, t.region, t.account_id)),
            opts=t.opts(self))
        # E-mail endpoints must confirm the subscription from the message AWS sends them.
        for i, email in enumerate(args.emails):
            aws.sns.TopicSubscription(f"{name}-email-{i}", topic=self.topic.arn, protocol="email", endpoint=email,
                                      opts=t.opts(self))
        self.register_outputs({"topicArn": self.topic_arn})
