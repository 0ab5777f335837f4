"""What a synthesized stack looks like to the engine: one record per registration."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass
class ResourceRecord:
    urn: str
    type: str
    name: str
    custom: bool
    id: str = ""
    parent: str = ""
    provider: str = ""  # provider reference "urn::id", as the engine sees it
    providers: dict[str, str] = field(default_factory=dict)  # remote components: package -> reference
    remote: bool = False
    read: bool = False  # an existing resource read by the program (e.g. a StackReference), not managed
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    delete_before_replace_defined: bool = False
    aliases: list[str] = field(default_factory=list)  # alias URNs
    custom_timeouts: dict[str, float] = field(default_factory=dict)  # create/update/delete, in seconds
    ignore_changes: list[str] = field(default_factory=list)
    additional_secret_outputs: list[str] = field(default_factory=list)
    source_file: str = ""
    source_line: int = 0

    @property
    def provider_urn(self) -> str:
        return self.provider.rsplit("::", 1)[0] if self.provider else ""

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    @property
    def package(self) -> str:
        return self.type.split(":", 1)[0]


def canonical_order(records: Iterable[ResourceRecord]) -> list[ResourceRecord]:
    """The records in an order that does not depend on the timing of the run.

    Registration order varies between runs (Outputs resolve concurrently). This is a topological order, every
    record after its parent, provider and dependencies as the engine needs, ties broken by URN.
    """
    records = list(records)
    index = {r.urn: i for i, r in enumerate(records)}
    waiting_on: list[set[int]] = []
    dependents: list[list[int]] = [[] for _ in records]
    for i, r in enumerate(records):
        before = {r.parent, r.provider_urn, *r.dependencies, *(u for us in r.property_dependencies.values() for u in us),
                  *(ref.rsplit("::", 1)[0] for ref in r.providers.values())}
        found = {index[u] for u in before if u in index} - {i}
        waiting_on.append(found)
        for j in found:
            dependents[j].append(i)
    ready = [(r.urn, i) for i, r in enumerate(records) if not waiting_on[i]]
    heapq.heapify(ready)
    ordered: list[int] = []
    while ready:
        _, i = heapq.heappop(ready)
        ordered.append(i)
        for j in dependents[i]:
            waiting_on[j].discard(i)
            if not waiting_on[j]:
                heapq.heappush(ready, (records[j].urn, j))
    placed = set(ordered)
    ordered += [i for i in range(len(records)) if i not in placed]  # a cycle (never from a valid program)
    return [records[i] for i in ordered]


@dataclass
class Snapshot:
    """Every registration of one program run, plus its stack outputs and invokes."""

    project: str
    stack: str
    resources: list[ResourceRecord]
    outputs: dict[str, Any] = field(default_factory=dict)
    invokes: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    # Other stacks' config files the program opened ("<subprocess>" when it started a process, which may read
    # anything); None when not watched. A run that read none is cached for every content of them (``cache``).
    stack_files_read: list[str] | None = None

    # -- queries -------------------------------------------------------------
    @cached_property
    def by_urn(self) -> dict[str, ResourceRecord]:
        return {r.urn: r for r in self.resources}

    def of_type(self, type_: str) -> list[ResourceRecord]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name_contains: str = "") -> ResourceRecord:
        found = [r for r in self.of_type(type_) if name_contains in r.name]
        if len(found) != 1:
            raise LookupError(f"expected one {type_} named *{name_contains}*, found {[r.name for r in found]}")
        return found[0]

    def provider_of(self, record: ResourceRecord, package: str = "") -> ResourceRecord | None:
        """The record's provider; for a remote component, the one it was given for ``package`` (default aws)."""
        if record.remote:
            ref = record.providers.get(package or "aws", "")
            return self.by_urn.get(ref.rsplit("::", 1)[0])
        return self.by_urn.get(record.provider_urn)

    def placement(self, record: ResourceRecord) -> tuple[str | None, str] | None:
        """(account, region) of the record's provider: None without an explicit provider; account None when the
        provider's ``allowedAccountIds`` guard admits any account."""
        provider = self.provider_of(record)
        if provider is None:
            return None
        ids = provider.inputs.get("allowedAccountIds") or []
        ids = json.loads(ids) if isinstance(ids, str) else ids
        return (str(ids[0]) if ids else None), str(provider.inputs.get("region", ""))

    def ancestors(self, record: ResourceRecord) -> Iterator[ResourceRecord]:
        parent = self.by_urn.get(record.parent)
        while parent is not None:
            yield parent
            parent = self.by_urn.get(parent.parent)

    def layer_of(self, record: ResourceRecord) -> str:
        """The outermost component below the stack that registered this record."""
        chain = [record, *self.ancestors(record)]
        components = [r for r in chain if not r.custom and r.type != "pulumi:pulumi:Stack"]
        return components[-1].type if components else "(stack)"

    # -- persistence ---------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        data = dict(data)
        data["resources"] = [ResourceRecord(**r) for r in data["resources"]]
        return cls(**data)

    def document(self) -> str:
        """Everything recorded, byte-identical for two runs of the same program: the run's duration and what the
        cache may share it with are left out."""
        data = self.to_json()
        del data["seconds"], data["stack_files_read"]
        return json.dumps(data, indent=1, sort_keys=True)

    def save(self, path: Path) -> None:
        path.write_text(self.document())

    @classmethod
    def load(cls, path: Path) -> Snapshot:
        return cls.from_json(json.loads(path.read_text()))
