"""Isolated VPCs: no internet path for the ML tier, every AWS API through a private endpoint, flow logs on."""

from __future__ import annotations

import ipaddress
import json
import re

import pytest
from pulumi.runtime.mocks import MockCallArgs

from components.network import WORKLOAD_INTERFACE_SERVICES, interface_endpoint_policy, service_name
from platformctl.offline.mocks import PlatformMocks, ProviderView
from platformctl.offline.records import Snapshot
from tests.conftest import decoded
from tests.iam_lint import kind_of, lint

# The promise: these endpoints exist in every workload VPC.
REQUIRED = {
    "sagemaker.api", "sagemaker.runtime", "sagemaker.featurestore-runtime", "aws.sagemaker.{region}.studio",
    "aws.sagemaker.{region}.notebook", "sts", "logs", "monitoring", "events", "kms", "ecr.api", "ecr.dkr", "glue",
    "servicecatalog", "ssm", "secretsmanager",
    # What the later layers call from inside the VPC, with no internet path to fall back on:
    "sqs", "sns",  # the remediation Lambda's dead-letter queue and alert topic
    "application-autoscaling",  # the remediation Lambda resizes endpoint variants
    "xray",  # VPC Lambdas trace
    "lambda",  # invoking functions from the VPC
    "kinesis-firehose",  # ingestion delivery streams
    "lakeformation",  # Glue jobs in the VPC fetch Lake Formation-vended credentials for governed tables
}


def region_of(snap, record) -> str:
    return snap.provider_of(record).inputs["region"]


def vpcs(snap):
    return snap.of_type("awsx:ec2:Vpc")


def in_vpc(snap, vpc, token):
    """Resources of ``token`` whose vpcId input comes from this awsx VPC."""
    return [r for r in snap.of_type(token) if vpc.urn in r.property_dependencies.get("vpcId", [])]


def test_workload_vpcs_have_no_public_subnets_and_no_nat(workload):
    assert vpcs(workload)
    for vpc in vpcs(workload):
        assert {s["type"] for s in vpc.inputs["subnetSpecs"]} == {"Isolated"}
        assert vpc.inputs["natGateways"] == {"strategy": "None"}
        assert vpc.inputs["enableDnsHostnames"] and vpc.inputs["enableDnsSupport"]


def test_one_vpc_per_workload_account_and_region(workload):
    regions = sorted(region_of(workload, v) for v in vpcs(workload))
    assert regions == sorted(workload.config["aiplatform:accounts"]["workload"]["vpcCidrs"])


def test_build_vpc_has_controlled_egress(snapshots):
    (vpc,) = vpcs(snapshots["shared"])
    assert {s["type"] for s in vpc.inputs["subnetSpecs"]} == {"Private", "Public"}
    assert vpc.inputs["natGateways"] == {"strategy": "Single"}
    egress = [r for r in snapshots["shared"].of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
              if r.inputs.get("cidrIpv4") == "0.0.0.0/0"]
    assert [(r.inputs["fromPort"], r.inputs["toPort"]) for r in egress] == [(443, 443)]
    # What CodeBuild in the build VPC calls privately: roles (sts), logs, keys, image pulls (ECR's API and registry),
    # package pulls (CodeArtifact's API for the token, its repositories endpoint for packages) and secrets; S3 (the
    # image layers, artifacts) through the gateway endpoint.
    region = region_of(snapshots["shared"], vpc)
    endpoints = {e.inputs["serviceName"]: e.inputs["vpcEndpointType"]
                 for e in in_vpc(snapshots["shared"], vpc, "aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert endpoints == {f"com.amazonaws.{region}.{service}": "Interface" for service in (
        "sts", "logs", "kms", "ecr.api", "ecr.dkr", "codeartifact.api", "codeartifact.repositories", "secretsmanager")} | {
        f"com.amazonaws.{region}.s3": "Gateway"}


