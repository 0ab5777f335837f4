import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

NAME = "acme-reports-20260101"
ARN = f"arn:aws:s3:::{NAME}"
bucket = aws.s3.BucketV2("reports", bucket=NAME, opts=opts)
aws.s3.BucketServerSideEncryptionConfigurationV2("reports", bucket=bucket.id, rules=[
    aws.s3.BucketServerSideEncryptionConfigurationV2RuleArgs(
        apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="aws:kms", kms_master_key_id=key.arn))], opts=opts)
aws.s3.BucketPublicAccessBlock("reports", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                               ignore_public_acls=True, restrict_public_buckets=True, opts=opts)
aws.s3.BucketVersioningV2("reports", bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=opts)
aws.s3.BucketPolicy("reports", bucket=bucket.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [ARN, f"{ARN}/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": f"{ARN}/*"},
]}), opts=opts)
