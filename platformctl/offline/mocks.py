"""Plausible outputs and invoke answers, per provider (its account and region).

A resource's computed outputs are derived from its type, inputs and the
provider it was created with, so ARNs name the right service, region and
account. Invokes are answered for the provider that asked, the way AWS would
answer in that account and region.

Types and invokes without a hand-written answer get plausible values derived
from what the provider SDK declares: the resource class's output-only
properties (``pulumi._types.resource_types``) and the invoke's result class,
so ordinary third-party programs run. Under ``--preview`` (dry run) computed
outputs stay unknown, as in a real preview.
"""

from __future__ import annotations

import collections.abc
import enum
import hashlib
import importlib
import json
import re
import types
import typing
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

import pulumi
from pulumi import _types
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks, rpc

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
    "aws:ec2/instance:Instance": "i", "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat", "aws:ec2/eip:Eip": "eipalloc", "aws:ec2/networkInterface:NetworkInterface": "eni",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt", "aws:ec2transitgateway/transitGateway:TransitGateway": "tgw",
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": "tgw-attach", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
    "aws:ec2/managedPrefixList:ManagedPrefixList": "pl", "aws:ebs/volume:Volume": "vol",
}
# ARN service names that differ from the provider module name.
_ARN_SERVICE = {"lb": "elasticloadbalancing", "alb": "elasticloadbalancing", "elb": "elasticloadbalancing", "sfn": "states",
                "cognito": "cognito-idp", "apigatewayv2": "apigateway", "cloudwatch": "cloudwatch", "opensearch": "es",
                "msk": "kafka", "servicediscovery": "servicediscovery", "wafv2": "wafv2",
                "codestarconnections": "codestar-connections"}
# ARN resource parts that are not "<kind>/<name>".
_ARN_RESOURCE = {
    "aws:lambda/function:Function": "function:{}", "aws:sns/topic:Topic": "{}", "aws:sqs/queue:Queue": "{}",
    "aws:rds/instance:Instance": "db:{}", "aws:rds/cluster:Cluster": "cluster:{}", "aws:redshift/cluster:Cluster": "cluster:{}",
    "aws:secretsmanager/secret:Secret": "secret:{}", "aws:sfn/stateMachine:StateMachine": "stateMachine:{}",
    "aws:iam/role:Role": "role/{}", "aws:iam/policy:Policy": "policy/{}",
}
_TIMESTAMP = "2024-01-01T00:00:00Z"


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


# -- what a provider SDK declares ------------------------------------------------
def _split_token(token: str) -> tuple[str, str, str]:
    package, module, name = (token.split(":") + ["", ""])[:3]
    return package, module, name


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except Exception:  # an SDK that is absent or fails to import just has no declared shapes
        return None


def _sdk_module(package: str, module: str) -> Any:
    """The Python module of a provider SDK holding ``package:module`` (``pulumi_aws.route53`` for ``aws:route53/...``)."""
    root = f"pulumi_{package.replace('-', '_')}"
    first = module.split("/")[0]
    return _import(root if first in ("", "index") else f"{root}.{first}")


@cache
def resource_class(token: str) -> type | None:
    """The SDK class registered for a resource type token (generated SDKs register their modules on import)."""
    package, module, name = _split_token(token)
    if _sdk_module(package, "") is None:
        return None
    for registration in rpc._RESOURCE_MODULES.get(f"{package}:{module}", []):
        info = getattr(registration, "mod_info", None) or {}
        if token in info.get("classes", {}):
            cls = getattr(_import(info["fqn"]), info["classes"][token], None)
            if isinstance(cls, type):
                return cls
    cls = getattr(_sdk_module(package, module), name, None)
    return cls if isinstance(cls, type) else None


