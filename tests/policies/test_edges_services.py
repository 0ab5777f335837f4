"""Behaviour of the services rules that pass/violate cases cannot express: unknown values in a preview."""

from __future__ import annotations

import pytest

from tests.policies.cases import TAGS
from tests.policies.harness import UNKNOWN, R, run_rule


@pytest.mark.parametrize("rule", ["aws-tagging-resource-enforce-allowed-values", "aws-tagging-resource-enforce-length-limits"])
def test_an_unknown_tag_bag_is_reported_not_judged(rule: str) -> None:
    result = run_rule(rule, R("aws:s3/bucket:Bucket", "b", {"tags": UNKNOWN}))
    assert result.violations(rule) == []
    assert len(result.not_judged(rule)) == 1
    assert ".tags" in result.not_judged(rule)[0].message


def test_an_unknown_tag_value_is_not_judged_against_the_allowed_values() -> None:
    rule = "aws-tagging-resource-enforce-allowed-values"
    result = run_rule(rule, R("aws:s3/bucket:Bucket", "b", {"tags": {**TAGS, "environment": UNKNOWN}}))
    assert result.violations(rule) == []
    assert len(result.not_judged(rule)) == 1


def test_an_unknown_tag_value_has_no_length_to_judge() -> None:
    rule = "aws-tagging-resource-enforce-length-limits"
    result = run_rule(rule, R("aws:s3/bucket:Bucket", "b", {"tags": {**TAGS, "note": UNKNOWN}}))
    assert result.of(rule) == []
