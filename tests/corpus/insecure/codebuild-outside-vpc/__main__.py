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

role = aws.iam.Role("build", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), opts=opts)
sg = aws.ec2.SecurityGroup("build", vpc_id=vpc_id, description="build egress only",
                           egress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}], opts=opts)
BUILDSPEC = """version: 0.2
phases:
  build:
    commands:
      - docker build -t app:latest .
"""
aws.codebuild.Project(
    "image", service_role=role.arn, encryption_key=key.arn,
    artifacts={"type": "NO_ARTIFACTS"},
    environment={"compute_type": "BUILD_GENERAL1_SMALL", "image": "aws/codebuild/standard:7.0", "type": "LINUX_CONTAINER",
                 "privileged_mode": True},
    source={"type": "GITHUB", "location": "https://github.com/acme/app.git", "buildspec": BUILDSPEC},
    opts=opts)
