"""The resource views rules judge, built from what the analyzer passes (args or stack resources)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from crossguard_aws.values import Unknown, dig, maybe_json, to_plain

DEFAULT_PROVIDER_PREFIX = "default"


@dataclass
class Provider:
    type: str
    urn: str
    name: str
    props: dict[str, Any]

    @classmethod
    def from_policy(cls, provider: Any) -> Provider | None:
        if provider is None:
            return None
        raw = to_plain(provider.props)
        # The aws provider's object inputs arrive JSON-encoded ('{"tags": {...}}', '["1234..."]'):
        # decode them so rules see the same shape whichever host produced them.
        props = {k: maybe_json(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        return cls(provider.resource_type, provider.urn, provider.name, props)

    @property
    def package(self) -> str:
        return self.type.removeprefix("pulumi:providers:")

    @property
    def account(self) -> str | None:
        """The AWS account this provider deploys into, when its inputs say so (allowedAccountIds, or the account
        of the role it assumes); None for ambient credentials."""
        ids = self.props.get("allowedAccountIds")
        if isinstance(ids, list) and ids and isinstance(ids[0], str | int) and not isinstance(ids[0], bool):
            return str(ids[0])
        roles = self.props.get("assumeRoles", self.props.get("assumeRole"))
        for role in roles if isinstance(roles, list) else [roles]:
            arn = role.get("roleArn") if isinstance(role, dict) else None
            if isinstance(arn, str) and arn.count(":") >= 5:
                return arn.split(":")[4] or None
        return None

    @property
    def is_default(self) -> bool:
        """Default providers are named ``default`` or ``default_<version>`` by the engine."""
        return self.name == DEFAULT_PROVIDER_PREFIX or self.name.startswith(DEFAULT_PROVIDER_PREFIX + "_")


@dataclass
class Res:
    type: str
    urn: str
    name: str
    props: dict[str, Any]
    provider: Provider | None = None
    protect: bool = False
    parent: str | None = None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)

    def get(self, dotted: str, default: Any = None) -> Any:
        value = dig(self.props, dotted)
        return default if value is None else value

    def declared(self, dotted: str, default: Any = None) -> Any:
        """``get`` for stack rules, which see outputs: a top-level property that is unknown while nothing feeds it
        (no property dependency) is one the provider computes because the program left it unset, as a preview
        reports optional+computed outputs; it counts as absent. Values fed from other resources stay unknown."""
        top = dotted.split(".", 1)[0]
        if isinstance(self.props.get(top), Unknown) and not self.property_dependencies.get(top):
            return default
        return self.get(dotted, default)

    @property
    def package(self) -> str:
        return self.type.split(":", 1)[0]

    @property
    def label(self) -> str:
        return f"{self.type.rsplit(':', 1)[-1]} '{self.name}'"

    def depends_on(self, urn: str, *props: str) -> bool:
        """True when this resource's given inputs (or, with no names, any input or dependency) come from ``urn``."""
        if props:
            return any(urn in self.property_dependencies.get(p, ()) for p in props)
        return urn in self.dependencies or any(urn in v for v in self.property_dependencies.values())

    @classmethod
    def from_args(cls, args: Any) -> Res:
        props = to_plain(args.props)
        return cls(args.resource_type, args.urn, args.name, props if isinstance(props, dict) else {},
                   Provider.from_policy(args.provider), bool(args.opts.protect), args.opts.parent)

    @classmethod
    def from_policy_resource(cls, r: Any) -> Res:
        props = to_plain(r.props)
        return cls(
            r.resource_type, r.urn, r.name, props if isinstance(props, dict) else {},
            Provider.from_policy(r.provider), bool(r.opts.protect),
            r.parent.urn if r.parent is not None else (r.opts.parent or None),
            [d.urn for d in r.dependencies],
            {k: [d.urn for d in v] for k, v in r.property_dependencies.items()},
        )


