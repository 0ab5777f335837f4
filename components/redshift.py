"""Optional warehouse (features.redshift): Redshift Serverless in the isolated subnets.

Not publicly accessible, encrypted with the data key, enhanced VPC routing (COPY/UNLOAD
traffic to S3 stays on the gateway endpoint), audit logs exported, and an admin
password that AWS generates and keeps in Secrets Manager (encrypted with the data
key): no password exists in config, state or outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components.conventions import PLATFORM_ROLE_PATH
from components.naming import fit
from components.providers import Target

REDSHIFT_PORT = 5439
# Connection, user and user-activity logs: who connected, who changed users, what ran.
AUDIT_LOGS = ["connectionlog", "userlog", "useractivitylog"]


@dataclass
class WarehouseArgs:
    target: Target
    org: str
    data_key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    subnet_ids: pulumi.Input[list[str]]  # isolated subnets, at least three AZs (validated in config)
    client_sg_id: pulumi.Input[str]  # the workload security group: the only source of SQL connections
    s3_prefix_list_id: pulumi.Input[str]  # the S3 gateway endpoint's prefix list (enhanced VPC routing)
    curated_bucket_arn: pulumi.Input[str]
    protect: bool
    base_capacity: int = 8  # RPUs; the smallest Redshift Serverless allows


class Warehouse(pulumi.ComponentResource):
    def __init__(self, name: str, args: WarehouseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:data:Warehouse", name, None, opts)
        t = args.target

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg", vpc_id=args.vpc_id, description="Redshift Serverless: SQL from the workload group only",
            opts=t.opts(self))
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-sql-in", security_group_id=self.security_group.id, ip_protocol="tcp", from_port=REDSHIFT_PORT,
            to_port=REDSHIFT_PORT, referenced_security_group_id=args.client_sg_id, description="SQL from ML workloads",
            opts=t.opts(self))
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-s3-out", security_group_id=self.security_group.id, ip_protocol="tcp", from_port=443, to_port=443,
            prefix_list_id=args.s3_prefix_list_id, description="COPY/UNLOAD through the S3 gateway endpoint", opts=t.opts(self))
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-endpoints-out", security_group_id=self.security_group.id, ip_protocol="tcp", from_port=443, to_port=443,
            cidr_ipv4=args.vpc_cidr, description="KMS, STS and Glue through the interface endpoints", opts=t.opts(self))

        role = aws.iam.Role(
            f"{name}-role", path=PLATFORM_ROLE_PATH, description="Redshift Serverless: COPY/UNLOAD and Spectrum on the curated zone",
            assume_role_policy=iam.service_trust(["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"], t.account_id),
            opts=t.opts(self))
        aws.iam.RolePolicy(f"{name}-role", role=role.id, policy=pulumi.Output.all(args.curated_bucket_arn, args.data_key_arn).apply(
            lambda v: iam.document(warehouse_statements(t, v[0], v[1]))), opts=t.opts(self))

        self.namespace = aws.redshiftserverless.Namespace(
            f"{name}-namespace",
            namespace_name=fit(f"{args.org}-{name}", "generic").lower(),
            db_name="lake",
            admin_username="platform_admin",
            manage_admin_password=True,
            admin_password_secret_kms_key_id=args.data_key_arn,
            kms_key_id=args.data_key_arn,
            iam_roles=[role.arn],
            default_iam_role_arn=role.arn,
            log_exports=AUDIT_LOGS,
            opts=t.stateful(self, args.protect),
        )
        self.workgroup = aws.redshiftserverless.Workgroup(
            f"{name}-workgroup",
            workgroup_name=fit(f"{args.org}-{name}", "generic").lower(),
            namespace_name=self.namespace.namespace_name,
            base_capacity=args.base_capacity,
            publicly_accessible=False,
            enhanced_vpc_routing=True,
            subnet_ids=args.subnet_ids,
            security_group_ids=[self.security_group.id],
            port=REDSHIFT_PORT,
            config_parameters=[
                {"parameter_key": "require_ssl", "parameter_value": "true"},
                # useractivitylog is empty unless this is on.
                {"parameter_key": "enable_user_activity_logging", "parameter_value": "true"},
            ],
            opts=t.opts(self),
        )
        self.role_arn = role.arn
        self.register_outputs({"namespaceName": self.namespace.namespace_name, "workgroupName": self.workgroup.workgroup_name,
                               "roleArn": self.role_arn})


def warehouse_statements(t: Target, curated_arn: str, key_arn: str) -> list[dict[str, Any]]:
    """Read the curated zone and write UNLOAD output under its warehouse/ prefix; the key only through S3."""
    return [
        iam.allow(["s3:ListBucket", "s3:GetBucketLocation"], curated_arn, "CuratedBucket"),
        iam.allow(["s3:GetObject"], f"{curated_arn}/*", "ReadCurated"),
        iam.allow(["s3:PutObject"], f"{curated_arn}/warehouse/*", "UnloadToWarehousePrefix"),
        iam.allow(["kms:Decrypt", "kms:GenerateDataKey"], key_arn, "DataKeyThroughS3",
                  {"StringEquals": {"kms:ViaService": f"s3.{t.region}.amazonaws.com"}}),
    ]
