"""Stack-wide operational safety: protected stateful resources in production, explicit providers only."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import stack_rule
from crossguard_aws.resources import Res, Stack

# Resources whose deletion loses data, keys or secrets (aws and aws-native twins): buckets, keys, vaults, databases,
# caches, search domains, file systems and volumes, streams, secrets, Studio domains and feature stores, registries,
# log archives.
STATEFUL_TYPES = (
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws-native:s3:Bucket",
    "aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws-native:kms:Key", "aws-native:kms:ReplicaKey",
    "aws:backup/vault:Vault", "aws-native:backup:BackupVault",
    "aws:redshift/cluster:Cluster", "aws:redshiftserverless/namespace:Namespace",
    "aws-native:redshift:Cluster", "aws-native:redshiftserverless:Namespace",
    "aws:ecr/repository:Repository", "aws-native:ecr:Repository",
    "aws:cloudtrail/trail:Trail", "aws-native:cloudtrail:Trail", "aws:cloudwatch/logGroup:LogGroup", "aws-native:logs:LogGroup",
    "aws:dynamodb/table:Table", "aws-native:dynamodb:Table", "aws-native:dynamodb:GlobalTable",
    "aws:efs/fileSystem:FileSystem", "aws-native:efs:FileSystem",
    "aws:ebs/volume:Volume", "aws-native:ec2:Volume",
    "aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/globalCluster:GlobalCluster",
    "aws-native:rds:DbInstance", "aws-native:rds:DbCluster", "aws-native:rds:GlobalCluster",
    "aws:secretsmanager/secret:Secret", "aws-native:secretsmanager:Secret",
    "aws:elasticache/cluster:Cluster", "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/serverlessCache:ServerlessCache", "aws-native:elasticache:CacheCluster",
    "aws-native:elasticache:ReplicationGroup", "aws-native:elasticache:ServerlessCache",
    "aws:opensearch/domain:Domain", "aws-native:opensearchservice:Domain",
    "aws:opensearch/serverlessCollection:ServerlessCollection", "aws-native:opensearchserverless:Collection",
    "aws:sagemaker/domain:Domain", "aws-native:sagemaker:Domain",
    "aws:sagemaker/featureGroup:FeatureGroup", "aws-native:sagemaker:FeatureGroup",
    "aws:kinesis/stream:Stream", "aws-native:kinesis:Stream",
)
AWS_PACKAGES = ("aws", "aws-native", "awsx")


@stack_rule(
    id="aws-stack-stateful-require-protect", pack="operations", types=None, severity=Severity.HIGH, production_only=True,
    description="In production, stateful resources (buckets, keys, vaults, databases, caches, search domains, volumes, "
                "file systems, streams, secrets, SageMaker domains and feature groups, registries, log archives) must be protected.",
    remediation="Pass opts=pulumi.ResourceOptions(protect=True) for the resource (and retain_on_delete for archives); "
                "the type list is policy config statefulTypes.",
    tags=("stateful", "safety"), knobs=("statefulTypes",),
)
def require_protect(res: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    stateful = ctx["statefulTypes"] if ctx["statefulTypes"] is not None else STATEFUL_TYPES
    if res.type in stateful and not res.protect:
        yield f"is stateful but not protected in production ({ctx.production_reason}); set protect=True."


@stack_rule(
    id="aws-stack-resource-deny-default-provider", pack="operations", types=None, severity=Severity.HIGH,
    # A house rule of this platform (multi-account deployments), not a security control: advisory by default;
    # policies/house-rules.json makes it mandatory for this project's own stacks.
    enforcement=EnforcementLevel.ADVISORY,
    description="AWS resources must use an explicit provider (account and region chosen in code), never the default provider.",
    remediation="Create aws.Provider per account/region and pass opts=pulumi.ResourceOptions(provider=...); set "
                "'pulumi:disable-default-providers: [\"*\"]' in the stack config so a missing provider fails early.",
    tags=("providers", "multi-account"),
)
def deny_default_provider(res: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    provider = res.provider
    if provider is None or res.package not in AWS_PACKAGES or not provider.is_default:
        return
    yield f"uses the default {provider.package} provider ({provider.urn}); pass an explicit provider."

