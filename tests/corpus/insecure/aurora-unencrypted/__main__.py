
import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

config = pulumi.Config()
subnet_ids = config.get_object("subnetIds") or ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
vpc_id = config.get("vpcId") or "vpc-0a1b2c3d4e5f60000"

subnets = aws.rds.SubnetGroup("aurora", subnet_ids=subnet_ids, opts=opts)
cluster = aws.rds.Cluster(
    "analytics", engine="aurora-postgresql", engine_version="16.4", database_name="analytics", master_username="analytics",
    manage_master_user_password=True, db_subnet_group_name=subnets.name,
    deletion_protection=True, skip_final_snapshot=False, final_snapshot_identifier="analytics-final", opts=opts)
for i in range(2):
    aws.rds.ClusterInstance(f"analytics-{i}", cluster_identifier=cluster.id, instance_class="db.r6g.large",
                            engine=cluster.engine, engine_version=cluster.engine_version, publicly_accessible=False, opts=opts)
