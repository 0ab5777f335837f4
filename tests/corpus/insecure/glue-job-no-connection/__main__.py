import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

config = pulumi.Config()
subnet_ids = config.get_object("subnetIds") or ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
vpc_id = config.get("vpcId") or "vpc-0a1b2c3d4e5f60000"

config_sg = config.get("glueSecurityGroupId") or "sg-0a1b2c3d4e5f60003"
role = aws.iam.Role("glue", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), opts=opts)
security = aws.glue.SecurityConfiguration("etl", name="etl-kms", encryption_configuration={
    "s3_encryption": {"s3_encryption_mode": "SSE-KMS", "kms_key_arn": key.arn},
    "cloudwatch_encryption": {"cloudwatch_encryption_mode": "SSE-KMS", "kms_key_arn": key.arn},
    "job_bookmarks_encryption": {"job_bookmarks_encryption_mode": "CSE-KMS", "kms_key_arn": key.arn}}, opts=opts)
network = aws.glue.Connection("vpc", name="etl-vpc", connection_type="NETWORK", physical_connection_requirements={
    "subnet_id": subnet_ids[0], "security_group_id_lists": [config_sg], "availability_zone": "us-east-1a"}, opts=opts)
aws.glue.Job("nightly", role_arn=role.arn, glue_version="4.0", worker_type="G.1X", number_of_workers=2,
             command={"script_location": "s3://acme-etl-scripts/nightly.py", "python_version": "3"},
             security_configuration=security.name, opts=opts)
