import pulumi
import pulumi_aws as aws

azs = aws.get_availability_zones(state="available").names[:2]
tgw = aws.ec2transitgateway.TransitGateway("hub", description="hub", default_route_table_association="disable",
                                           default_route_table_propagation="disable")
hub_rt = aws.ec2transitgateway.RouteTable("hub", transit_gateway_id=tgw.id)
for i, name in enumerate(["inspection", "prod", "dev"]):
    vpc = aws.ec2.Vpc(name, cidr_block=f"10.{i}.0.0/16", enable_dns_hostnames=True)
    subnets = [aws.ec2.Subnet(f"{name}-{az}", vpc_id=vpc.id, availability_zone=az, cidr_block=f"10.{i}.{j}.0/24")
               for j, az in enumerate(azs)]
    attachment = aws.ec2transitgateway.VpcAttachment(name, transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                     subnet_ids=[s.id for s in subnets])
    aws.ec2transitgateway.RouteTableAssociation(name, transit_gateway_attachment_id=attachment.id,
                                                transit_gateway_route_table_id=hub_rt.id)
    rt = aws.ec2.RouteTable(name, vpc_id=vpc.id, routes=[{"cidr_block": "10.0.0.0/8", "transit_gateway_id": tgw.id}])
    for j, subnet in enumerate(subnets):
        aws.ec2.RouteTableAssociation(f"{name}-{j}", subnet_id=subnet.id, route_table_id=rt.id)
    pulumi.export(f"{name}_vpc", vpc.id)
pulumi.export("tgw", tgw.arn)
