"""What a check produces: policy metadata per pack and the violations found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("critical", "high", "medium", "low", "unspecified")  # most severe first
ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")


@dataclass(frozen=True)
class PolicyMeta:
    name: str
    description: str = ""
    display_name: str = ""
    enforcement: str = "advisory"  # as declared by the pack, before any config
    severity: str = "unspecified"
    remediation_steps: str = ""
    url: str = ""
    kind: str = "resource"  # resource | stack
    config_schema: dict[str, Any] = field(default_factory=dict)  # {"properties": {...}, "required": [...]}
    tags: tuple[str, ...] = ()


@dataclass
class PackInfo:
    name: str
    version: str
    path: str
    policies: dict[str, PolicyMeta]
    initial_config: dict[str, dict[str, Any]] = field(default_factory=dict)  # policy -> {"enforcementLevel"?, props...}
    supports_config: bool = True
    effective: dict[str, dict[str, Any]] = field(default_factory=dict)  # policy -> reconciled config sent by Configure


@dataclass(frozen=True)
class Violation:
    stack: str
    policy_pack: str
    policy_pack_version: str
    policy: str
    enforcement: str  # mandatory | advisory
    severity: str
    message: str
    description: str
    remediation: str
    urn: str
    resource_type: str
    resource_name: str
    source_file: str  # relative to the repository root; "" when unknown
    source_line: int
    url: str = ""
    # A "can't run policy ... during preview" note: a value was unknown, so the policy could not judge it.
    not_judged: bool = False

    @property
    def mandatory(self) -> bool:
        return self.enforcement == "mandatory"

    @property
    def policy_id(self) -> str:
        return f"{self.policy_pack}/{self.policy}"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "policy_id": self.policy_id}
