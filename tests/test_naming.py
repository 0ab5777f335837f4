"""Explicit physical names meet AWS's length and character rules before AWS sees them."""

from __future__ import annotations

import pytest

from components.naming import fit, region_code
from tests.aws_names import AWS_NAME_RULES, meets_aws_rule

# Resource type -> (input holding the physical name, naming rule).
NAMED = {
    "aws:s3/bucket:Bucket": ("bucket", "s3"),
    "aws:iam/role:Role": ("name", "iam"),
    "aws:kms/alias:Alias": ("name", "kms-alias"),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "log-group"),
    "aws:cloudtrail/trail:Trail": ("name", "trail"),
    "aws:lambda/function:Function": ("name", "lambda"),
}


def test_every_explicit_name_is_valid(stack):
    checked = 0
    for token, (field, kind) in NAMED.items():
        for r in stack.of_type(token):
            name = r.inputs.get(field)
            if isinstance(name, str):
                checked += 1
                assert meets_aws_rule(name, kind), f"{r.urn}: {field}={name!r} breaks the {kind} naming rules"
                if kind == "kms-alias":
                    assert not name.startswith("alias/aws/"), "alias/aws/ is reserved for AWS managed keys"
    assert checked


def test_bucket_names_are_unique_across_stacks(snapshots):
    names = [r.inputs["bucket"] for s in snapshots.values() for r in s.of_type("aws:s3/bucket:Bucket")]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("region,code", [("us-east-1", "use1"), ("ap-southeast-2", "apse2"), ("eu-central-1", "euc1"),
                                         ("ap-northeast-3", "apne3"), ("il-central-1", "ilc1")])
def test_region_codes(region, code):
    assert region_code(region) == code


def test_long_names_are_shortened_deterministically_within_limits():
    long = "acme-" + "very-long-purpose-" * 5 + "123456789012-us-east-1"
    first, second = fit(long, "s3"), fit(long, "s3")
    assert first == second and len(first) == 63 and meets_aws_rule(first, "s3")
    assert fit(long + "x", "s3") != first  # the hash keeps distinct names distinct
    assert len(fit("r" * 80, "iam")) == 64


# AWS's maximum lengths (API references), written out: a limit loosened in components.naming must fail here.
@pytest.mark.parametrize(("kind", "prefix", "limit"), [
    ("s3", "", 63), ("iam", "", 64), ("kms-alias", "alias/", 256), ("sagemaker", "", 63), ("lambda", "", 64),
    ("log-group", "/", 512), ("trail", "", 128), ("elb", "", 32),
])
def test_long_names_are_cut_to_the_aws_limit(kind, prefix, limit):
    name = fit(prefix + "a" * 1000, kind)
    assert len(name) == limit and name.startswith(prefix)
    if kind in AWS_NAME_RULES:
        assert meets_aws_rule(name, kind)


@pytest.mark.parametrize(("name", "kind"), [
    ("role with spaces", "iam"),
    ("rôle-données", "iam"),  # IAM names are ASCII; Python's \w would take these letters
    ("ab", "s3"),  # buckets have at least 3 characters
    ("xn--data-lake", "s3"),  # prefixes and suffixes AWS reserves
    ("sthree-data", "s3"),
    ("amzn-s3-demo-bucket", "s3"),
    ("data-s3alias", "s3"),
    ("data--ol-s3", "s3"),
    ("data--x-s3", "s3"),
    ("data--table-s3", "s3"),
])
def test_names_aws_would_refuse_are_refused(name, kind):
    with pytest.raises(ValueError, match=f"not a valid {kind} name"):
        fit(name, kind)


def test_invalid_characters_are_replaced_in_bucket_names():
    assert fit("Acme_Data.Lake", "s3") == "acme-data-lake"


def test_every_component_type_is_in_the_projects_package(stack):
    """A component's type token is part of every child's URN: a renamed package or module replaces everything under
    it on the next `pulumi up` (data buckets included). Components are `aiplatform:<layer>:<Name>` tokens."""
    import re

    types = {r.type for r in stack.resources if not r.custom and not r.type.startswith(("pulumi:", "awsx:"))}
    assert types
    assert all(re.fullmatch(r"aiplatform:[a-z]+:[A-Z][A-Za-z]+", t) for t in types), sorted(types)
