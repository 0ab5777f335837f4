"""Every ARN in the stacks' IAM and resource policies has a shape AWS issues: its service namespace has a resource
type whose ARN format (the Service Authorization Reference, as parliament ships it) has a region and an account
exactly where the ARN has them, and whose resource part fits. An ARN AWS never issues matches no request: the grant
or the confused-deputy condition (aws:SourceArn) built on it silently stops working."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import parliament
import pytest

from tests.conftest import policy_docs


@dataclass(frozen=True)
class Format:
    regional: bool
    with_account: bool
    resource: re.Pattern[str]  # the resource part, placeholders as wildcards
    literal: str  # the resource part's text before its first placeholder


@cache
def formats() -> dict[str, list[Format]]:
    """Service namespace -> the ARN formats of its resource types."""
    found: dict[str, list[Format]] = {}
    for service in parliament.iam_definition:  # loaded when parliament was imported
        for resource in service["resources"]:
            _, _, namespace, region, account, part = resource["arn"].split(":", 5)
            pieces = re.split(r"(\$\{[^}]+\})", part)
            pattern = "".join(".+" if p.startswith("${") else re.escape(p) for p in pieces)
            found.setdefault(namespace, []).append(Format(region != "", account != "", re.compile(pattern + "$"), pieces[0]))
    return found


def fits(arn: str) -> bool:
    _, _, namespace, region, account, part = arn.split(":", 5)
    for fmt in formats().get(namespace, []):
        if fmt.regional != (region != "") or fmt.with_account != (account != ""):
            continue
        if "*" not in part:
            if fmt.resource.match(part):
                return True
        else:  # a pattern: its text before the first wildcard must agree with the format's fixed text
            fixed = part.partition("*")[0]
            if fixed.startswith(fmt.literal) or fmt.literal.startswith(fixed):
                return True
    return False


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)


def test_every_arn_in_a_policy_has_a_shape_aws_issues(stack):
    arns = [(r.urn, arn) for r in stack.resources for _, doc in policy_docs(r)
            for arn in strings(doc["Statement"]) if arn.startswith("arn:")]
    assert len(arns) >= 50  # the stacks' policies name resources (not vacuous)
    bad = [f"{urn}: {arn}" for urn, arn in arns if arn.count(":") < 5 or not fits(arn)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(("arn", "ok"), [
    ("arn:aws:ec2:us-east-1:111111111111:subnet/*", True),
    ("arn:aws:ec2::111111111111:subnet/*", False),  # EC2 subnets are regional
    ("arn:aws:iam::111111111111:role/r", True),
    ("arn:aws:iam:us-east-1:111111111111:role/r", False),  # IAM is global: no region
    ("arn:aws:s3:::bucket/key", True),
    ("arn:aws:s3:::bucket/*", True),
    ("arn:aws:events::111111111111:rule/r", False),
    ("arn:aws:XX:us-east-1:111111111111:vpc-flow-log/*", False),  # no such service namespace
    ("arn:aws:logs:us-east-1:111111111111:log-group:/a/b:*", True),
    ("arn:aws:budgets::111111111111:*", True),
])
def test_the_shape_check_knows_regional_global_and_unknown_services(arn: str, ok: bool) -> None:
    assert fits(arn) is ok
