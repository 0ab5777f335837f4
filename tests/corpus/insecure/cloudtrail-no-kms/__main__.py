import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)

account = aws.get_caller_identity().account_id
key = aws.kms.Key("trail", enable_key_rotation=True, deletion_window_in_days=30, policy=json.dumps({
    "Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Trail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
         "Resource": "*", "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account}:trail/*"}}},
        {"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{account}:log-group:*"}}}]}),
    opts=opts)
config = pulumi.Config()
trail_bucket = config.get("trailBucket") or "acme-org-cloudtrail"
group = aws.cloudwatch.LogGroup("trail", kms_key_id=key.arn, retention_in_days=365, opts=opts)
role = aws.iam.Role("trail", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), opts=opts)
aws.iam.RolePolicy("trail", role=role.id, policy=group.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"{arn}:*"}]})), opts=opts)
aws.cloudtrail.Trail("main", s3_bucket_name=trail_bucket, is_multi_region_trail=True,
                     enable_log_file_validation=True, include_global_service_events=True,
                     cloud_watch_logs_group_arn=group.arn.apply(lambda a: f"{a}:*"), cloud_watch_logs_role_arn=role.arn, opts=opts)
