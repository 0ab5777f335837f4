"""Render check outcomes: a rich table grouped by severity, JSON with the same fields, and SARIF 2.1.0 for code scanning."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from platformctl.policy_host.failure import StackFailure
from platformctl.policy_host.gate import CheckOutcome
from platformctl.policy_host.model import SEVERITIES, Violation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "platformctl-check"
# GitHub code scanning ranks security alerts by this CVSS-like score.
_SECURITY_SEVERITY = {"critical": "9.5", "high": "7.5", "medium": "5.0", "low": "2.0"}
_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "unspecified": "white"}


def _location(v: Violation, outcome: CheckOutcome) -> tuple[str, int]:
    return (v.source_file, v.source_line) if v.source_file else (outcome.stack_file, 1)


# -- table ------------------------------------------------------------------------
def print_table(outcomes: Sequence[CheckOutcome], console: Console, failures: Sequence[StackFailure] = ()) -> None:
    for outcome in outcomes:
        resources = sum(1 for r in outcome.snapshot.resources if r.custom and not r.is_provider)
        packs = ", ".join(f"{p.name}@{p.version}" for p in outcome.packs)
        console.print(f"[bold]{escape(outcome.project)}/{escape(outcome.stack)}[/]: {resources} resources checked by "
                      f"{escape(packs)} in {outcome.seconds:.1f}s")
        for severity in SEVERITIES:
            found = [v for v in outcome.violations if v.severity == severity]
            if not found:
                continue
            table = Table(title=f"{severity.upper()} ({len(found)})", title_justify="left", title_style=_STYLE[severity],
                          show_lines=True, expand=False)
            # The message and its remediation get the room; identifiers fold only when they must.
            for column, ratio in (("level", 1), ("policy", 2), ("resource", 3), ("message", 4), ("remediation", 4)):
                table.add_column(column, overflow="fold", ratio=ratio, min_width=9 if ratio == 1 else 20)
            for v in found:
                where, line = _location(v, outcome)
                table.add_row("[red]mandatory[/]" if v.mandatory else "advisory", escape(v.policy_id),
                              f"{escape(v.resource_type)}\n{escape(v.resource_name)}\n[dim]{escape(where)}:{line}[/]",
                              escape(v.message), escape(v.remediation))
            console.print(table)
        if outcome.not_judged:
            # Not violations: values unknown until apply (preview); `pulumi up` runs these policies in full.
            console.print(f"[dim]NOT JUDGED during preview ({len(outcome.not_judged)})[/]")
            for v in outcome.not_judged:
                console.print(f"[dim]  {escape(v.policy_id)} {escape(v.resource_type)} {escape(v.resource_name)}: {escape(v.message)}[/]",
                              soft_wrap=True)
        for note in outcome.remediations:
            console.print(f"[cyan]remediation:[/] {escape(note)}")
        for warning in outcome.warnings:
            console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
        mandatory = len(outcome.mandatory)
        advisory = len(outcome.violations) - mandatory
        verdict = "[red]FAIL[/]" if mandatory else "[green]PASS[/]"
        unjudged = f", {len(outcome.not_judged)} not judged" if outcome.not_judged else ""
        console.print(f"{verdict} {outcome.stack}: {mandatory} mandatory, {advisory} advisory violation(s){unjudged}\n")
    for failure in failures:
        console.print(f"[red]ERROR[/] {escape(failure.stack)}: not checked ({failure.kind} failed):", soft_wrap=True)
        console.print(failure.message, soft_wrap=True, markup=False)  # as written: no markup, nothing escaped
        console.print()


# -- JSON -------------------------------------------------------------------------
def to_json(outcomes: Sequence[CheckOutcome], failures: Sequence[StackFailure] = ()) -> dict[str, Any]:
    stacks = []
    for o in outcomes:
        stacks.append({
            "stack": o.stack, "project": o.project,
            "resources": sum(1 for r in o.snapshot.resources if r.custom and not r.is_provider),
            "packs": [{"name": p.name, "version": p.version, "path": p.path,
                       "policies": {n: c.get("enforcementLevel") for n, c in p.effective.items()}} for p in o.packs],
            "violations": [v.to_json() | {"location": dict(zip(("file", "line"), _location(v, o), strict=True))} for v in o.violations],
            "not_judged": [v.to_json() for v in o.not_judged],
            "remediations": o.remediations, "warnings": o.warnings, "seconds": o.seconds, "error": None,
        })
    stacks += [{"stack": f.stack, "error": f.to_json(), "violations": [], "not_judged": [], "packs": [], "remediations": [],
                "warnings": []} for f in failures]
    mandatory = sum(len(o.mandatory) for o in outcomes)
    return {"stacks": stacks, "summary": {"mandatory": mandatory,
                                          "advisory": sum(len(o.violations) for o in outcomes) - mandatory,
                                          "not_judged": sum(len(o.not_judged) for o in outcomes),
                                          "errors": len(failures)}}


# -- SARIF ------------------------------------------------------------------------
def _rules(outcomes: Sequence[CheckOutcome]) -> list[dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for outcome in outcomes:
        for pack in outcome.packs:
            for name, policy in pack.policies.items():
                rule_id = f"{pack.name}/{name}"
                if rule_id in rules:
                    continue
                level = (pack.effective.get(name) or {}).get("enforcementLevel", policy.enforcement)
                properties: dict[str, Any] = {"tags": ["security", "crossguard", pack.name, *policy.tags],
                                              "precision": "high", "enforcementLevel": level, "policyPackVersion": pack.version}
                if policy.severity in _SECURITY_SEVERITY:
                    properties["security-severity"] = _SECURITY_SEVERITY[policy.severity]
                help_text = policy.remediation_steps or policy.description or name
                rule: dict[str, Any] = {
                    "id": rule_id, "name": name,
                    "shortDescription": {"text": policy.display_name or policy.description or name},
                    "fullDescription": {"text": policy.description or name},
                    "help": {"text": help_text, "markdown": f"**{policy.description or name}**\n\n{help_text}"},
                    "defaultConfiguration": {"level": _sarif_level(level), "enabled": level != "disabled"},
                    "properties": properties,
                }
                if policy.url:
                    rule["helpUri"] = policy.url
                rules[rule_id] = rule
    return list(rules.values())


def _sarif_level(enforcement: str) -> str:
    return {"mandatory": "error", "remediate": "error", "advisory": "warning"}.get(enforcement, "note")


def to_sarif(outcomes: Sequence[CheckOutcome], tool_version: str = "0.1.0", failures: Sequence[StackFailure] = ()) -> dict[str, Any]:
    rules = _rules(outcomes)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for outcome in outcomes:
        for v in outcome.violations:
            uri, line = _location(v, outcome)
            result: dict[str, Any] = {
                "ruleId": v.policy_id, "level": _sarif_level(v.enforcement),
                "message": {"text": f"{v.message} ({v.resource_type} '{v.resource_name}', stack {v.stack})"},
                "locations": [{
                    "physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                         "region": {"startLine": max(1, line)}},
                    "logicalLocations": [{"fullyQualifiedName": v.urn, "name": v.resource_name, "kind": "resource"}],
                }],
                "properties": {"stack": v.stack, "urn": v.urn, "enforcementLevel": v.enforcement, "severity": v.severity},
            }
            if v.policy_id in index:
                result["ruleIndex"] = index[v.policy_id]
            results.append(result)
    notifications = [{"level": "warning", "message": {"text": w}} for o in outcomes for w in o.warnings]
    notifications += [{"level": "note", "message": {"text": f"not judged: {v.policy_id} {v.resource_name}: {v.message}"}}
                      for o in outcomes for v in o.not_judged]
    # A stack that could not be judged is a failed execution, not a clean result.
    notifications += [{"level": "error", "message": {"text": f"stack {f.stack} not checked ({f.kind} failed): {f.message}"},
                       **({"locations": [{"physicalLocation": {"artifactLocation": {"uri": f.stack_file, "uriBaseId": "%SRCROOT%"}}}]}
                          if f.stack_file else {})} for f in failures]
    return {
        "$schema": SARIF_SCHEMA, "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": TOOL_NAME, "version": tool_version, "rules": rules,
                                "informationUri": "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/"}},
            "invocations": [{"executionSuccessful": not failures, "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }
