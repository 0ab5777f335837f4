"""WAFv2 web ACLs: one that blocks nothing is no WAF; every web ACL logs its requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import checkov, fsbp, resource_rule, stack_rule
from crossguard_aws.resources import Res, Stack
from crossguard_aws.values import dig, is_unknown, items, maybe_json

WEB_ACLS = ("aws:wafv2/webAcl:WebAcl", "aws-native:wafv2:WebAcl")
LOGGING = ("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "aws-native:wafv2:LoggingConfiguration")
_ACTING = ("block", "captcha", "challenge")


def _lower_keys(value: Any) -> Any:
    """rule_json uses the WAF API's PascalCase (Action.Block); the typed inputs use camelCase (action.block)."""
    if isinstance(value, dict):
        return {str(k)[:1].lower() + str(k)[1:]: _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _rule_acts(rule: Any) -> bool:
    """A rule that can stop a request: its action blocks/challenges, or a rule group keeps its own actions (override none)."""
    action = dig(rule, "action")
    if isinstance(action, dict) and any(k in action for k in _ACTING):
        return True
    override = dig(rule, "overrideAction")
    return isinstance(override, dict) and "none" in override


@resource_rule(
    id="aws-wafv2-webacl-require-blocking-rules", pack="network", types=WEB_ACLS, severity=Severity.HIGH,
    description="A WAFv2 web ACL must block something: a default block action, or at least one rule that blocks "
                "(or a managed rule group left on its own actions). One with no rules, or default allow with only "
                "count rules, protects nothing and counts as no WAF.",
    remediation="Add rules with action block (for example AWS managed rule groups AWSManagedRulesCommonRuleSet and "
                "AWSManagedRulesKnownBadInputsRuleSet with override_action none) or make the default action block.",
    controls=(*fsbp("WAF.10"),), tags=("waf", "api"),
)
def web_acl_blocks(res: Res, ctx: RuleContext) -> Iterator[str]:
    default = res.get("defaultAction")
    if isinstance(default, dict) and "block" in default:
        return
    rules = items(res.get("rules"))
    raw = res.get("ruleJson")
    if raw is not None:
        if is_unknown(raw):
            raw._judge()
        rules += items(_lower_keys(maybe_json(raw)))
    if not rules:
        yield "has no rules and its default action allows: it inspects nothing."
    elif not any(_rule_acts(r) for r in rules):
        yield "default action allows and no rule blocks (all rules count only): it blocks nothing."


@stack_rule(
    id="aws-wafv2-webacl-enable-logging", pack="data-protection", types=WEB_ACLS, severity=Severity.MEDIUM,
    description="Every WAFv2 web ACL must send its logs somewhere (CloudWatch Logs, S3 or Firehose).",
    remediation="Add an aws.wafv2.WebAclLoggingConfiguration with resource_arn=<web ACL arn> and a log destination whose "
                "name starts with aws-waf-logs-.",
    controls=(*fsbp("WAF.11"), *checkov("CKV2_AWS_31")), tags=("waf", "logging"),
)
def web_acl_logging(acl: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    if not stack.attached(acl, LOGGING, "resourceArn", match_values=("arn",)):
        yield "has no logging configuration."
