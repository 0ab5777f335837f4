import pulumi_aws as aws

aws.ec2.SecurityGroup(
    "web", description="web", tags={"owner": "web-team"},
    ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}])
