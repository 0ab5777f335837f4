"""EC2/VPC networking: no security-group ingress from the whole internet; flow logs on every VPC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import checkov, cis, fsbp, resource_rule, stack_rule
from crossguard_aws.resources import Res, Stack
from crossguard_aws.values import dig, is_unknown, items, truthy

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


def _nacl_entries(res: Res, stack: Stack) -> list[tuple[str, Any]]:
    """(where, ingress entry) pairs of one ACL: its inline entries and the NetworkAclRule resources attached to it."""
    found: list[tuple[str, Any]] = []
    if res.type in NACLS:
        attached = [(rule.label, rule.props) for rule in stack.attached(res, NACL_RULES, "networkAclId", match_values=("id",))]
        inline = res.get("ingress")
        # In a preview the ACL's computed ingress list is unknown; when rule resources are attached the program
        # declares its entries that way (the provider says not to mix the two), so those are what is judged.
        if not (is_unknown(inline) and attached):
            found += [(f"ingress[{i}]", r) for i, r in enumerate(items(inline))]
        found += attached
    else:
        found.append(("rule", res.props))
    return [(w, e) for w, e in found if not truthy(dig(e, "egress") or False)]


def _covers(entry: Any, port: int) -> bool:
    raw = dig(entry, "protocol")
    # protocol numbers arrive as floats through the protobuf Struct
    protocol = str(int(raw) if isinstance(raw, int | float) else raw if raw is not None else "-1").lower()
    if protocol in ("-1", "all"):
        return True
    if protocol not in ("tcp", "6"):
        return False
    start, end = dig(entry, "fromPort"), dig(entry, "toPort")
    if start is None or end is None or (int(start) == 0 and int(end) == 0):
        return True
    return int(start) <= port <= int(end)


def _source(entry: Any) -> Any:
    """An entry's one source CIDR (IPv4 or IPv6). In a preview the one the program left out reads as unknown."""
    found = [dig(entry, k) for k in ("cidrBlock", "ipv6CidrBlock")]
    known = [v for v in found if isinstance(v, str) and v]
    if known:
        return known[0]
    return next((v for v in found if is_unknown(v)), None)


def _open_admin_ports(entries: list[tuple[str, Any]]) -> Iterator[tuple[str, int]]:
    """Entries are evaluated in rule-number order and the first match decides: an admin port is open to the internet
    when the first entry covering it for 0.0.0.0/0 (or ::/0) allows it. A narrower entry does not decide for every source."""
    ordered = sorted(entries, key=lambda e: int(dig(e[1], "ruleNo") or dig(e[1], "ruleNumber") or 0))
    for port in ADMIN_PORTS:
        for family in WORLD:
            for where, entry in ordered:
                if _source(entry) != family or not _covers(entry, port):
                    continue
                action = str(dig(entry, "ruleAction") or dig(entry, "action") or "").lower()
                if action == "allow":
                    yield where, port
                break


@stack_rule(
    id="aws-ec2-networkacl-deny-public-admin-ports", pack="network", types=(*NACLS, *NACL_RULES), severity=Severity.HIGH,
    description="Network ACLs must not allow ingress from 0.0.0.0/0 or ::/0 to remote administration ports (22, 3389), "
                "judged in rule-number order (a lower-numbered deny for the port wins over a wide allow).",
    remediation="Narrow the entry's cidr_block to your admin network, or put a lower-numbered deny entry for TCP 22 and "
                "3389 from 0.0.0.0/0 before a wide allow (for example ephemeral ports 1024-65535 for return traffic).",
    controls=(*fsbp("EC2.21"), *cis("5.1"), *checkov("CKV_AWS_231", "CKV_AWS_232")), tags=("vpc", "public-access"),
)
def nacl_admin_ports(res: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    if res.type in NACL_RULES and stack.targets(res, NACLS, "networkAclId", match_values=("id",)):
        return  # judged with the ACL it belongs to
    opened: dict[str, list[int]] = {}
    for where, port in _open_admin_ports(_nacl_entries(res, stack)):
        opened.setdefault(where, []).append(port)
    for where, ports in opened.items():
        yield f"{where} allows the internet to reach port(s) {', '.join(map(str, sorted(set(ports))))}."
