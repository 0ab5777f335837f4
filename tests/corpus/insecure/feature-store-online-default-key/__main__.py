import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)
role = aws.iam.Role("sagemaker", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), opts=opts)

aws.sagemaker.FeatureGroup(
    "customers", feature_group_name="customers", record_identifier_feature_name="customer_id", event_time_feature_name="ts",
    role_arn=role.arn,
    feature_definitions=[{"feature_name": "customer_id", "feature_type": "String"}, {"feature_name": "ts", "feature_type": "String"}],
    online_store_config={"enable_online_store": True},
    offline_store_config={"s3_storage_config": {"s3_uri": "s3://acme-feature-store/offline", "kms_key_id": key.arn}},
    opts=opts)
