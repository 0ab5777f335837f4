"""The shared rule library (policies/crossguard_aws/*.py) tested directly: inputs and expected outputs written out."""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import datetime as dt
import os
import threading
from types import SimpleNamespace

import pulumi
import pulumi.runtime.config
import pytest
from crossguard_aws import checks, instance_storage, knobs, model, packs, runtime, sdk, tags, values
from crossguard_aws.context import Exemption, RuleContext, StackEnv, is_production, parse_exemptions
from crossguard_aws.memo import LastBuilt
from crossguard_aws.model import Rule, cdk_nag, checkov, cis, fsbp, rules_of
from crossguard_aws.resources import Provider, Res, Stack
from crossguard_aws.values import Unknown, is_unknown
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    unknown_checking_proxy,
)

from tests.policies.harness import Analyzer, R, isolated, run_rule

UNKNOWN_PLAIN = Unknown("04da6b54-80e4-46f7-96ec-b56ff0331ba9", ("bucket",))
PUBLIC = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}


# ---- checks: policy documents --------------------------------------------------------------------------------
@pytest.mark.parametrize("operator, key", [
    ("StringEquals", "aws:SourceAccount"), ("ArnLike", "aws:SourceArn"), ("StringEquals", "aws:SourceOwner"),
    ("StringEquals", "aws:PrincipalOrgID"), ("StringEquals", "aws:PrincipalAccount"), ("ArnEquals", "aws:PrincipalArn"),
    ("StringEquals", "aws:SourceVpc"), ("StringEquals", "aws:SourceVpce"), ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths"),
    ("StringEquals", "aws:SourceOrgID"), ("IpAddress", "aws:SourceIp"), ("StringEquals", "kms:CallerAccount"),
])
def test_a_scoping_condition_key_makes_a_public_grant_not_public(operator: str, key: str) -> None:
    scoped = {**PUBLIC, "Condition": {operator: {key: "x"}}}
    assert list(checks.public_allow_statements({"Statement": [scoped]})) == []
    assert list(checks.public_policy_problems({"Statement": [scoped]})) == []


