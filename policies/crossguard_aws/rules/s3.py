"""S3: KMS encryption, public access blocks, TLS-only policies, versioning and access logging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.checks import as_list, field, key_problem, public_policy_problems, statements
from crossguard_aws.context import RuleContext
from crossguard_aws.model import checkov, cis, fsbp, resource_rule, stack_rule
from crossguard_aws.resources import Res, Stack
from crossguard_aws.values import dig, items, truthy

CLASSIC_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
NATIVE_BUCKET = "aws-native:s3:Bucket"
BUCKETS = (*CLASSIC_BUCKETS, NATIVE_BUCKET)
SSE_CONFIGS = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
BUCKET_POLICIES = ("aws:s3/bucketPolicy:BucketPolicy", "aws-native:s3:BucketPolicy")
VERSIONINGS = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
LOGGINGS = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
BUCKET_IDS = ("id", "bucket", "bucketName")


def inline(bucket: Res, path: str, outputs: bool = True, default: Any = None) -> Any:
    """A classic bucket's inline block: ``logging.targetBucket`` on Bucket is ``loggings[0].targetBucket`` on the
    deprecated BucketV2 (list-valued blocks, entered through their first element)."""
    get = bucket.declared if outputs else bucket.get
    if bucket.type == "aws:s3/bucketV2:BucketV2":
        head, _, rest = path.partition(".")
        plural = get(f"{head}s.{rest}" if rest else f"{head}s")
        if plural is not None:
            return plural
    return get(path, default)


def sse_defaults(res: Res, outputs: bool = False) -> list[tuple[str, Any]]:
    """(where, applyServerSideEncryptionByDefault block) pairs declared on a bucket or an encryption config.

    ``outputs``: ``res`` carries outputs (stack rules), where a block the provider computes is not declared."""
    get = res.declared if outputs else res.get
    if res.type in CLASSIC_BUCKETS:
        # The deprecated BucketV2 nests it as lists at every level (rules[], applyServerSideEncryptionByDefaults[]).
        path = ("serverSideEncryptionConfigurations.rules.applyServerSideEncryptionByDefaults" if res.type == "aws:s3/bucketV2:BucketV2"
                else "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault")
        block = get(path)
        return [(path, block)] if block is not None else []
    if res.type == NATIVE_BUCKET:
        rules = items(get("bucketEncryption.serverSideEncryptionConfiguration"))
        return [(f"bucketEncryption.serverSideEncryptionConfiguration[{i}].serverSideEncryptionByDefault",
                 dig(r, "serverSideEncryptionByDefault")) for i, r in enumerate(rules)]
    rules = items(res.get("rules", res.get("rule")))
    return [(f"rules[{i}].applyServerSideEncryptionByDefault", dig(r, "applyServerSideEncryptionByDefault"))
            for i, r in enumerate(rules)]


def _log_target(bucket: Res, stack: Stack) -> bool:
    """Server access logs land here. AWS supports only SSE-S3 as a log target's default encryption
    ("Troubleshoot server access logging": SSE-KMS is not supported for target buckets)."""
    return bucket.type in BUCKETS and bool(stack.attached(bucket, LOGGINGS, "targetBucket", match_values=BUCKET_IDS))


def _sse_problems(where: str, block: Any, log_target: bool = False) -> Iterator[str]:
    algorithm = dig(block, "sseAlgorithm")
    if log_target:
        if algorithm != "AES256":
            yield (f"{where}.sseAlgorithm is {algorithm!r} on a server access log target; AWS supports only SSE-S3 "
                   "(AES256) there, so use it (logs are not delivered under an SSE-KMS default).")
        return
    if algorithm not in KMS_ALGORITHMS:
        yield f"{where}.sseAlgorithm is {algorithm!r}; use 'aws:kms' with a customer-managed key (not AES256/S3-managed keys)."
        return
    problem = key_problem(dig(block, "kmsMasterKeyId"), f"{where}.kmsMasterKeyId")
    if problem:
        yield problem


@stack_rule(
    id="aws-s3-bucket-enforce-kms", pack="encryption", types=(*BUCKETS, *SSE_CONFIGS), severity=Severity.HIGH,
    description="S3 default encryption must use SSE-KMS with a customer-managed key; server access log targets "
                "use SSE-S3, the only default encryption AWS supports for them.",
    remediation="Set sse_algorithm='aws:kms' and kms_master_key_id=<your key ARN> in the bucket's "
                "BucketServerSideEncryptionConfiguration (or the aws-native bucketEncryption block); on a bucket "
                "that receives server access logs set sse_algorithm='AES256'.",
    controls=fsbp("S3.17"), tags=("kms",),
)
def s3_bucket_enforce_kms(res: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    owners = [res] if res.type in BUCKETS else stack.targets(res, BUCKETS, "bucket", match_values=BUCKET_IDS)
    log_target = any(_log_target(b, stack) for b in owners)
    for where, block in sse_defaults(res, outputs=True):
        if block is None:
            yield f"{where} is missing; set sseAlgorithm 'aws:kms' and a customer-managed kmsMasterKeyId."
            continue
        yield from _sse_problems(where, block, log_target)


@stack_rule(
    id="aws-s3-bucket-require-encryption-config", pack="encryption", types=BUCKETS, severity=Severity.HIGH,
    description="Every S3 bucket must have a server-side encryption configuration with a customer-managed KMS key "
                "(SSE-S3 on server access log targets, the only default encryption AWS supports there).",
    remediation="Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket (bucket=bucket.id) with "
                "sse_algorithm 'aws:kms' and your key, or set bucketEncryption on aws-native buckets.",
    controls=fsbp("S3.17"), tags=("kms",),
)
def s3_bucket_require_encryption_config(bucket: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    declared = [(bucket, sse_defaults(bucket, outputs=True))]
    declared += [(c, sse_defaults(c, outputs=True)) for c in stack.attached(bucket, SSE_CONFIGS, "bucket", match_values=BUCKET_IDS)]
    blocks = [(owner, where, block) for owner, found in declared for where, block in found]
    if not blocks:
        yield ("has no server-side encryption configuration; add a BucketServerSideEncryptionConfiguration "
               "(bucket=<this bucket>) with sse_algorithm 'aws:kms' and a customer-managed key.")
        return
    log_target = _log_target(bucket, stack)
    problems = [[f"{owner.label}: {where} is missing."] if block is None else
                [f"{owner.label}: {p}" for p in _sse_problems(where, block, log_target)] for owner, where, block in blocks]
    if all(problems):
        yield "no encryption configuration uses a customer-managed KMS key: " + " ".join(p for ps in problems for p in ps)


def _flags_off(props_owner: Res, prefix: str = "") -> list[str]:
    return [f for f in FLAGS if not truthy(props_owner.get(prefix + f))]


@resource_rule(
    id="aws-s3-publicaccessblock-enforce-all-flags", pack="network",
    types=(PUBLIC_ACCESS_BLOCK, ACCOUNT_PUBLIC_ACCESS_BLOCK), severity=Severity.HIGH,
    description="S3 public access blocks must turn on all four flags.",
    remediation="Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to True.",
    controls=(*fsbp("S3.1", "S3.8"), *cis("2.1.4")), tags=("public-access",),
)
def s3_public_access_block_flags(res: Res, ctx: RuleContext) -> Iterator[str]:
    off = _flags_off(res)
    if off:
        yield f"{', '.join(off)} not true; all four flags must be true."


@stack_rule(
    id="aws-s3-bucket-require-public-access-block", pack="network", types=BUCKETS, severity=Severity.HIGH,
    description="Every S3 bucket must be covered by a public access block with all four flags on.",
    remediation="Add an aws.s3.BucketPublicAccessBlock (bucket=bucket.id) with all four flags True, or an "
                "AccountPublicAccessBlock in the bucket's account (any region, any provider), or publicAccessBlockConfiguration on aws-native buckets.",
    controls=(*fsbp("S3.8"), *cis("2.1.4")), tags=("public-access",),
)
def s3_bucket_require_public_access_block(bucket: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    if bucket.type == NATIVE_BUCKET and bucket.declared("publicAccessBlockConfiguration") is not None:
        if not _flags_off(bucket, "publicAccessBlockConfiguration."):
            return
    blocks = stack.attached(bucket, (PUBLIC_ACCESS_BLOCK,), "bucket", match_values=BUCKET_IDS)
    # The account-level block covers every bucket of its account, in every region, whichever provider made it.
    account = _account(bucket)
    blocks += [a for a in stack.of_types((ACCOUNT_PUBLIC_ACCESS_BLOCK,)) if _account(a) == account]
    if any(not _flags_off(b) for b in blocks):
        return
    if blocks:
        yield f"its public access block ({blocks[0].label}) leaves {', '.join(_flags_off(blocks[0]))} off."
    else:
        yield "has no public access block; add a BucketPublicAccessBlock with all four flags true."


def _account(res: Res) -> str | None:
    """The account a resource lives in: an AccountPublicAccessBlock's own accountId, else its provider's account."""
    own = res.get("accountId") if res.type == ACCOUNT_PUBLIC_ACCESS_BLOCK else None
    if isinstance(own, str) and own:
        return own
    return res.provider.account if res.provider is not None else None


def _denies_insecure_transport(document: Any) -> bool:
    for st in statements(document):
        if str(field(st, "Effect")) != "Deny":
            continue
        for ops in (field(st, "Condition") or {}).values():
            if not isinstance(ops, dict):
                continue
            for key, value in ops.items():
                if key.lower() == "aws:securetransport" and [str(v).lower() for v in as_list(value)] == ["false"]:
                    return True
    return False


@stack_rule(
    id="aws-s3-bucket-require-tls-policy", pack="data-protection", types=BUCKETS, severity=Severity.HIGH,
    description="Every S3 bucket policy must deny requests that do not use TLS (aws:SecureTransport = false).",
    remediation="Add a BucketPolicy for the bucket with a Deny statement for Principal '*', Action 's3:*' on the bucket "
                "and its objects, Condition {Bool: {aws:SecureTransport: false}}.",
    controls=(*fsbp("S3.5"), *cis("2.1.1")), tags=("tls",),
)
def s3_bucket_require_tls_policy(bucket: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    documents = [inline(bucket, "policy")] if bucket.type in CLASSIC_BUCKETS and inline(bucket, "policy") is not None else []
    for policy in stack.attached(bucket, BUCKET_POLICIES, "bucket", match_values=BUCKET_IDS):
        documents.append(policy.get("policy", policy.get("policyDocument")))
    if not documents:
        yield "has no bucket policy; add one that denies requests with aws:SecureTransport = false."
    elif not any(_denies_insecure_transport(d) for d in documents):
        yield "its bucket policy has no Deny statement on aws:SecureTransport = false."


@stack_rule(
    id="aws-s3-bucket-enable-versioning", pack="data-protection", types=BUCKETS, severity=Severity.MEDIUM,
    description="Every S3 bucket must have versioning enabled.",
    remediation="Add an aws.s3.BucketVersioning (bucket=bucket.id, versioning_configuration status 'Enabled'), "
                "or versioningConfiguration status Enabled on aws-native buckets.",
    controls=fsbp("S3.14"), tags=("versioning",),
)
def s3_bucket_enable_versioning(bucket: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    if bucket.type in CLASSIC_BUCKETS and truthy(inline(bucket, "versioning.enabled", default=False)):
        return
    if bucket.type == NATIVE_BUCKET and bucket.declared("versioningConfiguration.status") == "Enabled":
        return
    configs = stack.attached(bucket, VERSIONINGS, "bucket", match_values=BUCKET_IDS)
    if any(c.get("versioningConfiguration.status") == "Enabled" for c in configs):
        return
    yield "versioning is not enabled; add a BucketVersioning with status 'Enabled'."


@stack_rule(
    id="aws-s3-bucket-enable-access-logging", pack="data-protection", types=BUCKETS, severity=Severity.MEDIUM,
    description="Every S3 bucket must have server access logging, except buckets that receive access logs.",
    remediation="Add an aws.s3.BucketLogging (bucket=bucket.id, target_bucket=<log bucket>), or loggingConfiguration on "
                "aws-native buckets. A bucket that is itself an access-log target is not required to log.",
    controls=fsbp("S3.9"), tags=("logging",),
)
def s3_bucket_enable_access_logging(bucket: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    if bucket.type in CLASSIC_BUCKETS and inline(bucket, "logging.targetBucket") is not None:
        return
    if bucket.type == NATIVE_BUCKET and bucket.declared("loggingConfiguration.destinationBucketName") is not None:
        return
    if stack.attached(bucket, LOGGINGS, "bucket", match_values=BUCKET_IDS):
        return
    # A bucket that receives access logs need not log itself, however the sender names it as its target.
    if (stack.attached(bucket, LOGGINGS, "targetBucket", match_values=BUCKET_IDS)
            or stack.attached(bucket, ("aws:s3/bucket:Bucket",), "logging.targetBucket", match_values=BUCKET_IDS)
            or stack.attached(bucket, ("aws:s3/bucketV2:BucketV2",), "loggings.targetBucket", match_values=BUCKET_IDS)
            or stack.attached(bucket, (NATIVE_BUCKET,), "loggingConfiguration.destinationBucketName", match_values=BUCKET_IDS)):
        return
    yield "server access logging is not configured; add a BucketLogging with a target bucket."


PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read", "PublicRead", "PublicReadWrite", "AuthenticatedRead"}
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
BUCKET_ACLS = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")


@resource_rule(
    id="aws-s3-bucketpolicy-deny-public", pack="network", types=(*CLASSIC_BUCKETS, *BUCKET_POLICIES), severity=Severity.CRITICAL,
    description="S3 bucket policies must not allow everyone ('*') without a condition that scopes the caller.",
    remediation="Grant to the accounts, roles or service principals that need access (a CloudFront distribution through "
                "Origin Access Control with aws:SourceArn), or add an aws:PrincipalOrgID / aws:SourceVpce condition.",
    controls=(*fsbp("S3.2", "S3.3"), *checkov("CKV_AWS_70")), tags=("public-access",),
)
def s3_bucket_policy_public(res: Res, ctx: RuleContext) -> Iterator[str]:
    yield from public_policy_problems(res.get("policy", res.get("policyDocument")))


@resource_rule(
    id="aws-s3-bucket-deny-public-acl", pack="network", types=(*BUCKETS, *BUCKET_ACLS), severity=Severity.CRITICAL,
    description="S3 buckets must not grant access to AllUsers or AuthenticatedUsers through ACLs (canned or explicit grants).",
    remediation="Remove the public canned ACL and grants; keep the default BucketOwnerEnforced object ownership (ACLs off) "
                "and grant access with bucket policies to named principals.",
    controls=(*fsbp("S3.2", "S3.3", "S3.12"), *checkov("CKV_AWS_20", "CKV_AWS_57")), tags=("public-access",),
)
def s3_bucket_public_acl(res: Res, ctx: RuleContext) -> Iterator[str]:
    canned = res.get("accessControl" if res.type == NATIVE_BUCKET else "acl")
    if isinstance(canned, str) and canned in PUBLIC_ACLS:
        yield f"canned ACL {canned!r} makes the bucket readable by everyone."
    grants = items(res.get("grants")) + items(res.get("accessControlPolicy.grants"))
    for i, grant in enumerate(grants):
        uri = dig(grant, "grantee.uri") or dig(grant, "uri")
        if uri in PUBLIC_GRANTEES:
            yield f"grant #{i} gives {dig(grant, 'permission') or dig(grant, 'permissions')} to {uri.rsplit('/', 1)[-1]}."