@cache
def resource_shape(token: str) -> tuple[dict[str, Any], frozenset[str]] | None:
    """Declared output property types and input property names (wire names) of a resource type."""
    cls = resource_class(token)
    if cls is None or not issubclass(cls, pulumi.Resource) or issubclass(cls, pulumi.ProviderResource):
        return None
    try:
        outputs = _types.resource_types(cls)
        args = getattr(_import(cls.__module__), f"{cls.__name__}Args", None)
        inputs = frozenset(_types.resource_types(args)) if isinstance(args, type) else frozenset()
    except Exception:  # an SDK class that pulumi cannot introspect: fall back to the generic answer
        return None
    return outputs, inputs


@cache
def invoke_result_types(token: str) -> dict[str, Any] | None:
    """Declared result property types of an invoke (``GetZoneResult`` for ``aws:route53/getZone:getZone``)."""
    package, module, name = _split_token(token)
    cls = getattr(_sdk_module(package, module), f"{name[:1].upper()}{name[1:]}Result", None)
    if not isinstance(cls, type) or not _types.is_output_type(cls):
        return None
    try:
        return _types.output_type_types(cls)
    except Exception:  # see resource_shape
        return None


# -- plausible values of a declared type -------------------------------------------
class Subject(typing.NamedTuple):
    """What a plausible value is about: the resource (or invoke) and where it lives."""

    service: str
    kind: str
    physical: str
    resource_id: str
    region: str
    account: str
    inputs: dict[str, Any]


