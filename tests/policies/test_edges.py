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


def test_an_unknown_inline_policy_does_not_hide_a_known_one_beside_it(stack_env):
    rule = "aws-iam-policy-deny-admin-wildcard"
    role = R("aws:iam/role:Role", "r", {"assumeRolePolicy": "{}", "inlinePolicies": [
        {"name": "later", "policy": UNKNOWN},
        {"name": "admin", "policy": '{"Statement": [{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}]}'}]})
    result = run_rule(rule, role)
    assert [v.message.splitlines()[-1] for v in result.violations(rule)] == [
        "Role 'r': inlinePolicies[1] statement 'All' allows Action '*' on Resource '*'."]
    assert len(result.not_judged(rule)) == 1