def test_every_required_interface_endpoint_with_private_dns(workload):
    for vpc in vpcs(workload):
        region = region_of(workload, vpc)
        endpoints = {e.inputs["serviceName"]: e for e in in_vpc(workload, vpc, "aws:ec2/vpcEndpoint:VpcEndpoint")}
        for service in REQUIRED:
            # AWS's naming, written out: com.amazonaws.<region>.<service>, except the SageMaker Studio/notebook endpoints.
            name = service.format(region=region) if service.startswith("aws.") else f"com.amazonaws.{region}.{service}"
            assert name in endpoints, f"{vpc.name} lacks the {name} endpoint"
            e = endpoints[name]
            assert e.inputs["vpcEndpointType"] == "Interface" and e.inputs["privateDnsEnabled"] is True
            assert e.inputs["subnetIds"], f"{name} is in no subnet"
            assert set(e.inputs["subnetIds"]) <= set(vpc.outputs["isolatedSubnetIds"]), f"{name} is outside the VPC's isolated subnets"
        s3 = endpoints[f"com.amazonaws.{region}.s3"]
        assert s3.inputs["vpcEndpointType"] == "Gateway" and s3.inputs["routeTableIds"]


def test_interface_endpoints_only_in_zones_that_offer_them():
    """us-east-1e offers few services (as in the offline answers): endpoints skip its subnet."""
    from platformctl.offline.mocks import PlatformMocks, ProviderView

    answer = PlatformMocks()._endpoint_service({"serviceName": "com.amazonaws.us-east-1.sts"}, ProviderView({"region": "us-east-1"}))
    assert "us-east-1e" not in answer["availabilityZones"]
    zones = ["us-east-1d", "us-east-1e", "us-east-1f"]
    subnets = ["subnet-d", "subnet-e", "subnet-f"]
    assert [s for s, z in zip(subnets, zones) if z in answer["availabilityZones"]] == ["subnet-d", "subnet-f"]


