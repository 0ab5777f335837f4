"""``platformctl cost``: what a stack will cost per month, estimated offline from its synthesized resources."""

from platformctl.cost.estimate import BudgetCheck, LineItem, budget_checks, estimate
from platformctl.cost.prices import PriceTable

__all__ = ["BudgetCheck", "LineItem", "PriceTable", "budget_checks", "estimate"]
