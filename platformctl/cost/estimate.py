"""Monthly cost of a synthesized stack, resource by resource, from the price table and the usage assumptions.

Fixed items are what a resource costs by existing (instances, endpoint-hours, keys, dashboards, alarms, web ACLs).
Usage items carry their unit price and a quantity only when ``cost.assumptions`` gives one; otherwise their
monthly amount is unknown and the report lists them as such instead of dropping them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from platformctl.cost.prices import PriceTable
from platformctl.graph.model import account_region
from platformctl.offline.records import ResourceRecord, Snapshot

HOURS_PER_MONTH = 730  # AWS's own monthly convention (8,760 h / 12)
DAYS_PER_MONTH = 30.4


@dataclass(frozen=True)
class LineItem:
    stack: str
    layer: str
    account: str
    region: str
    resource: str
    type: str
    service: str
    product: str
    description: str
    unit: str
    fixed: bool
    quantity: float | None  # per month; None: usage-based with no assumption
    unit_price: float | None  # None: no row in the price table
    price_note: str = ""  # e.g. priced at the home region's row
    assumption: str = ""  # the cost.assumptions key the quantity comes from

    @property
    def monthly(self) -> float | None:
        if self.quantity is None or self.unit_price is None:
            return None
        return round(self.quantity * self.unit_price, 2)

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"monthly": self.monthly}


class _Context:
    def __init__(self, snap: Snapshot, prices: PriceTable, assumptions: Mapping[str, float | None]):
        self.snap = snap
        self.prices = prices
        self.assumptions = assumptions

    def placement(self, r: ResourceRecord) -> tuple[str, str]:
        return account_region(self.snap, r)

    def item(self, r: ResourceRecord, service: str, product: str, description: str, *, fixed: bool,
             quantity: float | None = None, assumption: str = "", per: float = 1.0) -> LineItem:
        """One line; a usage line's quantity is ``per`` x the assumption (None when the assumption is unset)."""
        account, region = self.placement(r)
        price, stand_in = self.prices.lookup(region, service, product)
        if assumption:
            value = self.assumptions.get(assumption)
            quantity = None if value is None else value * per
        layer = self.snap.layer_of(r)
        return LineItem(
            stack=self.snap.stack, layer=layer.rsplit(":", 1)[-1] if layer != "(stack)" else layer, account=account,
            region=region, resource=r.name, type=r.type, service=service, product=product, description=description,
            unit=price.unit if price else "", fixed=fixed, quantity=quantity, unit_price=price.usd if price else None,
            price_note=f"priced at {price.region}" if stand_in and price else "", assumption=assumption)


Estimator = Callable[[_Context, ResourceRecord], Iterable[LineItem]]
ESTIMATORS: dict[str, Estimator] = {}


def prices(*types: str) -> Callable[[Estimator], Estimator]:
    def register(fn: Estimator) -> Estimator:
        for t in types:
            ESTIMATORS[t] = fn
        return fn
    return register