def test_a_condition_on_another_key_does_not_scope_a_public_grant() -> None:
    unscoped = {**PUBLIC, "Sid": "Open", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    assert list(checks.public_allow_statements({"Statement": [unscoped]})) == [unscoped]
    assert list(checks.public_policy_problems({"Statement": [unscoped]})) == [
        "statement 'Open' allows Principal '*' without a scoping condition."]


def test_grants_only_for_allow_statements() -> None:
    allow = {"Effect": "Allow", "Action": ["s3:GetObject", "kms:*"], "Resource": "*"}
    assert checks.grants(allow, r"kms:\*")
    assert checks.grants(allow, r"KMS:\*")  # case-insensitive
    assert not checks.grants({**allow, "Effect": "Deny"}, r"kms:\*")
    assert not checks.grants({**allow, "Resource": "arn:aws:kms:us-east-1:111122223333:key/k"}, r"kms:\*")
    assert checks.grants({"effect": "Allow", "action": "iam:PassRole", "resource": ["a", "*"]}, "iam:passrole")


# ---- tags: tag bags in either shape -------------------------------------------------------------------------
def _res(tag_value: object, default_tags: object = None) -> Res:
    provider = Provider("pulumi:providers:aws", "urn:p", "p", {"defaultTags": {"tags": default_tags}}) if default_tags else None
    return Res("aws:sqs/queue:Queue", "urn:q", "q", {"tags": tag_value}, provider)


@pytest.mark.parametrize("bag", [
    [{"Key": "owner", "Value": "ml"}, {"Key": "environment", "Value": "dev"}],
    [{"key": "owner", "value": "ml"}, {"key": "environment", "value": "dev"}],
    {"owner": "ml", "environment": "dev"},
    '[{"Key": "owner", "Value": "ml"}, {"Key": "environment", "Value": "dev"}]',
])
def test_tags_as_a_map_or_a_list_of_key_value_items_in_either_casing(bag: object) -> None:
    assert tags.effective_tags(_res(bag)) == ({"owner": "ml", "environment": "dev"}, [])


def test_own_tags_win_over_provider_default_tags() -> None:
    res = _res([{"Key": "owner", "Value": "ml"}], default_tags=[{"Key": "owner", "Value": "ops"}, {"Key": "cost-center", "Value": "42"}])
    assert tags.effective_tags(res) == ({"owner": "ml", "cost-center": "42"}, [])


# ---- model: compliance frameworks -------------------------------------------------------------------------
def _rule(controls: tuple) -> Rule:
    return Rule(id="aws-s3-bucket-enforce-library-test", pack="encryption", kind="resource", description="d",
                remediation="r", severity=Severity.LOW, check=lambda res, ctx: iter(()), types=None, controls=controls)


@pytest.mark.parametrize("controls, name, version, reference, specification", [
    (fsbp("S3.1", "S3.2"), "AWS Foundational Security Best Practices", "1.0.0", "S3.1, S3.2",
     "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html"),
    (cis("2.1.1"), "CIS AWS Foundations Benchmark", "3.0.0", "2.1.1", "https://www.cisecurity.org/benchmark/amazon_web_services"),
    (checkov("CKV_AWS_19") + fsbp("S3.1"), "Checkov", "3", "CKV_AWS_19", "https://www.checkov.io/5.Policy%20Index/terraform.html"),
    (cdk_nag("S1"), "cdk-nag AwsSolutions", "2", "AwsSolutions-S1", "https://github.com/cdklabs/cdk-nag/blob/main/RULES.md"),
    ((), "AI platform guardrails", "1.0.0", "aws-s3-bucket-enforce-library-test", "policies/README.md"),
])
def test_the_compliance_framework_of_a_rule_is_its_first_controls(controls, name, version, reference, specification) -> None:
    framework = _rule(controls).framework
    assert (framework.name, framework.version, framework.reference, framework.specification) == (
        name, version, reference, specification)


# ---- sdk: the stack's resources linked as the stock SDK links them ------------------------------------------
def test_stack_resources_are_linked_to_parent_dependencies_and_property_dependencies() -> None:
    vpc = R("aws:ec2/vpc:Vpc", "vpc")
    outside = R("aws:ec2/vpc:Vpc", "not-in-the-request")
    subnet = R("aws:ec2/subnet:Subnet", "subnet", {"vpcId": "vpc-1"}, parent=vpc, dependencies=[vpc, outside],
               property_dependencies={"vpcId": [vpc, outside]})
    request = pb.AnalyzeStackRequest(resources=[vpc.stack_resource(), subnet.stack_resource()])
    built_vpc, built_subnet = sdk._stack_resources(Analyzer("network").servicer, request)
    assert built_vpc.parent is None and built_vpc.dependencies == [] and built_vpc.property_dependencies == {}
    assert built_subnet.parent is built_vpc
    assert built_subnet.dependencies == [built_vpc]
    assert built_subnet.property_dependencies == {"vpcId": [built_vpc]}
    assert built_subnet.urn == "urn:pulumi:dev::acme-app::aws:ec2/subnet:Subnet::subnet"


# ---- packs: serving a pack -------------------------------------------------------------------------------
def test_serve_installs_the_fast_sdk_path_before_starting_the_pack(monkeypatch) -> None:
    started = []
    monkeypatch.delenv("CROSSGUARD_PLAIN_SDK", raising=False)
    monkeypatch.setattr(packs, "PolicyPack", lambda **kwargs: started.append((kwargs["name"], sdk.installed())))
    was = sdk.installed()
    sdk.uninstall()
    try:
        packs.serve("tagging")
        assert started == [("aws-tagging", True)]
    finally:
        if not was:
            sdk.uninstall()


# ---- resources: providers and resource views --------------------------------------------------------------
@pytest.mark.parametrize("props, account", [
    ({"allowedAccountIds": ["333333333333", "444444444444"]}, "333333333333"),
    ({"allowedAccountIds": [123456789012]}, "123456789012"),
    ({"allowedAccountIds": [True], "assumeRoles": [{"roleArn": "arn:aws:iam::555555555555:role/deploy"}]}, "555555555555"),
    ({"allowedAccountIds": [], "assumeRole": {"roleArn": "arn:aws:iam::666666666666:role/deploy"}}, "666666666666"),
    ({"assumeRoles": [{"sessionName": "s"}, {"roleArn": "arn:aws:iam::777777777777:role/deploy"}]}, "777777777777"),
    ({"assumeRole": {"roleArn": "arn:aws:iam::role/deploy"}}, None),
    ({"assumeRole": {"roleArn": "arn:aws:iam:::role/deploy"}}, None),
    ({"assumeRole": "arn:aws:iam::888888888888:role/deploy"}, None),
    ({}, None),
])
def test_provider_account(props: dict, account: str | None) -> None:
    assert Provider("pulumi:providers:aws", "urn:p", "p", props).account == account


@pytest.mark.parametrize("name, default", [
    ("default", True), ("default_7_51_0", True), ("defaults", False), ("workload-default", False), ("workload", False)])
def test_default_providers_are_named_by_the_engine(name: str, default: bool) -> None:
    assert Provider("pulumi:providers:aws-native", "urn:p", name, {}).is_default is default
    assert Provider("pulumi:providers:aws-native", "urn:p", name, {}).package == "aws-native"


def test_provider_from_policy_decodes_json_encoded_inputs() -> None:
    policy_provider = SimpleNamespace(resource_type="pulumi:providers:aws", urn="urn:p", name="p",
                                      props={"defaultTags": '{"tags": {"owner": "ml"}}', "allowedAccountIds": '["333333333333"]',
                                             "region": "us-east-1"})
    assert Provider.from_policy(policy_provider) == Provider(
        "pulumi:providers:aws", "urn:p", "p",
        {"defaultTags": {"tags": {"owner": "ml"}}, "allowedAccountIds": ["333333333333"], "region": "us-east-1"})
    assert Provider.from_policy(SimpleNamespace(resource_type="t", urn="u", name="n", props=["x"])).props == {}
    assert Provider.from_policy(None) is None


def test_res_get_declared_package_and_label() -> None:
    unknown = Unknown("04da6b54-80e4-46f7-96ec-b56ff0331ba9", ("kmsKeyId",))
    res = Res("aws-native:s3:Bucket", "urn:b", "logs", {"a": {"b": "x"}, "kmsKeyId": unknown, "fed": unknown, "zero": 0},
              property_dependencies={"fed": ["urn:k"]})
    assert res.get("a.b") == "x" and res.get("a.c", "dflt") == "dflt" and res.get("zero", 5) == 0
    assert res.declared("kmsKeyId", "absent") == "absent"
    assert res.declared("fed", "absent") is unknown
    assert res.declared("a.b") == "x"
    assert res.package == "aws-native" and res.label == "Bucket 'logs'"


def test_depends_on_through_plain_or_property_dependencies() -> None:
    res = Res("aws:ec2/subnet:Subnet", "urn:s", "s", {}, dependencies=["urn:plain"],
              property_dependencies={"vpcId": ["urn:vpc"], "tags": []})
    assert res.depends_on("urn:plain") and res.depends_on("urn:vpc")
    assert not res.depends_on("urn:other")
    assert res.depends_on("urn:vpc", "vpcId") and res.depends_on("urn:vpc", "tags", "vpcId")
    assert not res.depends_on("urn:plain", "vpcId") and not res.depends_on("urn:vpc", "tags")


def test_res_from_args_and_from_policy_resource() -> None:
    opts = SimpleNamespace(protect=1, parent="urn:parent")
    args = SimpleNamespace(resource_type="aws:s3/bucket:Bucket", urn="urn:b", name="b", props={"bucket": "x"}, provider=None, opts=opts)
    assert Res.from_args(args) == Res("aws:s3/bucket:Bucket", "urn:b", "b", {"bucket": "x"}, None, True, "urn:parent")
    args.props = ["not", "a", "dict"]
    assert Res.from_args(args).props == {}

    dep = SimpleNamespace(urn="urn:dep")
    policy_resource = SimpleNamespace(resource_type="aws:s3/bucket:Bucket", urn="urn:b", name="b", props={}, provider=None,
                                      opts=SimpleNamespace(protect=False, parent="urn:opts-parent"), parent=None,
                                      dependencies=[dep], property_dependencies={"bucket": [dep]})
    assert Res.from_policy_resource(policy_resource) == Res(
        "aws:s3/bucket:Bucket", "urn:b", "b", {}, None, False, "urn:opts-parent", ["urn:dep"], {"bucket": ["urn:dep"]})
    policy_resource.opts.parent = ""
    assert Res.from_policy_resource(policy_resource).parent is None
    policy_resource.parent = SimpleNamespace(urn="urn:linked-parent")
    assert Res.from_policy_resource(policy_resource).parent == "urn:linked-parent"


def test_stack_joins() -> None:
    bucket = Res("aws:s3/bucket:Bucket", "urn:b", "b", {"bucket": "logs", "arn": "arn:aws:s3:::logs"})
    by_dep = Res("aws:s3/bucketPolicy:BucketPolicy", "urn:p1", "p1", {"bucket": UNKNOWN_PLAIN}, property_dependencies={"bucket": ["urn:b"]})
    by_value = Res("aws:s3/bucketPolicy:BucketPolicy", "urn:p2", "p2", {"bucket": "logs"}, parent="urn:b")
    by_nested = Res("aws:s3/bucketPolicy:BucketPolicy", "urn:p3", "p3", {"target": {"arn": "arn:aws:s3:::logs"}})
    unrelated = Res("aws:s3/bucketPolicy:BucketPolicy", "urn:p4", "p4", {"bucket": "other"}, dependencies=["urn:b"])
    other_type = Res("aws:s3/bucketAcl:BucketAcl", "urn:a", "a", {"bucket": "logs"})
    stack = Stack([bucket, by_dep, by_value, by_nested, unrelated, other_type])
    assert stack.by_urn["urn:p2"] is by_value
    assert stack.of_types(["aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketAcl:BucketAcl"]) == [by_dep, by_value, by_nested, unrelated, other_type]
    policy = "aws:s3/bucketPolicy:BucketPolicy"
    assert stack.attached(bucket, [policy], "bucket", match_values=["bucket"]) == [by_dep, by_value]
    assert stack.attached(bucket, [policy], "bucket") == [by_dep]
    assert stack.attached(bucket, [policy], "target.arn", match_values=["id", "arn"]) == [by_nested]
    assert stack.attached(bucket, [policy, "aws:s3/bucket:Bucket"]) == [by_dep, unrelated]
    assert stack.children_of("urn:b") == [by_value]


def test_stack_attached_skips_the_target_lists_each_resource_once_and_compares_strings_only() -> None:
    queue = Res("aws:sqs/queue:Queue", "urn:q", "q", {"name": "jobs", "id": 7})
    twin = Res("aws:sqs/queue:Queue", "urn:q2", "q2", {"name": "jobs"})
    both = Res("aws:sqs/queuePolicy:QueuePolicy", "urn:qp", "qp", {"queueUrl": "jobs"}, property_dependencies={"queueUrl": ["urn:q"]})
    numeric = Res("aws:sqs/queuePolicy:QueuePolicy", "urn:qp2", "qp2", {"queueUrl": 7})
    stack = Stack([queue, twin, both, numeric])
    assert stack.attached(queue, ["aws:sqs/queue:Queue"], "name", match_values=["name"]) == [twin]
    assert stack.attached(queue, ["aws:sqs/queuePolicy:QueuePolicy"], "queueUrl", match_values=["name", "id"]) == [both]



def _brute_attached(stack: Stack, target: Res, types: list[str], props: tuple[str, ...], match: list[str]) -> list[Res]:
    """The join as documented, over every resource: an input of ``props`` depends on ``target``, or (values known)
    equals one of ``target``'s ``match`` values."""
    keys = {target.get(m) for m in match} - {None}
    keys = {k for k in keys if isinstance(k, str) and k}
    out = []
    for r in stack.resources:
        if r.type not in types or r is target:
            continue
        heads = [p.split(".")[0] for p in props]
        by_dep = any(target.urn in r.property_dependencies.get(h, []) for h in heads) if props else (
            target.urn in r.dependencies or any(target.urn in v for v in r.property_dependencies.values()))
        by_value = any(isinstance(r.get(p), str) and r.get(p) in keys for p in props)
        if by_dep or by_value:
            out.append(r)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_indexed_joins_equal_a_scan_of_every_resource_and_targets_inverts_attached(seed: int) -> None:
    import random
    rng = random.Random(seed)
    types = ["aws:s3/bucket:Bucket", "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketLogging:BucketLogging"]
    names = ["a", "b", "c", "d"]
    resources: list[Res] = []
    for i in range(60):
        earlier = [r.urn for r in resources]
        deps = rng.sample(earlier, k=min(len(earlier), rng.randint(0, 2)))
        # through "bucket" or "target" (the first segment of the dotted join "target.arn")
        prop_deps = ({rng.choice(["bucket", "target"]): rng.sample(earlier, k=min(len(earlier), rng.randint(0, 1)))}
                     if earlier and rng.random() < .5 else {})
        props = {"bucket": rng.choice([*names, UNKNOWN_PLAIN, 3]), "target": {"arn": rng.choice(names)}}
        resources.append(Res(rng.choice(types), f"urn:{i}", f"r{i}", props, dependencies=deps,
                             property_dependencies=prop_deps, parent=rng.choice([None, *earlier[-3:]])))
    stack = Stack(resources)
    scans: dict[tuple, list[Res]] = {}  # the brute-force scan of (resource, its type filter, join), computed once

    def scan(r: Res, wanted: list[str], props: tuple[str, ...], match: list[str]) -> list[Res]:
        key = (r.urn, tuple(wanted), props, tuple(match))
        if key not in scans:
            scans[key] = _brute_attached(stack, r, wanted, props, match)
        return scans[key]

    for target in resources:
        for wanted, props, match in (([types[1]], ("bucket",), ["bucket"]), ([types[1], types[2]], ("bucket", "target.arn"), ["bucket"]),
                                     ([types[0], types[2]], (), []), (types, ("target.arn",), ["bucket", "missing"])):
            found = stack.attached(target, wanted, *props, match_values=match)
            assert found == scan(target, wanted, props, match)
            # targets() is the inverse join: source -> the resources whose attached() lists it.
            assert [r.urn for r in stack.targets(target, wanted, *props, match_values=match)] == [
                r.urn for r in resources if r.type in wanted and target in scan(r, [target.type], props, match)]
        assert stack.children_of(target.urn) == [r for r in resources if r.parent == target.urn]
    for pair in ([types[2], types[0]], [types[0]]):
        assert stack.of_types(pair) == [r for r in resources if r.type in pair]


@pytest.mark.parametrize("buckets", [10, 200])
def test_a_join_examines_what_it_may_return_not_every_resource_of_the_type(buckets: int, monkeypatch) -> None:
    """Per subject, a join looks at the resources its dependencies and known values lead to: a stack rule joining
    each of N subjects stays linear in N (targets() once scanned every bucket per subject: quadratic in accounts)."""
    from crossguard_aws import resources

    examined = []
    real = resources._points_at
    monkeypatch.setattr(resources, "_points_at", lambda source, target, *rest: examined.append((source.urn, target.urn)) or real(source, target, *rest))
    bucket, sse = "aws:s3/bucket:Bucket", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    stack = Stack([Res(bucket, f"urn:b{i}", f"b{i}", {"bucket": f"b{i}"}) for i in range(buckets)] + [
        Res(sse, "urn:by-dep", "by-dep", {"bucket": UNKNOWN_PLAIN}, property_dependencies={"bucket": ["urn:b3"]}),
        Res(sse, "urn:by-value", "by-value", {"bucket": "b7"})])
    for source, expected in (("urn:by-dep", "urn:b3"), ("urn:by-value", "urn:b7")):
        examined.clear()
        assert [r.urn for r in stack.targets(stack.by_urn[source], [bucket], "bucket", match_values=["bucket"])] == [expected]
        assert examined == [(source, expected)]  # (the subject, a resource it may point at) pairs looked at
        examined.clear()
        assert [r.urn for r in stack.attached(stack.by_urn[expected], [sse], "bucket", match_values=["bucket"])] == [source]
        assert examined == [(source, expected)]

# ---- knobs: policy config parsing ---------------------------------------------------------------------------
def test_knob_defaults_when_unset() -> None:
    assert knobs.parse(("minRetentionDays", "production", "allowedPublicIngressPorts", "productionStacks"), None) == {
        "minRetentionDays": 90, "production": None, "allowedPublicIngressPorts": [],
        "productionStacks": ["prod", "prod-*", "*-prod", "production"]}


def test_knob_values_are_typed() -> None:
    parsed = knobs.parse(("minRetentionDays", "production", "allowedPublicIngressPorts", "requiredTags", "allowedTagValues"), {
        "minRetentionDays": 30.0, "production": False, "allowedPublicIngressPorts": [443.0, 80],
        "requiredTags": ["owner"], "allowedTagValues": {"environment": ["dev"]}, "notAKnobOfTheRule": 1})
    assert parsed == {"minRetentionDays": 30, "production": False, "allowedPublicIngressPorts": [443, 80],
                      "requiredTags": ["owner"], "allowedTagValues": {"environment": ["dev"]}}
    assert type(parsed["minRetentionDays"]) is int and [type(p) for p in parsed["allowedPublicIngressPorts"]] == [int, int]


@pytest.mark.parametrize("config, message", [
    ({"minRetentionDays": 30.5}, "policy config 'minRetentionDays' must be a whole number, got 30.5"),
    ({"minRetentionDays": True}, "policy config 'minRetentionDays' must be a whole number, got True"),
    ({"minRetentionDays": "30"}, "policy config 'minRetentionDays' must be a whole number, got '30'"),
    ({"minRetentionDays": 0}, "policy config 'minRetentionDays' must be at least 1, got 0"),
    ({"minDeletionWindowDays": 6}, "policy config 'minDeletionWindowDays' must be at least 7, got 6"),
    ({"minDeletionWindowDays": 31}, "policy config 'minDeletionWindowDays' must be at most 30, got 31"),  # KMS allows 7-30
    ({"production": "true"}, "policy config 'production' must be true or false, got 'true'"),
    ({"production": 1}, "policy config 'production' must be true or false, got 1"),
    ({"requiredTags": "owner"}, "policy config 'requiredTags' must be a list, got 'owner'"),
    ({"requiredTags": ["owner", 3]}, "policy config 'requiredTags[1]' must be a string, got 3"),
    ({"allowedPublicIngressPorts": [443, "80"]}, "policy config 'allowedPublicIngressPorts[1]' must be a whole number, got '80'"),
    ({"allowedPublicIngressPorts": [False]}, "policy config 'allowedPublicIngressPorts[0]' must be a whole number, got False"),
    ({"allowedTagValues": ["dev"]}, "policy config 'allowedTagValues' must be an object of tag key -> list of allowed values, got ['dev']"),
    ({"allowedTagValues": {"environment": "dev"}}, "policy config 'allowedTagValues.environment' must be a list, got 'dev'"),
    ({"allowedTagValues": {"environment": ["dev", 1]}}, "policy config 'allowedTagValues.environment' must be a string, got 1"),
])
def test_bad_knob_values_name_the_key(config: dict, message: str) -> None:
    with pytest.raises(knobs.ConfigError) as raised:
        knobs.parse(("minRetentionDays", "minDeletionWindowDays", "production", "requiredTags", "allowedPublicIngressPorts",
                     "allowedTagValues"), config)
    assert str(raised.value) == message


def test_knob_json_schema() -> None:
    assert knobs.schema_properties(("minRetentionDays", "production")) == {
        "minRetentionDays": {"type": "integer", "minimum": 1, "default": 90,
                             "description": "Minimum CloudWatch log retention in days (0/unset means never expire, which passes)."},
        "production": {"type": "boolean", "description": "Force production (true) or non-production (false); unset: decided "
                       "from stack config and stack name."},
    }


# ---- values: plain views of property bags ---------------------------------------------------------------------
def _raises_unknown(call) -> list[str]:
    with pytest.raises(UnknownValueError) as raised:
        call()
    return raised.value.props


def test_unknown_values_raise_when_judged() -> None:
    unknown = Unknown(UNKNOWN_STRING_VALUE, ("rules", 0, "cidr"))
    assert unknown.dotted == ".rules.0.cidr" and repr(unknown) == "<unknown .rules.0.cidr>"
    assert _raises_unknown(lambda: bool(unknown)) == ["rules", "0", "cidr"]
    assert _raises_unknown(lambda: unknown == "x") == ["rules", "0", "cidr"]
    assert _raises_unknown(lambda: f"{unknown}") == ["rules", "0", "cidr"]
    assert is_unknown(unknown) and not is_unknown(UNKNOWN_STRING_VALUE)
    assert {unknown: 1}[unknown] == 1  # hashable by identity


@pytest.mark.parametrize("value, expected", [
    (True, True), ("true", True), ("TRUE", True), ("True", True),
    (False, False), ("false", False), (1, False), ("yes", False), (None, False), ("", False)])
def test_truthy(value: object, expected: bool) -> None:
    assert values.truthy(value) is expected


def test_truthy_of_an_unknown_raises() -> None:
    assert _raises_unknown(lambda: values.truthy(Unknown(UNKNOWN_BOOLEAN_VALUE, ("enabled",)))) == ["enabled"]


def test_to_plain_turns_every_sentinel_into_an_unknown_with_its_path() -> None:
    proxied = unknown_checking_proxy({"a": {"b": [UNKNOWN_STRING_VALUE, "x"]}, "n": UNKNOWN_NUMBER_VALUE, "o": UNKNOWN_OBJECT_VALUE,
                                      "l": UNKNOWN_ARRAY_VALUE, "bytes": b"xy", "i": 3})
    plain = values.to_plain(proxied)
    assert type(plain) is dict and type(plain["a"]["b"]) is list
    assert [plain["a"]["b"][0].dotted, plain["n"].dotted, plain["o"].dotted, plain["l"].dotted] == [".a.b.0", ".n", ".o", ".l"]
    assert (plain["a"]["b"][1], plain["bytes"], plain["i"]) == ("x", b"xy", 3)
    assert plain["n"].sentinel == UNKNOWN_NUMBER_VALUE
    assert [u.dotted for u in values.to_plain(("t", UNKNOWN_ASSET_VALUE, UNKNOWN_ARCHIVE_VALUE, UNKNOWN_BOOLEAN_VALUE))[1:]] == [
        ".1", ".2", ".3"]
    assert values.to_plain(unknown_checking_proxy(["a", ["b"]])) == ["a", ["b"]]


def test_dig() -> None:
    unknown = Unknown(UNKNOWN_STRING_VALUE, ("a",))
    props = {"a": {"b": {"c": 1}}, "blocks": [{"x": "first"}, {"x": "second"}], "empty": [], "u": unknown, "lu": [unknown],
             "s": "str"}
    assert values.dig(props, "a.b.c") == 1
    assert values.dig(props, "a.b") == {"c": 1}
    assert values.dig(props, "a.z.c") is None
    assert values.dig(props, "blocks.x") == "first"
    assert values.dig(props, "empty.x") is None
    assert values.dig(props, "u.x.y") is unknown
    assert values.dig(props, "lu.x") is unknown
    assert values.dig(props, "s.x") is None
    assert values.dig(None, "a") is None


def test_items_and_maybe_json_and_walk() -> None:
    assert values.items(None) == [] and values.items([1, 2]) == [1, 2] and values.items({"a": 1}) == [{"a": 1}]
    assert _raises_unknown(lambda: values.items(Unknown(UNKNOWN_ARRAY_VALUE, ("rules",)))) == ["rules"]
    assert values.maybe_json('{"a": 1}') == {"a": 1} and values.maybe_json("[1]") == [1]
    assert values.maybe_json("{not json") == "{not json" and values.maybe_json("plain") == "plain" and values.maybe_json(5) == 5
    assert values.maybe_json(" [1]") == " [1]" and values.maybe_json("") == ""
    assert list(values.walk({"a": [1, {"b": 2}]})) == [
        ((), {"a": [1, {"b": 2}]}), (("a",), [1, {"b": 2}]), (("a", 0), 1), (("a", 1), {"b": 2}), (("a", 1, "b"), 2)]


# ---- context: the stack, production, exemptions ------------------------------------------------------------
def test_stack_env_from_environ() -> None:
    env = StackEnv.from_environ({"PULUMI_PROJECT": "acme-app", "PULUMI_STACK": "org/acme-app/prod-eu", "PULUMI_DRY_RUN": "true",
                                 "PULUMI_CONFIG": '{"acme-app:environment": "prod"}'})
    assert env == StackEnv("acme-app", "org/acme-app/prod-eu", True, {"acme-app:environment": "prod"})
    assert env.stack_name == "prod-eu"
    assert StackEnv.from_environ({"PULUMI_DRY_RUN": "false", "PULUMI_CONFIG": "{bad"}) == StackEnv("", "", False, {})
    assert StackEnv.from_environ({"PULUMI_DRY_RUN": "TRUE", "PULUMI_CONFIG": "[1]"}) == StackEnv("", "", False, {})
    assert StackEnv.from_environ({}).config == {}


def test_rules_their_frameworks_and_the_stack_env_are_immutable() -> None:
    """One pack process shares these among all its rules: no rule may change what another one reads."""
    shared = [(StackEnv.from_environ({}), "stack"), *((f, "key") for f in (model.FSBP, model.CIS, model.PLATFORM)),
              *((r, "severity") for r in rules_of())]
    assert len(shared) > 100  # every registered rule, not an empty registry
    for value, attribute in shared:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, attribute, None)