def _hostname(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"


def _plausible_str(prop: str, s: Subject) -> str:
    low = prop.lower()
    region = "" if s.service in _GLOBAL_SERVICES else s.region
    arn_service = _ARN_SERVICE.get(s.service, s.service)
    api = str(s.inputs.get("restApi") or s.inputs.get("apiId") or s.resource_id)
    stage = s.inputs.get("stageName")
    if prop == "executionArn":
        return f"arn:aws:execute-api:{s.region}:{s.account}:{api}" + (f"/{stage}" if stage else "")
    if prop == "invokeArn" and s.service == "lambda":
        function_arn = f"arn:aws:lambda:{s.region}:{s.account}:function:{s.physical}"
        return f"arn:aws:apigateway:{s.region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    if prop == "invokeUrl":
        return f"https://{_hostname(api)}.execute-api.{s.region}.amazonaws.com/{stage or ''}"
    if prop == "arnSuffix":
        return f"app/{s.physical}/{_digest(s.physical, n=16)}"
    if low.endswith("arn"):
        kind = s.kind if prop == "arn" else _kebab(prop[:-3])
        return f"arn:aws:{arn_service}:{region}:{s.account}:{kind}/{s.physical}"
    if low.endswith(("url", "uri", "endpoint")):
        return f"https://{_hostname(s.resource_id)}.{s.service}.{s.region}.amazonaws.com"
    if "cidr" in low:
        return "2600:1f18:1234:5600::/56" if "ipv6" in low else "10.0.0.0/16"
    if low.endswith(("ip", "ipaddress")):
        return "10.0.0.10"
    if low.endswith(("dnsname", "domainname", "hostname", "address")):
        return f"{_hostname(s.physical)}-{_digest(s.physical, n=8)}.{s.service}.{s.region}.amazonaws.com"
    if low.endswith("region"):
        return s.region
    if low in ("accountid", "ownerid", "owneraccountid", "account", "owner"):
        return s.account
    if low.endswith("zoneid"):
        return "Z" + _digest(s.physical, prop).upper()[:13]
    if low == "keyid":
        return str(uuid.UUID(_digest(s.physical, s.account, n=32)))
    if low == "id":
        return s.resource_id
    if low.endswith("id"):
        return f"{_kebab(prop[:-2])}-{_digest(s.physical, prop)}"
    if any(word in low for word in ("date", "time", "created", "modified", "updated")):
        return _TIMESTAMP
    if low.endswith("name"):
        return s.physical
    if low in ("status", "state"):
        return "available"
    if "version" in low:
        return "1"
    if low.endswith(("etag", "hash", "checksum", "sha256", "fingerprint")):
        return _digest(s.physical, prop, n=32)
    return f"{s.physical}-{_kebab(prop)}"


def plausible(prop: str, typ: Any, s: Subject, depth: int = 0) -> Any:
    """A value of the declared type ``typ`` for property ``prop``, shaped like what AWS returns.

    Resource-typed outputs (awsx components' ``loadBalancer``, ``service``...) get None: a resource reference
    resolved through the mock monitor's ``getResource`` deadlocks the SDK intermittently.
    """
    args = [a for a in typing.get_args(typ) if a is not type(None)]
    origin = typing.get_origin(typ)
    if origin in (typing.Union, types.UnionType):
        return plausible(prop, args[0], s, depth) if args else None
    if origin in (list, tuple, collections.abc.Sequence):
        element = args[0] if args else str
        singular = prop[:-1] if prop.endswith("s") else prop
        count = 2 if element is str else 1
        return [plausible(singular, element, s._replace(physical=f"{s.physical}-{i + 1}"), depth + 1) for i in range(count)]
    if origin is not None:  # mappings and anything else generic
        return {}
    if not isinstance(typ, type):
        return None
    if issubclass(typ, enum.Enum):
        return next(iter(typ)).value
    if typ is bool:
        return False
    if typ is int:
        return 443 if "port" in prop.lower() else 1
    if typ is float:
        return 1.0
    if typ is str:
        return _plausible_str(prop, s)
    if _types.is_output_type(typ):
        if depth >= 3:
            return {}
        return {k: plausible(k, t, s, depth + 1) for k, t in _types.output_type_types(typ).items()}
    return None


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
            "aws:kms/getAlias:getAlias": self._kms_alias,
            "aws:kms/getKey:getKey": self._kms_key,
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
        if handler is not None:
            return handler(args.args, self.view(args.provider))
        result = invoke_result_types(args.token)
        if result is None:
            warning = f"invoke {args.token} has no offline answer; it returned an empty result"
            if warning not in self.warnings:
                self.warnings.append(warning)
            return {}
        return self._declared_invoke(args.token, dict(args.args), result, self.view(args.provider))

    @staticmethod
    def _declared_invoke(token: str, args: dict[str, Any], result: dict[str, Any], p: ProviderView) -> dict[str, Any]:
        """An invoke's declared result: arguments echoed where the result names them, the rest plausible."""
        _, module, name = _split_token(token)
        physical = str(args.get("name") or args.get("domainName") or f"{_kebab(name.removeprefix('get'))}-{_digest(token, json.dumps(args, sort_keys=True, default=str), n=7)}")
        kind = _kebab(name.removeprefix("get"))
        prefix = _ID_PREFIX.get(f"{token.split(':')[0]}:{module}:{name.removeprefix('get')}")
        subject = Subject(service=module.split("/")[0], kind=kind, physical=physical,
                          resource_id=f"{prefix}-{_digest(token, physical)}" if prefix else physical, region=p.region, account=p.account, inputs=args)
        return {k: args[k] if k in args else plausible(k, t, subject) for k, t in result.items()}

    def _caller_identity(self, args: dict[str, Any], p: ProviderView) -> dict[str, Any]:
        return {"accountId": p.account, "arn": f"arn:aws:sts::{p.account}:assumed-role/deployer/pulumi", "userId": "AROAEXAMPLE:pulumi", "id": p.account}

    def _azs(self, args: dict[str, Any], p: ProviderView) -> dict[str, Any]:
        code = p.region.replace("-", "")[:4]
        # The region's standard zones, with the attributes DescribeAvailabilityZones filters on: a program that asks
        # for zones none of them has (a misspelt opt-in status, Local Zones) gets none, as from AWS. A filter on an
        # attribute not modelled here matches every zone. A standard zone's group is '<region>-zg-1' (EC2 API
        # reference, AvailabilityZone.GroupName), no longer the region name.
        zones = [{"zone-name": name, "zone-id": f"{code}-az{i + 1}", "group-name": f"{p.region}-zg-1", "region-name": p.region,
                  "opt-in-status": "opt-in-not-required", "zone-type": "availability-zone", "state": "available"}
                 for i, name in enumerate(self.zones(p.region))]
        wanted = [(f.get("name"), set(f.get("values") or ())) for f in args.get("filters") or ()]
        excluded = set(args.get("excludeNames") or ()) | set(args.get("excludeZoneIds") or ())
        zones = [z for z in zones if all(name not in z or z[name] in values for name, values in wanted)
                 and args.get("state") in (None, z["state"]) and not excluded & {z["zone-name"], z["zone-id"]}]
        names = [z["zone-name"] for z in zones]
        return {"names": names, "zoneIds": [z["zone-id"] for z in zones], "groupNames": [z["group-name"] for z in zones], "id": p.region}

    @staticmethod
    def _kms_target(ref: str, p: ProviderView) -> tuple[str, str, bool]:
        """(key id, key ARN, AWS-managed?) of the key an alias name or key reference resolves to."""
        if ":key/" in ref or (":" not in ref and not ref.startswith("alias/")):
            key_id = ref.rsplit("/", 1)[-1]
            return key_id, ref if ref.startswith("arn:") else f"arn:aws:kms:{p.region}:{p.account}:key/{key_id}", False
        alias = ref.split(":", 5)[-1] if ref.startswith("arn:") else ref
        key_id = str(uuid.UUID(_digest(alias, p.account, p.region, n=32)))
        return key_id, f"arn:aws:kms:{p.region}:{p.account}:key/{key_id}", alias.startswith("alias/aws/")

    def _kms_alias(self, args: dict[str, Any], p: ProviderView) -> dict[str, Any]:
        name = str(args.get("name") or "")
        key_id, key_arn, _ = self._kms_target(name, p)
        return {"arn": f"arn:aws:kms:{p.region}:{p.account}:{name}", "id": f"arn:aws:kms:{p.region}:{p.account}:{name}",
                "name": name, "region": p.region, "targetKeyArn": key_arn, "targetKeyId": key_id}

    def _kms_key(self, args: dict[str, Any], p: ProviderView) -> dict[str, Any]:
        key_id, key_arn, managed = self._kms_target(str(args.get("keyId") or ""), p)
        result = self._declared_invoke("aws:kms/getKey:getKey", args, invoke_result_types("aws:kms/getKey:getKey") or {}, p)
        return result | {"arn": key_arn, "id": key_id, "keyId": key_id, "awsAccountId": p.account, "region": p.region,
                         "keyManager": "AWS" if managed else "CUSTOMER", "enabled": True, "keyState": "Enabled",
                         "keyUsage": "ENCRYPT_DECRYPT", "keySpec": "SYMMETRIC_DEFAULT", "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
                         "origin": "AWS_KMS", "multiRegion": False}

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
        resource_id, state = self._generic(typ, args.name, inputs, p)
        return self._declared(typ, args.name, inputs, resource_id, state, p)

    def _declared(self, typ: str, name: str, inputs: dict[str, Any], resource_id: str, state: dict[str, Any], p: ProviderView):
        """Fill the outputs the SDK declares that nothing set; under a dry run leave computed outputs unknown."""
        shape = resource_shape(typ)
        if shape is None:
            return resource_id, state
        declared, input_names = shape
        cls = resource_class(typ)
        component = cls is not None and not issubclass(cls, pulumi.CustomResource)
        if pulumi.runtime.is_dry_run():
            kept = set(inputs) | {"name", "region", "tagsAll", _NAME_INPUT.get(typ, "name")}
            return ("" if not component else resource_id), {k: (v if k in kept else rpc.UNKNOWN) for k, v in state.items()} | {
                k: rpc.UNKNOWN for k in declared if k not in state}
        _, module, type_name = _split_token(typ)
        subject = Subject(service=module.split("/")[0], kind=_kebab(type_name), physical=str(state.get("name") or name),
                          resource_id=resource_id, region=p.region, account=p.account, inputs=inputs)
        for key, typ_ in declared.items():
            if key not in state and (component or key not in input_names):
                value = plausible(key, typ_, subject)
                if value is not None:
                    state[key] = value
        return resource_id, state

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
            resource = _ARN_RESOURCE.get(typ, kind + "/{}").format(physical)
            if typ == "aws:kms/key:Key":
                resource_id = str(uuid.UUID(_digest(name, p.account, p.region, n=32)))
                resource = f"key/{resource_id}"
                state["keyId"] = resource_id
            elif typ in _NAME_INPUT:  # the buckets themselves, not their bucket* sub-resources
                resource, resource_id = str(physical), str(physical)
                state.update(bucket=physical, bucketDomainName=f"{physical}.s3.amazonaws.com", bucketRegionalDomainName=f"{physical}.s3.{p.region}.amazonaws.com", region=p.region)
            elif service == "cloudwatch" and type_name == "LogGroup":
                service, resource = "logs", f"log-group:{physical}"
            elif service == "kms" and type_name == "Alias":
                resource = str(physical)
            elif service == "iam" and type_name in ("Role", "Policy") and inputs.get("path"):
                # IAM puts the path in the ARN: arn:aws:iam::<account>:role/<path>/<name>.
                resource = f"{type_name.lower()}{inputs['path']}{physical}"
            elif service == "ec2" and type_name == "VpcEndpoint":
                state.setdefault("prefixListId", f"pl-{_digest(name, n=8)}")
                state.setdefault("dnsEntries", [{"dnsName": f"{resource_id}.{inputs.get('serviceName', '')}", "hostedZoneId": "Z7HUB22UULQXV"}])
            state.setdefault("arn", f"arn:aws:{_ARN_SERVICE.get(service, service)}:{region}:{account}:{resource}")
            state.setdefault("name", physical)
            state.setdefault("region", p.region)
            state.setdefault("tagsAll", inputs.get("tags") or {})
        return resource_id, state

    def _awsx_vpc(self, name: str, inputs: dict[str, Any], p: ProviderView):
        """awsx.ec2.Vpc's outputs shaped from its inputs as awsx builds them: one subnet per subnet spec and
        availability zone (default specs: Private and Public; default zones: 3), so programs that index
        ``isolated_subnet_ids`` and friends are analysed. Resource-typed outputs stay empty (see ``plausible``)."""
        zones = inputs.get("availabilityZoneNames") or self.zones(p.region)[: int(inputs.get("numberOfAvailabilityZones") or 3)]
        specs = [s for s in inputs.get("subnetSpecs") or [{"type": "Private"}, {"type": "Public"}] if isinstance(s, dict)]
        subnet_ids: dict[str, list[str]] = {"isolated": [], "private": [], "public": []}
        layout = []
        for spec in specs:
            kind = str(spec.get("type", "")).lower()
            spec_name = str(spec.get("name") or kind)
            layout.append({"type": spec.get("type"), "name": spec_name, **({"cidrMask": spec["cidrMask"]} if "cidrMask" in spec else {})})
            if kind in subnet_ids:  # "Unused" specs reserve address space only
                subnet_ids[kind] += [f"subnet-{_digest(name, spec_name, z)}" for z in zones]
        vpc_id = f"vpc-{_digest(name, p.account, p.region)}"
        return f"{name}-id", {
            **inputs, "vpcId": vpc_id, "isolatedSubnetIds": subnet_ids["isolated"], "privateSubnetIds": subnet_ids["private"],
            "publicSubnetIds": subnet_ids["public"], "subnetLayout": layout, "natGateways": [], "eips": [], "subnets": [],
            "routeTables": [], "routeTableAssociations": [], "routes": [], "vpcEndpoints": [],
        }
