"""RDS and Aurora: storage encrypted with customer-managed keys, never publicly accessible, deletion protection."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, checkov, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import is_unknown, truthy

INSTANCES = ("aws:rds/instance:Instance", "aws-native:rds:DbInstance")
CLUSTERS = ("aws:rds/cluster:Cluster", "aws-native:rds:DbCluster")
CLUSTER_INSTANCES = ("aws:rds/clusterInstance:ClusterInstance",)


def _in_cluster_or_replica(res: Res) -> bool:
    """Aurora members and read replicas take their storage encryption (and protection) from the cluster or source."""
    return any(is_unknown(res.get(k)) or res.get(k) for k in ("dbClusterIdentifier", "replicateSourceDb", "sourceDbInstanceIdentifier"))


@resource_rule(
    id="aws-rds-database-enforce-kms", pack="encryption", types=(*INSTANCES, *CLUSTERS), severity=Severity.HIGH,
    description="RDS instances and Aurora/Multi-AZ clusters must encrypt storage with a customer-managed KMS key.",
    remediation="Set storage_encrypted=True and kms_key_id=<your key ARN> (replaces the database; restore from an "
                "encrypted snapshot copy for existing data).",
    controls=(*fsbp("RDS.3", "RDS.27"), *checkov("CKV_AWS_16"), *cdk_nag("RDS2")), tags=("kms", "database"),
)
def rds_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    if res.type in INSTANCES and _in_cluster_or_replica(res):
        return
    if res.get("engineMode") == "serverless":
        return  # Aurora Serverless v1 is always encrypted; the key is still judged below when given
    if not truthy(res.get("storageEncrypted", False)):
        yield "storageEncrypted is not true."
        return
    problem = key_problem(res.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


@resource_rule(
    id="aws-rds-database-deny-public-access", pack="network", types=(*INSTANCES, *CLUSTERS, *CLUSTER_INSTANCES),
    severity=Severity.CRITICAL,
    description="RDS instances, cluster instances and Multi-AZ clusters must not be publicly accessible.",
    remediation="Set publicly_accessible=False (the default) and reach the database from inside the VPC.",
    controls=(*fsbp("RDS.2"), *checkov("CKV_AWS_17")), tags=("database", "vpc", "public-access"),
)
def rds_public(res: Res, ctx: RuleContext) -> Iterator[str]:
    if truthy(res.get("publiclyAccessible", False)):
        yield "publiclyAccessible is true; the database gets a public address."


@resource_rule(
    id="aws-rds-database-enable-deletion-protection", pack="data-protection", types=(*INSTANCES, *CLUSTERS),
    severity=Severity.MEDIUM,
    description="RDS instances and clusters must have deletion protection on.",
    remediation="Set deletion_protection=True (turn it off deliberately before a planned delete).",
    controls=(*fsbp("RDS.7", "RDS.8"), *checkov("CKV_AWS_293"), *cdk_nag("RDS10")), tags=("database", "recoverability"),
)
def rds_deletion_protection(res: Res, ctx: RuleContext) -> Iterator[str]:
    if res.type in INSTANCES and _in_cluster_or_replica(res):
        return
    if not truthy(res.get("deletionProtection", False)):
        yield "deletionProtection is not true."
