
import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

aws.ebs.EncryptionByDefault("account", enabled=False, opts=opts)
aws.ebs.DefaultKmsKey("account", key_arn=key.arn, opts=opts)
aws.ebs.Volume("scratch", availability_zone="us-east-1a", size=50, type="gp3", encrypted=True, kms_key_id=key.arn, opts=opts)
