"""What a synthesized stack looks like to the engine: one record per registration."""

from __future__ import annotations

import json
from collections.abc import Iterator
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

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True))

    @classmethod
    def load(cls, path: Path) -> Snapshot:
        return cls.from_json(json.loads(path.read_text()))
