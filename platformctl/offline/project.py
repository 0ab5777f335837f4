"""Read a Pulumi project's Pulumi.yaml and Pulumi.<stack>.yaml the way the CLI does, offline.

``secure:`` values are never decrypted: they become a placeholder and their key
is marked secret, so a program that reads them runs and its outputs stay secret.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "offline-placeholder-secret"
# libyaml's parser when PyYAML was built with it: the same documents, several times faster than pure Python
# (stack files are read by the gate, by every synth and by every pack session).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ProjectError(Exception):
    """The project or stack files cannot be used (missing, malformed)."""


@dataclass
class StackConfig:
    project: str
    stack: str
    project_dir: Path
    main: Path
    values: dict[str, str] = field(default_factory=dict)  # "ns:key" -> string, as the language host gets it
    secret_keys: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)  # "ns:key" -> value as written (secrets masked)
    warnings: list[str] = field(default_factory=list)

    @property
    def stack_file(self) -> Path:
        return self.project_dir / f"Pulumi.{self.stack}.yaml"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(), Loader=_LOADER) or {}
    except FileNotFoundError:
        raise ProjectError(f"{path} does not exist") from None
    except yaml.YAMLError as exc:
        raise ProjectError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ProjectError(f"{path} must be a YAML mapping")
    return data


def _unsecure(value: Any) -> tuple[Any, bool]:
    """Replace every {secure: ...} by a placeholder; report whether any was found."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        found = False
        out = {}
        for k, v in value.items():
            out[k], s = _unsecure(v)
            found |= s
        return out, found
    if isinstance(value, list):
        pairs = [_unsecure(v) for v in value]
        return [p[0] for p in pairs], any(p[1] for p in pairs)
    return value, False


def _as_config_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def stacks_of(project_dir: Path) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


def load_stack_config(project_dir: Path, stack: str) -> StackConfig:
    project_dir = project_dir.resolve()
    project_file = next((project_dir / n for n in ("Pulumi.yaml", "Pulumi.yml") if (project_dir / n).exists()), None)
    if project_file is None:
        raise ProjectError(f"{project_dir} has no Pulumi.yaml: not a Pulumi project")
    project = _read_yaml(project_file)
    name = project.get("name")
    runtime = project.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if not name:
        raise ProjectError(f"{project_file} has no 'name'")
    if runtime_name != "python":
        raise ProjectError(f"{project_file}: runtime '{runtime_name}' is not python; only Python programs run offline")
    main = project_dir / project.get("main", ".")
    if main.is_dir():
        main = main / "__main__.py"
    if not main.exists():
        raise ProjectError(f"{main} does not exist (Pulumi.yaml 'main')")

    cfg = StackConfig(project=name, stack=stack, project_dir=project_dir, main=main)

    def put(key: str, value: Any) -> None:
        full = key if ":" in key else f"{name}:{key}"
        value, secret = _unsecure(value)
        cfg.raw[full] = value
        cfg.values[full] = _as_config_string(value)
        if secret:
            cfg.secret_keys.append(full)

    for key, decl in (project.get("config") or {}).items():
        if isinstance(decl, dict):
            if "value" in decl or "default" in decl:
                put(key, decl.get("value", decl.get("default")))
        else:
            put(key, decl)

    config_dir = project_dir / project.get("stackConfigDir", ".")
    stack_file = config_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        known = ", ".join(stacks_of(config_dir)) or "none"
        raise ProjectError(f"no stack file {stack_file.name} in {config_dir} (stacks: {known})")
    data = _read_yaml(stack_file)
    if data.get("environment"):
        cfg.warnings.append(f"{stack_file.name} imports ESC environments; their values are not available offline")
    for key, value in (data.get("config") or {}).items():
        if isinstance(value, dict) and "value" in value and len(value) == 1:
            value = value["value"]
        put(key, value)
    return cfg


def referenced_stacks(cfg: StackConfig, candidates: list[str]) -> list[str]:
    """Local stacks named by a config value such as 'org/project/shared' or 'shared'."""
    found = []
    for value in cfg.values.values():
        if re.fullmatch(r"([\w.-]+/){0,2}[\w.-]+", value or ""):
            last = value.rsplit("/", 1)[-1]
            if last in candidates and last != cfg.stack and "/" in value:
                found.append(last)
    return sorted(set(found))
