"""Policy packs over deployed state: a ``pulumi stack export`` file (deployment v3) as the analyzer's resources.

Each resource of the export becomes the record ``synth`` would have made of it — inputs, outputs, provider,
parent, dependencies, property dependencies, protect — so the packs judge what is deployed exactly as they
judge a preview. Secrets stay secrets: an export's ciphertext or (``--show-secrets``) plaintext never reaches a
record, a pack or a report; the packs see the same placeholder a preview shows them.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pulumi.runtime import rpc

from platformctl.offline import SynthError
from platformctl.offline.records import ResourceRecord, Snapshot
from platformctl.offline.values import SECRET
from platformctl.policy_host.gate import (
    CheckOutcome,
    PolicyHostError,
    _analyze,
    _house_rules,
    _packs_and_configs,
    _Session,
    repository_root,
)
from platformctl.policy_host.packs import PackError
from platformctl.policy_host.policy_config import PolicyConfigError

SIG = rpc._special_sig_key
_STACK_URN = re.compile(r"^urn:pulumi:(?P<stack>[^:]+)::(?P<project>[^:]+)::pulumi:pulumi:Stack::")
_POSITION = re.compile(r"^project://(?P<path>[^#]*)#(?P<line>\d+)")


class StateError(Exception):
    """The file is not a usable ``pulumi stack export``."""


def _from_state(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_state(v) for v in value]
    if isinstance(value, dict):
        sig = value.get(SIG)
        if sig == rpc._special_secret_sig:
            return SECRET  # ciphertext or plaintext alike: never carried further
        if sig in (rpc._special_asset_sig, rpc._special_archive_sig):
            marker = "__asset__" if sig == rpc._special_asset_sig else "__archive__"
            return {marker: {k: v for k, v in value.items() if k not in (SIG, "assets", "text")}}
        return {k: _from_state(v) for k, v in value.items()}
    return value


def _to_state(value: Any) -> Any:
    if value == SECRET:
        return {SIG: rpc._special_secret_sig, "ciphertext": "redacted"}
    if isinstance(value, list):
        return [_to_state(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__asset__"}:
            return {SIG: rpc._special_asset_sig, **value["__asset__"]}
        if set(value) == {"__archive__"}:
            return {SIG: rpc._special_archive_sig, **value["__archive__"]}
        return {k: _to_state(v) for k, v in value.items()}
    return value


def _record(resource: dict[str, Any], project_dir: Path) -> ResourceRecord:
    position = _POSITION.match(resource.get("sourcePosition") or "")
    timeouts = resource.get("customTimeouts") or {}
    return ResourceRecord(
        urn=resource["urn"], type=resource["type"], name=resource["urn"].rsplit("::", 1)[-1],
        custom=bool(resource.get("custom")), id=str(resource.get("id") or ""), parent=resource.get("parent") or "",
        provider=resource.get("provider") or "", read=bool(resource.get("external")),
        inputs=_from_state(resource.get("inputs") or {}), outputs=_from_state(resource.get("outputs") or {}),
        dependencies=list(resource.get("dependencies") or []),
        property_dependencies={k: list(v) for k, v in (resource.get("propertyDependencies") or {}).items()},
        protect=bool(resource.get("protect")), retain_on_delete=bool(resource.get("retainOnDelete")),
        aliases=[a if isinstance(a, str) else a.get("urn", "") for a in resource.get("aliases") or []],
        custom_timeouts={k: float(v) for k, v in timeouts.items() if v},
        ignore_changes=list(resource.get("ignoreChanges") or []),
        additional_secret_outputs=list(resource.get("additionalSecretOutputs") or []),
        source_file=str(project_dir / position["path"].lstrip("/")) if position else "",
        source_line=int(position["line"]) if position else 0,
    )


def snapshot_from_export(doc: dict[str, Any], project_dir: Path = Path(".")) -> Snapshot:
    """The snapshot of a ``pulumi stack export`` document (version 3)."""
    if not isinstance(doc, dict) or doc.get("version") != 3 or not isinstance(doc.get("deployment"), dict):
        raise StateError("not a `pulumi stack export` file: expected a JSON object with \"version\": 3 and a "
                         "\"deployment\" (export it with `pulumi stack export --file state.json`)")
    resources = doc["deployment"].get("resources") or []
    stack_resource = next((r for r in resources if r.get("type") == "pulumi:pulumi:Stack"), None)
    match = _STACK_URN.match(stack_resource["urn"]) if stack_resource else None
    if match is None:
        raise StateError("the export has no pulumi:pulumi:Stack resource: is the stack empty?")
    records = [_record(r, project_dir) for r in resources if not r.get("delete")]
    return Snapshot(project=match["project"], stack=match["stack"], resources=records,
                    outputs=_from_state(stack_resource.get("outputs") or {}))


def export_from_snapshot(snap: Snapshot, project_dir: Path) -> dict[str, Any]:
    """What ``pulumi stack export`` would write after deploying ``snap`` (used to test the state check)."""
    resources = []
    for r in snap.resources:
        resource: dict[str, Any] = {
            "urn": r.urn, "custom": r.custom, "type": r.type, "inputs": _to_state(r.inputs),
            "outputs": _to_state(snap.outputs if r.type == "pulumi:pulumi:Stack" else r.outputs),
            "protect": r.protect, "dependencies": r.dependencies, "propertyDependencies": r.property_dependencies,
        }
        for key, value in (("id", r.id), ("parent", r.parent), ("provider", r.provider), ("external", r.read),
                           ("retainOnDelete", r.retain_on_delete), ("ignoreChanges", r.ignore_changes),
                           ("additionalSecretOutputs", r.additional_secret_outputs), ("aliases", r.aliases),
                           ("customTimeouts", r.custom_timeouts)):
            if value:
                resource[key] = value
        if r.source_file and r.source_line and Path(r.source_file).is_relative_to(project_dir):
            resource["sourcePosition"] = f"project:///{Path(r.source_file).relative_to(project_dir).as_posix()}#{r.source_line},1"
        resources.append(resource)
    return {"version": 3, "deployment": {"manifest": {"time": "", "magic": "", "version": ""}, "resources": resources}}


@contextmanager
def _project_for(snap: Snapshot, project_dir: Path) -> Iterator[Path]:
    """``project_dir`` if it holds the stack's config (the packs read it), else an empty project of that name."""
    if (project_dir / f"Pulumi.{snap.stack}.yaml").exists():
        yield project_dir
        return
    with tempfile.TemporaryDirectory(prefix="state-") as tmp:
        Path(tmp, "Pulumi.yaml").write_text(json.dumps({"name": snap.project, "runtime": "python"}))
        Path(tmp, "__main__.py").write_text("")  # never run: the state is judged, not a program
        Path(tmp, f"Pulumi.{snap.stack}.yaml").write_text("config: {}\n")
        yield Path(tmp)


