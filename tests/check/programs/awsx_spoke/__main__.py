"""Two ISOLATED subnet specs in two zones: awsx makes four isolated subnets, the TGW attachment takes the last two."""

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

vpc = awsx.ec2.Vpc(
    "spoke",
    cidr_block="10.1.0.0/16",
    number_of_availability_zones=2,
    subnet_specs=[
        awsx.ec2.SubnetSpecArgs(name="private", cidr_mask=28, type=awsx.ec2.SubnetType.ISOLATED),
        awsx.ec2.SubnetSpecArgs(name="tgw", cidr_mask=28, type=awsx.ec2.SubnetType.ISOLATED),
    ],
    nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=awsx.ec2.NatGatewayStrategy.NONE),
)
hub = aws.ec2transitgateway.TransitGateway("hub")
aws.ec2transitgateway.VpcAttachment("spoke", transit_gateway_id=hub.id, vpc_id=vpc.vpc_id,
                                    subnet_ids=[vpc.isolated_subnet_ids[2], vpc.isolated_subnet_ids[3]])
aws.ec2.VpcEndpoint("ssm", vpc_id=vpc.vpc_id, service_name="com.amazonaws.us-east-1.ssm", vpc_endpoint_type="Interface",
                    subnet_ids=vpc.isolated_subnet_ids.apply(lambda ids: ids[:2]), private_dns_enabled=True)
pulumi.export("isolated", vpc.isolated_subnet_ids)
