import pulumi
import pulumi_aws_native as aws_native

native = aws_native.Provider("use1", region="us-east-1", default_tags={"tags": {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}})
opts = pulumi.ResourceOptions(provider=native)

key = aws_native.kms.Key("orders", enable_key_rotation=True, pending_window_in_days=30, opts=opts)
aws_native.dynamodb.Table(
    "orders", billing_mode="PAY_PER_REQUEST",
    key_schema=[aws_native.dynamodb.TableKeySchemaArgs(attribute_name="id", key_type="HASH")],
    attribute_definitions=[aws_native.dynamodb.TableAttributeDefinitionArgs(attribute_name="id", attribute_type="S")],
    point_in_time_recovery_specification=aws_native.dynamodb.TablePointInTimeRecoverySpecificationArgs(
        point_in_time_recovery_enabled=True),
    opts=opts)
