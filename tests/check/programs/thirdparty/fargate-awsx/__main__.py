import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

vpc = awsx.ec2.Vpc("vpc", number_of_availability_zones=2)
cluster = aws.ecs.Cluster("cluster")
sg = aws.ec2.SecurityGroup("service", vpc_id=vpc.vpc_id, egress=[
    {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}])
lb = awsx.lb.ApplicationLoadBalancer("lb", subnet_ids=vpc.public_subnet_ids)
service = awsx.ecs.FargateService(
    "service", cluster=cluster.arn, desired_count=2,
    network_configuration={"subnets": vpc.private_subnet_ids, "security_groups": [sg.id]},
    task_definition_args={"container": {
        "name": "app", "image": "nginx:latest", "cpu": 256, "memory": 512, "essential": True,
        "port_mappings": [{"container_port": 80, "target_group": lb.default_target_group}],
    }})
pulumi.export("vpc", vpc.vpc_id)
pulumi.export("cluster", cluster.arn)
