"""Parse and validate the stack configuration once, before any resource exists.

``load_settings()`` reads every key of the project namespace, validates the
shape with pydantic (``config.schema``) and the cross-field rules
(``config.rules``), and raises a single ``ConfigError`` listing every problem
with its key and fix.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pulumi
from pydantic import ValidationError

from config.backend import backend_problems
from config.cross_stack import cross_stack_problems
from config.errors import NAMESPACE, ConfigError, schema_problems
from config.rules import semantic_problems
from config.schema import (
    Account,
    Environment,
    PlatformConfig,
)

# ---------------------------------------------------------------------------
# Reading the raw values


def raw_config(namespace: str = NAMESPACE) -> dict[str, Any]:
    """Every ``namespace:key`` value of the running stack, JSON-decoded where structured."""
    from pulumi.runtime import config as rc

    merged: dict[str, Any] = {**rc.get_config_env(), **rc.CONFIG.get()}
    prefix = f"{namespace}:"
    out: dict[str, Any] = {}
    for full_key, value in merged.items():
        if not full_key.startswith(prefix):
            continue
        key = full_key[len(prefix):]
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                pass
        out[key] = value
    return out


# ---------------------------------------------------------------------------
# The validated settings and the rules pydantic cannot express


@dataclass(frozen=True)
class Settings:
    """The validated config plus what later layers derive from it."""

    stack: str
    project: str
    config: PlatformConfig

    @property
    def environment(self) -> str:
        return self.config.environment.value

    @property
    def is_prod(self) -> bool:
        return self.config.environment is Environment.prod

    @property
    def is_shared(self) -> bool:
        return self.config.environment is Environment.shared

    @property
    def protect_stateful(self) -> bool:
        """Prod, and the shared stack that prod depends on, protect and retain everything stateful."""
        return self.config.environment in (Environment.prod, Environment.shared)

    @cached_property
    def regions(self) -> list[str]:
        """Every region this stack deploys into, primary first."""
        r = self.config.regions
        return [r.primary, *([r.dr] if r.dr else []), *r.additional]

    @property
    def primary_region(self) -> str:
        return self.config.regions.primary

    @property
    def dr_region(self) -> str | None:
        return self.config.regions.dr

    @cached_property
    def workload_accounts(self) -> list[Account]:
        a = self.config.accounts
        return [*([a.workload] if a.workload else []), *a.additional_workloads]

    def role_arn(self, account: Account) -> str:
        role = account.role or self.config.deploy_role.name
        return role if role.startswith("arn:") else f"arn:aws:iam::{account.id}:role/{role}"

    @cached_property
    def tags(self) -> dict[str, str]:
        return {**self.config.tags, "project": self.project, "stack": self.stack, "managed-by": "pulumi"}

    @property
    def knobs(self):
        return self.config.knobs

    @property
    def features(self):
        return self.config.features


def validate(raw: Mapping[str, Any], stack: str, project: str, organization: str | None = None,
             project_dir: Path | None = None) -> Settings:
    """Validate raw namespace values; raise ConfigError listing every problem.

    ``organization`` is the engine's (``pulumi.get_organization()``), used to check the backend's stack names.
    With ``project_dir``, a dev/prod stack is also checked against the shared stack's config file there.
    """
    try:
        cfg = PlatformConfig.model_validate(dict(raw))
    except ValidationError as exc:
        raise ConfigError(stack, schema_problems(exc, stack)) from None
    problems = semantic_problems(cfg, stack)
    if cfg.environment is not Environment.shared:
        problems += backend_problems(cfg.state_backend, cfg.shared_stack, project, organization)
    if project_dir is not None:
        problems += cross_stack_problems(cfg, stack, project, project_dir)
    if problems:
        raise ConfigError(stack, problems)
    return Settings(stack=stack, project=project, config=cfg)


def load_settings() -> Settings:
    """The running stack's settings (raises ConfigError before any resource is registered)."""
    # The engine runs the program in the project directory, where every stack's config file lives.
    return validate(raw_config(), pulumi.get_stack(), pulumi.get_project(), pulumi.get_organization(), Path.cwd())
