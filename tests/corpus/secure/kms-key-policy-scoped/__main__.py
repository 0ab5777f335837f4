import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)

account = aws.get_caller_identity().account_id
key = aws.kms.Key("shared", description="shared with the account's services", enable_key_rotation=True,
                  deletion_window_in_days=30, opts=opts)
aws.kms.KeyPolicy("shared", key_id=key.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
    {"Sid": "ViaS3", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
     "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": account, "kms:ViaService": "s3.us-east-1.amazonaws.com"}}},
]}), opts=opts)
aws.kms.Alias("shared", name="alias/shared-data", target_key_id=key.id, opts=opts)
