
import pulumi
import pulumi_aws_native as aws_native

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
native = aws_native.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=native)

key = aws_native.kms.Key("lake", enable_key_rotation=True, pending_window_in_days=30, opts=opts)
lake = aws_native.s3.Bucket(
    "lake",
    bucket_encryption={"server_side_encryption_configuration": [{
        "server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
        "bucket_key_enabled": True}]},
    public_access_block_configuration={"block_public_acls": True, "block_public_policy": True,
                                       "ignore_public_acls": True, "restrict_public_buckets": True},
    versioning_configuration={"status": "Enabled"},
    opts=opts)
aws_native.s3.BucketPolicy("lake", bucket=lake.id, policy_document=lake.arn.apply(lambda arn: {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}), opts=opts)
