import json

import pulumi
import pulumi_aws as aws

provider = aws.Provider("use1", region="us-east-1")
opts = pulumi.ResourceOptions(provider=provider)
TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}

key = aws.kms.Key("archive", enable_key_rotation=True, deletion_window_in_days=30, tags=TAGS, opts=opts)
archive = aws.s3.Bucket(
    "archive",
    bucket="acme-archive-20260101",
    server_side_encryption_configuration={"rule": {"apply_server_side_encryption_by_default": {
        "sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}},
    versioning={"enabled": True},
    policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::acme-archive-20260101", "arn:aws:s3:::acme-archive-20260101/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}),
    tags=TAGS,
    opts=opts)
aws.s3.BucketPublicAccessBlock("archive", bucket=archive.id, block_public_acls=True, block_public_policy=True,
                               ignore_public_acls=True, restrict_public_buckets=True, opts=opts)
