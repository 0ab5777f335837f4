"""Policy pack configuration the way the CLI reconciles it (``--policy-pack-config``).

A config file maps a policy name (or ``all``) to an enforcement level string or
to an object with an optional ``enforcementLevel`` and the policy's properties.
Each policy's effective config starts from its declared level and the defaults
of its config schema, then the pack's initial config, then the file (``all``
first); the result is validated against the policy's schema and sent with
``Configure``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from platformctl.policy_host.model import ENFORCEMENT_LEVELS, PackInfo


class PolicyConfigError(Exception):
    """The policy config file is unusable or does not satisfy a policy's schema."""


def _normalize(source: str, data: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(data, dict):
        raise PolicyConfigError(f"{source}: must be a JSON object mapping policy names (or 'all') to a level or an object")
    out: dict[str, dict[str, Any]] = {}
    for name, value in data.items():
        entry = {"enforcementLevel": value} if isinstance(value, str) else value
        if not isinstance(entry, dict):
            raise PolicyConfigError(f"{source}: '{name}' must be an enforcement level string or an object")
        level = entry.get("enforcementLevel")
        if level is not None and level not in ENFORCEMENT_LEVELS:
            raise PolicyConfigError(f"{source}: '{name}.enforcementLevel' is '{level}'; use one of {', '.join(ENFORCEMENT_LEVELS)}")
        out[name] = dict(entry)
    return out


def load_config_file(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise PolicyConfigError(f"--policy-pack-config {path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise PolicyConfigError(f"--policy-pack-config {path}: not valid JSON ({exc})") from None
    return _normalize(f"--policy-pack-config {path}", data)


def _apply(result: dict[str, dict[str, Any]], config: dict[str, dict[str, Any]]) -> None:
    everything = config.get("all", {})
    for name, current in result.items():
        if everything.get("enforcementLevel"):
            current["enforcementLevel"] = everything["enforcementLevel"]
        entry = config.get(name)
        if entry:
            current.update(entry)


def reconcile(pack: PackInfo, file_config: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each policy's effective config: enforcementLevel plus properties, validated against its schema."""
    result: dict[str, dict[str, Any]] = {}
    for name, policy in pack.policies.items():
        defaults = {k: v["default"] for k, v in (policy.config_schema.get("properties") or {}).items()
                    if isinstance(v, dict) and "default" in v}
        result[name] = {"enforcementLevel": policy.enforcement, **defaults}
    _apply(result, pack.initial_config)
    _apply(result, file_config)
    problems = []
    for name, config in result.items():
        schema = pack.policies[name].config_schema
        if not schema.get("properties") and not schema.get("required"):
            continue
        props = {k: v for k, v in config.items() if k != "enforcementLevel"}
        full = {"type": "object", "properties": schema.get("properties") or {}, "required": list(schema.get("required") or [])}
        for error in jsonschema.Draft7Validator(full).iter_errors(props):
            where = ".".join(str(p) for p in error.absolute_path)
            problems.append(f"  - {pack.name}/{name}{'.' + where if where else ''}: {error.message}")
    if problems:
        raise PolicyConfigError("policy config does not satisfy the policies' schemas:\n" + "\n".join(problems))
    return result


def unknown_keys(file_config: dict[str, dict[str, Any]], packs: list[PackInfo]) -> list[str]:
    known = {name for pack in packs for name in pack.policies} | {"all"}
    return sorted(set(file_config) - known)
