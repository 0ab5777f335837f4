"""``check_stack``: synthesize a stack offline and run every policy pack against it, as ``pulumi preview --policy-pack`` would."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from platformctl.offline import Snapshot, SynthError, synth
from platformctl.offline.project import ProjectError, load_stack_config
from platformctl.offline.records import ResourceRecord
from platformctl.offline.runner import REPO_ROOT
from platformctl.policy_host.analyzer import Analyzer, level_name, severity_name
from platformctl.policy_host.engine import EngineServer
from platformctl.policy_host.model import SEVERITIES, PackInfo, Violation
from platformctl.policy_host.packs import PackError, PackProcess, discover, load_pack, pack_environment
from platformctl.policy_host.policy_config import PolicyConfigError, load_config_file, reconcile, unknown_keys
from platformctl.policy_host.wire import Marshaller

ORGANIZATION = "organization"  # what the CLI passes for a self-managed backend


class PolicyHostError(Exception):
    """A policy pack or its configuration failed (not a violation); ``str()`` is the message to show."""


@dataclass
class CheckOutcome:
    stack: str
    project: str
    project_dir: Path
    repo_root: Path
    snapshot: Snapshot
    packs: list[PackInfo]
    violations: list[Violation]
    remediations: list[str] = field(default_factory=list)
    not_judged: list[Violation] = field(default_factory=list)  # preview notes, never counted as violations
    warnings: list[str] = field(default_factory=list)
    synth_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.mandatory]

    @property
    def stack_file(self) -> str:
        return _relative(self.project_dir / f"Pulumi.{self.stack}.yaml", self.repo_root)


def repository_root(path: Path) -> Path:
    """The enclosing git work tree (what code scanning resolves SARIF paths against), else ``path`` itself."""
    path = path.resolve()
    for candidate in (path, *path.parents):
        if (candidate / ".git").exists():
            return candidate
    return path


def _relative(path: str | Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return ""


def _config_files_per_pack(files: Sequence[Path], count: int) -> list[dict[str, dict[str, Any]]]:
    loaded = [load_config_file(f) for f in files]
    if not loaded:
        return [{} for _ in range(count)]
    if len(loaded) == 1:
        return loaded * count
    if len(loaded) != count:
        raise PolicyConfigError(f"{len(loaded)} --policy-pack-config files for {count} policy packs: give one file for every "
                                "pack, in the same order, or a single file for all of them")
    return loaded


class _Session:
    """The packs of one check, started before the program runs so their start-up overlaps it."""

    def __init__(self, stack: str, project_dir: Path, pack_dirs: Sequence[Path], preview: bool):
        try:
            self.cfg = load_stack_config(project_dir, stack)
        except ProjectError as exc:
            raise SynthError(stack, str(exc)) from None
        try:
            self.specs = [load_pack(p) for p in pack_dirs]
        except PackError as exc:
            raise PolicyHostError(str(exc)) from None
        self.preview = preview
        self.engine = EngineServer()
        env = pack_environment(self.cfg.project, stack, preview, self.cfg.values, ORGANIZATION)
        self.processes = [PackProcess(spec, self.engine.address, env) for spec in self.specs]
        self.analyzers: list[Analyzer] = []
        self.managed_keys: frozenset[str] = frozenset()  # what the packs were last told (awsManagedKeys)

    def connect(self, file_configs: list[dict[str, dict[str, Any]]], house: bool = False) -> list[PackInfo]:
        """``house``: the configs are this repository's house rules, applied to whichever of its rules the packs serve."""
        cfg = self.cfg
        tags = {"pulumi:project": cfg.project, "pulumi:runtime": "python"}
        infos = []
        for process in self.processes:
            analyzer = Analyzer(process.spec, process.port())
            self.analyzers.append(analyzer)
            analyzer.handshake(self.engine.address)
            analyzer.configure_stack(cfg.project, cfg.stack, ORGANIZATION, self.preview, cfg.values, cfg.secret_keys, tags)
            infos.append(analyzer.get_info())
        if len(file_configs) == 1 or len({id(c) for c in file_configs}) == 1:
            unknown = unknown_keys(file_configs[0], infos) if file_configs else []
        else:
            unknown = [k for c, info in zip(file_configs, infos) for k in unknown_keys(c, [info])]
        if house:
            file_configs = [{k: v for k, v in c.items() if k not in unknown} for c in file_configs]
        elif unknown:
            raise PolicyConfigError(f"--policy-pack-config names policies no pack has: {', '.join(unknown)}")
        for analyzer, info, file_config in zip(self.analyzers, infos, file_configs):
            if not info.supports_config and file_config:
                raise PolicyConfigError(f"policy pack {info.name} does not support configuration")
            info.effective = reconcile(info, file_config)
            analyzer.configure(info.effective)
        return infos

    def close(self) -> list[str]:
        for analyzer in self.analyzers:
            analyzer.close()
        logs = []
        for process in self.processes:
            process.stop()
        for level, message in self.engine.messages:
            if level in ("warning", "error"):
                logs.append(f"policy pack {level}: {message}")
        self.engine.stop()
        return logs


