"""OpenSearch (and legacy Elasticsearch) domains: inside a VPC, encrypted with customer-managed keys, TLS everywhere."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, checkov, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import truthy

DOMAINS = ("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain", "aws-native:opensearchservice:Domain")


def _native(res: Res) -> bool:
    return res.package == "aws-native"


@resource_rule(
    id="aws-opensearch-domain-enforce-kms", pack="encryption", types=DOMAINS, severity=Severity.HIGH,
    description="OpenSearch domains must encrypt at rest with a customer-managed KMS key.",
    remediation="Set encrypt_at_rest={enabled: True, kms_key_id: <your key ARN>} (aws-native: encryption_at_rest_options).",
    controls=(*fsbp("Opensearch.1"), *checkov("CKV_AWS_5", "CKV_AWS_247")), tags=("kms", "search"),
)
def opensearch_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    block = "encryptionAtRestOptions" if _native(res) else "encryptAtRest"
    if not truthy(res.get(f"{block}.enabled", False)):
        yield f"{block}.enabled is not true."
        return
    problem = key_problem(res.get(f"{block}.kmsKeyId"), f"{block}.kmsKeyId")
    if problem:
        yield problem


@resource_rule(
    id="aws-opensearch-domain-require-vpc", pack="network", types=DOMAINS, severity=Severity.HIGH,
    description="OpenSearch domains must be deployed in VPC subnets, not on a public endpoint.",
    remediation="Set vpc_options={subnet_ids: [...private subnets], security_group_ids: [...]} (replaces the domain).",
    controls=(*fsbp("Opensearch.2"), *cdk_nag("OS1")), tags=("vpc", "search", "public-access"),
)
def opensearch_vpc(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not res.get("vpcOptions.subnetIds"):
        yield "vpcOptions.subnetIds is not set; the domain has a public endpoint."


@resource_rule(
    id="aws-opensearch-domain-enforce-tls", pack="data-protection", types=DOMAINS, severity=Severity.HIGH,
    description="OpenSearch domains must require HTTPS and encrypt node-to-node traffic.",
    remediation="Set domain_endpoint_options={enforce_https: True, tls_security_policy: 'Policy-Min-TLS-1-2-2019-07'} and "
                "node_to_node_encryption={enabled: True}.",
    controls=(*fsbp("Opensearch.3", "Opensearch.8"), *checkov("CKV_AWS_6", "CKV_AWS_83"), *cdk_nag("OS2")), tags=("tls", "search"),
)
def opensearch_tls(res: Res, ctx: RuleContext) -> Iterator[str]:
    endpoint = res.get("domainEndpointOptions")
    # Absent block: the API default (EnforceHTTPS false); a block without enforceHttps: the provider's default (true).
    if endpoint is None or not truthy(res.get("domainEndpointOptions.enforceHttps", not _native(res))):
        yield "domainEndpointOptions.enforceHttps is not true; the endpoint accepts plain HTTP."
    n2n = "nodeToNodeEncryptionOptions" if _native(res) else "nodeToNodeEncryption"
    if not truthy(res.get(f"{n2n}.enabled", False)):
        yield f"{n2n}.enabled is not true; traffic between nodes is not encrypted."
