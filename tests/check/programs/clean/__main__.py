import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team"}

bucket = aws.s3.Bucket("data", tags=TAGS)
aws.s3.BucketServerSideEncryptionConfiguration(
    "data-sse",
    bucket=bucket.id,
    rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}}],
)
pulumi.export("bucket_arn", bucket.arn)
