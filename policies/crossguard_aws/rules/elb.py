"""Elastic Load Balancing v2 (ALB, NLB): internal, TLS listeners with a modern policy, access logs."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import dig, items, truthy

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer",
                  "aws-native:elasticloadbalancingv2:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener", "aws-native:elasticloadbalancingv2:Listener")
ENCRYPTED_PROTOCOLS = ("HTTPS", "TLS")
# The TLS 1.3 policies (which also allow TLS 1.2 with forward-secret ciphers only, or TLS 1.3 only); FSBP ELB.17.
MODERN_POLICY_PREFIX = "ELBSecurityPolicy-TLS13-"


def _native(res: Res) -> bool:
    return res.package == "aws-native"


@resource_rule(
    id="aws-elb-loadbalancer-require-internal", pack="network", types=LOAD_BALANCERS, severity=Severity.HIGH,
    description="Load balancers must be internal; public entry points go through API Gateway or CloudFront with WAF.",
    remediation="Set internal=True (aws-native: scheme='internal'); expose the service through API Gateway (VPC link) "
                "or exempt a deliberate public load balancer with a reason and an expiry.",
    tags=("elb", "public-access"),
)
def lb_internal(res: Res, ctx: RuleContext) -> Iterator[str]:
    if _native(res):
        if res.get("scheme", "internet-facing") != "internal":
            yield "scheme is internet-facing (AWS's default)."
    elif not truthy(res.get("internal", False)):
        yield "internal is not true, so the load balancer is internet-facing."


@resource_rule(
    id="aws-elb-listener-require-tls", pack="encryption", types=LISTENERS, severity=Severity.HIGH,
    description="Listeners must terminate TLS (HTTPS/TLS) with a TLS 1.3 security policy; plain HTTP may only redirect to HTTPS.",
    remediation="Use protocol HTTPS (ALB) or TLS (NLB) with an ACM certificate and ssl_policy "
                "'ELBSecurityPolicy-TLS13-1-2-2021-06' (or a stricter TLS13 policy); make port-80 listeners redirect to HTTPS.",
    controls=fsbp("ELB.1", "ELB.17"), tags=("elb", "tls"),
)
def listener_tls(res: Res, ctx: RuleContext) -> Iterator[str]:
    protocol = str(res.get("protocol", "")).upper()
    if protocol in ENCRYPTED_PROTOCOLS:
        policy = res.get("sslPolicy")
        if not policy:
            yield f"{protocol} listener names no ssl_policy; set a TLS 1.3 policy ({MODERN_POLICY_PREFIX}...) explicitly."
        elif not str(policy).startswith(MODERN_POLICY_PREFIX):
            yield f"ssl_policy '{policy}' is not a TLS 1.3 policy ({MODERN_POLICY_PREFIX}...)."
        return
    if protocol == "HTTP" and all(
            str(dig(a, "redirectConfig.protocol" if _native(res) else "redirect.protocol") or "").upper() == "HTTPS"
            and dig(a, "type") == "redirect" for a in items(res.get("defaultActions"))) and items(res.get("defaultActions")):
        return
    yield f"protocol is {protocol or 'unset'}; traffic to the load balancer is not encrypted."


def _access_logs_enabled(res: Res) -> bool:
    if _native(res):
        attrs = {dig(a, "key"): dig(a, "value") for a in items(res.get("loadBalancerAttributes"))}
        return str(attrs.get("access_logs.s3.enabled", "false")).lower() == "true"
    return truthy(res.get("accessLogs.enabled", False)) and bool(res.get("accessLogs.bucket"))


@resource_rule(
    id="aws-elb-loadbalancer-enable-access-logs", pack="data-protection", types=LOAD_BALANCERS, severity=Severity.MEDIUM,
    description="Application and Network Load Balancers must write access logs to S3 (NLBs log their TLS listeners).",
    remediation="Set access_logs={'bucket': <log bucket>, 'enabled': True}; the bucket policy must admit "
                "logdelivery.elasticloadbalancing.amazonaws.com (ALB) or delivery.logs.amazonaws.com (NLB).",
    controls=fsbp("ELB.5"), tags=("elb", "logging"),
)
def lb_access_logs(res: Res, ctx: RuleContext) -> Iterator[str]:
    lb_type = res.get("type" if _native(res) else "loadBalancerType", "application")
    if lb_type == "gateway":
        return  # gateway load balancers have no access logs
    if not _access_logs_enabled(res):
        yield "access logs are not enabled."
