"""S3 server access log targets: AWS documents SSE-S3 as the only default encryption they support
("Troubleshoot server access logging": "SSE-KMS is not supported for server access logging target
buckets"), so the encryption rules require AES256 there and SSE-KMS everywhere else, as the program does."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.cases import BUCKET, SSE_CONFIG, on_bucket, sse
from tests.policies.harness import UNKNOWN, R, run_rule

LOGGING = "aws:s3/bucketLogging:BucketLogging"
LOG_TARGET = R("aws:s3/bucket:Bucket", "access-logs")


def logs_into(target: R) -> R:
    """The lake bucket's server access logging, delivered to ``target``."""
    return R(LOGGING, "lake-logging", {"bucket": UNKNOWN, "targetBucket": UNKNOWN},
             property_dependencies={"bucket": [BUCKET], "targetBucket": [target]})


def encryption_of(bucket: R, default: dict[str, Any]) -> R:
    return on_bucket(SSE_CONFIG, f"{bucket.name}-sse", {"rules": [{"applyServerSideEncryptionByDefault": default}]}, bucket=bucket)


AES256 = {"sseAlgorithm": "AES256"}


@pytest.mark.parametrize("rule", ["aws-s3-bucket-enforce-kms", "aws-s3-bucket-require-encryption-config"])
def test_log_target_with_sse_s3_passes(rule: str):
    result = run_rule(rule, [BUCKET, LOG_TARGET, logs_into(LOG_TARGET), encryption_of(BUCKET, sse()), encryption_of(LOG_TARGET, AES256)])
    assert result.violations(rule) == []


@pytest.mark.parametrize("rule", ["aws-s3-bucket-enforce-kms", "aws-s3-bucket-require-encryption-config"])
def test_log_target_with_sse_kms_is_a_violation(rule: str):
    result = run_rule(rule, [BUCKET, LOG_TARGET, logs_into(LOG_TARGET), encryption_of(BUCKET, sse()), encryption_of(LOG_TARGET, sse())])
    [violation] = result.violations(rule)
    assert "access-logs" in violation.urn and "server access log target" in violation.message


def test_sse_s3_is_still_a_violation_on_a_bucket_that_is_not_a_log_target():
    """The exemption follows the BucketLogging target, not the algorithm: AES256 elsewhere stays a violation."""
    result = run_rule("aws-s3-bucket-enforce-kms", [BUCKET, LOG_TARGET, encryption_of(BUCKET, AES256), encryption_of(LOG_TARGET, AES256)])
    assert sorted(v.urn.rsplit("::", 1)[1] for v in result.violations("aws-s3-bucket-enforce-kms")) == ["access-logs-sse", "lake-sse"]
