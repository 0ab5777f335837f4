
import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)

config = pulumi.Config()
subnet_ids = config.get_object("subnetIds") or ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
vpc_id = config.get("vpcId") or "vpc-0a1b2c3d4e5f60000"

subnets = aws.rds.SubnetGroup("db", subnet_ids=subnet_ids, opts=opts)
db = aws.rds.Instance(
    "orders", engine="postgres", engine_version="16.4", instance_class="db.t4g.medium", allocated_storage=20,
    db_name="orders", username="orders_admin", manage_master_user_password=True, master_user_secret_kms_key_id=key.arn,
    db_subnet_group_name=subnets.name, storage_encrypted=True, kms_key_id=key.arn, publicly_accessible=False,
    deletion_protection=False, backup_retention_period=7, skip_final_snapshot=False, final_snapshot_identifier="orders-final",
    opts=opts)
