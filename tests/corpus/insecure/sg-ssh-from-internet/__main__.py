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

vpc = aws.ec2.Vpc("main", cidr_block="10.20.0.0/16", enable_dns_hostnames=True, enable_dns_support=True, opts=opts)
subnet = aws.ec2.Subnet("private-a", vpc_id=vpc.id, cidr_block="10.20.1.0/24", availability_zone="us-east-1a", opts=opts)
aws.ec2.DefaultSecurityGroup("default", vpc_id=vpc.id, opts=opts)
acl = aws.ec2.NetworkAcl("private", vpc_id=vpc.id, subnet_ids=[subnet.id], opts=opts)
ACL_RULES = [
    ("vpc-in", 100, "allow", "-1", 0, 0, "10.20.0.0/16"),
    ("ssh-deny", 110, "deny", "tcp", 22, 22, "0.0.0.0/0"),
    ("rdp-deny", 120, "deny", "tcp", 3389, 3389, "0.0.0.0/0"),
    ("ephemeral-in", 200, "allow", "tcp", 1024, 65535, "0.0.0.0/0"),
]
for name, number, action, protocol, start, end, cidr in ACL_RULES:
    aws.ec2.NetworkAclRule(name, network_acl_id=acl.id, rule_number=number, egress=False, protocol=protocol,
                           rule_action=action, from_port=start, to_port=end, cidr_block=cidr, opts=opts)
aws.ec2.NetworkAclRule("https-out", network_acl_id=acl.id, rule_number=100, egress=True, protocol="tcp",
                       rule_action="allow", from_port=443, to_port=443, cidr_block="0.0.0.0/0", opts=opts)
app = aws.ec2.SecurityGroup("app", vpc_id=vpc.id, description="app tier", ingress=[
    {"protocol": "tcp", "from_port": 8080, "to_port": 8080, "cidr_blocks": ["10.20.0.0/16"], "description": "from the VPC"},
    {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"], "description": "ssh"}],
    opts=opts)
aws.vpc.SecurityGroupIngressRule("app-https", security_group_id=app.id, ip_protocol="tcp", from_port=443, to_port=443,
                                 cidr_ipv4="10.20.0.0/16", opts=opts)
flow_logs = aws.cloudwatch.LogGroup("flow", kms_key_id=key.arn, retention_in_days=365, opts=opts)
flow_role = aws.iam.Role("flow", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), opts=opts)
aws.iam.RolePolicy("flow", role=flow_role.id, policy=flow_logs.arn.apply(lambda arn: json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                           "Resource": f"{arn}:*"}]})), opts=opts)
aws.ec2.FlowLog("main", vpc_id=vpc.id, traffic_type="ALL", log_destination=flow_logs.arn, iam_role_arn=flow_role.arn, opts=opts)
