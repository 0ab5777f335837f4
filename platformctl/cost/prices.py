"""The price table shipped with the repository (``prices.csv``): on-demand USD list prices per region."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

PRICES_FILE = Path(__file__).with_name("prices.csv")
HOME_REGION = "us-east-1"  # regions without their own row are priced at this one's, and say so
FIELDS = ("region", "service", "product", "unit", "usd", "read_on", "source")


@dataclass(frozen=True)
class Price:
    region: str
    service: str
    product: str
    unit: str
    usd: float
    read_on: str
    source: str


class PriceTable:
    def __init__(self, prices: list[Price], header: str = ""):
        self.prices = prices
        self.header = header
        self._index = {(p.region, p.service, p.product): p for p in prices}

    @classmethod
    def load(cls, path: Path = PRICES_FILE) -> PriceTable:
        text = path.read_text()
        header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
        rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
        return cls([Price(r["region"], r["service"], r["product"], r["unit"], float(r["usd"]), r["read_on"], r["source"])
                    for r in rows], header)

    def lookup(self, region: str, service: str, product: str) -> tuple[Price | None, bool]:
        """The price and whether it is the home region's stand-in for ``region``."""
        exact = self._index.get((region, service, product))
        if exact is not None:
            return exact, False
        home = self._index.get((HOME_REGION, service, product))
        return home, home is not None and region != HOME_REGION

    def products(self, service: str) -> set[str]:
        return {p.product for p in self.prices if p.service == service}

    def dumps(self) -> str:
        out = io.StringIO()
        out.write(self.header)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for p in sorted(self.prices, key=lambda p: (p.region, p.service, p.product)):
            writer.writerow([p.region, p.service, p.product, p.unit, f"{p.usd:g}", p.read_on, p.source])
        return out.getvalue()