@pytest.mark.parametrize("project, config, environment", [
    ("acme-app", {"acme-app:environment": "prod", "other:environment": "dev"}, "prod"),
    ("acme-app", {"z:environment": "dev", "b:environment": "prod"}, "prod"),
    ("", {"acme-app:environment": "dev"}, "dev"),
    ("acme-app", {"acme-app:environments": "prod", "acme-app:region": "x"}, None),
    ("acme-app", {"acme-app:environment": 3}, "3"),
])
def test_stack_environment(project: str, config: dict, environment: str | None) -> None:
    assert StackEnv(project, "s", False, config).environment() == environment


PROD_KNOBS = {"production": None, "productionEnvironments": ["prod", "production"],
              "productionStacks": ["prod", "prod-*", "*-prod", "production"]}


@pytest.mark.parametrize("knob_values, stack, config, production, reason", [
    ({"production": True}, "dev", {}, True, "policy config production=true"),
    ({"production": False}, "prod", {"acme-app:environment": "prod"}, False, "policy config production=false"),
    ({}, "dev", {"acme-app:environment": "production"}, True, "stack config environment='production'"),
    ({}, "prod", {"acme-app:environment": "staging"}, False, "stack config environment='staging'"),
    ({}, "org/acme-app/prod-eu", {}, True, "stack name 'prod-eu'"),
    ({}, "eu-prod", {}, True, "stack name 'eu-prod'"),
    ({}, "production", {}, True, "stack name 'production'"),
    ({}, "prod", {}, True, "stack name 'prod'"),
    ({}, "products", {}, False, "stack name 'products'"),
    ({}, "", {}, False, "no stack name"),
    ({"productionStacks": ["*"]}, "", {}, False, "no stack name"),
    ({"productionStacks": ["live"]}, "live", {}, True, "stack name 'live'"),
])
def test_is_production(knob_values: dict, stack: str, config: dict, production: bool, reason: str) -> None:
    env = StackEnv("acme-app", stack, False, config)
    assert is_production({**PROD_KNOBS, **knob_values}, env) == (production, reason)
    ctx = RuleContext({**PROD_KNOBS, **knob_values}, env)
    assert (ctx.production, ctx.production_reason) == (production, reason)


