"""Which stacks to run, and in what order.

Stacks are promoted shared -> dev -> prod. A stack's promotion level is its
``<project>:environment`` config value (falling back to its name); stacks whose
environment is not one of the known levels run after the known ones. Inside a
level, a stack that references another one (e.g. through
``aiplatform:sharedStack``) runs in a later wave, so every wave holds stacks
that do not depend on each other and may run in parallel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from platformctl.offline.project import ProjectError, load_stack_config, referenced_stacks, stacks_of

PROMOTION_LEVELS = ("shared", "dev", "prod")
PRODUCTION_LEVEL = "prod"


class PlanError(Exception):
    """The requested stacks cannot be planned; the message says which flag or file to fix."""


@dataclass(frozen=True)
class StackInfo:
    name: str
    environment: str
    references: tuple[str, ...] = ()

    @property
    def level(self) -> int:
        return PROMOTION_LEVELS.index(self.environment) if self.environment in PROMOTION_LEVELS else len(PROMOTION_LEVELS)

    @property
    def is_production(self) -> bool:
        return self.environment == PRODUCTION_LEVEL or self.name == PRODUCTION_LEVEL


@dataclass
class Plan:
    """Waves of stacks: every stack of a wave may start once all earlier waves are done."""

    waves: list[list[StackInfo]] = field(default_factory=list)

    @property
    def stacks(self) -> list[StackInfo]:
        return [s for wave in self.waves for s in wave]

    def reversed(self) -> Plan:
        """Dependents first: the order to destroy in."""
        return Plan([list(wave) for wave in reversed(self.waves)])


def _short_name(stack: str) -> str:
    # "org/project/dev" and "dev" both live in Pulumi.dev.yaml
    return stack.rsplit("/", 1)[-1]


def describe_stack(project_dir: Path, stack: str, known: list[str]) -> StackInfo:
    try:
        cfg = load_stack_config(project_dir, _short_name(stack))
    except ProjectError as exc:
        raise PlanError(str(exc)) from None
    environment = str(cfg.raw.get(f"{cfg.project}:environment") or _short_name(stack))
    return StackInfo(name=stack, environment=environment, references=tuple(referenced_stacks(cfg, known)))


def _waves_within_level(stacks: list[StackInfo]) -> list[list[StackInfo]]:
    """Topological layering of one promotion level by its internal references."""
    names = {s.name for s in stacks}
    depth: dict[str, int] = {}
    by_name = {s.name: s for s in stacks}

    def visit(stack: StackInfo, path: tuple[str, ...]) -> int:
        if stack.name in depth:
            return depth[stack.name]
        if stack.name in path:
            cycle = " -> ".join((*path[path.index(stack.name):], stack.name))
            raise PlanError(f"stacks reference each other in a cycle: {cycle}; fix their stack-reference config")
        inner = [by_name[r] for r in stack.references if r in names]
        depth[stack.name] = 1 + max((visit(d, (*path, stack.name)) for d in inner), default=-1)
        return depth[stack.name]

    for s in stacks:
        visit(s, ())
    waves: list[list[StackInfo]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for s in sorted(stacks, key=lambda s: s.name):
        waves[depth[s.name]].append(s)
    return waves


def plan_stacks(project_dir: Path, requested: list[str] | None) -> Plan:
    """Order ``requested`` (default: every Pulumi.<stack>.yaml) into promotion waves."""
    project_dir = project_dir.resolve()
    known = stacks_of(project_dir)
    if not known:
        raise PlanError(f"{project_dir} has no Pulumi.<stack>.yaml files; pass --project-dir pointing at a Pulumi project")
    names = list(dict.fromkeys(requested or known))
    unknown = [n for n in names if _short_name(n) not in known]
    if unknown:
        raise PlanError(f"--stack {unknown[0]}: no Pulumi.{_short_name(unknown[0])}.yaml in {project_dir} "
                        f"(stacks: {', '.join(known)})")
    infos = [describe_stack(project_dir, n, known) for n in names]
    by_short = {_short_name(s.name): s for s in infos}
    for s in infos:
        for ref in s.references:
            target = by_short.get(ref)
            if target is not None and target.level > s.level:
                raise PlanError(f"stack {s.name} ({s.environment}) references {target.name} ({target.environment}), "
                                f"which is promoted later ({' -> '.join(PROMOTION_LEVELS)}); fix the reference or "
                                f"the aiplatform:environment of one of them")
    # references are by short name; map them onto requested names so layering sees them
    infos = [StackInfo(s.name, s.environment, tuple(by_short[r].name for r in s.references if r in by_short)) for s in infos]
    waves: list[list[StackInfo]] = []
    for level in sorted({s.level for s in infos}):
        waves.extend(_waves_within_level([s for s in infos if s.level == level]))
    return Plan(waves)
