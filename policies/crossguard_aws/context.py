"""What a rule knows besides the resource: its config, the stack it runs for, and exemptions."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cached_property
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from crossguard_aws.knobs import ConfigError
from crossguard_aws.values import Unknown


@dataclass(frozen=True)
class StackEnv:
    """The stack the analyzer runs for, from the environment the engine sets for analyzer plugins."""

    project: str
    stack: str
    dry_run: bool
    config: dict[str, str]

    @classmethod
    def from_environ(cls, environ: Any = None) -> StackEnv:
        environ = os.environ if environ is None else environ
        try:
            config = json.loads(environ.get("PULUMI_CONFIG") or "{}")
        except ValueError:
            config = {}
        return cls(environ.get("PULUMI_PROJECT", ""), environ.get("PULUMI_STACK", ""),
                   environ.get("PULUMI_DRY_RUN", "") == "true", config if isinstance(config, dict) else {})

    @property
    def stack_name(self) -> str:
        """The bare stack name: ``org/project/prod`` -> ``prod``."""
        return self.stack.rsplit("/", 1)[-1]

    def environment(self) -> str | None:
        """``<project>:environment`` from stack config; any namespace's ``environment`` key if the project's is absent."""
        if self.project and f"{self.project}:environment" in self.config:
            return str(self.config[f"{self.project}:environment"])
        for key, value in sorted(self.config.items()):
            if key.endswith(":environment"):
                return str(value)
        return None


def is_production(knobs: dict[str, Any], env: StackEnv) -> tuple[bool, str]:
    """Production, and why. Order: the rule's ``production`` knob, then the stack's ``environment`` config, then its name."""
    if knobs.get("production") is not None:
        return bool(knobs["production"]), f"policy config production={str(knobs['production']).lower()}"
    environment = env.environment()
    if environment is not None:
        prod = environment in knobs.get("productionEnvironments", [])
        return prod, f"stack config environment={environment!r}"
    name = env.stack_name
    prod = bool(name) and any(fnmatchcase(name, p) for p in knobs.get("productionStacks", []))
    return prod, f"stack name {name!r}" if name else "no stack name"


@dataclass(frozen=True)
class Exemption:
    index: int
    reason: str
    expires: dt.date
    urn: str | None = None
    name: str | None = None

    def matches(self, urn: str, name: str) -> bool:
        if self.urn is not None:
            return fnmatchcase(urn, self.urn)
        return self.name is not None and fnmatchcase(name, self.name)

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    @property
    def target(self) -> str:
        return f"urn {self.urn!r}" if self.urn is not None else f"name {self.name!r}"


def parse_exemptions(raw: Any) -> list[Exemption]:
    out = []
    for i, entry in enumerate(raw or []):
        where = f"exemptions[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"policy config '{where}' must be an object with urn or name, reason and expires")
        urn, name = entry.get("urn"), entry.get("name")
        if (urn is None) == (name is None):
            raise ConfigError(f"policy config '{where}' needs exactly one of 'urn' or 'name' to say which resource it exempts")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"policy config '{where}.reason' is required: say why the resource is exempt")
        try:
            expires = dt.date.fromisoformat(str(entry.get("expires")))
        except ValueError:
            raise ConfigError(f"policy config '{where}.expires' must be a date YYYY-MM-DD, got {entry.get('expires')!r}") from None
        out.append(Exemption(i, reason.strip(), expires, urn, name))
    return out


@dataclass
class RuleContext:
    """Passed to every check: typed knobs of the rule plus stack facts."""

    knobs: dict[str, Any]
    env: StackEnv
    unknowns: list[str] = field(default_factory=list)

    def known(self, *values: Any) -> bool:
        """False (and noted as not judged) when any value is unknown; lets a rule judge the rest."""
        missing = [v for v in values if isinstance(v, Unknown)]
        self.unknowns.extend(v.dotted for v in missing)
        return not missing

    def aspects(self, *checks: Callable[[], Iterable[str]]) -> Iterator[str]:
        """Run independent checks of one resource: one that meets an unknown value is noted as not judged
        and the others still run, so a preview judges everything that is known."""
        for check in checks:
            try:
                yield from check()
            except UnknownValueError as e:
                self.unknowns.append("." + ".".join(e.props) if e.props else "(a value)")

    @cached_property
    def production(self) -> bool:
        return is_production(self.knobs, self.env)[0]

    @property
    def production_reason(self) -> str:
        return is_production(self.knobs, self.env)[1]

    def __getitem__(self, name: str) -> Any:
        return self.knobs[name]
