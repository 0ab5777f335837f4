"""Stack rules in a preview, log targets, account-wide public access blocks, AWS-managed keys, stateful types,
house rules and the enforcement defaults: each with a passing and a violating case."""

from __future__ import annotations

import pytest
from crossguard_aws.model import REGISTRY, rules_of
from crossguard_aws.rules.operations import STATEFUL_TYPES

from tests.policies.cases import ALL_FLAGS, KEY, PROD_ENV, TLS_POLICY, sse
from tests.policies.harness import UNKNOWN, Analyzer, R, provider, run_rule

SSE_CONFIG = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
LOGGING = "aws:s3/bucketLogging:BucketLogging"


def preview_bucket(name: str = "lake", type_: str = "aws:s3/bucket:Bucket", **props) -> R:
    """A bucket as a preview's stack analysis sees it: every optional output the provider computes is unknown."""
    computed = {"id": UNKNOWN, "arn": UNKNOWN, "bucket": UNKNOWN, "policy": UNKNOWN, "versioning": UNKNOWN,
                "logging": UNKNOWN, "serverSideEncryptionConfiguration": UNKNOWN, "loggings": UNKNOWN,
                "versionings": UNKNOWN, "serverSideEncryptionConfigurations": UNKNOWN}
    return R(type_, name, {**computed, **props})


def companion(type_: str, name: str, bucket: R, props: dict, prop: str = "bucket") -> R:
    return R(type_, name, {prop: UNKNOWN, **props}, property_dependencies={prop: [bucket]})


# ---- point 2: joins in a preview ------------------------------------------------------------------------------
NO_COMPANION = [
    ("aws-s3-bucket-require-encryption-config", "has no server-side encryption configuration"),
    ("aws-s3-bucket-require-tls-policy", "has no bucket policy"),
    ("aws-s3-bucket-enable-versioning", "versioning is not enabled"),
    ("aws-s3-bucket-enable-access-logging", "server access logging is not configured"),
    ("aws-s3-bucket-require-public-access-block", "has no public access block"),
]


