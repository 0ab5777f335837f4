"""Render cost estimates: rich tables, JSON, and a Markdown difference for pull-request comments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from platformctl.cost.estimate import BudgetCheck, LineItem

Group = tuple[str, str, str]  # account, region, layer


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


def totals(items: Sequence[LineItem]) -> dict[Group, dict[str, float]]:
    out: dict[Group, dict[str, float]] = defaultdict(lambda: {"fixed": 0.0, "usage": 0.0, "unestimated": 0})
    for i in items:
        row = out[(i.account, i.region, i.layer)]
        if i.monthly is None:
            row["unestimated"] += 1
        else:
            row["fixed" if i.fixed else "usage"] += i.monthly
    return dict(sorted(out.items()))


def to_json(stack: str, items: Sequence[LineItem], budgets: Sequence[BudgetCheck], read_on: str) -> dict[str, Any]:
    groups = totals(items)
    return {
        "stack": stack, "currency": "USD", "pricesReadOn": read_on,
        "groups": [{"account": a, "region": r, "layer": layer, "fixed": round(v["fixed"], 2), "usage": round(v["usage"], 2),
                    "unestimated": int(v["unestimated"])} for (a, r, layer), v in groups.items()],
        "total": {"fixed": round(sum(v["fixed"] for v in groups.values()), 2),
                  "usage": round(sum(v["usage"] for v in groups.values()), 2)},
        "budgets": [{"account": b.account, "budget": b.budget, "limit": b.limit_usd, "fixed": b.fixed_usd,
                     "exceeded": b.exceeded} for b in budgets],
        "items": [i.to_json() for i in items],
    }


def print_report(doc: Mapping[str, Any], console: Console, details: bool = False) -> None:
    table = Table(title=f"{doc['stack']}: estimated monthly cost (USD, on demand)", title_justify="left")
    for column in ("account", "region", "layer"):
        table.add_column(column)
    for column in ("fixed", "usage (assumed)", "usage lines w/o assumption"):
        table.add_column(column, justify="right")
    for g in doc["groups"]:
        table.add_row(g["account"], g["region"], g["layer"], _money(g["fixed"]), _money(g["usage"]) if g["usage"] else "",
                      str(g["unestimated"] or ""))
    total = doc["total"]
    table.add_row("[bold]total[/]", "", "", f"[bold]{_money(total['fixed'])}[/]", _money(total["usage"]), "")
    console.print(table)
    unestimated: dict[tuple[str, str, str, float | None, str], int] = defaultdict(int)
    for i in doc["items"]:
        if i["monthly"] is None:
            unestimated[(i["service"], i["product"], i["unit"], i["unit_price"], i["assumption"])] += 1
    if unestimated:
        usage = Table(title="usage-based, not estimated (set aiplatform:cost.assumptions to include them)",
                      title_justify="left")
        for column in ("service", "product", "unit price", "resources", "assumption key"):
            usage.add_column(column, no_wrap=True)
        for (service, product, unit, price, key), n in sorted(unestimated.items()):
            usage.add_row(service, product, f"${price:g} / {unit}" if price is not None else "no price", str(n), key)
        console.print(usage)
    if details:
        lines = Table(title="line items", title_justify="left")
        for column in ("resource", "description", "quantity", "unit price", "monthly"):
            lines.add_column(column)
        for i in doc["items"]:
            quantity = "" if i["quantity"] is None else f"{i['quantity']:,.2f} {i['unit']}"
            price = "" if i["unit_price"] is None else f"{i['unit_price']:g}" + (f" ({i['price_note']})" if i["price_note"] else "")
            lines.add_row(i["resource"], i["description"], quantity, price, _money(i["monthly"]))
        console.print(lines)
    for b in doc["budgets"]:
        verdict = "[red]exceeds[/]" if b["exceeded"] else "within"
        console.print(f"budget {b['budget']} ({b['account']}): fixed cost {_money(b['fixed'])} {verdict} "
                      f"the {_money(b['limit'])} monthly limit")
    console.print(f"[dim]prices read {doc['pricesReadOn']}; on-demand list prices, before free tiers, credits and "
                  "savings plans[/]")


def difference(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[tuple[str, float, float]]:
    """(group label, base fixed+usage, head fixed+usage) for every group present in either, plus the total."""
    def index(doc: Mapping[str, Any]) -> dict[str, float]:
        return {f"{g['account']} {g['region']} {g['layer']}": g["fixed"] + g["usage"] for g in doc["groups"]}

    b, h = index(base), index(head)
    rows = [(k, b.get(k, 0.0), h.get(k, 0.0)) for k in sorted(set(b) | set(h)) if round(b.get(k, 0.0) - h.get(k, 0.0), 2)]
    rows.append(("total", sum(b.values()), sum(h.values())))
    return rows


def difference_markdown(stack: str, rows: Sequence[tuple[str, float, float]]) -> str:
    lines = [f"### Estimated monthly cost: `{stack}`", "", "| account region layer | base | this change | difference |",
             "| --- | ---: | ---: | ---: |"]
    for label, before, after in rows:
        delta = after - before
        sign = "+" if delta > 0 else ""
        lines.append(f"| {label} | {_money(before)} | {_money(after)} | {sign}{delta:,.2f} |")
    return "\n".join(lines) + "\n"
