"""The written-out AWS name rules refuse every form the AWS documentation reserves or forbids."""

from __future__ import annotations

import pytest

from tests.aws_names import meets_aws_rule

# S3 User Guide, "General purpose bucket naming rules": each documented prohibition, one name breaking only it.
S3_REFUSED = [
    "ab", "a" * 64, "Data", "data_lake", "-data", "data-", "data..lake", "192.168.5.4",
    "xn--data", "sthree-data", "sthree-configurator-x", "amzn-s3-demo-bucket",
    "data-s3alias", "data--ol-s3", "data.mrap", "data--x-s3", "data--table-s3",
]


@pytest.mark.parametrize("name", S3_REFUSED)
def test_the_s3_rule_refuses_every_documented_prohibition(name: str) -> None:
    assert not meets_aws_rule(name, "s3")


@pytest.mark.parametrize("name", ["abc", "a" * 63, "data.lake", "my-bucket-1", "192.168.5.4x", "data-mrap", "mrap.data"])
def test_the_s3_rule_keeps_names_aws_accepts(name: str) -> None:
    assert meets_aws_rule(name, "s3")
