
import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

config = pulumi.Config()
subnet_ids = config.get_object("subnetIds") or ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
vpc_id = config.get("vpcId") or "vpc-0a1b2c3d4e5f60000"

subnets = aws.elasticache.SubnetGroup("cache", subnet_ids=subnet_ids, opts=opts)
aws.elasticache.ReplicationGroup(
    "sessions", description="session cache", engine="redis", engine_version="7.1", node_type="cache.t4g.small",
    num_cache_clusters=2, automatic_failover_enabled=True, subnet_group_name=subnets.name,
    at_rest_encryption_enabled=True, kms_key_id=key.arn, transit_encryption_enabled=True, opts=opts)
