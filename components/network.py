"""Isolated networks: an awsx VPC per workload account x region, and a build VPC in shared services.

The VPC itself comes from ``awsx.ec2.Vpc``; everything a security review needs
to see (endpoints, security groups, NACLs, flow logs) is a plain ``pulumi_aws``
resource, so the tests and the policy packs can judge it even where the awsx
component's children are invisible (under mocks).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from components import iam
from components.providers import Target

# Interface endpoints every workload VPC gets: the services the platform calls
# from inside a VPC with no internet path. Each missing one breaks some part of
# VPC-only SageMaker, Glue or Lambda.
WORKLOAD_INTERFACE_SERVICES = (
    "sagemaker.api", "sagemaker.runtime", "sagemaker.featurestore-runtime",
    "aws.sagemaker.{region}.studio", "aws.sagemaker.{region}.notebook",
    "sts", "logs", "monitoring", "events", "kms", "ecr.api", "ecr.dkr", "glue",
    "servicecatalog", "ssm", "secretsmanager",
    # later layers: Lambda DLQs and alerts, ingestion, autoscaling actions, tracing. No execute-api: the platform's
    # REST APIs are REGIONAL, and that endpoint's private DNS would send the VPC's calls to them to a 403.
    "sqs", "sns", "kinesis-firehose", "application-autoscaling", "xray", "lambda",
    # Glue jobs in the VPC fetch Lake Formation-vended credentials for governed tables
    "lakeformation",
)
BUILD_INTERFACE_SERVICES = ("sts", "logs", "kms", "ecr.api", "ecr.dkr", "codeartifact.api", "codeartifact.repositories", "secretsmanager")


def service_name(service: str, region: str) -> str:
    """Full endpoint service name; the Studio and notebook endpoints are named 'aws.sagemaker.<region>.*'."""
    return service.format(region=region) if service.startswith("aws.") else f"com.amazonaws.{region}.{service}"


@dataclass
class NetworkArgs:
    target: Target
    cidr: str
    zones: Sequence[str]  # availability zone names, from available_zones()
    logs_key_arn: pulumi.Input[str]
    flow_log_retention_days: int
    protect: bool
    # "isolated": no internet path at all (ML tier). "build": private subnets behind one NAT for CI builds.
    tier: str = "isolated"
    interface_services: tuple[str, ...] = WORKLOAD_INTERFACE_SERVICES
    extra_interface_services: tuple[str, ...] = field(default_factory=tuple)
    # Accounts whose buckets the subnets may reach through the S3 gateway endpoint (None: no endpoint policy).
    s3_resource_accounts: list[str] | None = None
    # Accounts whose principals may use the interface endpoints: the VPC's own, and the accounts whose roles its
    # workloads take on (the build VPC's deploy jobs act in the workload accounts).
    principal_accounts: Sequence[str] = ()


def s3_endpoint_policy(region: str, accounts: list[str]) -> dict:
    """Only our accounts' buckets, plus the AWS-owned bucket that serves ECR image layers in this region.

    Without a policy a gateway endpoint allows every bucket of every account: a path out of isolated subnets.
    """
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "PlatformAccountsBuckets", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceAccount": sorted(set(accounts))}}},
        # Documented by ECR ("Minimum Amazon S3 bucket permissions for Amazon ECR"): image layers live here.
        {"Sid": "EcrImageLayers", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*"},
    ]}


# IAM prefix of the endpoint services whose name does not start with it (the rest: the name's first label).
_IAM_PREFIX = {"monitoring": "cloudwatch", "kinesis-firehose": "firehose"}
# CodeArtifact authorizes its token call as sts:GetServiceBearerToken too; its documented endpoint policy allows both.
_EXTRA_ACTIONS = {"codeartifact": ("sts:GetServiceBearerToken",)}
# Sign-in with a web identity (EKS IRSA, OIDC CI) or a SAML assertion carries no AWS credentials, so no principal
# account of ours: a principal-account condition alone would refuse it.
UNAUTHENTICATED_STS_ACTIONS = ("sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")


def interface_endpoint_statements(service: str, accounts: Sequence[str]) -> list[dict]:
    """The endpoint's service, for principals of our accounts only: credentials of any other account brought into the
    VPC get no path out through it. No aws:ResourceAccount condition: our roles read AWS-owned resources through these
    endpoints (AWS-managed keys, AWS-owned ECR images)."""
    prefix = _IAM_PREFIX.get(service.split(".")[0], service.split(".")[0])
    ours = sorted(set(accounts))
    actions = [f"{prefix}:*", *_EXTRA_ACTIONS.get(prefix, ())]
    statements = [
        {**iam.allow(actions, "*", sid="PlatformPrincipals", condition={"StringEquals": {"aws:PrincipalAccount": ours}}),
         "Principal": "*"},
        # AWS services seldom call through a VPC's endpoints with their own service principal; AWS's data-perimeter
        # endpoint policies admit them, and no credentials brought into the VPC can pass for one.
        {**iam.allow(actions, "*", sid="AwsServicePrincipals", condition={"Bool": {"aws:PrincipalIsAWSService": "true"}}),
         "Principal": "*"},
    ]
    if prefix == "sts":
        # No principal account to check there: anyone may sign in, into our accounts' roles only (their trust decides who).
        statements.append({**iam.allow(UNAUTHENTICATED_STS_ACTIONS, [f"arn:aws:iam::{a}:role/*" for a in ours],
                                       sid="FederatedSignInToPlatformRoles"), "Principal": "*"})
    return statements


def interface_endpoint_policy(service: str, accounts: Sequence[str], supported: bool | None) -> pulumi.Output[str] | None:
    """None where AWS says the service takes no endpoint policy (VpcEndpointPolicySupported): CreateVpcEndpoint refuses any
    but the full-access one there, and the answer differs by service and changes over time. None too on the Studio and
    notebook endpoints: browsers reach them with a presigned URL's session, which a principal-account condition has
    not been shown to admit, and AWS documents only app-creation policies for them."""
    if not supported or service.startswith("aws."):
        return None
    return iam.document(interface_endpoint_statements(service, accounts))


def available_zones(t: Target, count: int) -> list[str]:
    """The first ``count`` zones of the target's region that need no opt-in, asked of the target account (each account
    maps zone names to its own physical zones and may have others enabled). awsx needs them as plain values, so this
    is a synchronous invoke, which runs the event loop until it is answered: the workload stacks call it for all
    their targets before their layers register, when that loop holds little (called between registrations, each
    call also shuffled every waiting task, and a 20-account stack spent seconds there); shared calls it once."""
    zones = aws.get_availability_zones(state="available", filters=[aws.GetAvailabilityZonesFilterArgs(
        name="opt-in-status", values=["opt-in-not-required"])], opts=t.invoke())
    if len(zones.names) < count:
        raise pulumi.RunError(f"aiplatform:network.azCount is {count} but {t.region} has {len(zones.names)} zones in "
                              f"account {t.account_id}; lower network.azCount")
    return list(zones.names[:count])


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    subnet_ids: pulumi.Output[list[str]]
    workload_sg_id: pulumi.Output[str]
    endpoint_sg_id: pulumi.Output[str]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:network:Network", name, None, opts)
        t = args.target
        self.az_names = list(args.zones)
        isolated = args.tier == "isolated"

        specs = ([awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.ISOLATED, name="ml", cidr_mask=self._mask(args))] if isolated else
                 [awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE, name="build", cidr_mask=self._mask(args)),
                  awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC, name="egress", cidr_mask=28)])
        self.vpc = awsx.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            availability_zone_names=self.az_names,
            subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
            subnet_specs=specs,
            nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(
                strategy=awsx.ec2.NatGatewayStrategy.NONE if isolated else awsx.ec2.NatGatewayStrategy.SINGLE),
            enable_dns_hostnames=True,  # private DNS for interface endpoints needs both
            enable_dns_support=True,
            opts=pulumi.ResourceOptions(parent=self, providers=[t.aws, t.awsx]),
        )
        self.vpc_id = self.vpc.vpc_id
        self.subnet_ids = self.vpc.isolated_subnet_ids if isolated else self.vpc.private_subnet_ids

        self.endpoint_sg = aws.ec2.SecurityGroup(
            f"{name}-endpoints-sg", vpc_id=self.vpc_id, description="VPC interface endpoints: HTTPS from inside the VPC only",
            opts=t.opts(self))
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https", security_group_id=self.endpoint_sg.id, ip_protocol="tcp", from_port=443, to_port=443,
            cidr_ipv4=args.cidr, description="HTTPS from the VPC", opts=t.opts(self))

        self.workload_sg = aws.ec2.SecurityGroup(
            f"{name}-workload-sg", vpc_id=self.vpc_id,
            description="ML workloads (Studio, jobs, endpoints, Glue, Lambda): no ingress from outside the group",
            opts=t.opts(self))
        # Studio (EFS, app-to-app) and Glue (Spark executors) talk to peers in the same group on all ports.
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-workload-self-in", security_group_id=self.workload_sg.id, ip_protocol="-1",
            referenced_security_group_id=self.workload_sg.id, description="peers in the same group", opts=t.opts(self))
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-workload-self-out", security_group_id=self.workload_sg.id, ip_protocol="-1",
            referenced_security_group_id=self.workload_sg.id, description="peers in the same group", opts=t.opts(self))
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-workload-endpoints-out", security_group_id=self.workload_sg.id, ip_protocol="tcp", from_port=443,
            to_port=443, cidr_ipv4=args.cidr, description="AWS APIs through the interface endpoints", opts=t.opts(self))

        self._gateway_endpoint(name, t, args)
        services = (*args.interface_services, *args.extra_interface_services)
        accounts = (t.account_id, *args.principal_accounts)
        self.endpoints = {svc: self._interface_endpoint(name, t, svc, accounts) for svc in dict.fromkeys(services)}
        if isolated:
            self._network_acl(name, t, args)
        else:
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-build-https-out", security_group_id=self.workload_sg.id, ip_protocol="tcp", from_port=443, to_port=443,
                cidr_ipv4="0.0.0.0/0", description="package registries and source hosting through the NAT", opts=t.opts(self))
        self._flow_logs(name, t, args)

        self.workload_sg_id = self.workload_sg.id
        self.endpoint_sg_id = self.endpoint_sg.id
        self.register_outputs({"vpcId": self.vpc_id, "subnetIds": self.subnet_ids, "workloadSecurityGroupId": self.workload_sg_id,
                               "availabilityZones": self.az_names})

    @staticmethod
    def _mask(args: NetworkArgs) -> int:
        # One subnet per AZ, leaving half of the range free for later tiers.
        prefix = int(args.cidr.split("/")[1])
        return min(28, prefix + max(2, (len(args.zones) * 2 - 1).bit_length()))

    def _gateway_endpoint(self, name: str, t: Target, args: NetworkArgs) -> None:
        route_tables = aws.ec2.get_route_tables_output(vpc_id=self.vpc_id, opts=t.invoke(self))
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3", vpc_id=self.vpc_id, service_name=f"com.amazonaws.{t.region}.s3", vpc_endpoint_type="Gateway",
            route_table_ids=route_tables.ids,
            policy=json.dumps(s3_endpoint_policy(t.region, args.s3_resource_accounts)) if args.s3_resource_accounts else None,
            opts=t.opts(self))
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-workload-s3-out", security_group_id=self.workload_sg.id, ip_protocol="tcp", from_port=443, to_port=443,
            prefix_list_id=self.s3_endpoint.prefix_list_id, description="S3 through the gateway endpoint", opts=t.opts(self))

    def _interface_endpoint(self, name: str, t: Target, service: str, accounts: Sequence[str]) -> aws.ec2.VpcEndpoint:
        full = service_name(service, t.region)
        offered = aws.ec2.get_vpc_endpoint_service_output(service_name=full, service_type="Interface", opts=t.invoke(self))
        zones = self.az_names
        # awsx lists subnets in the order of availability_zone_names; keep those in AZs that offer the service.
        subnets = pulumi.Output.all(self.subnet_ids, offered.availability_zones).apply(
            lambda v: [sid for sid, az in zip(v[0], zones) if az in v[1]])
        return aws.ec2.VpcEndpoint(
            f"{name}-{service.replace('aws.sagemaker.{region}.', 'sagemaker-').replace('.', '-')}",
            vpc_id=self.vpc_id, service_name=full, vpc_endpoint_type="Interface", private_dns_enabled=True,
            subnet_ids=subnets, security_group_ids=[self.endpoint_sg.id],
            policy=offered.vpc_endpoint_policy_supported.apply(lambda ok: interface_endpoint_policy(service, accounts, ok)),
            opts=t.opts(self))

    def _network_acl(self, name: str, t: Target, args: NetworkArgs) -> None:
        rule = aws.ec2.NetworkAclIngressArgs
        out = aws.ec2.NetworkAclEgressArgs
        aws.ec2.NetworkAcl(
            f"{name}-isolated-nacl", vpc_id=self.vpc_id, subnet_ids=self.subnet_ids,
            ingress=[
                rule(rule_no=100, action="allow", protocol="-1", from_port=0, to_port=0, cidr_block=args.cidr),
                # NACLs match in rule-number order: remote administration from anywhere is denied before the wide
                # ephemeral-port allow below could admit it (FSBP EC2.21).
                rule(rule_no=150, action="deny", protocol="tcp", from_port=22, to_port=22, cidr_block="0.0.0.0/0"),
                rule(rule_no=160, action="deny", protocol="tcp", from_port=3389, to_port=3389, cidr_block="0.0.0.0/0"),
                # Replies from S3 through the gateway endpoint arrive from S3's public ranges.
                rule(rule_no=200, action="allow", protocol="tcp", from_port=1024, to_port=65535, cidr_block="0.0.0.0/0"),
            ],
            egress=[
                out(rule_no=100, action="allow", protocol="-1", from_port=0, to_port=0, cidr_block=args.cidr),
                out(rule_no=200, action="allow", protocol="tcp", from_port=443, to_port=443, cidr_block="0.0.0.0/0"),
            ],
            opts=t.opts(self))

    def _flow_logs(self, name: str, t: Target, args: NetworkArgs) -> None:
        stateful = t.stateful(self, args.protect)
        group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs", name=f"/aiplatform/vpc-flow-logs/{name}", kms_key_id=args.logs_key_arn,
            retention_in_days=args.flow_log_retention_days, opts=stateful)
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=iam.service_trust("vpc-flow-logs.amazonaws.com", t.account_id,
                                                 t.arn("ec2", "vpc-flow-log/*")),
            description="VPC flow log delivery", opts=t.opts(self))
        aws.iam.RolePolicy(
            f"{name}-flow-logs", role=role.id,
            policy=iam.document([iam.allow(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                           group.arn.apply(lambda a: [a, f"{a}:log-stream:*"]))]),
            opts=t.opts(self))
        self.flow_log = aws.ec2.FlowLog(
            f"{name}-flow-log", vpc_id=self.vpc_id, traffic_type="ALL", log_destination_type="cloud-watch-logs",
            log_destination=group.arn, iam_role_arn=role.arn, max_aggregation_interval=60, opts=t.opts(self))