class _Locator:
    """Where a resource was registered, relative to the repository root (falling back to an ancestor's position)."""

    def __init__(self, snapshot: Snapshot, repo_root: Path):
        self.snapshot = snapshot
        self.root = repo_root

    def __call__(self, record: ResourceRecord | None) -> tuple[str, int]:
        chain = [record, *self.snapshot.ancestors(record)] if record is not None else []
        for r in chain:
            if r.source_file:
                relative = _relative(r.source_file, self.root)
                if relative and "site-packages" not in relative:
                    return relative, r.source_line
        return "", 0


def _strip_description(message: str, description: str) -> str:
    # pulumi_policy reports "<description>\n<message>"; keep the two apart.
    if description and message.startswith(description):
        return message[len(description):].lstrip("\n") or description
    return message


# This repository's own policy config: house rules (explicit providers) that are advisory for other programs.
HOUSE_RULES = REPO_ROOT / "policies" / "house-rules.json"


def _house_rules(project_dir: Path, config_files: Sequence[Path]) -> Sequence[Path]:
    """This project's stacks are checked with its house rules unless a --policy-pack-config is given."""
    if not config_files and project_dir.resolve() == REPO_ROOT.resolve() and HOUSE_RULES.exists():
        return (HOUSE_RULES,)
    return ()


def _packs_and_configs(packs: Sequence[Path] | None, config_files: Sequence[Path]) -> tuple[list[Path], list[dict[str, dict[str, Any]]]]:
    pack_dirs = list(packs) if packs else discover(REPO_ROOT / "policies")
    if not pack_dirs:
        raise PolicyHostError(f"no policy packs: none under {REPO_ROOT / 'policies'}; pass --policy-pack DIR")
    try:
        return pack_dirs, _config_files_per_pack(config_files, len(pack_dirs))
    except PolicyConfigError as exc:
        raise PolicyHostError(str(exc)) from None


@contextmanager
def policy_gate(
    stack: str,
    project_dir: Path = REPO_ROOT,
    packs: Sequence[Path] | None = None,
    config_files: Sequence[Path] = (),
    preview: bool = False,
) -> Iterator[Callable[[Snapshot], list[Violation]]]:
    """The packs of one stack, started once, judging any number of snapshots of that stack.

    For callers that already hold snapshots (the test suite's session fixtures): what ``check_stack``
    does after its synth, without starting the packs again for each snapshot.
    """
    project_dir = project_dir.resolve()
    house = _house_rules(project_dir, config_files)
    pack_dirs, file_configs = _packs_and_configs(packs, house or config_files)
    session = _Session(stack, project_dir, pack_dirs, preview)
    try:
        infos = session.connect(file_configs, house=bool(house))
        root = repository_root(project_dir)

        def judge(snapshot: Snapshot) -> list[Violation]:
            """Violations, then (flagged ``not_judged``) what a preview could not judge."""
            violations, _, not_judged = _analyze(session, snapshot, infos, root)
            return violations + not_judged

        yield judge
    except (PackError, PolicyConfigError) as exc:
        raise PolicyHostError(str(exc)) from None
    finally:
        session.close()


def check_stack(
    stack: str,
    project_dir: Path = REPO_ROOT,
    packs: Sequence[Path] | None = None,
    config_files: Sequence[Path] = (),
    preview: bool = False,
) -> CheckOutcome:
    """Run ``stack``'s program under mocks and every policy pack over the analyzer protocol.

    Raises ``SynthError`` when the program or its config fails and ``PolicyHostError`` when a pack or the policy config does.
    """
    started = time.perf_counter()
    project_dir = project_dir.resolve()
    house = _house_rules(project_dir, config_files)
    pack_dirs, file_configs = _packs_and_configs(packs, house or config_files)
    session = _Session(stack, project_dir, pack_dirs, preview)
    logs: list[str] = []
    try:
        synth_started = time.perf_counter()
        snapshot = synth(stack, project_dir, preview)
        synth_seconds = time.perf_counter() - synth_started
        infos = session.connect(file_configs, house=bool(house))
        violations, remediations, not_judged = _analyze(session, snapshot, infos, repository_root(project_dir))
    except (PackError, PolicyConfigError) as exc:
        raise PolicyHostError(str(exc)) from None
    finally:
        logs = session.close()
    root = repository_root(project_dir)
    return CheckOutcome(stack=stack, project=snapshot.project, project_dir=project_dir, repo_root=root, snapshot=snapshot,
                        packs=infos, violations=violations, remediations=remediations, not_judged=not_judged, warnings=[*snapshot.warnings, *logs],
                        synth_seconds=round(synth_seconds, 3), seconds=round(time.perf_counter() - started, 3))


MANAGED_KEYS_KNOB = "awsManagedKeys"