def _num(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


# -- SageMaker ---------------------------------------------------------------------------------------------------
@prices("aws:sagemaker/endpointConfiguration:EndpointConfiguration")
def _endpoint_config(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    variants = [*(r.inputs.get("productionVariants") or []), *(r.inputs.get("shadowProductionVariants") or [])]
    for v in variants:
        if v.get("instanceType"):
            count = _num(v.get("initialInstanceCount"), 1)
            yield ctx.item(r, "sagemaker", f"hosting:{v['instanceType']}",
                           f"variant {v.get('variantName', '?')}: {count:g} x {v['instanceType']}, always on",
                           fixed=True, quantity=count * HOURS_PER_MONTH)
        elif v.get("serverlessConfig"):
            yield ctx.item(r, "sagemaker", "serverless-inference", f"variant {v.get('variantName', '?')}: serverless, "
                           "billed per use", fixed=False)


def _runs_per_month(expression: str) -> float:
    """Runs a month of a Model Monitor schedule (``cron(...)`` as SageMaker accepts: hourly or daily)."""
    fields = expression.removeprefix("cron(").removesuffix(")").split()
    if len(fields) >= 2 and fields[1] == "*":
        return HOURS_PER_MONTH
    if len(fields) >= 2 and fields[1].startswith("*/"):
        return HOURS_PER_MONTH / _num(fields[1][2:], 1)
    return DAYS_PER_MONTH


@prices("aws:sagemaker/monitoringSchedule:MonitoringSchedule")
def _monitoring_schedule(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    config = r.inputs.get("monitoringScheduleConfig") or {}
    job_name = config.get("monitoringJobDefinitionName")
    runs = _runs_per_month(str((config.get("scheduleConfig") or {}).get("scheduleExpression", "")))
    for job in ctx.snap.resources:
        if job.type.startswith("aws:sagemaker/") and job.type.endswith("JobDefinition") and job.inputs.get("name") == job_name:
            cluster = (job.inputs.get("jobResources") or {}).get("clusterConfig") or {}
            count = _num(cluster.get("instanceCount"), 1)
            yield ctx.item(r, "sagemaker", f"processing:{cluster.get('instanceType')}",
                           f"{runs:g} runs x {count:g} x {cluster.get('instanceType')}", fixed=False,
                           assumption="monitoringJobMinutes", per=runs * count / 60)


def _pipeline_instances(definition: Any) -> Iterator[tuple[str, str]]:
    """(kind, instance type) of every instance-backed step of a pipeline definition."""
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except json.JSONDecodeError:
            return
    if not isinstance(definition, dict):
        return
    defaults = {f"Parameters.{p.get('Name')}": p.get("DefaultValue") for p in definition.get("Parameters") or []}
    for step in definition.get("Steps") or []:
        kind = "processing" if step.get("Type") == "Processing" else "training"
        for match in re.finditer(r'"InstanceType":\s*("[^"]*"|\{"Get":\s*"[^"]*"\})', json.dumps(step.get("Arguments") or {})):
            value = json.loads(match.group(1))
            value = defaults.get(value.get("Get")) if isinstance(value, dict) else value
            if isinstance(value, str) and value.startswith("ml."):
                yield kind, value


@prices("aws:sagemaker/pipeline:Pipeline")
def _pipeline(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    for kind, instance in sorted(set(_pipeline_instances(r.inputs.get("pipelineDefinition")))):
        key = "processingHours" if kind == "processing" else "trainingHours"
        yield ctx.item(r, "sagemaker", f"{kind}:{instance}", f"{kind} jobs on {instance}", fixed=False, assumption=key)


@prices("aws:sagemaker/notebookInstance:NotebookInstance")
def _notebook(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    instance = r.inputs.get("instanceType")
    yield ctx.item(r, "sagemaker", f"notebook:{instance}", f"notebook instance {instance}, while in service", fixed=True,
                   quantity=HOURS_PER_MONTH)


# -- network -----------------------------------------------------------------------------------------------------
@prices("aws:ec2/vpcEndpoint:VpcEndpoint")
def _vpc_endpoint(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    if (r.inputs.get("vpcEndpointType") or "Gateway") != "Interface":
        return  # gateway endpoints (S3, DynamoDB) are free
    subnets = r.inputs.get("subnetIds")
    azs = len(subnets) if isinstance(subnets, list) else 1
    service = str(r.inputs.get("serviceName", "")).rsplit(".", 1)[-1]
    yield ctx.item(r, "vpc", "interface-endpoint", f"{service} endpoint in {azs} AZ(s)", fixed=True,
                   quantity=azs * HOURS_PER_MONTH)
    yield ctx.item(r, "vpc", "interface-endpoint-data", f"{service} endpoint data processed", fixed=False,
                   assumption="endpointDataGb")


@prices("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
def _load_balancer(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    kind = r.inputs.get("loadBalancerType") or "application"
    product = "network-load-balancer" if kind == "network" else "application-load-balancer"
    yield ctx.item(r, "elb", product, f"{kind} load balancer (capacity units billed per use)", fixed=True,
                   quantity=HOURS_PER_MONTH)


# -- compute -----------------------------------------------------------------------------------------------------
@prices("aws:ec2/instance:Instance")
def _instance(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    yield ctx.item(r, "ec2", f"instance:{r.inputs.get('instanceType')}", f"{r.inputs.get('instanceType')} on demand",
                   fixed=True, quantity=HOURS_PER_MONTH)


@prices("aws:eks/nodeGroup:NodeGroup")
def _node_group(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    types = r.inputs.get("instanceTypes") or ["t3.medium"]  # EKS's default for managed node groups
    desired = _num((r.inputs.get("scalingConfig") or {}).get("desiredSize"), 1)
    yield ctx.item(r, "ec2", f"instance:{types[0]}", f"{desired:g} x {types[0]} nodes", fixed=True,
                   quantity=desired * HOURS_PER_MONTH)


@prices("aws:ecs/service:Service")
def _ecs_service(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    if r.inputs.get("launchType") != "FARGATE" and not r.inputs.get("capacityProviderStrategies"):
        return  # EC2-backed services are priced through their instances
    ref = str(r.inputs.get("taskDefinition", ""))
    task = next((t for t in ctx.snap.of_type("aws:ecs/taskDefinition:TaskDefinition")
                 if ref and ref in (t.outputs.get("arn"), t.id, t.inputs.get("family"), t.urn)), None)
    if task is None:
        return
    count = _num(r.inputs.get("desiredCount"), 1)
    vcpu, memory_gb = _num(task.inputs.get("cpu"), 256) / 1024, _num(task.inputs.get("memory"), 512) / 1024
    yield ctx.item(r, "fargate", "vcpu", f"{count:g} task(s) x {vcpu:g} vCPU", fixed=True,
                   quantity=count * vcpu * HOURS_PER_MONTH)
    yield ctx.item(r, "fargate", "memory", f"{count:g} task(s) x {memory_gb:g} GB", fixed=True,
                   quantity=count * memory_gb * HOURS_PER_MONTH)


@prices("aws:rds/instance:Instance")
def _rds(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    copies = 2 if r.inputs.get("multiAz") else 1
    cls = r.inputs.get("instanceClass")
    yield ctx.item(r, "rds", f"instance:{cls}", f"{copies} x {cls}", fixed=True, quantity=copies * HOURS_PER_MONTH)


# -- keys, monitoring, edge --------------------------------------------------------------------------------------
@prices("aws:cloudwatch/metricAlarm:MetricAlarm")
def _alarm(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    queries = r.inputs.get("metricQueries") or []
    metrics = sum(1 for q in queries if q.get("metric")) or 1
    if r.inputs.get("thresholdMetricId"):
        metrics *= 3  # an anomaly-detection alarm is billed as three metrics
    high_res = _num(r.inputs.get("period"), 60) < 60 or any(_num((q.get("metric") or {}).get("period"), 60) < 60 for q in queries)
    product = "alarm-high-resolution" if high_res else "alarm-standard"
    yield ctx.item(r, "cloudwatch", product, f"alarm on {metrics} metric(s)", fixed=True, quantity=metrics)


@prices("aws:wafv2/webAcl:WebAcl")
def _web_acl(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    rules = len(r.inputs.get("rules") or [])
    yield ctx.item(r, "wafv2", "web-acl", "web ACL", fixed=True, quantity=1)
    yield ctx.item(r, "wafv2", "rule", f"{rules} rule(s) and rule groups", fixed=True, quantity=rules)
    yield ctx.item(r, "wafv2", "requests", "inspected requests", fixed=False, assumption="apiRequestsMillions")


@prices("aws:apigatewayv2/api:Api")
def _http_api(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    if r.inputs.get("protocolType") == "HTTP":
        yield ctx.item(r, "apigateway", "http-requests", "HTTP API requests", fixed=False, assumption="apiRequestsMillions")


# -- data --------------------------------------------------------------------------------------------------------
@prices("aws:redshiftserverless/workgroup:Workgroup")
def _workgroup(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    rpus = _num(r.inputs.get("baseCapacity"), 128)  # AWS's default base capacity
    yield ctx.item(r, "redshift-serverless", "compute", f"{rpus:g} RPU base capacity while queries run", fixed=False,
                   assumption="warehouseHours", per=rpus)


# -- security and delivery ---------------------------------------------------------------------------------------
@prices("aws:macie2/account:Account")
def _macie(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    # Macie bills every bucket of the account and region it monitors; those this stack creates are known.
    here = ctx.placement(r)
    buckets = sum(1 for b in ctx.snap.resources if b.type in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
                  and ctx.placement(b) == here)
    yield ctx.item(r, "macie", "bucket-inventory", f"bucket monitoring of this stack's {buckets} bucket(s) here",
                   fixed=True, quantity=buckets)


@prices("aws:codebuild/project:Project")
def _codebuild(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    compute = (r.inputs.get("environment") or {}).get("computeType", "BUILD_GENERAL1_SMALL")
    yield ctx.item(r, "codebuild", f"build:{compute}", f"builds on {compute}", fixed=False, assumption="codebuildMinutes")


@prices("aws:codepipeline/pipeline:Pipeline")
def _codepipeline(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
    if r.inputs.get("pipelineType") == "V2":
        yield ctx.item(r, "codepipeline", "v2-action", "V2 pipeline action minutes", fixed=False,
                       assumption="pipelineActionMinutes")
    else:
        yield ctx.item(r, "codepipeline", "v1-pipeline", "active V1 pipeline", fixed=True, quantity=1)


# Resources whose lines depend on their type alone: (service, product, description, amount), where the amount is a
# fixed monthly quantity or the cost.assumptions key of a usage line.
CONSTANT_LINES: dict[tuple[str, ...], list[tuple[str, str, str, float | str]]] = {
    ("aws:ec2/natGateway:NatGateway",): [
        ("vpc", "nat-gateway", "NAT gateway", HOURS_PER_MONTH),
        ("vpc", "nat-gateway-data", "NAT data processed", "natDataGb"),
    ],
    ("aws:ec2/eip:Eip",): [
        ("vpc", "public-ipv4", "public IPv4 address", HOURS_PER_MONTH),
    ],
    ("aws:eks/cluster:Cluster",): [
        ("eks", "cluster", "EKS control plane", HOURS_PER_MONTH),
    ],
    ("aws:lambda/function:Function",): [
        ("lambda", "requests", "invocations", "lambdaRequestsMillions"),
        ("lambda", "duration", "compute", "lambdaGbSeconds"),
    ],
    ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey"): [
        ("kms", "customer-managed-key", "customer-managed key", 1),
        ("kms", "requests", "key requests", "kmsRequests10k"),
    ],
    ("aws:cloudwatch/dashboard:Dashboard",): [
        ("cloudwatch", "dashboard", "dashboard", 1),
    ],
    ("aws:cloudwatch/logGroup:LogGroup",): [
        ("cloudwatch", "logs-ingestion", "log ingestion", "logsIngestionGb"),
    ],
    ("aws:apigateway/restApi:RestApi",): [
        ("apigateway", "rest-requests", "REST API requests", "apiRequestsMillions"),
    ],
    ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"): [
        ("s3", "standard-storage", "storage", "s3StorageGb"),
    ],
    ("aws:glue/job:Job",): [
        ("glue", "etl", "ETL job runs", "glueDpuHours"),
    ],
    ("aws:glue/crawler:Crawler",): [
        ("glue", "crawler", "crawler runs", "glueCrawlerDpuHours"),
    ],
    ("aws-native:databrew:Job",): [
        ("databrew", "job", "DataBrew job runs", "databrewNodeHours"),
    ],
    ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",): [
        ("firehose", "ingestion", "ingestion", "firehoseGb"),
    ],
    ("aws:backup/vault:Vault",): [
        ("backup", "warm-storage", "recovery points", "backupStorageGb"),
    ],
    ("aws:ecr/repository:Repository",): [
        ("ecr", "storage", "image storage", "ecrStorageGb"),
    ],
    ("aws:secretsmanager/secret:Secret",): [
        ("secretsmanager", "secret", "secret", 1),
    ],
    ("aws:route53/zone:Zone",): [
        ("route53", "hosted-zone", "hosted zone", 1),
    ],
    ("aws:sns/topic:Topic",): [
        ("sns", "requests", "publishes", "snsRequestsMillions"),
    ],
    ("aws:sqs/queue:Queue",): [
        ("sqs", "requests", "requests", "sqsRequestsMillions"),
    ],
    ("aws:guardduty/detector:Detector",): [
        ("guardduty", "cloudtrail-management-events", "management events analysed", "guardDutyEventsMillions"),
    ],
    ("aws:securityhub/account:Account",): [
        ("securityhub", "security-checks", "security checks", "securityHubChecks"),
    ],
    ("aws:cfg/recorder:Recorder",): [
        ("config", "configuration-item", "configuration items recorded", "configItems"),
    ],
}


def _constant(lines: list[tuple[str, str, str, float | str]]) -> Estimator:
    def estimate_lines(ctx: _Context, r: ResourceRecord) -> Iterator[LineItem]:
        for service, product, description, amount in lines:
            if isinstance(amount, str):
                yield ctx.item(r, service, product, description, fixed=False, assumption=amount)
            else:
                yield ctx.item(r, service, product, description, fixed=True, quantity=amount)
    return estimate_lines


for _types, _lines in CONSTANT_LINES.items():
    prices(*_types)(_constant(_lines))


def estimate(snap: Snapshot, table: PriceTable, assumptions: Mapping[str, float | None] | None = None) -> list[LineItem]:
    """Every priced line of ``snap``'s managed resources, in registration order."""
    ctx = _Context(snap, table, assumptions or {})
    items: list[LineItem] = []
    for r in snap.resources:
        if r.custom and not r.read and r.type in ESTIMATORS:
            items.extend(ESTIMATORS[r.type](ctx, r))
    return items


@dataclass(frozen=True)
class BudgetCheck:
    account: str
    budget: str
    limit_usd: float
    fixed_usd: float

    @property
    def exceeded(self) -> bool:
        return self.fixed_usd > self.limit_usd


def budget_checks(snap: Snapshot, items: Iterable[LineItem]) -> list[BudgetCheck]:
    """Each monthly USD cost budget of the stack against the fixed cost of the account it watches."""
    fixed: dict[str, float] = {}
    for i in items:
        if i.fixed and i.monthly is not None:
            fixed[i.account] = fixed.get(i.account, 0.0) + i.monthly
    checks = []
    for b in snap.of_type("aws:budgets/budget:Budget"):
        if b.inputs.get("budgetType") != "COST" or b.inputs.get("limitUnit") != "USD":
            continue
        if b.inputs.get("timeUnit", "MONTHLY") != "MONTHLY":
            continue
        account = str(b.inputs.get("accountId") or account_region(snap, b)[0])
        checks.append(BudgetCheck(account, str(b.inputs.get("name", b.name)), _num(b.inputs.get("limitAmount")),
                                  round(fixed.get(account, 0.0), 2)))
    return checks
