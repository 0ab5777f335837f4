"""Automated responses to alarms: endpoint scale-out, and the drift -> retraining loop.

``Remediation``: when the endpoint's latency or 5xx alarm goes INTO ALARM, EventBridge
invokes a small function (``lambda_src/remediation``) that adds one instance to the
affected variant, never beyond the variant's autoscaling maximum, and reports what it
did to the alerts topic. Its role can describe and resize that one endpoint and
nothing else; it runs in the isolated VPC (sagemaker.api, application-autoscaling,
sns, sqs endpoints), with X-Ray tracing, a reserved concurrency and a KMS-encrypted
dead-letter queue.

``RetrainingTrigger``: when the drift alarm goes INTO ALARM, EventBridge starts the
SageMaker retraining pipeline with a role allowed only
``sagemaker:StartPipelineExecution`` on that pipeline. State-change events fire only
on transitions, so drift that persists starts one execution, not one per evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components.naming import fit
from components.providers import Target

HANDLER_DIR = Path(__file__).resolve().parents[1] / "lambda_src" / "remediation"
ALARM_STATE_CHANGE = "CloudWatch Alarm State Change"
DLQ_RETENTION_SECONDS = 14 * 24 * 3600  # the SQS maximum: time to investigate a failed remediation


def into_alarm_pattern(alarm_names: Sequence[pulumi.Input[str]]) -> pulumi.Output[str]:
    """EventBridge pattern for these alarms entering ALARM (not OK or INSUFFICIENT_DATA)."""
    return pulumi.Output.json_dumps({
        "source": ["aws.cloudwatch"],
        "detail-type": [ALARM_STATE_CHANGE],
        "detail": {"alarmName": list(alarm_names), "state": {"value": ["ALARM"]}},
    })


def event_dlq(name: str, t: Target, parent: pulumi.Resource, key_arn: pulumi.Input[str],
              rule_arns: Sequence[pulumi.Input[str]]) -> aws.sqs.Queue:
    """A KMS-encrypted queue for events that could not be delivered, writable by these EventBridge rules only."""
    queue = aws.sqs.Queue(f"{name}-dlq", kms_master_key_id=key_arn, kms_data_key_reuse_period_seconds=3600,
                          message_retention_seconds=DLQ_RETENTION_SECONDS, opts=t.opts(parent))
    aws.sqs.QueuePolicy(f"{name}-dlq", queue_url=queue.url, policy=iam.document([
        {"Sid": "EventBridgeDeadLetters", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
         "Action": "sqs:SendMessage", "Resource": queue.arn,
         "Condition": {"ArnEquals": {"aws:SourceArn": list(rule_arns)}}},
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": queue.arn,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]), opts=t.opts(parent))
    return queue


@dataclass
class RemediationArgs:
    target: Target
    org: str
    endpoint_name: pulumi.Input[str]
    variant_names: Sequence[str]
    trigger_alarm_names: Sequence[pulumi.Input[str]]  # the endpoint's latency and 5xx alarms
    alerts_topic_arn: pulumi.Input[str]
    alerts_key_arn: pulumi.Input[str]  # the topic's key; also encrypts the dead-letter queue
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    subnet_ids: pulumi.Input[Sequence[str]]
    security_group_id: pulumi.Input[str]
    reserved_concurrency: int = 1
    protect: bool = False  # the function's log group is an audit record of what it changed


class Remediation(pulumi.ComponentResource):
    function_name: pulumi.Output[str]

    def __init__(self, name: str, args: RemediationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:monitoring:Remediation", name, None, opts)
        t = args.target
        fn_name = fit(f"{args.org}-{t.key}-endpoint-remediation", "lambda")
        rule_name = fit(f"{args.org}-{t.key}-endpoint-remediation", "generic")
        rule_arn = t.arn("events", f"rule/{rule_name}")
        dlq = event_dlq(name, t, self, args.alerts_key_arn, [rule_arn])

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=f"/aws/lambda/{fn_name}", kms_key_id=args.logs_key_arn,
            retention_in_days=args.log_retention_days, opts=t.stateful(self, args.protect))
        # SageMaker ARNs carry the endpoint name in lower case.
        endpoint_arn = pulumi.Output.from_input(args.endpoint_name).apply(lambda n: t.arn("sagemaker", f"endpoint/{n.lower()}"))
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=iam.service_trust("lambda.amazonaws.com", t.account_id),
            description="Endpoint remediation: resize one endpoint's variants within their autoscaling bounds", opts=t.opts(self))
        role_policy = aws.iam.RolePolicy(f"{name}-role", role=role.id, policy=iam.document([
            iam.allow(["sagemaker:DescribeEndpoint", "sagemaker:UpdateEndpointWeightsAndCapacities"], endpoint_arn, sid="ThisEndpointOnly"),
            # Scalable targets cannot be named in a policy; reading them is how the function learns the bounds.
            iam.allow(["application-autoscaling:DescribeScalableTargets"], "*", sid="ReadScalingBounds"),
            iam.allow(["sns:Publish"], args.alerts_topic_arn, sid="ReportToAlerts"),
            iam.allow(["sqs:SendMessage"], dlq.arn, sid="DeadLetters"),
            iam.allow(["kms:GenerateDataKey", "kms:Decrypt"], args.alerts_key_arn, sid="EncryptedTopicAndQueue"),
            iam.allow(["logs:CreateLogStream", "logs:PutLogEvents"], log_group.arn.apply(lambda a: f"{a}:log-stream:*"), sid="OwnLogs"),
            iam.allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*", sid="Tracing"),
            *lambda_vpc_statements(t),
        ]), opts=t.opts(self))

        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=fn_name,
            description="Scales the endpoint's variant out by one instance (within autoscaling bounds) when it alarms",
            role=role.arn,
            runtime="python3.12",
            handler="handler.handler",
            code=pulumi.AssetArchive({"handler.py": pulumi.FileAsset(str(HANDLER_DIR / "handler.py"))}),
            timeout=60,
            memory_size=256,
            reserved_concurrent_executions=args.reserved_concurrency,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables={
                "ENDPOINT_NAME": args.endpoint_name, "VARIANT_NAMES": json.dumps(list(args.variant_names)),
                "ALERTS_TOPIC_ARN": args.alerts_topic_arn}),
            # Environment variables at rest under a customer-managed key; the role may already decrypt with it.
            kms_key_arn=args.alerts_key_arn,
            vpc_config=aws.lambda_.FunctionVpcConfigArgs(subnet_ids=args.subnet_ids, security_group_ids=[args.security_group_id]),
            dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=dlq.arn),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="JSON", log_group=log_group.name),
            # CreateFunction in a VPC checks that the role may create network interfaces: the policy comes first.
            opts=t.opts(self, depends_on=[log_group, role_policy]))
        self.function_name = self.function.name
        # One retry, then the dead-letter queue: a stale alarm is not worth acting on an hour later.
        aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-invoke-config", function_name=self.function.name, maximum_retry_attempts=1,
            maximum_event_age_in_seconds=3600, opts=t.opts(self))

        rule = aws.cloudwatch.EventRule(
            f"{name}-rule", name=rule_name, description="Endpoint latency/5xx alarms entering ALARM -> remediation function",
            event_pattern=into_alarm_pattern(args.trigger_alarm_names), opts=t.opts(self))
        aws.lambda_.Permission(
            f"{name}-invoke", action="lambda:InvokeFunction", function=self.function.name, principal="events.amazonaws.com",
            source_arn=rule.arn, source_account=t.account_id, opts=t.opts(self))
        aws.cloudwatch.EventTarget(
            f"{name}-target", rule=rule.name, arn=self.function.arn,
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(maximum_retry_attempts=2, maximum_event_age_in_seconds=3600),
            dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=dlq.arn), opts=t.opts(self))
        dead_letters_alarm(name, t, self, dlq, args.alerts_topic_arn, "endpoint remediation")

        self.register_outputs({"functionName": self.function_name, "functionArn": self.function.arn, "ruleArn": rule.arn,
                               "deadLetterQueueArn": dlq.arn})


def lambda_vpc_statements(t: Target) -> list[dict[str, Any]]:
    """What Lambda needs to manage a VPC function's network interfaces (describes cannot be resource-scoped)."""
    eni = t.arn("ec2", "network-interface/*")
    return [
        iam.allow(["ec2:CreateNetworkInterface"], [eni, t.arn("ec2", "subnet/*"), t.arn("ec2", "security-group/*")], sid="CreateFunctionEni"),
        iam.allow(["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], eni, sid="ManageFunctionEni"),
        iam.allow(["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"], "*",
                  sid="DescribeNetwork"),
    ]


def dead_letters_alarm(name: str, t: Target, parent: pulumi.Resource, queue: aws.sqs.Queue, topic_arn: pulumi.Input[str],
                       what: str) -> aws.cloudwatch.MetricAlarm:
    """Any message in a dead-letter queue means an automatic response did not happen: tell a human."""
    return aws.cloudwatch.MetricAlarm(
        f"{name}-dead-letters", alarm_description=f"An event for {what} could not be delivered or processed",
        namespace="AWS/SQS", metric_name="ApproximateNumberOfMessagesVisible", dimensions={"QueueName": queue.name},
        statistic="Maximum", period=300, evaluation_periods=1, threshold=0, comparison_operator="GreaterThanThreshold",
        treat_missing_data="notBreaching", alarm_actions=[topic_arn], ok_actions=[topic_arn], opts=t.opts(parent))


@dataclass
class RetrainingTriggerArgs:
    target: Target
    org: str
    drift_alarm_name: pulumi.Input[str]
    pipeline_name: pulumi.Input[str]
    alerts_topic_arn: pulumi.Input[str]
    alerts_key_arn: pulumi.Input[str]
    # Only parameters the pipeline declares: SageMaker rejects an execution with unknown ones.
    pipeline_parameters: Mapping[str, str] = field(default_factory=dict)


class RetrainingTrigger(pulumi.ComponentResource):
    def __init__(self, name: str, args: RetrainingTriggerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:monitoring:RetrainingTrigger", name, None, opts)
        t = args.target
        rule_name = fit(f"{args.org}-{t.key}-drift-retraining", "generic")
        rule_arn = t.arn("events", f"rule/{rule_name}")
        pipeline_arn = pulumi.Output.from_input(args.pipeline_name).apply(lambda n: t.arn("sagemaker", f"pipeline/{n.lower()}"))
        dlq = event_dlq(name, t, self, args.alerts_key_arn, [rule_arn])

        role = aws.iam.Role(
            f"{name}-role", assume_role_policy=iam.service_trust("events.amazonaws.com", t.account_id, rule_arn),
            description="EventBridge: start the retraining pipeline when the drift alarm fires", opts=t.opts(self))
        aws.iam.RolePolicy(f"{name}-role", role=role.id, policy=iam.document([
            iam.allow(["sagemaker:StartPipelineExecution"], pipeline_arn, sid="StartRetrainingOnly")]), opts=t.opts(self))

        rule = aws.cloudwatch.EventRule(
            f"{name}-rule", name=rule_name, description="Feature-drift alarm entering ALARM -> retraining pipeline",
            event_pattern=into_alarm_pattern([args.drift_alarm_name]), opts=t.opts(self))
        params: list[Any] = [aws.cloudwatch.EventTargetSagemakerPipelineTargetPipelineParameterListArgs(name=k, value=v)
                             for k, v in args.pipeline_parameters.items()]
        aws.cloudwatch.EventTarget(
            f"{name}-target", rule=rule.name, arn=pipeline_arn, role_arn=role.arn,
            sagemaker_pipeline_target=aws.cloudwatch.EventTargetSagemakerPipelineTargetArgs(pipeline_parameter_lists=params),
            # Retries only repeat a start that failed; with the DLQ a lost trigger is visible, never doubled.
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(maximum_retry_attempts=2, maximum_event_age_in_seconds=3600),
            dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=dlq.arn), opts=t.opts(self))
        dead_letters_alarm(name, t, self, dlq, args.alerts_topic_arn, "drift retraining")
        self.register_outputs({"ruleArn": rule.arn, "roleArn": role.arn, "pipelineArn": pipeline_arn})
