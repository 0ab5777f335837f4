"""Rebuild the price table's instance rows from the AWS Price List API (``pricing:GetProducts``), with boto3.

Instance prices (SageMaker, EC2, RDS) are what dominates a stack's fixed cost and what changes most between
regions, so those rows are refreshed for every region asked for; rows without a Price List mapping are kept
with their original ``read_on`` and the command says which.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, Protocol

from platformctl.cost.prices import Price, PriceTable

PRICE_LIST_REGION = "us-east-1"  # the Price List API answers in us-east-1 (and ap-south-1, eu-central-1)
_SAGEMAKER_COMPONENT = {"hosting": "Hosting", "training": "Training", "processing": "Processing", "notebook": "Notebook"}


class PricingClient(Protocol):
    def get_products(self, **kwargs: Any) -> dict[str, Any]: ...


def _filters(region: str, service: str, product: str) -> tuple[str, dict[str, str]] | None:
    """(service code, attribute filters) that select exactly one on-demand product, or None if unmapped."""
    kind, _, name = product.partition(":")
    if service == "sagemaker" and kind in _SAGEMAKER_COMPONENT:
        return "AmazonSageMaker", {"regionCode": region, "instanceName": name, "component": _SAGEMAKER_COMPONENT[kind]}
    if service == "ec2" and kind == "instance":
        return "AmazonEC2", {"regionCode": region, "instanceType": name, "operatingSystem": "Linux", "tenancy": "Shared",
                             "preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required"}
    if service == "rds" and kind == "instance":
        return "AmazonRDS", {"regionCode": region, "instanceType": name, "databaseEngine": "PostgreSQL",
                             "deploymentOption": "Single-AZ"}
    return None


def _on_demand_usd(price_list: Iterable[str]) -> float | None:
    """The hourly on-demand USD price of the first product with a non-zero one."""
    for item in price_list:
        terms = json.loads(item).get("terms", {}).get("OnDemand", {})
        for term in terms.values():
            for dimension in term.get("priceDimensions", {}).values():
                usd = float(dimension.get("pricePerUnit", {}).get("USD", 0) or 0)
                if usd > 0:
                    return usd
    return None


def refresh(table: PriceTable, regions: Iterable[str], client: PricingClient,
            today: dt.date | None = None) -> tuple[PriceTable, list[str]]:
    """A new table with every mapped row of ``table``'s products priced in each of ``regions``; and what was kept."""
    read_on = (today or dt.date.today()).isoformat()
    by_key = {(p.region, p.service, p.product): p for p in table.prices}
    templates = {(p.service, p.product): p for p in table.prices}
    kept: list[str] = []
    for region in sorted(set(regions)):
        for (service, product), template in sorted(templates.items()):
            mapped = _filters(region, service, product)
            if mapped is None:
                continue
            code, attrs = mapped
            response = client.get_products(ServiceCode=code, MaxResults=100,
                                           Filters=[{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in attrs.items()])
            usd = _on_demand_usd(response.get("PriceList", []))
            if usd is None:
                kept.append(f"{region} {service} {product}: not offered or not found, kept as it was")
                continue
            by_key[(region, service, product)] = Price(region, service, product, template.unit, usd, read_on,
                                                       f"AWS Price List API {code}")
    unmapped = sorted({f"{p.service} {p.product}" for p in table.prices if _filters(p.region, p.service, p.product) is None})
    kept.extend(f"{name}: no Price List mapping, kept from the table" for name in unmapped)
    return PriceTable(list(by_key.values()), table.header), kept


def boto3_client() -> PricingClient:
    try:
        import boto3
    except ImportError:
        raise RuntimeError("refreshing prices needs boto3: pip install boto3 (and AWS credentials)") from None
    return boto3.client("pricing", region_name=PRICE_LIST_REGION)
