import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
account = aws.get_caller_identity().account_id
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{account}:log-group:*"}}},
    ]}), opts=opts)

config = pulumi.Config()
subnet_ids = config.get_object("subnetIds") or ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
vpc_id = config.get("vpcId") or "vpc-0a1b2c3d4e5f60000"
role = aws.iam.Role("fn", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), opts=opts)
aws.iam.RolePolicyAttachment("fn-vpc", role=role.name,
                             policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole", opts=opts)
sg = aws.ec2.SecurityGroup("fn", vpc_id=vpc_id, description="function egress only",
                           egress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}], opts=opts)

logs = aws.cloudwatch.LogGroup("fn", name="/aws/lambda/orders", kms_key_id=key.arn, retention_in_days=365, opts=opts)
fn = aws.lambda_.Function(
    "orders", name="orders", runtime="python3.12", handler="index.handler", role=role.arn,
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return {'ok': True}\n")}),
    environment={"variables": {"TABLE": "orders"}}, kms_key_arn=key.arn,
    opts=pulumi.ResourceOptions(provider=provider, depends_on=[logs]))
aws.lambda_.Permission("events", action="lambda:InvokeFunction", function=fn.name, principal="events.amazonaws.com",
                       source_arn="arn:aws:events:us-east-1:111122223333:rule/orders-nightly", opts=opts)