def aws_managed_keys(invokes: Sequence[dict[str, Any]]) -> frozenset[str]:
    """Key ids/ARNs the program resolved from AWS-managed keys (get_alias('alias/aws/...'), get_key -> keyManager AWS)."""
    found: set[str] = set()
    for invoke in invokes:
        args, result = invoke.get("args") or {}, invoke.get("result") or {}
        if invoke.get("token") == "aws:kms/getAlias:getAlias" and str(args.get("name", "")).startswith("alias/aws/"):
            found.update(str(result[k]) for k in ("targetKeyArn", "targetKeyId") if isinstance(result.get(k), str))
        elif invoke.get("token") == "aws:kms/getKey:getKey" and result.get("keyManager") == "AWS":
            found.update(str(result[k]) for k in ("arn", "id", "keyId") if isinstance(result.get(k), str))
    return frozenset(found)


def _tell_managed_keys(session: _Session, infos: list[PackInfo], keys: frozenset[str]) -> None:
    """Add the program's AWS-managed key references to the awsManagedKeys config of the policies that take it."""
    if keys == session.managed_keys:
        return
    for analyzer, info in zip(session.analyzers, infos):
        config = {name: (dict(c, **{MANAGED_KEYS_KNOB: sorted(set(c.get(MANAGED_KEYS_KNOB) or ()) | keys)})
                         if MANAGED_KEYS_KNOB in (info.policies[name].config_schema.get("properties") or {}) else c)
                  for name, c in info.effective.items()}
        analyzer.configure(config)
    session.managed_keys = keys


_NOT_JUDGED = re.compile(r"^can't run (?:policy|remediation) '[^']*' from policy pack '(?P<pack>[^']*)'")


def _not_judged(message: str, info: PackInfo) -> str | None:
    """pulumi_policy's preview note, with the pack version the engine reports (the SDK always says v0.0.1)."""
    m = _NOT_JUDGED.match(message)
    if m is None:
        return None
    return message[:m.start("pack")] + f"{info.name}@v{info.version}" + message[m.end("pack"):]


def _analyze(session: _Session, snapshot: Snapshot, infos: list[PackInfo], root: Path) -> tuple[list[Violation], list[str], list[Violation]]:
    marshal = Marshaller(snapshot)
    locate = _Locator(snapshot, root)
    stack_urn = next((r.urn for r in snapshot.resources if r.type == "pulumi:pulumi:Stack"), "")
    records = snapshot.resources
    requests = [marshal.analyze_request(r) for r in records]
    _tell_managed_keys(session, infos, aws_managed_keys(snapshot.invokes))
    violations: list[Violation] = []
    remediations: list[str] = []

    def violation(info: PackInfo, d: analyzer_pb2.AnalyzeDiagnostic, record: ResourceRecord | None) -> Violation:
        policy = info.policies.get(d.policyName)
        level = level_name(d.enforcementLevel)
        source_file, source_line = locate(record)
        note = _not_judged(d.message, info)
        return Violation(
            stack=snapshot.stack, policy_pack=info.name, policy_pack_version=info.version, policy=d.policyName,
            enforcement="mandatory" if level == "remediate" else level,
            severity=severity_name(d.severity) if d.severity else (policy.severity if policy else "unspecified"),
            message=note if note is not None else _strip_description(d.message, d.description), description=d.description,
            remediation=policy.remediation_steps if policy else "", url=policy.url if policy else "",
            urn=record.urn if record else stack_urn, resource_type=record.type if record else "pulumi:pulumi:Stack",
            resource_name=record.name if record else snapshot.stack, source_file=source_file, source_line=source_line,
            not_judged=note is not None)

    # Remediations first, in pack order, each seeing the previous one's result (as the engine's first pass).
    remediating = [(a, i) for a, i in zip(session.analyzers, infos) if any(c.get("enforcementLevel") == "remediate" for c in i.effective.values())]
    for record, request in zip(records, requests) if remediating else ():
        for analyzer, info in remediating:
            resp = analyzer.remediate(request)
            for rem in resp.remediations if resp is not None else ():
                if rem.diagnostic:
                    violations.append(violation(info, analyzer_pb2.AnalyzeDiagnostic(
                        policyName=rem.policyName, description=rem.description, message=rem.diagnostic,
                        enforcementLevel=analyzer_pb2.ADVISORY), record))
                elif rem.HasField("properties"):
                    request.properties.CopyFrom(rem.properties)
                    remediations.append(f"{info.name}/{rem.policyName} remediated {record.urn}")

    with ThreadPoolExecutor(max_workers=max(1, len(session.analyzers))) as pool:
        per_pack = list(pool.map(lambda a: a.analyze_all(requests), session.analyzers))
        stack_request = marshal.stack_request(records)
        stack_responses = list(pool.map(lambda a: a.analyze_stack(stack_request), session.analyzers))
    for info, responses, stack_response in zip(infos, per_pack, stack_responses):
        for record, resp in zip(records, responses):
            # The engine attributes resource diagnostics to the analyzed resource, whatever URN they name.
            violations.extend(violation(info, d, record) for d in resp.diagnostics if level_name(d.enforcementLevel) != "disabled")
        for d in stack_response.diagnostics:
            if level_name(d.enforcementLevel) != "disabled":
                violations.append(violation(info, d, snapshot.by_urn.get(d.urn)))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    violations.sort(key=lambda v: (not v.mandatory, order.get(v.severity, len(order)), v.policy_id, v.urn))
    return [v for v in violations if not v.not_judged], remediations, [v for v in violations if v.not_judged]
