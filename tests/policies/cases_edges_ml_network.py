"""Pass/violate cases for mutation-testing survivors (bench/mutation.py) in the ml network rules: alternative
spellings, each provider's property names, each branch. Same shape as ``cases.CASES``; type tokens and property
names are written out, never taken from the rules."""

from __future__ import annotations

from tests.policies.cases import Case

EDGES: list[Case] = []
