import pulumi
import pulumi_aws_native as aws_native

native = aws_native.Provider("use1", region="us-east-1", default_tags={"tags": {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}})
opts = pulumi.ResourceOptions(provider=native)

key = aws_native.kms.Key("events", enable_key_rotation=True, pending_window_in_days=30, opts=opts)
aws_native.kinesis.Stream("events", shard_count=1, retention_period_hours=48,
                          stream_encryption={"encryption_type": "KMS", "key_id": key.arn}, opts=opts)
