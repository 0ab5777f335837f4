"""Policy configuration knobs: JSON schema, defaults, and parsing into typed values.

Pulumi policy config is per policy (``{"<rule-id>": {"enforcementLevel": ..., <knob>: ...}}``), so each rule
declares the knobs it reads; the defaults below match this project and are applied in code too, so a host
that does not fill schema defaults behaves the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXEMPTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "urn": {"type": "string", "description": "URN of the exempted resource (fnmatch pattern allowed)."},
        "name": {"type": "string", "description": "Logical name pattern (fnmatch) of the exempted resource(s)."},
        "reason": {"type": "string", "minLength": 1, "description": "Why the resource is exempt (shown in reviews)."},
        "expires": {"type": "string", "description": "Last day (YYYY-MM-DD) the exemption applies; after it, it is a violation."},
    },
    "required": ["reason", "expires"],
}


@dataclass(frozen=True)
class Knob:
    name: str
    schema: dict[str, Any]
    default: Any
    description: str

    def json_schema(self) -> dict[str, Any]:
        schema = {**self.schema, "description": self.description}
        if self.default is not None:
            schema["default"] = self.default
        return schema


KNOBS: dict[str, Knob] = {k.name: k for k in (
    Knob("exemptions", {"type": "array", "items": EXEMPTION_SCHEMA}, [],
         "Resources exempt from this rule, each with a reason and an expiry date."),
    Knob("requiredTags", {"type": "array", "items": {"type": "string"}},
         ["owner", "cost-center", "environment", "data-classification"],
         "Tag keys every taggable resource must carry (own tags merged with provider default tags)."),
    Knob("allowedTagValues", {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
         {"environment": ["shared", "dev", "prod"], "data-classification": ["public", "internal", "confidential", "restricted"]},
         "For tag keys listed here, the only values allowed."),
    Knob("minDeletionWindowDays", {"type": "integer", "minimum": 7, "maximum": 30}, 7,
         "Minimum KMS key deletion window (days) outside production."),
    Knob("minDeletionWindowDaysProduction", {"type": "integer", "minimum": 7, "maximum": 30}, 30,
         "Minimum KMS key deletion window (days) in production stacks."),
    Knob("minRetentionDays", {"type": "integer", "minimum": 1}, 90,
         "Minimum CloudWatch log retention in days (0/unset means never expire, which passes)."),
    Knob("allowedPublicIngressPorts", {"type": "array", "items": {"type": "integer"}}, [],
         "TCP ports that may be open to 0.0.0.0/0 or ::/0 (for example [443] for a public load balancer)."),
    Knob("statefulTypes", {"type": "array", "items": {"type": "string"}}, None,
         "Resource type tokens that must be protected in production (default: the built-in stateful list)."),
    Knob("awsManagedKeys", {"type": "array", "items": {"type": "string"}}, [],
         "Key ids/ARNs that are AWS-managed keys although not named by an alias/aws/ alias (for example resolved with "
         "aws.kms.get_alias or get_key); platformctl check fills it from the program's key lookups."),
    Knob("production", {"type": "boolean"}, None,
         "Force production (true) or non-production (false); unset: decided from stack config and stack name."),
    Knob("productionEnvironments", {"type": "array", "items": {"type": "string"}}, ["prod", "production"],
         "Values of the stack config key '<project>:environment' that mean production."),
    Knob("productionStacks", {"type": "array", "items": {"type": "string"}}, ["prod", "prod-*", "*-prod", "production"],
         "Stack name patterns (fnmatch) that mean production when the stack config has no environment key."),
)}

PRODUCTION_KNOBS = ("production", "productionEnvironments", "productionStacks")


class ConfigError(ValueError):
    """Bad policy config: the message names the key and the fix."""


def _expect(name: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"policy config '{name}' must be {what}, got {value!r}")
    return value


def parse(knob_names: tuple[str, ...], raw: Any) -> dict[str, Any]:
    """Typed knob values for one rule: configured value, or the default."""
    raw = dict(raw or {})
    out: dict[str, Any] = {}
    for name in knob_names:
        knob = KNOBS[name]
        value = raw.get(name, knob.default)
        if value is None:
            out[name] = None
            continue
        kind = knob.schema["type"]
        if kind == "integer":
            # Config arrives through a protobuf Struct, so integers come back as floats.
            _expect(name, value, (int, float), "a whole number")
            if float(value) != int(value):
                raise ConfigError(f"policy config '{name}' must be a whole number, got {value!r}")
            value = int(value)
            if value < knob.schema.get("minimum", value):
                raise ConfigError(f"policy config '{name}' must be at least {knob.schema['minimum']}, got {value}")
            if value > knob.schema.get("maximum", value):
                raise ConfigError(f"policy config '{name}' must be at most {knob.schema['maximum']}, got {value}")
        elif kind == "boolean":
            _expect(name, value, bool, "true or false")
        elif kind == "array":
            _expect(name, value, list, "a list")
            if knob.schema["items"].get("type") == "integer":
                value = [int(_expect(f"{name}[{i}]", v, (int, float), "a whole number")) for i, v in enumerate(value)]
            elif knob.schema["items"].get("type") == "string":
                value = [_expect(f"{name}[{i}]", v, str, "a string") for i, v in enumerate(value)]
        elif kind == "object":
            _expect(name, value, dict, "an object of tag key -> list of allowed values")
            value = {k: [_expect(f"{name}.{k}", v, str, "a string") for v in _expect(f"{name}.{k}", vs, list, "a list")]
                     for k, vs in value.items()}
        out[name] = value
    return out


def schema_properties(knob_names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {name: KNOBS[name].json_schema() for name in knob_names}
