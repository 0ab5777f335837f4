import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
account = aws.get_caller_identity().account_id
key = aws.kms.Key("main", description="bucket data", enable_key_rotation=True, deletion_window_in_days=30, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
    ]}), opts=opts)


def tls_only(arn):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def private(name, sse):
    bucket = aws.s3.Bucket(name, opts=opts)
    aws.s3.BucketServerSideEncryptionConfiguration(name, bucket=bucket.id, rules=[{
        "apply_server_side_encryption_by_default": sse}], opts=opts)
    aws.s3.BucketPublicAccessBlock(name, bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                   ignore_public_acls=True, restrict_public_buckets=True, opts=opts)
    aws.s3.BucketVersioning(name, bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=opts)
    aws.s3.BucketPolicy(name, bucket=bucket.id, policy=bucket.arn.apply(tls_only), opts=opts)
    return bucket


# A server access log target's default encryption is SSE-S3: AWS does not deliver access logs under an SSE-KMS default.
logs = private("access-logs", {"sse_algorithm": "AES256"})
data = private("data", {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn})
aws.s3.BucketLogging("data", bucket=data.id, target_bucket=logs.id, target_prefix="data/", opts=opts)