def test_exemptions() -> None:
    by_urn, by_name = parse_exemptions([
        {"urn": "urn:pulumi:dev::acme-app::aws:s3/bucket:Bucket::logs-*", "reason": "  migrating  ", "expires": "2026-03-31"},
        {"name": "legacy-?", "reason": "r", "expires": "2026-01-01"}])
    assert by_urn == Exemption(0, "migrating", dt.date(2026, 3, 31), "urn:pulumi:dev::acme-app::aws:s3/bucket:Bucket::logs-*", None)
    assert by_urn.matches("urn:pulumi:dev::acme-app::aws:s3/bucket:Bucket::logs-eu", "other-name")
    assert not by_urn.matches("urn:pulumi:dev::acme-app::aws:s3/bucket:Bucket::data", "logs-eu")
    assert by_name.matches("urn:x", "legacy-1") and not by_name.matches("urn:x", "legacy-10")
    assert not Exemption(0, "r", dt.date(2026, 1, 1)).matches("urn:x", "x")
    assert by_name.index == 1 and by_name.target == "name 'legacy-?'"
    assert by_urn.target == "urn 'urn:pulumi:dev::acme-app::aws:s3/bucket:Bucket::logs-*'"
    assert not by_name.expired(dt.date(2026, 1, 1)) and by_name.expired(dt.date(2026, 1, 2))
    assert parse_exemptions(None) == []


