"""Plausible outputs and invoke answers, per provider (its account and region).

A resource's computed outputs are derived from its type, inputs and the
provider it was created with, so ARNs name the right service, region and
account. Invokes are answered for the provider that asked, the way AWS would
answer in that account and region.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"

# Zones per region; us-east-1e offers few services, which exercises AZ filtering.
_AZ_LETTERS = {"us-east-1": "abcdef", "us-west-2": "abcd"}
_SPARSE_AZS = {"us-east-1": {"us-east-1e"}}

# Resource types whose physical name input is not called ``name``.
_NAME_INPUT = {"aws:s3/bucket:Bucket": "bucket", "aws:s3/bucketV2:BucketV2": "bucket"}
_GLOBAL_SERVICES = {"iam", "s3", "cloudfront", "route53", "organizations", "budgets", "ce"}
_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc", "aws:ec2/subnet:Subnet": "subnet", "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce", "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:ec2/routeTable:RouteTable": "rtb", "aws:ec2/flowLog:FlowLog": "fl",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
}


def _digest(*parts: str, n: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:n]


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _json_list(value: Any) -> list:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return [value]
    return list(value or [])


class ProviderView:
    """Account and region a provider resource deploys into, read from its inputs."""

    def __init__(self, inputs: dict[str, Any] | None = None, default_region: str = DEFAULT_REGION):
        inputs = inputs or {}
        ids = _json_list(inputs.get("allowedAccountIds"))
        self.account = str(ids[0]) if ids else DEFAULT_ACCOUNT
        self.region = str(inputs.get("region") or default_region)


class PlatformMocks(Mocks):
    """Mocks that answer like AWS would for the provider that asked."""

    def __init__(self, stack_outputs: dict[str, dict[str, Any]] | None = None, default_region: str = DEFAULT_REGION):
        self.provider_inputs: dict[str, dict[str, Any]] = {}  # provider URN -> inputs (filled by the monitor)
        self.stack_outputs = stack_outputs or {}
        self.default_region = default_region
        self.warnings: list[str] = []
        self.calls: dict[str, Callable[[dict[str, Any], ProviderView], dict[str, Any]]] = {
            "aws:index/getCallerIdentity:getCallerIdentity": self._caller_identity,
            "aws:index/getRegion:getRegion": lambda a, p: {"name": p.region, "region": p.region, "id": p.region, "endpoint": f"ec2.{p.region}.amazonaws.com", "description": p.region},
            "aws:index/getPartition:getPartition": lambda a, p: {"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws", "id": "aws"},
            "aws:index/getAvailabilityZones:getAvailabilityZones": self._azs,
            "aws:iam/getPolicyDocument:getPolicyDocument": self._policy_document,
            "aws:ec2/getVpcEndpointService:getVpcEndpointService": self._endpoint_service,
            "aws:ec2/getRouteTables:getRouteTables": lambda a, p: {"ids": [f"rtb-{_digest(str(a.get('vpcId')), str(i))}" for i in range(3)], "id": p.region},
        }

    # -- helpers --------------------------------------------------------------
    def view(self, provider_ref: str | None) -> ProviderView:
        urn = (provider_ref or "").rsplit("::", 1)[0]
        return ProviderView(self.provider_inputs.get(urn), self.default_region)

    @staticmethod
    def zones(region: str) -> list[str]:
        return [f"{region}{c}" for c in _AZ_LETTERS.get(region, "abc")]

    # -- invokes ----------------------------------------------------------------
    def call(self, args: MockCallArgs):
        handler = self.calls.get(args.token)
        if handler is None:
            self.warnings.append(f"invoke {args.token} has no offline answer; it returned an empty result")
            return {}
        return handler(args.args, self.view(args.provider))

    def _caller_identity(self, args: dict[str, Any], p: ProviderView) -> dict[str, Any]:
        return {"accountId": p.account, "arn": f"arn:aws:sts::{p.account}:assumed-role/deployer/pulumi", "userId": "AROAEXAMPLE:pulumi", "id": p.account}

    def _azs(self, args: dict[str, Any], p: ProviderView) -> dict[str, Any]:
        names = self.zones(p.region)
        code = p.region.replace("-", "")[:4]
        return {"names": names, "zoneIds": [f"{code}-az{i + 1}" for i in range(len(names))], "groupNames": [p.region] * len(names), "id": p.region}

    def _endpoint_service(self, args: dict[str, Any], p: ProviderView) -> dict[str, Any]:
        service = args.get("serviceName") or f"com.amazonaws.{p.region}.{args.get('service', 'unknown')}"
        gateway = service.endswith((".s3", ".dynamodb")) and args.get("serviceType") != "Interface"
        zones = [z for z in self.zones(p.region) if gateway or z not in _SPARSE_AZS.get(p.region, set())]
        return {
            "serviceName": service, "serviceType": "Gateway" if gateway else "Interface", "availabilityZones": zones,
            "privateDnsName": None if gateway else service.split(".", 3)[-1] + f".{p.region}.amazonaws.com",
            "acceptanceRequired": False, "owner": "amazon", "vpcEndpointPolicySupported": True, "id": service,
            "serviceId": f"vpce-svc-{_digest(service)}", "baseEndpointDnsNames": [], "managesVpcEndpoints": False,
            "region": p.region, "tags": {}, "supportedIpAddressTypes": ["ipv4"],
        }

    @staticmethod
    def _policy_document(args: dict[str, Any], p: ProviderView) -> dict[str, Any]:
        def one_or_many(values: list[str]):
            return values[0] if len(values) == 1 else values

        statements = []
        for st in args.get("statements") or []:
            out: dict[str, Any] = {}
            if st.get("sid"):
                out["Sid"] = st["sid"]
            out["Effect"] = st.get("effect", "Allow")
            for key, name in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"), ("notResources", "NotResource")):
                if st.get(key):
                    out[name] = one_or_many(sorted(st[key]))
            for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
                if st.get(key):
                    out[name] = {pr["type"]: one_or_many(pr["identifiers"]) for pr in st[key]}
            for cond in st.get("conditions") or []:
                out.setdefault("Condition", {}).setdefault(cond["test"], {})[cond["variable"]] = one_or_many(cond["values"])
            statements.append(out)
        doc = {"Version": args.get("version") or "2012-10-17", "Statement": statements}
        if args.get("policyId"):
            doc["Id"] = args["policyId"]
        return {"json": json.dumps(doc, indent=2), "minifiedJson": json.dumps(doc, separators=(",", ":")), "id": _digest(json.dumps(doc))}

    # -- resources --------------------------------------------------------------
    def new_resource(self, args: MockResourceArgs):
        typ, inputs = args.typ, dict(args.inputs)
        if typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider-id", inputs
        if typ == "pulumi:pulumi:StackReference":
            name = inputs.get("name", "")
            outputs = self.stack_outputs.get(name) or self.stack_outputs.get(name.rsplit("/", 1)[-1])
            if outputs is None:
                self.warnings.append(f"StackReference '{name}' has no offline outputs; its values are empty")
                outputs = {}
            return name, {"name": name, "outputs": outputs, "secretOutputNames": []}
        p = self.view(args.provider)
        if typ == "awsx:ec2:Vpc":
            return self._awsx_vpc(args.name, inputs, p)
        return self._generic(typ, args.name, inputs, p)

    def _generic(self, typ: str, name: str, inputs: dict[str, Any], p: ProviderView):
        package, module_path, type_name = (typ.split(":") + ["", ""])[:3]
        service = module_path.split("/")[0]
        physical = inputs.get(_NAME_INPUT.get(typ, "name")) or f"{name}-{_digest(name, n=7)}"
        prefix = _ID_PREFIX.get(typ)
        resource_id = f"{prefix}-{_digest(typ, name)}" if prefix else str(physical)
        state: dict[str, Any] = {**inputs}
        if package == "aws":
            region = "" if service in _GLOBAL_SERVICES else p.region
            account = "" if service == "s3" else p.account
            kind = _kebab(type_name)
            resource = f"{kind}/{physical}"
            if typ == "aws:kms/key:Key":
                resource_id = str(uuid.UUID(_digest(name, p.account, p.region, n=32)))
                resource = f"key/{resource_id}"
                state["keyId"] = resource_id
            elif service == "s3" and kind.startswith("bucket"):
                resource, resource_id = str(physical), str(physical)
                state.update(bucket=physical, bucketDomainName=f"{physical}.s3.amazonaws.com", bucketRegionalDomainName=f"{physical}.s3.{p.region}.amazonaws.com", region=p.region)
            elif service == "cloudwatch" and type_name == "LogGroup":
                service, resource = "logs", f"log-group:{physical}"
            elif service == "kms" and type_name == "Alias":
                resource = str(physical)
            elif service == "ec2" and type_name == "VpcEndpoint":
                state.setdefault("prefixListId", f"pl-{_digest(name, n=8)}")
                state.setdefault("dnsEntries", [{"dnsName": f"{resource_id}.{inputs.get('serviceName', '')}", "hostedZoneId": "Z7HUB22UULQXV"}])
            state.setdefault("arn", f"arn:aws:{service}:{region}:{account}:{resource}")
            state.setdefault("name", physical)
            state.setdefault("region", p.region)
            state.setdefault("tagsAll", inputs.get("tags") or {})
        return resource_id, state

    def _awsx_vpc(self, name: str, inputs: dict[str, Any], p: ProviderView):
        zones = inputs.get("availabilityZoneNames") or self.zones(p.region)[: int(inputs.get("numberOfAvailabilityZones") or 3)]
        kinds = [str(s.get("type", "")).lower() for s in inputs.get("subnetSpecs") or [{"type": "Private"}, {"type": "Public"}]]
        subnet_ids = {k: [f"subnet-{_digest(name, k, z)}" for z in zones] if k in kinds else [] for k in ("isolated", "private", "public")}
        vpc_id = f"vpc-{_digest(name, p.account, p.region)}"
        return f"{name}-id", {
            **inputs, "vpcId": vpc_id, "isolatedSubnetIds": subnet_ids["isolated"], "privateSubnetIds": subnet_ids["private"],
            "publicSubnetIds": subnet_ids["public"], "subnetLayout": [], "natGateways": [], "eips": [], "subnets": [],
            "routeTables": [], "routeTableAssociations": [], "routes": [], "vpcEndpoints": [],
        }
