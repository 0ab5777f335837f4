"""Every rule, through the analyzer servicer, on resources that pass and resources that violate."""

from __future__ import annotations

import pytest
from crossguard_aws.model import rules_of

from tests.policies.cases import CASES as BASE_CASES
from tests.policies.cases import Case
from tests.policies.cases_added import ADDED
from tests.policies.cases_edges import EDGES
from tests.policies.cases_edges_data_stores import EDGES as DATA_STORE_EDGES
from tests.policies.cases_edges_ml_network import EDGES as ML_NETWORK_EDGES
from tests.policies.cases_edges_services import EDGES as SERVICE_EDGES
from tests.policies.harness import run_rule

CASES = [*BASE_CASES, *ADDED, *EDGES, *DATA_STORE_EDGES, *ML_NETWORK_EDGES, *SERVICE_EDGES]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}[{c.id}]" for c in CASES])
def test_rule(case: Case, stack_env) -> None:
    for key, value in case.env.items():
        stack_env.setenv(key, value)
    result = run_rule(case.rule, case.resources, case.config or None)
    assert result.not_judged(case.rule) == [], "every value in these cases is judgeable"
    violations = result.violations(case.rule)
    if case.expect is None:
        assert violations == []
        assert case.rule not in result.not_applicable
    else:
        assert violations, f"{case.rule} should report {case.expect!r}"
        # pulumi_policy prefixes every message with the rule's description: match what the rule itself said.
        said = [v.message.split("\n", 1)[-1] for v in violations]
        assert any(case.expect in m for m in said), said


def test_every_rule_has_a_passing_and_a_violating_case() -> None:
    passing = {c.rule for c in CASES if c.expect is None}
    violating = {c.rule for c in CASES if c.expect is not None}
    ids = {r.id for r in rules_of()}
    assert ids - passing == set()
    assert ids - violating == set()
    assert {c.rule for c in CASES} <= ids, "cases name rules that do not exist"
