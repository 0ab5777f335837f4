import pulumi_aws as aws

bucket = aws.s3.Bucket("logs")
aws.s3.BucketServerSideEncryptionConfiguration(
    "logs-sse", bucket=bucket.id, rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}}])
