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
role = aws.iam.Role("sagemaker", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), opts=opts)

sg = aws.ec2.SecurityGroup("notebook", vpc_id=vpc_id, description="notebook egress only",
                           egress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}], opts=opts)
aws.sagemaker.NotebookInstance(
    "research", instance_type="ml.t3.medium", role_arn=role.arn, kms_key_id=key.arn, subnet_id=subnet_ids[0],
    security_groups=[sg.id], direct_internet_access="Disabled", root_access="Disabled",
    instance_metadata_service_configuration={"minimum_instance_metadata_service_version": "1"},
    opts=opts)
