
import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

config = pulumi.Config()
subnet_ids = config.get_object("subnetIds") or ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
vpc_id = config.get("vpcId") or "vpc-0a1b2c3d4e5f60000"

ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"], filters=[{"name": "name", "values": ["al2023-ami-*-x86_64"]}])
sg = aws.ec2.SecurityGroup("worker", vpc_id=vpc_id, description="worker egress only",
                           ingress=[{"protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_blocks": ["0.0.0.0/0"]}],
                           egress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}], opts=opts)
aws.ec2.Instance(
    "worker", ami=ami.id, instance_type="t3.small", subnet_id=subnet_ids[0], vpc_security_group_ids=[sg.id],
    metadata_options={"http_tokens": "required"},
    root_block_device={"encrypted": True, "kms_key_id": key.arn, "volume_size": 30},
    opts=opts)