def check_state(state_file: Path, project_dir: Path, packs: Sequence[Path] | None = None,
                config_files: Sequence[Path] = ()) -> CheckOutcome:
    """Every policy pack over the resources of a ``pulumi stack export`` file."""
    started = time.perf_counter()
    try:
        doc = json.loads(state_file.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise StateError(f"{state_file}: {exc}") from None
    project_dir = project_dir.resolve()
    snap = snapshot_from_export(doc, project_dir)
    house = _house_rules(project_dir, config_files)
    pack_dirs, file_configs = _packs_and_configs(packs, house or config_files)
    with _project_for(snap, project_dir) as config_dir:
        try:
            session = _Session(snap.stack, config_dir, pack_dirs, preview=False)
        except SynthError as exc:
            raise StateError(exc.message) from None
        logs: list[str] = []
        try:
            infos = session.connect(file_configs, house=bool(house))
            violations, remediations, not_judged = _analyze(session, snap, infos, repository_root(project_dir))
        except (PackError, PolicyConfigError) as exc:
            raise PolicyHostError(str(exc)) from None
        finally:
            logs = session.close()
    return CheckOutcome(stack=snap.stack, project=snap.project, project_dir=project_dir,
                        repo_root=repository_root(project_dir), snapshot=snap, packs=infos, violations=violations,
                        remediations=remediations, not_judged=not_judged, warnings=logs, seconds=round(time.perf_counter() - started, 3))
