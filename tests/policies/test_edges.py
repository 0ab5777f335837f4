"""Edge behaviour of single rules that the pass/violate cases cannot express (their values are all known)."""

from __future__ import annotations

import pytest

from tests.policies.harness import UNKNOWN, R, run_rule


@pytest.mark.parametrize("rule", ["aws-iam-policy-deny-admin-wildcard", "aws-iam-policy-deny-passrole-wildcard"])
def test_a_policy_document_unknown_in_a_preview_is_reported_not_judged(rule, stack_env):
    result = run_rule(rule, R("aws:iam/rolePolicy:RolePolicy", "p", {"role": "r", "policy": UNKNOWN}))
    assert result.violations(rule) == []
    [note] = result.not_judged(rule)
    assert "could not judge" in note.message and ".policy" in note.message
