import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])

subnet_group = aws.redshift.SubnetGroup("warehouse", subnet_ids=subnets.ids)
cluster = aws.redshift.Cluster("warehouse", cluster_identifier="warehouse", database_name="analytics",
                               master_username="admin", master_password=config.require_secret("dbPassword"),
                               node_type="ra3.xlplus", cluster_type="single-node",
                               cluster_subnet_group_name=subnet_group.name, encrypted=True, skip_final_snapshot=True)
raw = aws.s3.Bucket("raw")
scripts = aws.s3.Bucket("scripts")
aws.s3.BucketObject("etl", bucket=scripts.id, key="etl.py", content="print('etl')\n")
role = aws.iam.Role("glue", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}))
aws.iam.RolePolicyAttachment("glue", role=role.name, policy_arn="arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole")
database = aws.glue.CatalogDatabase("lake", name="lake")
aws.glue.Crawler("raw", database_name=database.name, role=role.arn,
                 s3_targets=[{"path": raw.bucket.apply(lambda b: f"s3://{b}/events/")}])
connection = aws.glue.Connection("warehouse", connection_type="JDBC", connection_properties={
    "JDBC_CONNECTION_URL": pulumi.Output.concat("jdbc:redshift://", cluster.endpoint, "/analytics"),
    "USERNAME": "admin", "PASSWORD": config.require_secret("dbPassword"),
})
aws.glue.Job("load", role_arn=role.arn, glue_version="4.0", connections=[connection.name],
             command={"script_location": scripts.bucket.apply(lambda b: f"s3://{b}/etl.py"), "python_version": "3"})
pulumi.export("endpoint", cluster.endpoint)