@pytest.mark.parametrize(("rule", "expect"), NO_COMPANION, ids=[r for r, _ in NO_COMPANION])
@pytest.mark.parametrize("type_", ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"])
def test_preview_bucket_without_companion_is_a_violation(rule, expect, type_):
    result = run_rule(rule, [preview_bucket(type_=type_)])
    assert result.not_judged(rule) == []
    [violation] = result.violations(rule)
    assert expect in violation.message


def _companions(bucket: R) -> dict[str, R]:
    target = preview_bucket("logs")
    return {
        "aws-s3-bucket-require-encryption-config": companion(SSE_CONFIG, "enc", bucket, {"rules": [{"applyServerSideEncryptionByDefault": sse(UNKNOWN)}]}),
        "aws-s3-bucket-require-tls-policy": companion("aws:s3/bucketPolicy:BucketPolicy", "pol", bucket, {"policy": TLS_POLICY}),
        "aws-s3-bucket-enable-versioning": companion("aws:s3/bucketVersioning:BucketVersioning", "ver", bucket,
                                                     {"versioningConfiguration": {"status": "Enabled"}}),
        "aws-s3-bucket-enable-access-logging": R(LOGGING, "log", {"bucket": UNKNOWN, "targetBucket": UNKNOWN},
                                                 property_dependencies={"bucket": [bucket], "targetBucket": [target]}),
        "aws-s3-bucket-require-public-access-block": companion(PAB, "pab", bucket, ALL_FLAGS),
    }


@pytest.mark.parametrize("rule", [r for r, _ in NO_COMPANION])
def test_preview_bucket_joined_through_property_dependencies_passes(rule):
    bucket = preview_bucket()
    resources = [bucket, _companions(bucket)[rule]]
    if rule == "aws-s3-bucket-enable-access-logging":
        resources.append(preview_bucket("logs"))  # the target needs no logging of its own
    result = run_rule(rule, resources)
    assert result.violations(rule) == [] and result.not_judged(rule) == []


UNKNOWN_COMPANIONS = {
    "aws-s3-bucket-require-encryption-config": (SSE_CONFIG, {"rules": UNKNOWN}),
    "aws-s3-bucket-require-tls-policy": ("aws:s3/bucketPolicy:BucketPolicy", {"policy": UNKNOWN}),
    "aws-s3-bucket-enable-versioning": ("aws:s3/bucketVersioning:BucketVersioning", {"versioningConfiguration": UNKNOWN}),
    "aws-s3-bucket-require-public-access-block": (PAB, {**ALL_FLAGS, "blockPublicPolicy": UNKNOWN}),
}


@pytest.mark.parametrize("rule", list(UNKNOWN_COMPANIONS))
def test_preview_companion_with_unknown_values_is_not_judged(rule):
    bucket = preview_bucket()
    type_, props = UNKNOWN_COMPANIONS[rule]
    result = run_rule(rule, [bucket, companion(type_, "c", bucket, props)])
    assert result.violations(rule) == []
    [note] = result.not_judged(rule)
    assert "Bucket 'lake'" in note.message


def test_inline_block_fed_from_another_resource_is_not_judged():
    source = R("aws:ssm/parameter:Parameter", "policy-doc")
    bucket = R("aws:s3/bucket:Bucket", "lake", {"policy": UNKNOWN}, property_dependencies={"policy": [source]})
    result = run_rule("aws-s3-bucket-require-tls-policy", [bucket, source])
    assert result.violations("aws-s3-bucket-require-tls-policy") == []
    assert len(result.not_judged("aws-s3-bucket-require-tls-policy")) == 1


# ---- point 3: access-log targets however they are named -------------------------------------------------------
LOG_TARGET_SENDERS = {
    "bucket-logging": lambda t: R(LOGGING, "log", {"bucket": "src", "targetBucket": UNKNOWN}, property_dependencies={"targetBucket": [t]}),
    "inline-logging": lambda t: R("aws:s3/bucket:Bucket", "src", {"logging": {"targetBucket": UNKNOWN}},
                                  property_dependencies={"logging": [t]}),
    "inline-loggings-v2": lambda t: R("aws:s3/bucketV2:BucketV2", "src", {"loggings": [{"targetBucket": UNKNOWN}]},
                                      property_dependencies={"loggings": [t]}),
    "native-logging-configuration": lambda t: R("aws-native:s3:Bucket", "src", {"loggingConfiguration": {"destinationBucketName": UNKNOWN}},
                                                property_dependencies={"loggingConfiguration": [t]}),
    "inline-known-name": lambda t: R("aws:s3/bucket:Bucket", "src", {"logging": {"targetBucket": "acme-logs"}}),
}


@pytest.mark.parametrize("sender", list(LOG_TARGET_SENDERS))
def test_access_log_target_is_exempt_however_the_sender_names_it(sender):
    target = R("aws:s3/bucket:Bucket", "logs", {"bucket": "acme-logs", "id": "acme-logs"})
    result = run_rule("aws-s3-bucket-enable-access-logging", [target, LOG_TARGET_SENDERS[sender](target)])
    assert [v for v in result.violations("aws-s3-bucket-enable-access-logging") if "'logs'" in v.message] == []


@pytest.mark.parametrize("sender", list(LOG_TARGET_SENDERS))
def test_a_bucket_that_is_not_the_target_still_needs_logging(sender):
    target, other = R("aws:s3/bucket:Bucket", "logs", {"bucket": "acme-logs"}), R("aws:s3/bucket:Bucket", "other", {"bucket": "acme-other"})
    result = run_rule("aws-s3-bucket-enable-access-logging", [target, other, LOG_TARGET_SENDERS[sender](target)])
    assert [v.message.split("\n")[-1] for v in result.violations("aws-s3-bucket-enable-access-logging") if "'other'" in v.message] == [
        "Bucket 'other': server access logging is not configured; add a BucketLogging with a target bucket."]


# ---- point 4: the account-level public access block covers its whole account ----------------------------------
WEST = provider("workload-us-west-2", region="us-west-2")  # same account (333333333333), other region and provider
OTHER_ACCOUNT = provider("security-us-east-1", allowedAccountIds=["111111111111"])
ROLE_IN_ACCOUNT = provider("via-role", allowedAccountIds=None,
                           assumeRoles=[{"roleArn": "arn:aws:iam::333333333333:role/deployer"}])


@pytest.mark.parametrize(("block", "covered"), [
    (R(ACCOUNT_PAB, "acct", ALL_FLAGS, provider=WEST), True),
    (R(ACCOUNT_PAB, "acct", ALL_FLAGS, provider=ROLE_IN_ACCOUNT), True),
    (R(ACCOUNT_PAB, "acct", {**ALL_FLAGS, "accountId": "333333333333"}, provider=OTHER_ACCOUNT), True),
    (R(ACCOUNT_PAB, "acct", ALL_FLAGS, provider=OTHER_ACCOUNT), False),
    (R(ACCOUNT_PAB, "acct", {**ALL_FLAGS, "accountId": "444444444444"}, provider=WEST), False),
], ids=["other-region-provider", "assumed-role-account", "explicit-account-id", "other-account", "explicit-other-account"])
def test_account_public_access_block_covers_every_bucket_of_its_account(block, covered):
    result = run_rule("aws-s3-bucket-require-public-access-block", [preview_bucket(), block])
    assert (result.violations("aws-s3-bucket-require-public-access-block") == []) is covered


# ---- point 5: AWS-managed keys however referenced ------------------------------------------------------------
MANAGED = "arn:aws:kms:us-east-1:333333333333:key/0f0e0d0c-1111-2222-3333-444455556666"


@pytest.mark.parametrize(("key", "managed_keys", "violates"), [
    ("arn:aws:kms:us-east-1:333333333333:alias/aws/sns", [], True),
    (MANAGED, [MANAGED], True),
    (MANAGED, [], False),
    (KEY, [MANAGED], False),
])
def test_aws_managed_key_by_alias_or_resolved_arn(key, managed_keys, violates):
    config = {"awsManagedKeys": managed_keys} if managed_keys else None
    result = run_rule("aws-sns-topic-enforce-kms", R("aws:sns/topic:Topic", "t", {"kmsMasterKeyId": key}), config)
    found = result.violations("aws-sns-topic-enforce-kms")
    assert bool(found) is violates
    assert all("is the AWS-managed key" in v.message for v in found)


def test_every_kms_rule_takes_the_managed_keys_knob():
    kms_rules = [r for r in rules_of() if r.pack == "encryption" and "kms" in r.tags]
    assert len(kms_rules) >= 20
    infos = {p.name: p for p in Analyzer("encryption").info().policies}
    assert all("awsManagedKeys" in infos[r.id].configSchema.properties for r in kms_rules)


# ---- point 6: the prod stateful list --------------------------------------------------------------------------
NEW_STATEFUL = [
    "aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws-native:rds:DbInstance", "aws-native:rds:DbCluster",
    "aws:secretsmanager/secret:Secret", "aws-native:secretsmanager:Secret",
    "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/serverlessCache:ServerlessCache",
    "aws-native:elasticache:ReplicationGroup", "aws:opensearch/domain:Domain", "aws-native:opensearchservice:Domain",
    "aws:sagemaker/domain:Domain", "aws-native:sagemaker:Domain", "aws:sagemaker/featureGroup:FeatureGroup",
    "aws-native:sagemaker:FeatureGroup", "aws:kinesis/stream:Stream", "aws-native:kinesis:Stream",
    "aws:ebs/volume:Volume", "aws-native:ec2:Volume", "aws:efs/fileSystem:FileSystem", "aws-native:efs:FileSystem",
    "aws:dynamodb/table:Table", "aws-native:dynamodb:Table",
]


@pytest.mark.parametrize("type_", NEW_STATEFUL)
def test_stateful_types_must_be_protected_in_production(type_, stack_env):
    stack_env.setenv("PULUMI_CONFIG", PROD_ENV["PULUMI_CONFIG"])
    assert type_ in STATEFUL_TYPES
    bad = run_rule("aws-stack-stateful-require-protect", [R(type_, "data")])
    assert [v.message.split("\n")[-1].split(": ", 1)[1] for v in bad.violations("aws-stack-stateful-require-protect")] == [
        "is stateful but not protected in production (stack config environment='prod'); set protect=True."]
    good = run_rule("aws-stack-stateful-require-protect", [R(type_, "data", protect=True)])
    assert good.violations("aws-stack-stateful-require-protect") == []


# ---- point 7: the default-provider house rule -----------------------------------------------------------------
DEFAULT = provider("default_7_51_0")


@pytest.mark.parametrize(("config", "level"), [(None, "advisory"), ({"enforcementLevel": "mandatory"}, "mandatory")])
def test_default_provider_rule_is_advisory_unless_configured(config, level):
    result = run_rule("aws-stack-resource-deny-default-provider", [R("aws:s3/bucket:Bucket", "b", provider=DEFAULT)], config)
    assert [v.level for v in result.violations("aws-stack-resource-deny-default-provider")] == [level]


# ---- enforcement defaults -------------------------------------------------------------------------------------
MANDATORY_BY_AREA = {
    # medium-severity rules that the card's areas make blocking
    "aws-sns-topic-enforce-kms", "aws-sqs-queue-enforce-kms", "aws-lambda-function-enforce-kms",
    "aws-cloudwatch-loggroup-enforce-kms", "aws-dynamodb-table-enforce-kms", "aws-ecr-repository-enforce-kms",
    "aws-tagging-resource-require-tags", "aws-lambda-function-require-vpc", "aws-apigateway-stage-require-waf",
}
ADVISORY = {"aws-ec2-vpc-require-flow-logs", "aws-stack-resource-deny-default-provider",
            "aws-tagging-resource-enforce-length-limits", "aws-s3-bucket-enable-versioning"}


def test_card_areas_are_mandatory_by_default_and_severity_does_not_decide():
    rules_of()
    assert {r for r in MANDATORY_BY_AREA if REGISTRY[r].enforcement_level.value == "mandatory"} == MANDATORY_BY_AREA
    assert {REGISTRY[r].severity.name for r in MANDATORY_BY_AREA} == {"MEDIUM"}
    assert {r for r in ADVISORY if REGISTRY[r].enforcement_level.value == "advisory"} == ADVISORY
    areas = {r.area for r in rules_of() if r.area}
    assert areas == {"KMS encryption", "required tags", "VPC isolation"}


def test_untagged_resource_is_blocked_by_default_and_can_be_made_advisory():
    untagged = R("aws:sqs/queue:Queue", "q", {})
    assert [v.level for v in run_rule("aws-tagging-resource-require-tags", untagged).violations("aws-tagging-resource-require-tags")] == ["mandatory"]
    lowered = run_rule("aws-tagging-resource-require-tags", untagged, {"enforcementLevel": "advisory"})
    assert [v.level for v in lowered.violations("aws-tagging-resource-require-tags")] == ["advisory"]


def test_stage_waf_needs_an_association_not_just_a_reported_web_acl_arn():
    # webAclArn is an output AWS fills once some association exists; the program must declare the association.
    stage = R("aws:apigateway/stage:Stage", "v1", {"stageName": "v1", "restApi": "api-1", "arn": "arn:aws:apigateway:us-east-1::/restapis/api-1/stages/v1",
                                                   "webAclArn": "arn:aws:wafv2:us-east-1:333333333333:regional/webacl/x/1"})
    [violation] = run_rule("aws-apigateway-stage-require-waf", [stage]).violations("aws-apigateway-stage-require-waf")
    assert violation.message.endswith("has no WAFv2 web ACL association.") and violation.level == "mandatory"
    association = R("aws:wafv2/webAclAssociation:WebAclAssociation", "waf", {"resourceArn": stage.props["arn"], "webAclArn": UNKNOWN})
    assert run_rule("aws-apigateway-stage-require-waf", [stage, association]).violations("aws-apigateway-stage-require-waf") == []
