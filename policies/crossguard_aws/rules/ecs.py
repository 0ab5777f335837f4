"""ECS: task definitions without privileged containers, with read-only roots, awsvpc networking and encrypted
logs; services without public IPs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import fsbp, resource_rule, stack_rule
from crossguard_aws.resources import Res, Stack
from crossguard_aws.values import Unknown, dig, maybe_json, truthy

TASK_DEFINITIONS = ("aws:ecs/taskDefinition:TaskDefinition", "aws-native:ecs:TaskDefinition")
SERVICES = ("aws:ecs/service:Service", "aws-native:ecs:Service")
LOG_GROUPS = ("aws:cloudwatch/logGroup:LogGroup", "aws-native:logs:LogGroup")


def containers(res: Res) -> list[dict[str, Any]]:
    """The container definitions (a JSON string in pulumi_aws, a list in aws-native)."""
    value = maybe_json(res.get("containerDefinitions"))
    if isinstance(value, Unknown):
        value._judge()
    return [c for c in (value or []) if isinstance(c, dict)]


def _label(container: dict[str, Any], i: int) -> str:
    return f"container '{container.get('name', i)}'"


@resource_rule(
    id="aws-ecs-taskdefinition-deny-privileged", pack="operations", types=TASK_DEFINITIONS, severity=Severity.HIGH,
    description="ECS containers must not run privileged (root on the host with every device).",
    remediation="Remove privileged=true from the container definition; grant the specific Linux capability instead, if any.",
    controls=fsbp("ECS.4"), tags=("ecs", "least-privilege"),
)
def ecs_privileged(res: Res, ctx: RuleContext) -> Iterator[str]:
    for i, c in enumerate(containers(res)):
        if truthy(c.get("privileged", False)):
            yield f"{_label(c, i)} is privileged."


@resource_rule(
    id="aws-ecs-taskdefinition-require-readonly-rootfs", pack="operations", types=TASK_DEFINITIONS, severity=Severity.MEDIUM,
    description="ECS containers must run with a read-only root filesystem.",
    remediation="Set readonlyRootFilesystem=true and mount task volumes where the container must write (for example /tmp).",
    controls=fsbp("ECS.5"), tags=("ecs", "hardening"),
)
def ecs_readonly_root(res: Res, ctx: RuleContext) -> Iterator[str]:
    for i, c in enumerate(containers(res)):
        if not truthy(c.get("readonlyRootFilesystem", False)):
            yield f"{_label(c, i)} has a writable root filesystem."


@resource_rule(
    id="aws-ecs-taskdefinition-require-awsvpc", pack="network", types=TASK_DEFINITIONS, severity=Severity.MEDIUM,
    description="ECS task definitions must use the awsvpc network mode (own ENI and security group per task).",
    remediation="Set network_mode='awsvpc' (Fargate requires it) and give the service subnets and security groups.",
    controls=fsbp("ECS.17"), tags=("ecs", "vpc"),
)
def ecs_awsvpc(res: Res, ctx: RuleContext) -> Iterator[str]:
    mode = res.get("networkMode")
    if mode != "awsvpc":
        yield f"networkMode is {mode!r}; tasks share the host's network instead of their own ENI and security group."


@stack_rule(
    id="aws-ecs-taskdefinition-require-encrypted-logs", pack="data-protection", types=TASK_DEFINITIONS, severity=Severity.MEDIUM,
    description="Every ECS container must send its logs somewhere; awslogs groups in the stack must be KMS-encrypted.",
    remediation="Give each container a logConfiguration (awslogs to a log group with kms_key_id, retention set); the "
                "execution role needs logs:CreateLogStream and logs:PutLogEvents on that group.",
    controls=fsbp("ECS.9"), tags=("ecs", "logging", "kms"),
)
def ecs_logs(task: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    names = {g.urn: g.get("name") if g.type.startswith("aws:") else g.get("logGroupName") for g in stack.of_types(LOG_GROUPS)}
    groups = {name: stack.by_urn[urn] for urn, name in names.items() if isinstance(name, str)}  # unknown names: not matched
    for i, c in enumerate(containers(task)):
        config = c.get("logConfiguration")
        if not config:
            yield f"{_label(c, i)} has no logConfiguration."
            continue
        if dig(config, "logDriver") != "awslogs":
            continue
        group = groups.get(dig(config, "options.awslogs-group"))
        if group is not None and not group.get("kmsKeyId"):
            yield f"{_label(c, i)} logs to '{group.name}', which is not KMS-encrypted."


@resource_rule(
    id="aws-ecs-service-deny-public-ip", pack="network", types=SERVICES, severity=Severity.HIGH,
    description="ECS services must not give their tasks public IP addresses.",
    remediation="Set network_configuration assign_public_ip=False and run tasks in private subnets with VPC endpoints "
                "(or a NAT) for the AWS APIs they call.",
    controls=fsbp("ECS.2"), tags=("ecs", "public-access"),
)
def ecs_public_ip(res: Res, ctx: RuleContext) -> Iterator[str]:
    if res.package == "aws-native":
        if res.get("networkConfiguration.awsvpcConfiguration.assignPublicIp") == "ENABLED":
            yield "assignPublicIp is ENABLED."
    elif truthy(res.get("networkConfiguration.assignPublicIp", False)):
        yield "assignPublicIp is true."
