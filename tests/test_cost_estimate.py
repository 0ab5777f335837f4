"""``platformctl cost``: the arithmetic on a fixed price table, the shipped table's coverage, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from platformctl.cost import PriceTable, budget_checks, estimate
from platformctl.cost.estimate import LineItem
from platformctl.cost.prices import Price
from platformctl.cost.refresh import refresh
from platformctl.cost.report import difference, difference_markdown
from platformctl.offline.records import ResourceRecord, Snapshot
from tests.conftest import ROOT, STACKS

PROVIDER = "urn:pulumi:t::p::pulumi:providers:aws::east"
WEST = "urn:pulumi:t::p::pulumi:providers:aws::west"


def price(service: str, product: str, usd: float, unit: str = "hour", region: str = "us-east-1") -> Price:
    return Price(region, service, product, unit, usd, "2026-01-01", "test")


TABLE = PriceTable([
    price("sagemaker", "hosting:ml.m5.large", 0.1),
    price("vpc", "interface-endpoint", 0.01),
    price("vpc", "interface-endpoint-data", 0.01, "GB"),
    price("kms", "customer-managed-key", 1.0, "key-month"),
    price("kms", "requests", 0.03, "10k-requests"),
    price("cloudwatch", "alarm-standard", 0.1, "alarm-metric-month"),
    price("cloudwatch", "alarm-high-resolution", 0.3, "alarm-metric-month"),
    price("wafv2", "web-acl", 5.0, "month"),
    price("wafv2", "rule", 1.0, "month"),
    price("wafv2", "requests", 0.6, "million-requests"),
    price("lambda", "requests", 0.2, "million-requests"),
    price("lambda", "duration", 0.0000166667, "GB-second"),
    price("sagemaker", "hosting:ml.m5.large", 0.2, region="eu-west-1"),
])


def record(name: str, type_: str, provider: str = PROVIDER, **inputs) -> ResourceRecord:
    return ResourceRecord(urn=f"urn:pulumi:t::p::{type_}::{name}", type=type_, name=name, custom=True,
                          provider=f"{provider}::id", inputs=inputs)


def snapshot(*records: ResourceRecord) -> Snapshot:
    providers = [
        ResourceRecord(urn=PROVIDER, type="pulumi:providers:aws", name="east", custom=True,
                       inputs={"region": "us-east-1", "allowedAccountIds": ["111111111111"]}),
        ResourceRecord(urn=WEST, type="pulumi:providers:aws", name="west", custom=True,
                       inputs={"region": "us-west-2", "allowedAccountIds": ["111111111111"]}),
    ]
    return Snapshot(project="p", stack="t", resources=[*providers, *records])


def only(items: list[LineItem], product: str) -> LineItem:
    found = [i for i in items if i.product == product]
    assert len(found) == 1, found
    return found[0]


def test_endpoint_instances_are_priced_per_instance_hour():
    snap = snapshot(record("ep", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", productionVariants=[
        {"variantName": "a", "instanceType": "ml.m5.large", "initialInstanceCount": 2},
        {"variantName": "b", "serverlessConfig": {"maxConcurrency": 5, "memorySizeInMb": 2048}}]))
    items = estimate(snap, TABLE)
    hosting = only(items, "hosting:ml.m5.large")
    assert (hosting.fixed, hosting.quantity, hosting.monthly) == (True, 1460, 146.0)
    serverless = only(items, "serverless-inference")
    assert serverless.fixed is False and serverless.monthly is None


def test_interface_endpoints_are_priced_per_az_and_gateway_endpoints_are_free():
    snap = snapshot(
        record("sm", "aws:ec2/vpcEndpoint:VpcEndpoint", vpcEndpointType="Interface",
               serviceName="com.amazonaws.us-east-1.sagemaker.api", subnetIds=["a", "b", "c"]),
        record("s3", "aws:ec2/vpcEndpoint:VpcEndpoint", vpcEndpointType="Gateway", serviceName="com.amazonaws.us-east-1.s3"))
    items = estimate(snap, TABLE, {"endpointDataGb": 50})
    assert {i.resource for i in items} == {"sm"}
    assert only(items, "interface-endpoint").monthly == 21.9  # 3 AZs x 730 h x $0.01
    assert only(items, "interface-endpoint-data").monthly == 0.5


def test_keys_alarms_and_web_acls():
    snap = snapshot(
        record("k", "aws:kms/key:Key"),
        record("plain", "aws:cloudwatch/metricAlarm:MetricAlarm", period=300),
        record("math", "aws:cloudwatch/metricAlarm:MetricAlarm", metricQueries=[
            {"id": "m1", "metric": {"metricName": "A", "period": 60}}, {"id": "m2", "metric": {"metricName": "B", "period": 60}},
            {"id": "e1", "expression": "m1/m2"}]),
        record("anomaly", "aws:cloudwatch/metricAlarm:MetricAlarm", thresholdMetricId="ad1",
               metricQueries=[{"id": "m1", "metric": {"metricName": "A", "period": 60}}]),
        record("fast", "aws:cloudwatch/metricAlarm:MetricAlarm", period=10),
        record("acl", "aws:wafv2/webAcl:WebAcl", rules=[{"name": "a"}, {"name": "b"}, {"name": "c"}]))
    items = estimate(snap, TABLE)
    by = {(i.resource, i.product): i.monthly for i in items}
    assert by[("k", "customer-managed-key")] == 1.0
    assert by[("k", "requests")] is None  # usage with no assumption: listed, not guessed
    assert by[("plain", "alarm-standard")] == 0.1
    assert by[("math", "alarm-standard")] == 0.2
    assert by[("anomaly", "alarm-standard")] == 0.3
    assert by[("fast", "alarm-high-resolution")] == 0.3
    assert by[("acl", "web-acl")] == 5.0 and by[("acl", "rule")] == 3.0


def test_usage_items_take_their_quantity_from_the_assumptions():
    snap = snapshot(record("fn", "aws:lambda/function:Function"))
    assert [i.monthly for i in estimate(snap, TABLE)] == [None, None]
    items = estimate(snap, TABLE, {"lambdaRequestsMillions": 2, "lambdaGbSeconds": 600_000})
    assert only(items, "requests").monthly == 0.4
    assert only(items, "duration").monthly == 10.0
    assert only(items, "requests").assumption == "lambdaRequestsMillions"


def test_a_region_without_its_own_row_is_priced_at_the_home_region_and_says_so():
    ep = {"productionVariants": [{"variantName": "a", "instanceType": "ml.m5.large", "initialInstanceCount": 1}]}
    west = only(estimate(snapshot(record("ep", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", WEST, **ep)), TABLE),
                "hosting:ml.m5.large")
    assert (west.region, west.unit_price, west.price_note) == ("us-west-2", 0.1, "priced at us-east-1")
    east = only(estimate(snapshot(record("ep", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", **ep)), TABLE),
                "hosting:ml.m5.large")
    assert east.price_note == ""


def test_budget_is_compared_with_the_fixed_cost_of_its_account():
    ep = {"productionVariants": [{"variantName": "a", "instanceType": "ml.m5.large", "initialInstanceCount": 2}]}
    snap = snapshot(record("ep", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", **ep),
                    record("tight", "aws:budgets/budget:Budget", budgetType="COST", limitUnit="USD", limitAmount="100.00",
                           timeUnit="MONTHLY", accountId="111111111111"),
                    record("roomy", "aws:budgets/budget:Budget", budgetType="COST", limitUnit="USD", limitAmount="500",
                           timeUnit="MONTHLY"))
    checks = {c.budget: c for c in budget_checks(snap, estimate(snap, TABLE))}
    assert checks["tight"].fixed_usd == 146.0 and checks["tight"].exceeded
    assert checks["roomy"].account == "111111111111" and not checks["roomy"].exceeded


def test_difference_lists_changed_groups_and_the_total():
    base = {"groups": [{"account": "1", "region": "r", "layer": "A", "fixed": 10.0, "usage": 0.0},
                       {"account": "1", "region": "r", "layer": "B", "fixed": 5.0, "usage": 1.0}]}
    head = {"groups": [{"account": "1", "region": "r", "layer": "A", "fixed": 10.0, "usage": 0.0},
                       {"account": "1", "region": "r", "layer": "C", "fixed": 7.5, "usage": 0.0}]}
    rows = difference(base, head)
    assert rows == [("1 r B", 6.0, 0.0), ("1 r C", 0.0, 7.5), ("total", 16.0, 17.5)]
    markdown = difference_markdown("dev", rows)
    assert "| 1 r C | $0.00 | $7.50 | +7.50 |" in markdown and "| total | $16.00 | $17.50 | +1.50 |" in markdown


@pytest.mark.parametrize("name", STACKS)
def test_the_shipped_table_prices_everything_the_stacks_create(snapshots, name):
    items = estimate(snapshots[name], PriceTable.load())
    assert items, "every stack has priced resources"
    assert [(i.type, i.product) for i in items if i.unit_price is None] == []


def test_dev_prices_its_endpoint_pipeline_and_interface_endpoints(snapshots):
    items = estimate(snapshots["dev"], PriceTable.load(), {"trainingHours": 10})
    products = {i.product for i in items}
    # Pulumi.dev.yaml: inference on ml.m5.large, training and processing on ml.m5.xlarge.
    assert {"hosting:ml.m5.large", "training:ml.m5.xlarge", "processing:ml.m5.xlarge", "interface-endpoint"} <= products
    training = next(i for i in items if i.product == "training:ml.m5.xlarge")
    assert training.monthly == round(10 * training.unit_price, 2)


class FakePricing:
    def __init__(self, answers: dict[str, float]):
        self.answers = answers
        self.calls: list[dict] = []

    def get_products(self, **kwargs):
        self.calls.append(kwargs)
        attrs = {f["Field"]: f["Value"] for f in kwargs["Filters"]}
        usd = self.answers.get(attrs.get("instanceName") or attrs.get("instanceType"))
        if usd is None:
            return {"PriceList": []}
        product = {"terms": {"OnDemand": {"T": {"priceDimensions": {"D": {"pricePerUnit": {"USD": f"{usd}"}}}}}}}
        return {"PriceList": [json.dumps(product)]}


def test_refresh_reprices_instance_rows_per_region_and_keeps_the_rest(tmp_path):
    table = PriceTable([price("sagemaker", "hosting:ml.m5.large", 0.1), price("ec2", "instance:m5.large", 0.09),
                        price("kms", "customer-managed-key", 1.0, "key-month")])
    client = FakePricing({"ml.m5.large": 0.125})
    fresh, kept = refresh(table, ["us-east-1", "eu-west-1"], client)
    rows = {(p.region, p.service, p.product): p for p in fresh.prices}
    assert rows[("eu-west-1", "sagemaker", "hosting:ml.m5.large")].usd == 0.125
    assert rows[("eu-west-1", "sagemaker", "hosting:ml.m5.large")].source == "AWS Price List API AmazonSageMaker"
    assert rows[("us-east-1", "ec2", "instance:m5.large")].usd == 0.09  # not found: kept
    assert rows[("us-east-1", "kms", "customer-managed-key")].usd == 1.0
    assert any("kms customer-managed-key: no Price List mapping" in k for k in kept)
    sagemaker = next(c for c in client.calls if c["ServiceCode"] == "AmazonSageMaker")
    assert {"Type": "TERM_MATCH", "Field": "component", "Value": "Hosting"} in sagemaker["Filters"]
    written = tmp_path / "prices.csv"
    written.write_text(fresh.dumps())
    assert sorted(PriceTable.load(written).prices, key=str) == sorted(fresh.prices, key=str)


def run_cost(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "platformctl", "cost", *args], capture_output=True, text=True, cwd=ROOT)


def test_cost_of_a_third_party_program_and_compare(tmp_path):
    project = tmp_path / "program"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: priced\nruntime: python\n")
    (project / "Pulumi.test.yaml").write_text(
        "config:\n  aws:region: us-east-1\n  priced:cost:\n    assumptions:\n      lambdaRequestsMillions: 5\n")
    (project / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "aws.kms.Key('k')\n"
        "aws.cloudwatch.Dashboard('d', dashboard_name='d', dashboard_body='{}')\n"
        "aws.lambda_.Function('f', role='arn:aws:iam::111111111111:role/r', runtime='python3.12', handler='h.h',"
        " code=None, image_uri='x')\n")
    out = tmp_path / "cost.json"
    proc = run_cost("test", "--project-dir", str(project), "--format", "json", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    by_product = {i["product"]: i["monthly"] for i in doc["items"]}
    assert by_product["customer-managed-key"] == 1.0 and by_product["dashboard"] == 3.0
    lambda_requests = next(i for i in doc["items"] if i["service"] == "lambda" and i["product"] == "requests")
    assert lambda_requests["monthly"] == 1.0  # 5 million x $0.20
    assert doc["total"]["fixed"] == 4.0
    base = tmp_path / "base.json"
    base.write_text(json.dumps(doc | {"groups": [g | {"fixed": g["fixed"] + 2} for g in doc["groups"]]}))
    proc = run_cost("test", "--project-dir", str(project), "--compare", str(base), "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    assert "| total |" in proc.stdout and "-2.00" in proc.stdout


def test_a_malformed_assumption_is_one_clear_error(tmp_path):
    project = tmp_path / "program"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: priced\nruntime: python\n")
    (project / "Pulumi.test.yaml").write_text("config:\n  priced:cost:\n    assumptions:\n      lambdaRequests: 5\n")
    (project / "__main__.py").write_text("")
    proc = run_cost("test", "--project-dir", str(project))
    assert proc.returncode == 2
    assert "cost.assumptions.lambdaRequests" in proc.stderr and "Traceback" not in proc.stderr