class Stack:
    """Every resource of one stack, with the joins stack rules need.

    The joins use indexes built on first use (by type, parent, dependents and known identifying values), so a
    rule that joins each of its subjects costs time in proportion to what it joins, not to the whole stack: with
    a scan of every resource per join, a 20-account prod's stack rules took 100 s instead of a few.
    """

    def __init__(self, resources: Iterable[Res]):
        self.resources = list(resources)
        self._value_indexes: dict[tuple[str, str], dict[str, list[Res]]] = {}

    @cached_property
    def by_urn(self) -> Mapping[str, Res]:
        return {r.urn: r for r in self.resources}

    @cached_property
    def _by_type(self) -> Mapping[str, list[Res]]:
        index: dict[str, list[Res]] = {}
        for r in self.resources:
            index.setdefault(r.type, []).append(r)
        return index

    @cached_property
    def _by_parent(self) -> Mapping[str | None, list[Res]]:
        index: dict[str | None, list[Res]] = {}
        for r in self.resources:
            index.setdefault(r.parent, []).append(r)
        return index

    @cached_property
    def _position(self) -> Mapping[int, int]:
        return {id(r): i for i, r in enumerate(self.resources)}

    def of_types(self, types: Iterable[str]) -> list[Res]:
        """The resources of ``types``, in the stack's order."""
        lists = [self._by_type.get(t, []) for t in dict.fromkeys(types)]
        if len(lists) == 1:
            return list(lists[0])
        return sorted((r for found in lists for r in found), key=lambda r: self._position[id(r)])

    def attached(self, target: Res, types: Iterable[str], *props: str, match_values: Iterable[str] = ()) -> list[Res]:
        """Resources of ``types`` that point at ``target`` through the inputs ``props`` (dotted paths allowed).

        In a preview IDs and ARNs are unknown, so the join goes through the engine's property dependencies
        (and plain dependencies); when values are known (an update, or names fixed in code) the inputs are
        also compared with the target's identifying values ``match_values`` (e.g. "id", "bucket", "arn").
        """
        types = tuple(dict.fromkeys(types))
        keys = _keys(target, match_values)
        candidates = {id(r): r for r in self._dependents.get(target.urn, ()) if r.type in types}
        for t in types:
            for prop in props if keys else ():
                index = self._values(t, prop)
                candidates.update((id(r), r) for key in keys for r in index.get(key, ()))
        found = [r for r in candidates.values() if _points_at(r, target, props, keys)]
        return sorted(found, key=lambda r: self._position[id(r)])

    @cached_property
    def _dependents(self) -> Mapping[str, list[Res]]:
        """urn -> the resources that depend on it (plainly or through an input)."""
        index: dict[str, list[Res]] = {}
        for r in self.resources:
            for urn in {*r.dependencies, *(u for urns in r.property_dependencies.values() for u in urns)}:
                index.setdefault(urn, []).append(r)
        return index

    def _values(self, type_: str, prop: str) -> Mapping[str, list[Res]]:
        """Known string value of ``prop`` -> the resources of ``type_`` that have it (built on first use)."""
        if (type_, prop) not in self._value_indexes:
            index: dict[str, list[Res]] = {}
            for r in self._by_type.get(type_, ()):
                value = _known_str(r.get(prop))
                if value:
                    index.setdefault(value, []).append(r)
            self._value_indexes[(type_, prop)] = index
        return self._value_indexes[(type_, prop)]

    def targets(self, source: Res, types: Iterable[str], *props: str, match_values: Iterable[str] = ()) -> list[Res]:
        """The inverse join: resources of ``types`` that ``source`` points at through ``props``. For ``r`` of
        ``types``, ``r`` is among ``targets(source, types, *props)`` exactly when ``source`` is among
        ``attached(r, [source.type], *props)`` with the same ``match_values``; an ``attached`` asked for other
        types never returns ``source``. URNs are unique in a stack (the engine refuses a repeated one)."""
        types, match_values = tuple(dict.fromkeys(types)), tuple(match_values)
        roots = [p.split(".", 1)[0] for p in props]
        urns = ({u for root in roots for u in source.property_dependencies.get(root, ())} if props
                else {*source.dependencies, *(u for urns in source.property_dependencies.values() for u in urns)})
        candidates = {id(r): r for r in (self.by_urn.get(u) for u in urns) if r is not None and r.type in types}
        for value in filter(None, (_known_str(source.get(p)) for p in props)):
            for t in types:
                for m in match_values:
                    candidates.update((id(r), r) for r in self._values(t, m).get(value, ()))
        found = [r for r in candidates.values() if _points_at(source, r, props, _keys(r, match_values))]
        return sorted(found, key=lambda r: self._position[id(r)])

    def children_of(self, urn: str) -> list[Res]:
        return list(self._by_parent.get(urn, ()))


def _keys(target: Res, match_values: Iterable[str]) -> set[str]:
    return {v for v in (_known_str(target.get(m)) for m in match_values) if v}


def _points_at(source: Res, target: Res, props: tuple[str, ...], keys: set[str]) -> bool:
    if source.urn == target.urn:
        return False
    if source.depends_on(target.urn, *(p.split(".", 1)[0] for p in props)):
        return True
    return bool(keys) and any(_known_str(source.get(p)) in keys for p in props)


def _known_str(value: Any) -> str | None:
    if isinstance(value, Unknown) or not isinstance(value, str):
        return None
    return value