@pytest.mark.parametrize("entry, message", [
    ("logs", "policy config 'exemptions[0]' must be an object with urn or name, reason and expires"),
    ({"reason": "r", "expires": "2026-01-01"}, "policy config 'exemptions[0]' needs exactly one of 'urn' or 'name' to say which resource it exempts"),
    ({"urn": "u", "name": "n", "reason": "r", "expires": "2026-01-01"}, "policy config 'exemptions[0]' needs exactly one of 'urn' or 'name' to say which resource it exempts"),
    ({"name": "n", "reason": "  ", "expires": "2026-01-01"}, "policy config 'exemptions[0].reason' is required: say why the resource is exempt"),
    ({"name": "n", "reason": 5, "expires": "2026-01-01"}, "policy config 'exemptions[0].reason' is required: say why the resource is exempt"),
    ({"name": "n", "reason": "r"}, "policy config 'exemptions[0].expires' must be a date YYYY-MM-DD, got None"),
])
def test_bad_exemptions(entry: object, message: str) -> None:
    with pytest.raises(knobs.ConfigError) as raised:
        parse_exemptions([entry])
    assert str(raised.value) == message


def test_rule_context_known_and_aspects() -> None:
    ctx = RuleContext({"minRetentionDays": 90}, StackEnv("p", "dev", True, {}))
    assert ctx["minRetentionDays"] == 90
    assert ctx.known("a", 1, None)
    assert not ctx.known("a", Unknown(UNKNOWN_STRING_VALUE, ("x", "y")), Unknown(UNKNOWN_STRING_VALUE, ("z",)))
    assert ctx.unknowns == [".x.y", ".z"]

    def judged():
        yield "first"

    def meets_unknown():
        yield "before the unknown"
        Unknown(UNKNOWN_STRING_VALUE, ("w",))._judge()

    def raises_without_props():
        raise UnknownValueError(UNKNOWN_STRING_VALUE, [])
        yield "never"

    assert list(ctx.aspects(meets_unknown, raises_without_props, judged)) == ["before the unknown", "first"]
    assert ctx.unknowns == [".x.y", ".z", ".w", "(a value)"]


# ---- runtime: config errors, knobs of a rule --------------------------------------------------------------
BAD_EXPIRY = {"exemptions": [{"name": "vpc", "reason": "r", "expires": "soon"}]}


def test_bad_config_of_a_stack_rule_is_one_stack_level_violation_and_nothing_is_judged() -> None:
    result = run_rule("aws-ec2-vpc-require-flow-logs", [R("aws:ec2/vpc:Vpc", "vpc", {})], BAD_EXPIRY)
    assert [(d.message, d.urn) for d in result.of("aws-ec2-vpc-require-flow-logs")] == [(
        "Every VPC (including awsx:ec2:Vpc components) must have a flow log.\n"
        "invalid policy config for aws-ec2-vpc-require-flow-logs: policy config 'exemptions[0].expires' must be a date "
        "YYYY-MM-DD, got 'soon'. Fix it in the policy pack config file (--policy-pack-config) under "
        "\"aws-ec2-vpc-require-flow-logs\".", "")]


def test_bad_config_of_a_resource_rule_is_reported_on_the_resource() -> None:
    result = run_rule("aws-sns-topic-enforce-kms", R("aws:sns/topic:Topic", "t", {}), BAD_EXPIRY)
    assert [(d.message, d.urn) for d in result.of("aws-sns-topic-enforce-kms")] == [(
        "SNS topics must be encrypted with a customer-managed KMS key.\n"
        "invalid policy config for aws-sns-topic-enforce-kms: policy config 'exemptions[0].expires' must be a date "
        "YYYY-MM-DD, got 'soon'. Fix it in the policy pack config file (--policy-pack-config) under "
        "\"aws-sns-topic-enforce-kms\".", "urn:pulumi:dev::acme-app::aws:sns/topic:Topic::t")]


def _knob_rule(pack: str, tags: tuple = (), knob_list: tuple = (), production_only: bool = False) -> Rule:
    return Rule(id="aws-s3-bucket-enforce-library-test", pack=pack, kind="resource", description="d", remediation="r",
                severity=Severity.LOW, check=lambda res, ctx: iter(()), types=None, tags=tags, knobs=knob_list,
                production_only=production_only)


@pytest.mark.parametrize("rule, names", [
    (_knob_rule("network"), ("exemptions",)),
    (_knob_rule("encryption"), ("exemptions", "awsManagedKeys")),
    (_knob_rule("data-protection", tags=("kms",)), ("exemptions", "awsManagedKeys")),
    (_knob_rule("operations", knob_list=("statefulTypes", "production"), production_only=True),
     ("exemptions", "statefulTypes", "production", "productionEnvironments", "productionStacks")),
])
def test_knob_names_of_a_rule(rule: Rule, names: tuple) -> None:
    assert runtime.knob_names(rule) == names


# ---- checks: KMS key references and statements ------------------------------------------------------------------
@pytest.mark.parametrize("value, problem", [
    (None, "kmsKeyId is not set, so AWS-owned or AWS-managed keys are used; set it to a customer-managed KMS key ARN."),
    ("", "kmsKeyId is not set, so AWS-owned or AWS-managed keys are used; set it to a customer-managed KMS key ARN."),
    (5, "kmsKeyId must be a KMS key ARN, id or alias, got 5."),
    ("alias/aws/s3", "kmsKeyId is the AWS-managed key 'alias/aws/s3'; use a customer-managed KMS key so key policy and rotation are yours."),
    ("arn:aws:kms:us-east-1:111122223333:alias/aws/sns",
     "kmsKeyId is the AWS-managed key 'arn:aws:kms:us-east-1:111122223333:alias/aws/sns'; use a customer-managed KMS key so "
     "key policy and rotation are yours."),
    ("alias/aws-platform/data", None),
    ("alias/team/aws/data", None),
    ("alias/myalias/aws/data", None),
    ("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", None),
    (Unknown(UNKNOWN_STRING_VALUE, ("kmsKeyId",)), None),
])
def test_key_problem(value: object, problem: str | None) -> None:
    assert checks.key_problem(value, "kmsKeyId") == problem


def test_key_problem_with_configured_aws_managed_keys() -> None:
    managed = "arn:aws:kms:us-east-1:111122223333:key/0000aaaa-12ab-34cd-56ef-1234567890ab"
    token = checks.AWS_MANAGED_KEYS.set(frozenset({managed}))
    try:
        assert checks.key_problem(managed, "k") == (
            f"k is the AWS-managed key {managed!r}; use a customer-managed KMS key so key policy and rotation are yours.")
        assert checks.key_problem("alias/mine", "k") is None
    finally:
        checks.AWS_MANAGED_KEYS.reset(token)


def test_statements_of_a_document() -> None:
    st = {"Effect": "Allow", "Action": "s3:*"}
    assert checks.statements('{"Statement": [{"Effect": "Allow", "Action": "s3:*"}, "junk"]}') == [st]
    assert checks.statements({"statement": st}) == [st]
    assert checks.statements({"Statement": st, "statement": [{"Effect": "Deny"}]}) == [st]
    assert checks.statements({"Version": "2012-10-17"}) == []
    assert checks.statements("not a document") == [] and checks.statements(None) == [] and checks.statements([st]) == []
    assert _raises_unknown(lambda: checks.statements(Unknown(UNKNOWN_STRING_VALUE, ("policy",)))) == ["policy"]
    assert _raises_unknown(lambda: checks.statements({"Statement": Unknown(UNKNOWN_ARRAY_VALUE, ("policy", "Statement"))})) == [
        "policy", "Statement"]


