
import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

config = pulumi.Config()
rotator = config.get("rotationLambdaArn") or "arn:aws:lambda:us-east-1:111122223333:function:secrets-rotator"
secret = aws.secretsmanager.Secret("api-token", description="third-party API token", kms_key_id=key.arn,
                                   recovery_window_in_days=30, opts=opts)
aws.secretsmanager.SecretRotation("api-token", secret_id=secret.id, rotation_lambda_arn=rotator,
                                  rotation_rules={"automatically_after_days": 30}, opts=opts)
