"""Rules across stacks: a dev/prod stack against the shared stack it reads (``sharedStack``).

The shared stack's archive bucket, key and model registry admit only the workload accounts its config
lists, so a dev/prod account missing there synthesizes but fails at deploy. Both stacks are stacks of
this one project, so their config files sit side by side: this reads the shared stack's file, before
any resource of the dev/prod stack is registered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from config.errors import NAMESPACE, Problem
from config.schema import Environment, PlatformConfig


def stack_names(project_dir: Path) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


def _shared_config(project_dir: Path, short: str) -> dict[str, Any] | None:
    try:
        doc = yaml.safe_load((project_dir / f"Pulumi.{short}.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return None
    config = doc.get("config") if isinstance(doc, dict) else None
    if not isinstance(config, dict):
        return {}
    prefix = f"{NAMESPACE}:"
    return {k[len(prefix):]: v for k, v in config.items() if isinstance(k, str) and k.startswith(prefix)}


def _ids(value: Any) -> set[str]:
    return {str(v) for v in value} if isinstance(value, list) else set()


def cross_stack_problems(cfg: PlatformConfig, stack: str, project: str, project_dir: Path) -> list[Problem]:
    """What the shared stack named by ``sharedStack`` must know about this dev/prod stack's accounts."""
    if cfg.environment is Environment.shared or not cfg.shared_stack:
        return []
    parts = cfg.shared_stack.split("/")
    short = parts[-1]
    stacks = [s for s in stack_names(project_dir) if s != stack]
    if len(parts) == 3 and parts[1] != project:
        return [Problem("sharedStack", f"'{cfg.shared_stack}' names project '{parts[1]}', but the shared stack is a stack of this "
                        f"project ('{project}')", f"use <organization>/{project}/<stack>, one of: {', '.join(stacks) or 'none'}")]
    shared = _shared_config(project_dir, short)
    if shared is None or len(parts) > 3:
        return [Problem("sharedStack", f"no stack '{short}' in this project (stacks: {', '.join(stacks) or 'none'})",
                        f"set it to <organization>/{project}/<stack> of the shared stack, e.g. organization/{project}/shared")]
    file = f"Pulumi.{short}.yaml"
    if shared.get("environment") != Environment.shared.value:
        return [Problem("sharedStack", f"stack '{short}' is not a shared stack (its environment is {shared.get('environment')!r})",
                        f"name the stack whose {file} says environment: shared")]
    problems = []
    if shared.get("org", cfg.org) != cfg.org:
        problems.append(Problem("org", f"'{cfg.org}' differs from the shared stack's org '{shared.get('org')}'; role and bucket names "
                                "the shared stack grants are built from it", f"use org: {shared.get('org')} (as in {file})"))
    accounts = shared.get("accounts") if isinstance(shared.get("accounts"), dict) else {}
    registry = ((shared.get("knobs") or {}).get("modelRegistry") or {}) if isinstance(shared.get("knobs"), dict) else {}
    members = _ids(accounts.get("members"))
    # dev trains and registers model versions; prod deploys approved ones.
    role, kind = ("consumers", "read approved model versions") if cfg.environment is Environment.prod else ("publishers", "register model versions")
    listed = _ids(registry.get(role)) if isinstance(registry, dict) else set()
    mine = [("accounts.workload", cfg.accounts.workload)] if cfg.accounts.workload else []
    mine += [(f"accounts.additionalWorkloads[{i}]", a) for i, a in enumerate(cfg.accounts.additional_workloads)]
    for key, account in mine:
        if account.id not in members:
            problems.append(Problem(f"{key}.id", f"account {account.id} is not in the shared stack's accounts.members, so its log "
                                    "archive, registries and key policies refuse it at deploy",
                                    f"add \"{account.id}\" to {NAMESPACE}:accounts.members in {file}, then update the shared stack first"))
        if account.id not in listed:
            problems.append(Problem(f"{key}.id", f"account {account.id} is not in the shared stack's knobs.modelRegistry.{role}, so it "
                                    f"cannot {kind}", f"add \"{account.id}\" to {NAMESPACE}:knobs.modelRegistry.{role} in {file}, "
                                    "then update the shared stack first"))
    return problems