def test_as_list_and_field() -> None:
    assert checks.as_list(None) == [] and checks.as_list("a") == ["a"] and checks.as_list(["a"]) == ["a"]
    assert checks.field({"Action": "a", "action": "b"}, "Action") == "a"
    assert checks.field({"action": "b"}, "Action") == "b"
    assert checks.field({}, "Action") is None


@pytest.mark.parametrize("principal, public", [
    ("*", True), ({"AWS": "*"}, True), ({"aws": ["arn:aws:iam::111122223333:root", "*"]}, True),
    ({"AWS": "arn:aws:iam::111122223333:root"}, False), ({"Service": "*"}, False), ({"AWS": ["a"]}, False),
    ("arn:aws:iam::111122223333:root", False), (None, False),
])
def test_public_principals(principal: object, public: bool) -> None:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject"}
    assert list(checks.public_allow_statements({"Statement": [statement]})) == ([statement] if public else [])


def test_public_policy_problems() -> None:
    assert list(checks.public_policy_problems(None)) == []
    document = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:*"},
                              {"Effect": "Deny", "Principal": "*", "Action": "sqs:*"},
                              {"Sid": "Scoped", "Effect": "Allow", "Principal": "*", "Action": "sqs:*",
                               "Condition": {"StringEquals": "not-a-map", "ArnEquals": {"aws:SourceArn": "arn"}}}]}
    assert list(checks.public_policy_problems(document)) == ["statement '(no Sid)' allows Principal '*' without a scoping condition."]


# ---- tags: provider default tags ---------------------------------------------------------------------------
@pytest.mark.parametrize("provider_props, expected", [
    ({"defaultTags": '{"tags": {"owner": "ml"}}'}, {"owner": "ml"}),
    ({"defaultTags": {"tags": [{"key": "owner", "value": "ml"}]}}, {"owner": "ml"}),
    ({"defaultTags": {"tags": None}}, {}),
    ({"defaultTags": ["x"]}, {}),
    ({}, {}),
])
def test_provider_default_tags(provider_props: dict, expected: dict) -> None:
    res = Res("aws:sqs/queue:Queue", "urn:q", "q", {}, Provider("pulumi:providers:aws", "urn:p", "p", provider_props))
    assert tags.provider_default_tags(res) == expected
    assert tags.provider_default_tags(Res("aws:sqs/queue:Queue", "urn:q", "q", {})) == {}


def test_unknown_tag_bags_are_returned_as_unknown_parts() -> None:
    unknown_bag = Unknown(UNKNOWN_OBJECT_VALUE, ("tags",))
    unknown_item = Unknown(UNKNOWN_OBJECT_VALUE, ("tags", 1))
    unknown_key = Unknown(UNKNOWN_STRING_VALUE, ("tags", 0, "key"))
    unknown_defaults = Unknown(UNKNOWN_OBJECT_VALUE, ("defaultTags",))
    assert tags.effective_tags(_res(unknown_bag)) == ({}, [unknown_bag])
    assert tags.effective_tags(_res([{"key": "a", "value": "1"}, unknown_item])) == ({}, [unknown_item])
    assert tags.effective_tags(_res([{"key": unknown_key, "value": "1"}])) == ({}, [unknown_key])
    assert tags.effective_tags(_res([{"value": "no key"}, "junk", {"Key": "a"}])) == ({"a": None}, [])
    provider = Provider("pulumi:providers:aws", "urn:p", "p", {"defaultTags": unknown_defaults})
    assert tags.effective_tags(Res("aws:sqs/queue:Queue", "urn:q", "q", {"tags": {"a": "1"}}, provider)) == ({"a": "1"}, [unknown_defaults])
    with pytest.raises(ValueError, match="tags has an unexpected shape int"):
        tags.effective_tags(_res(5))


# ---- sdk: per-request and per-environment work ------------------------------------------------------------
def test_last_built_is_reused_only_for_the_same_objects_in_the_same_thread() -> None:
    built = []

    def build(value):
        return lambda: built.append(value) or value

    memo, other = LastBuilt(), LastBuilt()
    first, second = object(), object()
    assert memo.get((first,), build("a")) == "a"
    assert memo.get([first], build("b")) == "a"  # any sequence of the same objects
    assert other.get((first,), build("c")) == "c"  # another memo: its own value
    assert memo.get((second,), build("d")) == "d"
    assert memo.get((first,), build("e")) == "e"  # only the last objects are remembered
    assert memo.get((first, second), build("f")) == "f"  # a longer list with the same head is new
    assert memo.get((first, object()), build("g")) == "g"  # an equal length, another object
    assert memo.get([{}], build("h")) == "h" and memo.get([{}], build("i")) == "i"  # equal but new: built anew
    seen = []
    thread = threading.Thread(target=lambda: seen.append(memo.get([first, second], build("j"))))
    memo.get([first, second], build("k"))
    thread.start()
    thread.join()
    assert seen == ["j"]  # per thread
    assert built == ["a", "c", "d", "e", "f", "g", "h", "i", "k", "j"]


@pytest.mark.parametrize("variable, value", [
    ("PULUMI_CONFIG", '{"acme-app:environment": "prod"}'), ("PULUMI_PROJECT", "other-app"), ("PULUMI_STACK", "prod"),
    ("PULUMI_DRY_RUN", "false"), ("PULUMI_ORGANIZATION", "acme"),
])
def test_runtime_settings_are_configured_again_only_when_the_environment_changes(monkeypatch, variable: str, value: str) -> None:
    calls = []
    monkeypatch.setitem(sdk._ORIGINAL, "_configure_runtime_settings", lambda servicer: calls.append(os.environ.get(variable)))
    monkeypatch.delenv("PULUMI_ORGANIZATION", raising=False)

    def run() -> None:
        sdk._CONFIGURED.set(None)
        sdk._configure_once(None)
        sdk._configure_once(None)
        monkeypatch.setenv(variable, value)
        sdk._configure_once(None)
        sdk._configure_once(None)

    contextvars.copy_context().run(run)
    assert len(calls) == 2 and calls[1] == value


def test_the_configured_runtime_settings_are_the_stock_ones(monkeypatch) -> None:
    monkeypatch.setenv("PULUMI_STACK", "prod-eu")
    monkeypatch.setenv("PULUMI_CONFIG", '{"acme-app:region": "eu-west-1"}')

    def run() -> tuple[str, str | None]:
        pulumi.runtime.config.CONFIG.set({})
        sdk._CONFIGURED.set(None)
        sdk._configure_once(None)
        return pulumi.get_stack(), pulumi.runtime.get_config("acme-app:region")

    assert contextvars.copy_context().run(run) == ("prod-eu", "eu-west-1")


def test_install_patches_the_servicer_and_uninstall_restores_it(monkeypatch) -> None:
    monkeypatch.delenv("CROSSGUARD_PLAIN_SDK", raising=False)
    servicer = _PolicyAnalyzerServicer
    stock = (servicer.Analyze, servicer.AnalyzeStack, servicer._configure_runtime_settings)
    was = sdk.installed()
    sdk.uninstall()
    try:
        assert not sdk.installed()
        assert (servicer.Analyze, servicer.AnalyzeStack, servicer._configure_runtime_settings) == stock
        monkeypatch.setenv("CROSSGUARD_PLAIN_SDK", "1")
        assert sdk.install() is False and not sdk.installed()
        monkeypatch.setenv("CROSSGUARD_PLAIN_SDK", "0")
        assert sdk.install() is True and sdk.installed()
        assert (servicer.Analyze, servicer.AnalyzeStack, servicer._configure_runtime_settings) == (
            sdk.analyze, sdk.analyze_stack, sdk._configure_once)
        sdk.uninstall()
        assert (servicer.Analyze, servicer.AnalyzeStack, servicer._configure_runtime_settings) == stock
    finally:
        sdk.uninstall()
        if was:
            sdk.install()


# ---- model: rules, areas and default enforcement -----------------------------------------------------------
def _model_rule(pack: str = "network", tags: tuple = (), severity: Severity = Severity.LOW, enforcement=None,
                rule_id: str = "aws-ec2-subnet-deny-library-test", controls: tuple = ()) -> Rule:
    return Rule(id=rule_id, pack=pack, kind="resource", description="d", remediation="r", severity=severity,
                check=lambda res, ctx: iter(()), types=("aws:ec2/subnet:Subnet",), tags=tags, enforcement=enforcement,
                controls=controls)


@pytest.mark.parametrize("rule_id", ["aws-s3-bucket-enforce-kms", "aws-ec2-vpc-require-flow-logs-2", "aws-iam-policy-deny-admin-wildcard"])
def test_valid_rule_ids(rule_id: str) -> None:
    assert _model_rule(rule_id=rule_id).id == rule_id


@pytest.mark.parametrize("rule_id", ["s3-bucket-enforce-kms", "aws-s3-bucket-enforce", "aws-S3-bucket-enforce-kms",
                                     "aws-s3-bucket-enforce2-kms", "aws-s3_x-bucket-enforce-kms", "aws-s3-bucket-enforce-kms_x",
                                     "xaws-s3-bucket-enforce-kms"])
def test_invalid_rule_ids(rule_id: str) -> None:
    with pytest.raises(ValueError, match=f"rule id '{rule_id}' must look like aws-<service>-<resource>-<verb>-<what>"):
        _model_rule(rule_id=rule_id)


def test_a_rule_names_a_known_pack() -> None:
    with pytest.raises(ValueError, match="rule aws-ec2-subnet-deny-library-test: unknown pack 'compliance'"):
        _model_rule(pack="compliance")
    assert [_model_rule(pack=p).pack for p in ("encryption", "tagging", "network", "data-protection", "operations")] == [
        "encryption", "tagging", "network", "data-protection", "operations"]


@pytest.mark.parametrize("pack, tags, area", [
    ("encryption", ("kms",), "KMS encryption"), ("encryption", ("at-rest",), None), ("data-protection", ("kms",), None),
    ("tagging", ("required-tags",), "required tags"), ("tagging", ("tag-values",), None), ("operations", ("required-tags",), None),
    ("network", ("vpc",), "VPC isolation"), ("network", ("public-access",), "VPC isolation"), ("network", ("waf",), "VPC isolation"),
    ("network", ("authn",), "VPC isolation"), ("network", ("vpc", "logging"), None), ("network", ("tls",), None),
    ("data-protection", ("vpc",), None),
])
def test_card_areas(pack: str, tags: tuple, area: str | None) -> None:
    assert _model_rule(pack=pack, tags=tags).area == area


@pytest.mark.parametrize("severity, tags, enforcement, level", [
    (Severity.LOW, (), None, "advisory"), (Severity.MEDIUM, (), None, "advisory"), (Severity.HIGH, (), None, "mandatory"),
    (Severity.CRITICAL, (), None, "mandatory"), (Severity.LOW, ("vpc",), None, "mandatory"),
    (Severity.CRITICAL, (), EnforcementLevel.ADVISORY, "advisory"), (Severity.LOW, ("vpc",), EnforcementLevel.ADVISORY, "advisory"),
    (Severity.LOW, (), EnforcementLevel.MANDATORY, "mandatory"),
])
def test_default_enforcement_level(severity, tags: tuple, enforcement, level: str) -> None:
    assert _model_rule(severity=severity, tags=tags, enforcement=enforcement).enforcement_level.value == level


def test_service_and_all_tags() -> None:
    rule = _model_rule(tags=("vpc", "public-access"), controls=(*fsbp("EC2.15"), *cis("5.1"), *checkov("CKV_AWS_130"), *cdk_nag("VPC3")))
    assert rule.service == "ec2"
    assert rule.all_tags == ["ec2", "network", "vpc", "public-access", "fsbp:EC2.15", "cis:5.1", "checkov:CKV_AWS_130",
                             "cdk-nag:AwsSolutions-VPC3"]


# ---- packs: PolicyPack arguments -----------------------------------------------------------------------------
def test_pack_arguments() -> None:
    arguments = packs.pack_arguments("data-protection")
    assert {k: v for k, v in arguments.items() if k != "policies"} == {
        "name": "aws-data-protection", "enforcement_level": EnforcementLevel.ADVISORY,
        "description": "Audit and data protection: TLS-only and versioned buckets, access logs, CloudTrail, log retention, ECR hygiene.",
        "display_name": "AWS data protection guardrails", "provider": "aws", "tags": ["aws", "data-protection"]}
    names = [p.name for p in arguments["policies"]]
    assert "aws-cloudtrail-trail-enable-log-validation" in names and "aws-s3-bucket-enforce-kms" not in names
    assert names == sorted(names)
    with pytest.raises(SystemExit, match="unknown policy pack 'compliance'; choose one of: encryption, tagging, network, "
                                         "data-protection, operations"):
        packs.pack_arguments("compliance")


# ---- runtime: the policy built from a rule ------------------------------------------------------------------
def test_to_policy_publishes_the_types_the_fast_path_may_skip() -> None:
    typed = runtime.to_policy(_model_rule())
    assert typed.crossguard_types == frozenset({"aws:ec2/subnet:Subnet"})
    untyped = runtime.to_policy(Rule(id="aws-tagging-resource-require-library-test", pack="tagging", kind="resource",
                                     description="d", remediation="r", severity=Severity.LOW, check=lambda res, ctx: iter(()),
                                     types=None))
    assert untyped.crossguard_types is None
    assert (typed.name, typed.description, typed.enforcement_level, typed.remediation_steps) == (
        "aws-ec2-subnet-deny-library-test", "d", EnforcementLevel.ADVISORY, "r")
    assert typed.tags == ["ec2", "network"]


@pytest.mark.parametrize("instance_type, nvme", [
    ("ml.g5.xlarge", True), ("ml.p4de.24xlarge", True), ("ml.trn2.48xlarge", True), ("ml.p3dn.24xlarge", True),
    ("ml.g5", False), ("g5.xlarge", False), ("ml.g5.xlarge.extra", False), ("xml.g5.xlarge", False), ("ml.G5.xlarge", False),
    (None, False), (5, False),
])
def test_has_local_nvme_parses_the_instance_type(instance_type: object, nvme: bool) -> None:
    assert instance_storage.has_local_nvme(instance_type) is nvme


# ---- runtime: one rule run -------------------------------------------------------------------------------------
SUBNET = Res("aws:ec2/subnet:Subnet", "urn:pulumi:dev::acme-app::aws:ec2/subnet:Subnet::private-a", "private-a", {})


def _start(config: dict | None = None, production_only: bool = False) -> tuple[runtime._Run, list, list]:
    rule = Rule(id="aws-backup-vault-require-library-test", pack="encryption", kind="resource", description="d", remediation="r",
                severity=Severity.LOW, check=lambda res, ctx: iter(()), types=None, production_only=production_only)
    reports, not_applicable = [], []
    run = runtime._Run(rule, config, lambda message, urn=None: reports.append((message, urn)), not_applicable.append)
    return run, reports, not_applicable


def test_a_run_reports_messages_and_what_it_could_not_judge() -> None:
    run, reports, not_applicable = _start()

    def messages():
        run.ctx.known(Unknown(UNKNOWN_STRING_VALUE, ("vpcId",)))
        run.ctx.known(Unknown(UNKNOWN_STRING_VALUE, ("vpcId",)))
        yield "is public."
        Unknown(UNKNOWN_STRING_VALUE, ("tags", "owner"))._judge()

    run.judge(SUBNET, messages)
    run.judge(Res("aws:ec2/subnet:Subnet", "urn:b", "b", {}), lambda: iter(()))
    run.judge(Res("aws:ec2/subnet:Subnet", "urn:c", "c", {}), lambda: (_ for _ in ()).throw(UnknownValueError(UNKNOWN_STRING_VALUE, [])))
    assert reports == [("Subnet 'private-a': is public.", "urn:pulumi:dev::acme-app::aws:ec2/subnet:Subnet::private-a")]
    assert not_applicable == []
    with pytest.raises(runtime.NotJudged) as raised:
        run.finish()
    assert raised.value.message == str(raised.value) == (
        "could not judge Subnet 'private-a' (.vpcId, .tags.owner); Subnet 'c' ((a value)): unknown until the resources are "
        "created. Everything else was judged; the rule runs in full during `pulumi up`.")
    assert raised.value.props == [] and raised.value.unknown_type_sentinel == UNKNOWN_STRING_VALUE


