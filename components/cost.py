"""Cost controls of one workload account: a monthly budget, Cost Anomaly Detection, cost-allocation tags.

Budgets and Cost Explorer are account-wide (global) services; the resources are
created once per account with its primary-region provider, and notify that region's
alerts topic. Both services publish to the KMS-encrypted topic only because the
``alerts`` key policy grants ``budgets.amazonaws.com`` and ``costalerts.amazonaws.com``
``kms:GenerateDataKey*``/``kms:Decrypt`` and the topic policy grants them
``sns:Publish`` for this account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.naming import fit
from components.providers import Target

# (notification type, percent of the monthly limit): warn early on the forecast, then on actual spend.
BUDGET_THRESHOLDS = (("FORECASTED", 100.0), ("ACTUAL", 80.0), ("ACTUAL", 100.0))


@dataclass
class CostControlsArgs:
    target: Target  # the account's primary region
    org: str
    environment: str
    monthly_limit_usd: float
    alerts_topic_arn: pulumi.Input[str]
    anomaly_threshold_usd: float
    # Tag keys to activate for cost allocation; empty unless features.costAllocationTags (payer accounts only).
    cost_allocation_tags: Sequence[str] = field(default_factory=list)


class CostControls(pulumi.ComponentResource):
    def __init__(self, name: str, args: CostControlsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:cost:CostControls", name, None, opts)
        t = args.target
        self.budget = aws.budgets.Budget(
            f"{name}-monthly-budget",
            name=fit(f"{args.org}-{t.account.name}-{args.environment}-monthly", "generic"),
            account_id=t.account_id,
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{args.monthly_limit_usd:.2f}",
            limit_unit="USD",
            notifications=[aws.budgets.BudgetNotificationArgs(
                notification_type=kind, comparison_operator="GREATER_THAN", threshold=percent, threshold_type="PERCENTAGE",
                subscriber_sns_topic_arns=[args.alerts_topic_arn]) for kind, percent in BUDGET_THRESHOLDS],
            opts=t.opts(self))

        # One monitor per AWS service of this account. AWS allows a single service monitor per account: if
        # the account already has one (the console creates "Default-Services-Monitor"), import it instead.
        self.monitor = aws.costexplorer.AnomalyMonitor(
            f"{name}-anomaly-monitor", name=fit(f"{args.org}-{t.account.name}-services", "generic"),
            monitor_type="DIMENSIONAL", monitor_dimension="SERVICE", opts=t.opts(self))
        # SNS subscribers only accept IMMEDIATE delivery (daily/weekly digests are e-mail only).
        self.subscription = aws.costexplorer.AnomalySubscription(
            f"{name}-anomaly-alerts", name=fit(f"{args.org}-{t.account.name}-anomalies", "generic"),
            frequency="IMMEDIATE", monitor_arn_lists=[self.monitor.arn],
            subscribers=[aws.costexplorer.AnomalySubscriptionSubscriberArgs(type="SNS", address=args.alerts_topic_arn)],
            threshold_expression=aws.costexplorer.AnomalySubscriptionThresholdExpressionArgs(
                dimension=aws.costexplorer.AnomalySubscriptionThresholdExpressionDimensionArgs(
                    key="ANOMALY_TOTAL_IMPACT_ABSOLUTE", match_options=["GREATER_THAN_OR_EQUAL"],
                    values=[f"{args.anomaly_threshold_usd:g}"])),
            opts=t.opts(self))

        # Activation only succeeds in the payer (management) account, and only for keys already seen in billing data.
        for key in args.cost_allocation_tags:
            aws.costexplorer.CostAllocationTag(f"{name}-tag-{key}", tag_key=key, status="Active", opts=t.opts(self))

        self.register_outputs({"budgetName": self.budget.name, "anomalyMonitorArn": self.monitor.arn})
