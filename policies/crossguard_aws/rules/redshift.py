"""Redshift (provisioned and serverless): KMS encryption, private and in a VPC."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import truthy

CLUSTERS = ("aws:redshift/cluster:Cluster", "aws-native:redshift:Cluster")
NAMESPACES = ("aws:redshiftserverless/namespace:Namespace", "aws-native:redshiftserverless:Namespace")
WORKGROUPS = ("aws:redshiftserverless/workgroup:Workgroup", "aws-native:redshiftserverless:Workgroup")


@resource_rule(
    id="aws-redshift-cluster-enforce-kms", pack="encryption", types=CLUSTERS, severity=Severity.HIGH,
    description="Redshift clusters must be encrypted with a customer-managed KMS key.",
    remediation="Set encrypted=True and kms_key_id=<your key ARN>.",
    controls=fsbp("Redshift.10"), tags=("kms", "warehouse"),
)
def redshift_cluster_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not truthy(res.get("encrypted", True)):
        yield "encrypted is false."
    problem = key_problem(res.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


@resource_rule(
    id="aws-redshiftserverless-namespace-enforce-kms", pack="encryption", types=NAMESPACES, severity=Severity.HIGH,
    description="Redshift Serverless namespaces must be encrypted with a customer-managed KMS key.",
    remediation="Set kms_key_id=<your key ARN> on the namespace.",
    tags=("kms", "warehouse"),
)
def redshift_namespace_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    problem = key_problem(res.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


def _public(res: Res) -> Iterator[str]:
    # pulumi_aws v7 defaults publicly_accessible to false, so only an explicit true is public.
    if truthy(res.get("publiclyAccessible", False)):
        yield "publiclyAccessible is true."


def _in_vpc(res: Res, field: str, what: str) -> Iterator[str]:
    if not res.get(field):
        yield f"{field} is not set, so {what} lands in the default VPC."


@resource_rule(
    id="aws-redshift-cluster-deny-public-access", pack="network", types=CLUSTERS, severity=Severity.CRITICAL,
    description="Redshift clusters must not be publicly accessible and must run in your VPC subnets.",
    remediation="Set publicly_accessible=False and cluster_subnet_group_name to a subnet group of private subnets.",
    controls=fsbp("Redshift.1"), tags=("vpc", "warehouse"),
)
def redshift_cluster_private(res: Res, ctx: RuleContext) -> Iterator[str]:
    yield from ctx.aspects(lambda: _public(res), lambda: _in_vpc(res, "clusterSubnetGroupName", "the cluster"))


@resource_rule(
    id="aws-redshiftserverless-workgroup-deny-public-access", pack="network", types=WORKGROUPS, severity=Severity.CRITICAL,
    description="Redshift Serverless workgroups must not be publicly accessible and must run in your VPC subnets.",
    remediation="Set publicly_accessible=False and subnet_ids/security_group_ids to private subnets.",
    tags=("vpc", "warehouse"),
)
def redshift_workgroup_private(res: Res, ctx: RuleContext) -> Iterator[str]:
    yield from ctx.aspects(lambda: _public(res), lambda: _in_vpc(res, "subnetIds", "the workgroup"))
