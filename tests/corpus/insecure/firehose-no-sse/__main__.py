import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

config = pulumi.Config()
archive_bucket_arn = config.get("archiveBucketArn") or "arn:aws:s3:::acme-clickstream-archive"
stream = aws.kinesis.Stream("clicks", shard_count=1, retention_period=48, encryption_type="KMS", kms_key_id=key.arn, opts=opts)
role = aws.iam.Role("firehose", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), opts=opts)
aws.kinesis.FirehoseDeliveryStream(
    "clicks-direct", destination="extended_s3",
    extended_s3_configuration={"role_arn": role.arn, "bucket_arn": archive_bucket_arn, "kms_key_arn": key.arn},
    opts=opts)
aws.kinesis.FirehoseDeliveryStream(
    "clicks-from-stream", destination="extended_s3",
    kinesis_source_configuration={"kinesis_stream_arn": stream.arn, "role_arn": role.arn},
    extended_s3_configuration={"role_arn": role.arn, "bucket_arn": archive_bucket_arn, "kms_key_arn": key.arn},
    opts=opts)
