"""SNS and SQS: KMS encryption and no public topic policies."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem, public_policy_problems
from crossguard_aws.context import RuleContext
from crossguard_aws.model import checkov, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import truthy

TOPICS = ("aws:sns/topic:Topic", "aws-native:sns:Topic")
TOPIC_POLICIES = ("aws:sns/topicPolicy:TopicPolicy", "aws-native:sns:TopicPolicy")
QUEUES = ("aws:sqs/queue:Queue", "aws-native:sqs:Queue")


@resource_rule(
    id="aws-sns-topic-enforce-kms", pack="encryption", types=TOPICS, severity=Severity.MEDIUM,
    description="SNS topics must be encrypted with a customer-managed KMS key.",
    remediation="Set kms_master_key_id to your key ARN (not alias/aws/sns); allow the publishing services in the key policy.",
    controls=fsbp("SNS.1"), tags=("kms", "messaging"),
)
def sns_topic_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    problem = key_problem(res.get("kmsMasterKeyId"), "kmsMasterKeyId")
    if problem:
        yield problem


@resource_rule(
    id="aws-sns-topicpolicy-deny-public", pack="network", types=(*TOPICS, *TOPIC_POLICIES), severity=Severity.HIGH,
    description="SNS topic policies must not allow everyone ('*') without a condition that scopes the caller.",
    remediation="Replace Principal '*' with the accounts or services that publish, or add a condition on aws:SourceArn, "
                "aws:SourceAccount or aws:PrincipalOrgID.",
    tags=("public-access", "messaging"),
)
def sns_topic_policy_public(res: Res, ctx: RuleContext) -> Iterator[str]:
    yield from public_policy_problems(res.get("policy", res.get("policyDocument")))


@resource_rule(
    id="aws-sqs-queue-enforce-kms", pack="encryption", types=QUEUES, severity=Severity.MEDIUM,
    description="SQS queues must be encrypted with a customer-managed KMS key (not SQS-managed SSE).",
    remediation="Set kms_master_key_id to your key ARN and leave sqs_managed_sse_enabled unset.",
    controls=fsbp("SQS.1"), tags=("kms", "messaging"),
)
def sqs_queue_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    if truthy(res.get("sqsManagedSseEnabled", False)):
        yield "sqsManagedSseEnabled uses SQS-owned keys; use kmsMasterKeyId with a customer-managed key instead."
        return
    problem = key_problem(res.get("kmsMasterKeyId"), "kmsMasterKeyId")
    if problem:
        yield problem


QUEUE_POLICIES = ("aws:sqs/queuePolicy:QueuePolicy", "aws-native:sqs:QueueInlinePolicy")


@resource_rule(
    id="aws-sqs-queuepolicy-deny-public", pack="network", types=(*QUEUES, *QUEUE_POLICIES), severity=Severity.HIGH,
    description="SQS queue policies must not allow everyone ('*') without a condition that scopes the caller.",
    remediation="Replace Principal '*' with the accounts or service principals that send, or add an aws:SourceArn / "
                "aws:SourceAccount / aws:PrincipalOrgID condition.",
    controls=checkov("CKV_AWS_168"), tags=("public-access", "messaging"),
)
def sqs_queue_policy_public(res: Res, ctx: RuleContext) -> Iterator[str]:
    yield from public_policy_problems(res.get("policy", res.get("policyDocument")))
