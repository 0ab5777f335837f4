"""Stack-wide operational safety: protected stateful resources in production, explicit providers only."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import stack_rule
from crossguard_aws.resources import Res, Stack

# Resources whose deletion loses data or keys: buckets, keys, vaults, warehouses, registries, log archives.
STATEFUL_TYPES = (
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws-native:s3:Bucket",
    "aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws-native:kms:Key",
    "aws:backup/vault:Vault", "aws-native:backup:BackupVault",
    "aws:redshift/cluster:Cluster", "aws:redshiftserverless/namespace:Namespace",
    "aws-native:redshift:Cluster", "aws-native:redshiftserverless:Namespace",
    "aws:ecr/repository:Repository", "aws-native:ecr:Repository",
    "aws:cloudtrail/trail:Trail", "aws:cloudwatch/logGroup:LogGroup",
    "aws:dynamodb/table:Table", "aws:efs/fileSystem:FileSystem",
)
AWS_PACKAGES = ("aws", "aws-native", "awsx")


@stack_rule(
    id="aws-stack-stateful-require-protect", pack="operations", types=None, severity=Severity.HIGH, production_only=True,
    description="In production, stateful resources (buckets, keys, vaults, Redshift, ECR, log archives) must be protected.",
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

