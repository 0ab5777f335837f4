
import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

topic = aws.sns.Topic("events", kms_master_key_id=key.arn, opts=opts)
queue = aws.sqs.Queue("events", kms_master_key_id=key.arn, kms_data_key_reuse_period_seconds=300, opts=opts)
aws.sqs.QueuePolicy("events", queue_url=queue.url, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "FromTopic", "Effect": "Allow", "Principal": "*",
                   "Action": "sqs:SendMessage", "Resource": queue.arn}]}), opts=opts)
aws.sns.TopicPolicy("events", arn=topic.arn, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish",
                   "Resource": topic.arn, "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}]}), opts=opts)
aws.sns.TopicSubscription("events", topic=topic.arn, protocol="sqs", endpoint=queue.arn, opts=opts)