def test_endpoint_security_group_admits_only_https_from_the_vpc(workload):
    for vpc in vpcs(workload):
        endpoints = in_vpc(workload, vpc, "aws:ec2/vpcEndpoint:VpcEndpoint")
        sg_ids = {sg for e in endpoints for sg in e.inputs.get("securityGroupIds") or []}
        assert len(sg_ids) == 1
        (sg,) = [g for g in workload.of_type("aws:ec2/securityGroup:SecurityGroup") if g.id in sg_ids]
        rules = [r for r in workload.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                 if sg.urn in r.property_dependencies.get("securityGroupId", [])]
        assert [(r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrIpv4"]) for r in rules] == [(443, 443, vpc.inputs["cidrBlock"])]
        # ...and what the workloads may send toward the VPC's range is HTTPS to those endpoints (peers in the same
        # group aside, matched by group, and S3 by its prefix list).
        to_vpc = [(r.inputs["ipProtocol"], r.inputs["fromPort"], r.inputs["toPort"])
                  for r in workload.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
                  if r.inputs.get("cidrIpv4") == vpc.inputs["cidrBlock"] and vpc.urn in _ancestors_vpc(workload, r)]
        assert to_vpc == [("tcp", 443, 443)], to_vpc


def _ancestors_vpc(snap, record) -> set[str]:
    """The awsx VPCs of the Network component ``record`` belongs to."""
    parent = snap.by_urn.get(record.parent)
    while parent is not None and parent.type != "aiplatform:network:Network":
        parent = snap.by_urn.get(parent.parent)
    return {r.urn for r in snap.of_type("awsx:ec2:Vpc") if parent is not None and r.parent == parent.urn}


def test_no_security_group_admits_the_internet(stack):
    for r in stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        assert r.inputs.get("cidrIpv4") not in ("0.0.0.0/0",) and r.inputs.get("cidrIpv6") != "::/0", r.urn
    for sg in stack.of_type("aws:ec2/securityGroup:SecurityGroup"):
        for rule in sg.inputs.get("ingress") or []:
            assert "0.0.0.0/0" not in (rule.get("cidrBlocks") or []), sg.urn


def test_isolated_subnets_have_a_network_acl(workload):
    for vpc in vpcs(workload):
        (acl,) = in_vpc(workload, vpc, "aws:ec2/networkAcl:NetworkAcl")
        assert acl.inputs["subnetIds"]
        cidr = ipaddress.ip_network(vpc.inputs["cidrBlock"])
        open_ingress = [r for r in acl.inputs["ingress"] if r["cidrBlock"] == "0.0.0.0/0" and r["action"] == "allow"]
        # From outside the VPC only replies (ephemeral ports) may enter.
        assert all(r["protocol"] == "tcp" and r["fromPort"] >= 1024 for r in open_ingress)
        # ...and SSH/RDP inside that range are denied first (entries match in rule-number order; FSBP EC2.21).
        denied = {r["fromPort"]: r["ruleNo"] for r in acl.inputs["ingress"]
                  if r["cidrBlock"] == "0.0.0.0/0" and r["action"] == "deny" and r["fromPort"] == r["toPort"]}
        assert set(denied) == {22, 3389}
        assert max(denied.values()) < min(r["ruleNo"] for r in open_ingress)
        assert any(ipaddress.ip_network(r["cidrBlock"]) == cidr and r["protocol"] == "-1" for r in acl.inputs["ingress"])
        # NACLs are stateless: replies to the isolated subnets' clients (S3 through the gateway endpoint) arrive on
        # the client's source port, and Lambda functions and NAT gateways use 1024-65535 (VPC User Guide, ephemeral
        # ports): the allowed range must cover all of it.
        assert any(r["protocol"] == "tcp" and r["fromPort"] <= 1024 and r["toPort"] >= 65535 for r in open_ingress)


def test_flow_logs_for_every_vpc_into_encrypted_groups(stack):
    groups = {g.outputs["arn"]: g for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for vpc in vpcs(stack):
        (flow,) = in_vpc(stack, vpc, "aws:ec2/flowLog:FlowLog")
        assert flow.inputs["trafficType"] == "ALL"
        group = groups[flow.inputs["logDestination"]]
        assert group.inputs["kmsKeyId"].startswith("arn:aws:kms:")
        assert region_of(stack, group) == region_of(stack, vpc)


def test_workload_interface_endpoint_list_is_unique():
    assert len(WORKLOAD_INTERFACE_SERVICES) == len(set(WORKLOAD_INTERFACE_SERVICES))


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_studio_endpoint_names_follow_the_aws_scheme(region):
    assert service_name("aws.sagemaker.{region}.studio", region) == f"aws.sagemaker.{region}.studio"
    assert service_name("sts", region) == f"com.amazonaws.{region}.sts"


def test_vpc_cidrs_come_from_config(workload):
    cidrs = workload.config["aiplatform:accounts"]["workload"]["vpcCidrs"]
    for vpc in vpcs(workload):
        assert vpc.inputs["cidrBlock"] == cidrs[region_of(workload, vpc)]
        assert decoded(vpc.inputs["availabilityZoneNames"])


AZ_LOOKUP = "aws:index/getAvailabilityZones:getAvailabilityZones"


@pytest.mark.parametrize(("status", "found"), [
    ("opt-in-not-required", True),  # the standard zones: what the network asks for
    ("opted-in", False),  # Local and Wavelength Zones only: none in the offline regions
    ("opt-in-not-requried", False),  # a misspelt status matches nothing, in AWS as here
])
def test_the_offline_zone_lookup_filters_as_describe_availability_zones_does(status: str, found: bool) -> None:
    # The network's lookup keeps to zones that need no opt-in (opt-in-status, one of opt-in-not-required, opted-in,
    # not-opted-in): its subnets must not land in a Local Zone. The offline answer applies the filter, so a wrong
    # filter leaves the program without zones (it then stops) instead of passing unseen.
    answer = PlatformMocks(default_region="us-west-2").call(MockCallArgs(
        AZ_LOOKUP, {"state": "available", "filters": [{"name": "opt-in-status", "values": [status]}]}, ""))
    expected = ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"] if found else []
    assert answer["names"] == expected
    assert len(answer["zoneIds"]) == len(expected)


def test_every_glue_connections_security_group_admits_its_own_members(stack):
    # AWS Glue requires a self-referencing inbound rule for all TCP ports on a connection's security groups (its Spark
    # executors talk to each other); the same group carries Studio's app-to-app and EFS traffic.
    ingress = [r.inputs for r in stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")]
    connections = stack.of_type("aws:glue/connection:Connection")
    for connection in connections:
        for group in connection.inputs["physicalConnectionRequirements"]["securityGroupIdLists"]:
            assert any(rule["securityGroupId"] == group and rule.get("referencedSecurityGroupId") == group
                       and (rule["ipProtocol"] == "-1" or (rule["ipProtocol"] == "tcp" and rule.get("fromPort") == 0
                                                           and rule.get("toPort") == 65535))
                       for rule in ingress), f"{connection.urn}: {group} does not admit itself on all TCP ports"
    assert connections or stack.stack == "shared"


def test_flow_logs_aggregate_every_minute(stack):
    # MaxAggregationInterval takes 60 or 600 seconds only; one minute keeps an incident's traffic visible quickly.
    flows = stack.of_type("aws:ec2/flowLog:FlowLog")
    assert flows
    for flow in flows:
        assert flow.inputs["maxAggregationInterval"] == 60, flow.urn


@pytest.mark.parametrize("region", ["us-east-1", "us-west-2"])
def test_the_offline_zone_lookup_names_zone_groups_as_aws_does(region: str) -> None:
    # EC2 API reference (AvailabilityZone.GroupName): an Availability Zone's group is '<region>-zg-1' ('us-east-1-zg-1'),
    # not the region; a program filtering group-name on the region would find zones offline and none in AWS.
    mocks = PlatformMocks(default_region=region)
    every = mocks.call(MockCallArgs(AZ_LOOKUP, {}, ""))
    assert every["names"] and set(every["groupNames"]) == {f"{region}-zg-1"}
    by_region = mocks.call(MockCallArgs(AZ_LOOKUP, {"filters": [{"name": "group-name", "values": [region]}]}, ""))
    assert by_region["names"] == []


def test_no_execute_api_endpoint_hides_a_public_api(stack):
    # An execute-api interface endpoint with private DNS answers *.execute-api.<region>.amazonaws.com inside the VPC,
    # and it reaches PRIVATE REST APIs only: every call from the VPC to a REGIONAL or EDGE API gets 403 Forbidden
    # (API Gateway Developer Guide, "Private REST APIs"). Such an endpoint is for stacks whose APIs are all private.
    def types(api) -> set[str]:
        value = (api.inputs.get("endpointConfiguration") or {}).get("types", "EDGE")
        return set(value if isinstance(value, list) else [value])

    apis = stack.of_type("aws:apigateway/restApi:RestApi")
    public = [a.urn for a in apis if types(a) - {"PRIVATE"}]
    hijacking = [e.urn for e in stack.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
                 if e.inputs["serviceName"].endswith(".execute-api") and e.inputs.get("privateDnsEnabled")]
    assert not (public and hijacking), (public, hijacking)
    assert apis or stack.stack == "shared"


def test_every_vpcs_subnets_fit_its_range_with_masks_aws_accepts(stack):
    """Each awsx subnet spec is one subnet per AZ: AWS accepts subnet masks /16 to /28, and together they must fit the
    VPC's range; an isolated VPC keeps half its range free for later tiers."""
    for vpc in vpcs(stack):
        network = ipaddress.ip_network(vpc.inputs["cidrBlock"])
        zones = len(vpc.inputs["availabilityZoneNames"])
        masks = [spec["cidrMask"] for spec in vpc.inputs["subnetSpecs"]]
        assert all(isinstance(m, int | float) and 16 <= m <= 28 for m in masks), (vpc.urn, masks)
        used = sum(zones * 2 ** (32 - int(m)) for m in masks)
        isolated = all(spec["type"] == "Isolated" for spec in vpc.inputs["subnetSpecs"])
        assert used <= network.num_addresses // (2 if isolated else 1), (vpc.urn, used, network)


def test_every_security_group_rule_names_a_protocol_ec2_accepts(stack):
    """EC2 takes tcp, udp, icmp, icmpv6, -1 (all) or an IANA protocol number; anything else fails at create time."""
    rules = [r for t in ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                         "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") for r in stack.of_type(t)]
    assert rules
    for rule in rules:
        protocol = str(rule.inputs["ipProtocol"])
        assert protocol in ("tcp", "udp", "icmp", "icmpv6", "-1") or protocol.isdigit(), (rule.name, protocol)


# -- Interface endpoint policies: the data perimeter ------------------------------------------------------------------

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
# The IAM prefix of every endpoint service the stacks put a policy on (Service Authorization Reference), written out:
# all an endpoint's policy may allow. A new endpoint service fails these tests until its prefix is entered here.
ENDPOINT_PREFIXES = {
    "sagemaker.api": "sagemaker", "sagemaker.runtime": "sagemaker", "sagemaker.featurestore-runtime": "sagemaker",
    "sts": "sts", "logs": "logs", "monitoring": "cloudwatch", "events": "events", "kms": "kms", "ecr.api": "ecr",
    "ecr.dkr": "ecr", "glue": "glue", "servicecatalog": "servicecatalog", "ssm": "ssm", "secretsmanager": "secretsmanager",
    "sqs": "sqs", "sns": "sns", "kinesis-firehose": "firehose", "application-autoscaling": "application-autoscaling",
    "xray": "xray", "lambda": "lambda", "lakeformation": "lakeformation", "codeartifact.api": "codeartifact",
    "codeartifact.repositories": "codeartifact", "ec2": "ec2", "elasticloadbalancing": "elasticloadbalancing",
    "eks": "eks", "eks-auth": "eks-auth",
}
# Browsers reach these with a presigned URL's session: left on AWS's full-access default.
BROWSER_ENDPOINTS = {"aws.sagemaker.{region}.studio", "aws.sagemaker.{region}.notebook"}
# CodeArtifact's documented endpoint policy also allows sts:GetServiceBearerToken (its token call needs both).
EXTRA_ACTIONS = {"codeartifact": {"sts:GetServiceBearerToken"}}
# AWS's data-perimeter endpoint policies also admit AWS service principals (their own calls, never a caller's).
AWS_SERVICES = {"Bool": {"aws:PrincipalIsAWSService": "true"}}
# Sign-in with a web identity token or a SAML assertion carries no AWS credentials (no principal account of ours).
UNAUTHENTICATED_STS = {"sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def interface_endpoints(snap: Snapshot) -> list:
    return [e for e in snap.of_type(ENDPOINT) if e.inputs["vpcEndpointType"] == "Interface"]


def endpoint_key(full_name: str, region: str) -> str:
    """'com.amazonaws.<region>.ecr.api' -> 'ecr.api'; 'aws.sagemaker.<region>.studio' -> 'aws.sagemaker.{region}.studio'."""
    prefix = f"com.amazonaws.{region}."
    return full_name.removeprefix(prefix) if full_name.startswith(prefix) else full_name.replace(region, "{region}")


def principal_accounts(snap: Snapshot, endpoint) -> set[str]:
    """The VPC's own account; the build VPC's deploy jobs also act with the workload accounts' (accounts.members) roles."""
    own = {snap.placement(endpoint)[0]}
    return own | set(snap.config["aiplatform:accounts"]["members"]) if "build-network" in endpoint.name else own


def perimeter_violations(snap: Snapshot) -> list[str]:
    """Every statement of every interface endpoint policy either carries aws:PrincipalAccount = exactly the accounts
    whose principals work in that VPC and allows only the endpoint's own service, or (STS only) allows nothing but
    the credential-less sign-ins, into roles of those accounts."""
    found = []
    for e in interface_endpoints(snap):
        if not e.inputs.get("policy"):
            continue
        ours = principal_accounts(snap, e)
        prefix = ENDPOINT_PREFIXES[endpoint_key(e.inputs["serviceName"], region_of(snap, e))]
        statements = json.loads(e.inputs["policy"])["Statement"]
        for st in statements:
            actions, resources = set(as_list(st["Action"])), as_list(st["Resource"])
            where = f"{e.name} {st.get('Sid')}"
            if st["Effect"] != "Allow" or st.get("Principal") != "*" or "NotAction" in st or "NotResource" in st:
                found.append(f"{where}: not a plain Allow to '*': {st}")
            elif "Condition" in st:
                if st["Condition"] not in ({"StringEquals": {"aws:PrincipalAccount": sorted(ours)}}, AWS_SERVICES):
                    found.append(f"{where}: condition {st['Condition']} is neither aws:PrincipalAccount = {sorted(ours)} "
                                 "nor an AWS service principal")
                if not actions <= {f"{prefix}:*"} | EXTRA_ACTIONS.get(prefix, set()):
                    found.append(f"{where}: {sorted(actions)} beyond {prefix}:*")
            elif not (prefix == "sts" and actions <= UNAUTHENTICATED_STS and all(
                    (m := re.fullmatch(r"arn:aws:iam::(\d{12}):role/.+", r)) and m[1] in ours for r in resources)):
                found.append(f"{where}: allows {sorted(actions)} on {resources} without the principal-account condition")
        if not any("aws:PrincipalAccount" in json.dumps(st.get("Condition")) for st in statements):
            found.append(f"{e.name}: no statement for the platform's own principals")
    return found


def test_every_api_endpoint_whose_service_takes_a_policy_has_one(stack):
    """A missing policy is AWS's full-access default: any account's credentials reach the service from the VPC. Where
    the service takes none (DescribeVpcEndpointServices' VpcEndpointPolicySupported, answered offline by the mocks),
    CreateVpcEndpoint refuses a custom policy, so there must be none; nor on the browser endpoints."""
    endpoints = interface_endpoints(stack)
    assert endpoints
    mocks = PlatformMocks()
    for e in endpoints:
        region = region_of(stack, e)
        answer = mocks._endpoint_service({"serviceName": e.inputs["serviceName"], "serviceType": "Interface"},
                                         ProviderView({"region": region}))
        browser = endpoint_key(e.inputs["serviceName"], region) in BROWSER_ENDPOINTS
        assert bool(e.inputs.get("policy")) == (answer["vpcEndpointPolicySupported"] and not browser), e.name


@pytest.mark.parametrize("service", ["ssm", "sts", "aws.sagemaker.{region}.studio"])
def test_no_endpoint_policy_where_the_service_takes_none_or_on_a_browser_endpoint(service):
    assert interface_endpoint_policy(service, ["111122223333"], False) is None
    assert interface_endpoint_policy(service, ["111122223333"], None) is None
    assert interface_endpoint_policy("aws.sagemaker.{region}.notebook", ["111122223333"], True) is None


def test_interface_endpoint_policies_admit_only_the_principals_working_in_the_vpc(stack):
    assert [e for e in interface_endpoints(stack) if e.inputs.get("policy")]
    assert not perimeter_violations(stack)


def test_sts_endpoints_still_admit_web_identity_and_saml_sign_in_to_our_roles(stack):
    # AssumeRoleWithWebIdentity / AssumeRoleWithSAML are not signed with AWS credentials: under a principal-account
    # condition alone IRSA and SAML federation from inside the VPC would be refused.
    sts = [e for e in interface_endpoints(stack) if e.inputs["serviceName"].endswith(".sts")]
    assert sts
    for e in sts:
        sign_in = [st for st in json.loads(e.inputs["policy"])["Statement"] if "Condition" not in st]
        assert [(set(as_list(st["Action"])), set(as_list(st["Resource"]))) for st in sign_in] == [
            (UNAUTHENTICATED_STS, {f"arn:aws:iam::{a}:role/*" for a in principal_accounts(stack, e)})], e.name


def test_the_build_vpc_admits_the_workload_accounts_its_deploy_jobs_act_in(snapshots):
    shared = snapshots["shared"]
    build = [e for e in interface_endpoints(shared) if "build-network" in e.name and e.inputs.get("policy")]
    assert build
    for e in build:
        (accounts,) = [st["Condition"]["StringEquals"]["aws:PrincipalAccount"] for st in json.loads(e.inputs["policy"])["Statement"]
                       if "StringEquals" in st.get("Condition", {})]
        assert accounts == ["222222222222", "333333333333", "444444444444"], e.name


def test_interface_endpoint_policies_pass_parliament(stack):
    docs = [(e, json.loads(e.inputs["policy"])) for e in interface_endpoints(stack) if e.inputs.get("policy")]
    assert docs
    failures = [f"{e.name}: {finding}" for e, doc in docs for finding in lint(doc, kind_of("policy", doc, e.type))]
    assert not failures, "\n".join(failures)
