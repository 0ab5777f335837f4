"""EC2/VPC networking: no security-group ingress from the whole internet; flow logs on every VPC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import checkov, cis, fsbp, resource_rule, stack_rule
from crossguard_aws.resources import Res, Stack
from crossguard_aws.values import dig, items

WORLD = ("0.0.0.0/0", "::/0")
SG_TYPES = (
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws-native:ec2:SecurityGroup",
    "aws-native:ec2:SecurityGroupIngress",
)
VPCS = ("aws:ec2/vpc:Vpc", "aws-native:ec2:Vpc", "awsx:ec2:Vpc")
FLOW_LOGS = ("aws:ec2/flowLog:FlowLog", "aws-native:ec2:FlowLog")


def _ingress_rules(res: Res) -> list[tuple[str, Any]]:
    """(where, rule) pairs; every rule normalised to cidrs/ipv6/from/to/protocol lookups below."""
    if res.type == "aws:ec2/securityGroup:SecurityGroup":
        return [(f"ingress[{i}]", r) for i, r in enumerate(items(res.get("ingress")))]
    if res.type == "aws-native:ec2:SecurityGroup":
        return [(f"securityGroupIngress[{i}]", r) for i, r in enumerate(items(res.get("securityGroupIngress")))]
    if res.type == "aws:ec2/securityGroupRule:SecurityGroupRule" and res.get("type") != "ingress":
        return []
    return [("rule", res.props)]


def _world_sources(rule: Any) -> list[str]:
    sources = []
    for name in ("cidrBlocks", "ipv6CidrBlocks", "cidrIpv4", "cidrIpv6", "cidrIp"):
        value = dig(rule, name)
        sources += [v for v in (value if isinstance(value, list) else [value]) if v is not None]
    return [s for s in sources if s in WORLD]


def _ports(rule: Any) -> tuple[str, int | None, int | None]:
    protocol = str(dig(rule, "protocol") or dig(rule, "ipProtocol") or "-1").lower()
    start, end = dig(rule, "fromPort"), dig(rule, "toPort")
    return protocol, None if start is None else int(start), None if end is None else int(end)


@resource_rule(
    id="aws-ec2-securitygroup-deny-public-ingress", pack="network", types=SG_TYPES, severity=Severity.HIGH,
    description="Security groups must not allow ingress from 0.0.0.0/0 or ::/0 (inline rules and rule resources).",
    remediation="Restrict the source to your VPC CIDR, a prefix list or a security group; put public entry points behind "
                "a load balancer and list its ports in policy config allowedPublicIngressPorts.",
    controls=(*fsbp("EC2.18", "EC2.19"), *cis("5.2", "5.3")), tags=("vpc", "public-access"),
    knobs=("allowedPublicIngressPorts",),
)
def sg_public_ingress(res: Res, ctx: RuleContext) -> Iterator[str]:
    allowed = set(ctx["allowedPublicIngressPorts"])
    for where, rule in _ingress_rules(res):
        world = _world_sources(rule)
        if not world:
            continue
        protocol, start, end = _ports(rule)
        if protocol in ("tcp", "6", "udp", "17") and start is not None and start == end and start in allowed:
            continue
        ports = "all ports" if protocol in ("-1", "all") or start is None else f"{protocol} {start}-{end}"
        yield f"{where} allows {', '.join(world)} on {ports}."


def _flow_logs_for(vpc: Res, stack: Stack) -> list[Res]:
    logs = stack.attached(vpc, FLOW_LOGS, "vpcId", "resourceId", match_values=("id", "vpcId"))
    return [log for log in logs if log.type != "aws-native:ec2:FlowLog" or log.get("resourceType") == "VPC"]


@stack_rule(
    id="aws-ec2-vpc-require-flow-logs", pack="network", types=VPCS, severity=Severity.MEDIUM,
    description="Every VPC (including awsx:ec2:Vpc components) must have a flow log.",
    remediation="Add an aws.ec2.FlowLog with vpc_id=<vpc id>, traffic_type 'ALL' (or 'REJECT') and a KMS-encrypted "
                "log group or S3 destination.",
    controls=(*fsbp("EC2.6"), *cis("3.7")), tags=("vpc", "logging"),
)
def vpc_flow_logs(vpc: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    parent = stack.by_urn.get(vpc.parent or "")
    if parent is not None and parent.type == "awsx:ec2:Vpc":
        return  # judged once, on the awsx component that owns it
    candidates = [vpc]
    if vpc.type == "awsx:ec2:Vpc":
        candidates += [c for c in stack.children_of(vpc.urn) if c.type in VPCS]
    if not any(_flow_logs_for(v, stack) for v in candidates):
        yield "has no flow log; add an aws.ec2.FlowLog for it."


ADMIN_PORTS = (22, 3389)
NACL_RULES = ("aws:ec2/networkAclRule:NetworkAclRule",)
NACLS = ("aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl")


@resource_rule(
    id="aws-ec2-defaultsecuritygroup-deny-rules", pack="network", types=("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",),
    severity=Severity.HIGH,
    description="A VPC's default security group must have no inbound or outbound rules.",
    remediation="Declare aws.ec2.DefaultSecurityGroup(vpc_id=...) with no ingress and no egress (that removes AWS's "
                "default rules) and attach purpose-made security groups to resources instead.",
    controls=(*fsbp("EC2.2"), *cis("5.4"), *checkov("CKV2_AWS_12")), tags=("vpc",),
)
def default_sg_rules(res: Res, ctx: RuleContext) -> Iterator[str]:
    for direction in ("ingress", "egress"):
        rules = items(res.get(direction))
        if rules:
            yield f"has {len(rules)} {direction} rule(s); the default security group must have none."


def _nacl_entries(res: Res) -> list[tuple[str, Any]]:
    if res.type in NACLS:
        return [(f"ingress[{i}]", r) for i, r in enumerate(items(res.get("ingress")))]
    if res.get("egress") is True or res.get("egress") == "true":
        return []
    return [("rule", res.props)]


def _nacl_admin_ports(entry: Any) -> list[int]:
    action = str(dig(entry, "ruleAction") or dig(entry, "action") or "").lower()
    if action != "allow":
        return []
    sources = [dig(entry, k) for k in ("cidrBlock", "ipv6CidrBlock")]
    if not any(s in WORLD for s in sources if s is not None):
        return []
    raw = dig(entry, "protocol")
    # aws-native sends the IANA number, which arrives as a float through the protobuf Struct.
    protocol = str(int(raw) if isinstance(raw, int | float) else raw if raw is not None else "-1").lower()
    if protocol in ("-1", "all"):
        return list(ADMIN_PORTS)
    if protocol not in ("tcp", "6"):
        return []
    start = dig(entry, "fromPort") if dig(entry, "fromPort") is not None else dig(entry, "portRange.from")
    end = dig(entry, "toPort") if dig(entry, "toPort") is not None else dig(entry, "portRange.to")
    if start is None or end is None or (int(start) == 0 and int(end) == 0):
        return list(ADMIN_PORTS)
    return [p for p in ADMIN_PORTS if int(start) <= p <= int(end)]


@resource_rule(
    id="aws-ec2-networkacl-deny-public-admin-ports", pack="network", types=(*NACL_RULES, *NACLS), severity=Severity.HIGH,
    description="Network ACLs must not allow ingress from 0.0.0.0/0 or ::/0 to remote administration ports (22, 3389).",
    remediation="Narrow the entry's cidr_block to your admin network, or deny the port and reach instances through "
                "Systems Manager Session Manager.",
    controls=(*fsbp("EC2.21"), *cis("5.1"), *checkov("CKV_AWS_231", "CKV_AWS_232")), tags=("vpc", "public-access"),
)
def nacl_admin_ports(res: Res, ctx: RuleContext) -> Iterator[str]:
    for where, entry in _nacl_entries(res):
        ports = _nacl_admin_ports(entry)
        if ports:
            yield f"{where} allows the internet to reach port(s) {', '.join(map(str, ports))}."
