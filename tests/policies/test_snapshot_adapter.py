"""The Snapshot adapter feeds offline-synthesized stacks to the packs like the engine would."""

from __future__ import annotations

import json

from platformctl.offline.records import ResourceRecord, Snapshot
from tests.policies.harness import Analyzer
from tests.policies.snapshot import analyze_snapshot

STACK = "urn:pulumi:dev::aiplatform::pulumi:pulumi:Stack::aiplatform-dev"
PROVIDER = "urn:pulumi:dev::aiplatform::pulumi:providers:aws::workload-us-east-1"
BUCKET = "urn:pulumi:dev::aiplatform::aws:s3/bucket:Bucket::lake"
SSE = "urn:pulumi:dev::aiplatform::aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::lake"
TAGS = {"owner": "ml", "cost-center": "cc", "environment": "dev", "data-classification": "internal"}


def snapshot(sse_depends_on_bucket: bool) -> Snapshot:
    unknown = {"__unknown__": True}
    return Snapshot("aiplatform", "dev", [
        ResourceRecord(STACK, "pulumi:pulumi:Stack", "aiplatform-dev", custom=False),
        ResourceRecord(PROVIDER, "pulumi:providers:aws", "workload-us-east-1", custom=True, parent=STACK,
                       inputs={"region": "us-east-1", "defaultTags": json.dumps({"tags": TAGS})}),
        ResourceRecord(BUCKET, "aws:s3/bucket:Bucket", "lake", custom=True, parent=STACK, provider=f"{PROVIDER}::id",
                       inputs={"forceDestroy": False}, outputs={"id": unknown, "forceDestroy": False}),
        ResourceRecord(SSE, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "lake",
                       custom=True, parent=STACK, provider=f"{PROVIDER}::id",
                       inputs={"bucket": unknown, "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": unknown}}]},
                       # AnalyzeStack sees outputs, as from the engine; the mocks echo inputs into them.
                       outputs={"bucket": unknown, "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": unknown}}]},
                       property_dependencies={"bucket": [BUCKET]} if sse_depends_on_bucket else {}),
    ])


def test_snapshot_joins_through_property_dependencies_and_reads_provider_tags() -> None:
    result = analyze_snapshot(Analyzer("encryption"), snapshot(sse_depends_on_bucket=True))
    assert result.of("aws-s3-bucket-require-encryption-config") == []
    assert result.of("aws-s3-bucket-enforce-kms") == []
    tagging = analyze_snapshot(Analyzer("tagging"), snapshot(sse_depends_on_bucket=True))
    assert tagging.of("aws-tagging-resource-require-tags") == []


def test_snapshot_without_the_join_reports_the_bucket() -> None:
    result = analyze_snapshot(Analyzer("encryption"), snapshot(sse_depends_on_bucket=False))
    [violation] = result.violations("aws-s3-bucket-require-encryption-config")
    assert violation.urn == BUCKET
