"""EKS: private API endpoint, envelope-encrypted secrets, control-plane audit logs, IMDSv2 on managed nodes."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import fsbp, resource_rule, stack_rule
from crossguard_aws.resources import Res, Stack
from crossguard_aws.values import dig, items, truthy

CLUSTERS = ("aws:eks/cluster:Cluster", "aws-native:eks:Cluster")
NODE_GROUPS = ("aws:eks/nodeGroup:NodeGroup", "aws-native:eks:Nodegroup")
LAUNCH_TEMPLATES = ("aws:ec2/launchTemplate:LaunchTemplate", "aws-native:ec2:LaunchTemplate")
REQUIRED_LOGS = ("api", "audit", "authenticator")


def _native(res: Res) -> bool:
    return res.package == "aws-native"


@resource_rule(
    id="aws-eks-cluster-deny-public-endpoint", pack="network", types=CLUSTERS, severity=Severity.HIGH,
    description="EKS clusters must not expose the Kubernetes API server on a public endpoint.",
    remediation="Set vpc_config endpoint_public_access=False and endpoint_private_access=True (AWS turns the public "
                "endpoint on when it is not set); reach the API from inside the VPC or a connected network.",
    controls=fsbp("EKS.1"), tags=("eks", "public-access"),
)
def eks_public_endpoint(res: Res, ctx: RuleContext) -> Iterator[str]:
    vpc = res.get("resourcesVpcConfig" if _native(res) else "vpcConfig")
    public = dig(vpc, "endpointPublicAccess")
    if public is None or truthy(public):
        yield "the API server endpoint is public (endpointPublicAccess is " + ("unset, AWS's default is true" if public is None else "true") + ")."
    private = dig(vpc, "endpointPrivateAccess")
    if private is not None and not truthy(private):
        yield "endpointPrivateAccess is false; nodes in the VPC cannot reach the API server privately."


@resource_rule(
    id="aws-eks-cluster-enforce-secrets-encryption", pack="encryption", types=CLUSTERS, severity=Severity.HIGH,
    description="EKS clusters must envelope-encrypt Kubernetes secrets with a customer-managed KMS key.",
    remediation="Set encryption_config={'provider': {'key_arn': <CMK ARN>}, 'resources': ['secrets']}; the cluster role "
                "needs kms:Encrypt, kms:Decrypt, kms:DescribeKey and kms:CreateGrant on the key.",
    controls=fsbp("EKS.3"), tags=("eks", "kms"),
)
def eks_secrets_encryption(res: Res, ctx: RuleContext) -> Iterator[str]:
    configs = items(res.get("encryptionConfig"))
    for config in configs:
        resources = dig(config, "resources") or []
        if "secrets" in resources and dig(config, "provider.keyArn"):
            return
    yield "Kubernetes secrets are not envelope-encrypted with a KMS key (no encryptionConfig for 'secrets' with provider.keyArn)."


@resource_rule(
    id="aws-eks-cluster-require-control-plane-logs", pack="data-protection", types=CLUSTERS, severity=Severity.MEDIUM,
    description="EKS clusters must send the api, audit and authenticator control-plane logs to CloudWatch Logs.",
    remediation="Set enabled_cluster_log_types=['api', 'audit', 'authenticator'] (add controllerManager, scheduler if wanted) "
                "and create /aws/eks/<cluster>/cluster first with a KMS key and a retention.",
    controls=fsbp("EKS.8"), tags=("eks", "logging"),
)
def eks_control_plane_logs(res: Res, ctx: RuleContext) -> Iterator[str]:
    if _native(res):
        enabled = {dig(t, "type") for t in items(res.get("logging.clusterLogging.enabledTypes"))}
    else:
        enabled = set(items(res.get("enabledClusterLogTypes")))
    missing = [log for log in REQUIRED_LOGS if log not in enabled]
    if missing:
        yield f"control-plane log types {', '.join(missing)} are not enabled."


def _http_tokens(template: Res) -> object:
    key = "launchTemplateData.metadataOptions.httpTokens" if _native(template) else "metadataOptions.httpTokens"
    return template.get(key)


@stack_rule(
    id="aws-eks-nodegroup-require-imdsv2", pack="network", types=NODE_GROUPS, severity=Severity.HIGH,
    description="EKS managed node groups must launch from a launch template that requires IMDSv2 (http_tokens 'required').",
    remediation="Give the node group a launch_template whose metadata_options set http_tokens='required' and "
                "http_put_response_hop_limit=1 (pods get credentials from Pod Identity or IRSA, not from the node).",
    controls=fsbp("EC2.170"), tags=("eks", "imds"),
)
def eks_nodegroup_imdsv2(group: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    ref = group.get("launchTemplate")
    if not ref:
        yield "has no launch template of its own, so nothing in the stack requires IMDSv2 on its nodes."
        return
    templates = stack.targets(group, LAUNCH_TEMPLATES, "launchTemplate", "launchTemplate.id", "launchTemplate.name",
                              match_values=("id", "name", "launchTemplateName"))
    if not templates:
        return  # a template outside this stack: not visible to policy
    for template in templates:
        tokens = _http_tokens(template)
        if tokens != "required":
            yield f"launch template '{template.name}' has metadata http_tokens {tokens!r}; IMDSv1 stays reachable on the nodes."