def test_a_run_with_nothing_unknown_finishes_quietly() -> None:
    run, reports, _ = _start()
    run.judge(SUBNET, lambda: iter(["a", "b"]))
    run.finish()
    assert [m for m, _ in reports] == ["Subnet 'private-a': a", "Subnet 'private-a': b"]


def test_exemptions_in_a_run(monkeypatch) -> None:
    monkeypatch.setattr(runtime, "today", lambda: dt.date(2026, 6, 30))
    run, reports, _ = _start({"exemptions": [{"name": "private-*", "reason": "migrating", "expires": "2026-06-30"}]})
    run.judge(SUBNET, lambda: iter(["is public."]))
    assert reports == []
    monkeypatch.setattr(runtime, "today", lambda: dt.date(2026, 7, 1))
    run.judge(SUBNET, lambda: iter(["is public."]))
    urn = "urn:pulumi:dev::acme-app::aws:ec2/subnet:Subnet::private-a"
    assert reports == [
        ("Subnet 'private-a': exemptions[0] (name 'private-*', reason: migrating) expired on 2026-06-30. Fix the resource, or "
         "renew the exemption with a new 'expires' date.", urn),
        ("Subnet 'private-a': is public.", urn)]


def test_a_run_sets_the_aws_managed_keys_and_notes_production_only_rules(monkeypatch) -> None:
    def run() -> tuple:
        _, _, not_applicable = _start({"awsManagedKeys": ["k-1"]}, production_only=True)
        return checks.AWS_MANAGED_KEYS.get(), not_applicable

    assert contextvars.copy_context().run(run) == (frozenset({"k-1"}), [
        "aws-backup-vault-require-library-test applies to production stacks only; this one is not (stack name 'dev')"])
    monkeypatch.setenv("PULUMI_STACK", "prod")
    assert contextvars.copy_context().run(run)[1] == []
    assert contextvars.copy_context().run(lambda: _start()[2]) == []


def test_an_async_validate_runs_to_completion_on_its_own_loop_which_is_then_closed(monkeypatch) -> None:
    loops, reports = [], []
    new_event_loop = asyncio.new_event_loop
    monkeypatch.setattr(asyncio, "new_event_loop", lambda: loops.append(new_event_loop()) or loops[-1])

    async def validate(args, report):
        await asyncio.sleep(0)
        report(f"checked {args}")

    sdk._run(validate, "args", reports.append)
    assert reports == ["checked args"]
    assert len(loops) == 1 and loops[0].is_closed()
    sdk._run(lambda args, report: report("sync"), "args", reports.append)
    assert reports == ["checked args", "sync"] and len(loops) == 1


@pytest.mark.parametrize("rule_id, resources", [
    ("aws-sns-topic-enforce-kms", R("aws:sns/topic:Topic", "t", {})),
    ("aws-ec2-vpc-require-flow-logs", [R("aws:ec2/vpc:Vpc", "vpc", {})]),
])
def test_a_remediate_level_is_reported_as_mandatory(rule_id: str, resources) -> None:
    result = run_rule(rule_id, resources, {"enforcementLevel": "remediate"})
    assert [d.level for d in result.violations(rule_id)] == ["mandatory"]


def test_a_remediation_only_policy_is_reported_not_applicable_by_the_fast_path(monkeypatch) -> None:
    monkeypatch.delenv("CROSSGUARD_PLAIN_SDK", raising=False)
    policy = ResourceValidationPolicy("remediate-only", "fixes things", remediate=lambda args: None)
    servicer = _PolicyAnalyzerServicer("p", "0.0.1", [policy], EnforcementLevel.ADVISORY, None, "d", "p", None, "aws", [], None)
    was = sdk.installed()
    try:
        assert sdk.install()
        response = isolated(servicer.Analyze, R("aws:sns/topic:Topic", "t", {}).analyze_request(), None)
    finally:
        if not was:
            sdk.uninstall()
    assert [(n.policy_name, n.reason) for n in response.not_applicable] == [("remediate-only", "Policy does not implement validate")]
    assert list(response.diagnostics) == []


def test_every_knob_schema_published_to_the_engine() -> None:
    """The JSON schema the engine validates policy config with (knob descriptions aside: the README test pins them)."""
    all_knobs = ("exemptions", "requiredTags", "allowedTagValues", "minDeletionWindowDays", "minDeletionWindowDaysProduction",
                 "minRetentionDays", "allowedPublicIngressPorts", "statefulTypes", "awsManagedKeys", "production",
                 "productionEnvironments", "productionStacks")
    schemas = knobs.schema_properties(all_knobs)
    assert all(isinstance(s.pop("description"), str) for s in schemas.values())
    exemption_descriptions = [p.pop("description") for p in schemas["exemptions"]["items"]["properties"].values()]
    assert exemption_descriptions == [
        "URN of the exempted resource (fnmatch pattern allowed).", "Logical name pattern (fnmatch) of the exempted resource(s).",
        "Why the resource is exempt (shown in reviews).", "Last day (YYYY-MM-DD) the exemption applies; after it, it is a violation."]
    strings = {"type": "array", "items": {"type": "string"}}
    assert schemas == {
        "exemptions": {"type": "array", "default": [], "items": {
            "type": "object", "required": ["reason", "expires"], "properties": {
                "urn": {"type": "string"}, "name": {"type": "string"}, "reason": {"type": "string", "minLength": 1},
                "expires": {"type": "string"}}}},
        "requiredTags": {**strings, "default": ["owner", "cost-center", "environment", "data-classification"]},
        "allowedTagValues": {"type": "object", "additionalProperties": strings, "default": {
            "environment": ["shared", "dev", "prod"], "data-classification": ["public", "internal", "confidential", "restricted"]}},
        "minDeletionWindowDays": {"type": "integer", "minimum": 7, "maximum": 30, "default": 7},
        "minDeletionWindowDaysProduction": {"type": "integer", "minimum": 7, "maximum": 30, "default": 30},
        "minRetentionDays": {"type": "integer", "minimum": 1, "default": 90},
        "allowedPublicIngressPorts": {"type": "array", "items": {"type": "integer"}, "default": []},
        "statefulTypes": strings,
        "awsManagedKeys": {**strings, "default": []},
        "production": {"type": "boolean"},
        "productionEnvironments": {**strings, "default": ["prod", "production"]},
        "productionStacks": {**strings, "default": ["prod", "prod-*", "*-prod", "production"]},
    }


def test_rule_ids_are_unique_and_rules_of_lists_them_by_id() -> None:
    everything = rules_of()
    ids = [r.id for r in everything]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert {"aws-s3-bucket-enforce-kms", "aws-ec2-vpc-require-flow-logs"} <= set(ids)
    assert [r.id for r in rules_of("network")] == [r.id for r in everything if r.pack == "network"]
    with pytest.raises(ValueError, match="duplicate rule id aws-s3-bucket-enforce-kms"):
        model._register(_model_rule(rule_id="aws-s3-bucket-enforce-kms"))
    assert len(everything) == len(rules_of())


def test_the_rule_decorators_register_the_rule_and_keep_the_function(monkeypatch) -> None:
    registry: dict = {}
    monkeypatch.setattr(model, "REGISTRY", registry)

    def check(res, ctx):
        yield "x"

    def stack_check(res, stack, ctx):
        yield "y"

    common = dict(description="d", remediation="r", severity=Severity.LOW)
    assert model.resource_rule(id="aws-ec2-subnet-deny-decorated", pack="network", types=["aws:ec2/subnet:Subnet"], **common)(check) is check
    assert model.stack_rule(id="aws-ec2-vpc-require-decorated", pack="network", **common)(stack_check) is stack_check
    resource, stack = registry["aws-ec2-subnet-deny-decorated"], registry["aws-ec2-vpc-require-decorated"]
    assert (resource.kind, resource.types, resource.check) == ("resource", ("aws:ec2/subnet:Subnet",), check)
    assert (stack.kind, stack.types, stack.check) == ("stack", None, stack_check)
