"""ElastiCache: encryption at rest with customer-managed keys and TLS in transit."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import checkov, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import truthy

GROUPS = ("aws:elasticache/replicationGroup:ReplicationGroup", "aws-native:elasticache:ReplicationGroup")
SERVERLESS = ("aws:elasticache/serverlessCache:ServerlessCache", "aws-native:elasticache:ServerlessCache")


@resource_rule(
    id="aws-elasticache-cache-enforce-kms", pack="encryption", types=(*GROUPS, *SERVERLESS), severity=Severity.HIGH,
    description="ElastiCache replication groups must encrypt at rest, and every cache with a customer-managed KMS key.",
    remediation="Set at_rest_encryption_enabled=True and kms_key_id=<your key ARN> (serverless caches: kms_key_id).",
    controls=(*fsbp("ElastiCache.4"), *checkov("CKV_AWS_29", "CKV_AWS_191")), tags=("kms", "cache"),
)
def elasticache_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    if res.type in GROUPS:
        # Valkey encrypts at rest by default; Redis OSS does not.
        default = str(res.get("engine", "redis")).lower() == "valkey"
        if not truthy(res.get("atRestEncryptionEnabled", default)):
            yield "atRestEncryptionEnabled is not true."
            return
    problem = key_problem(res.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


@resource_rule(
    id="aws-elasticache-replicationgroup-enforce-transit-encryption", pack="data-protection", types=GROUPS,
    severity=Severity.HIGH,
    description="ElastiCache replication groups must require TLS in transit.",
    remediation="Set transit_encryption_enabled=True (and transit_encryption_mode 'required' once clients use TLS).",
    controls=(*fsbp("ElastiCache.5"), *checkov("CKV_AWS_30")), tags=("tls", "cache"),
)
def elasticache_transit(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not truthy(res.get("transitEncryptionEnabled", False)):
        yield "transitEncryptionEnabled is not true; clients talk to the cache in clear text."
    elif res.get("transitEncryptionMode") == "preferred":
        yield "transitEncryptionMode is 'preferred', which still accepts clear-text connections; use 'required'."
