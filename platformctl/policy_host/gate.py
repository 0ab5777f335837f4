"""``check_stack``: synthesize a stack offline and run every policy pack against it, as ``pulumi preview --policy-pack`` would.

The packs start before the program runs and judge each resource as it is registered (``_Stream``), so policy
analysis overlaps the program run instead of following it; the marshalled request is built once and shared by
every pack. The stack-level analysis, which needs every resource, follows the run, as in the engine.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from platformctl.offline import Snapshot, SynthError, synth, synth_all
from platformctl.offline.project import ProjectError, load_stack_config
from platformctl.offline.records import ResourceRecord
from platformctl.offline.runner import REPO_ROOT
from platformctl.policy_host.analyzer import Analyzer, GroupAnalyzer, level_name, severity_name
from platformctl.policy_host.engine import EngineServer
from platformctl.policy_host.model import SEVERITIES, PackInfo, Violation
from platformctl.policy_host.packs import (
    Launcher,
    PackError,
    PackGroup,
    PackProcess,
    discover,
    load_pack,
    pack_environment,
    share_process,
)
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
        launcher = Launcher.shared()  # packs fork from one warm interpreter instead of each importing everything
        # This repository's packs share one process, where one call judges a resource with all of them.
        self.pack_group = PackGroup(self.specs, self.engine.address, env, launcher) if share_process(self.specs, launcher) else None
        self.group: GroupAnalyzer | None = None
        self.processes: list[Any] = (self.pack_group.members() if self.pack_group is not None
                                     else [PackProcess(spec, self.engine.address, env, launcher) for spec in self.specs])
        self.analyzers: list[Analyzer] = []
        self.infos: list[PackInfo] = []
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
        if self.pack_group is not None:
            self.group = GroupAnalyzer(self.pack_group.ports()[0], ", ".join(str(s.path) for s in self.specs))
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
        self.infos = infos
        return infos

    def close(self) -> list[str]:
        for analyzer in self.analyzers:
            analyzer.close()
        if self.group is not None:
            self.group.close()
        logs = []
        for process in self.processes:
            process.stop()
        for level, message in self.engine.messages:
            if level in ("warning", "error"):
                logs.append(f"policy pack {level}: {message}")
        self.engine.stop()
        return logs


_IN_FLIGHT = 256  # Analyze calls outstanding per pack while streaming; the pack serves four at a time


class _Stream:
    """Judges each record as it arrives, while the program is still running.

    Records come from the synth's tail thread; a thread of our own connects the packs (their start-up also
    overlaps the run), marshals each record against the records seen so far (a resource only references
    resources registered before it), and sends it to every pack without waiting for the answer.
    """

    def __init__(self, session: _Session, file_configs: list[dict[str, dict[str, Any]]], house: bool = False):
        self.session = session
        self.file_configs = file_configs
        self.house = house
        self.infos: list[PackInfo] = []
        self.error: BaseException | None = None
        self.futures: list[dict[str, Any]] = []  # per pack: urn -> Analyze future
        self.disabled = False  # a remediating pack needs the whole run first (remediations chain), as does a repeated URN
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        cfg = session.cfg
        self._partial = Snapshot(project=cfg.project, stack=cfg.stack, resources=[], config=cfg.raw)
        self._partial.__dict__["by_urn"] = {}
        self._marshal = Marshaller(self._partial)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def add(self, record: ResourceRecord) -> None:
        self._queue.put(record)

    def _run(self) -> None:
        try:
            self.infos = (self.session.infos if self.session.analyzers
                          else self.session.connect(self.file_configs, house=self.house))
            self.disabled = any(c.get("enforcementLevel") == "remediate" for i in self.infos for c in i.effective.values())
            # One call per resource to a pack group, else one per pack.
            senders: list[Any] = [self.session.group] if self.session.group is not None else self.session.analyzers
            self.futures = [{} for _ in senders]
            in_flight: list[deque] = [deque() for _ in senders]
        except BaseException as exc:
            self.error = exc
            senders = []
        while (record := self._queue.get()) is not None:
            if self.error is not None or self.disabled:
                continue
            try:
                self._partial.resources.append(record)
                if record.urn in self._partial.by_urn:
                    self.disabled = True
                    continue
                self._partial.by_urn[record.urn] = record
                request = self._marshal.analyze_request(record).SerializeToString()
                for sender, futures, window in zip(senders, self.futures, in_flight):
                    future = sender.analyze_async(request)
                    futures[record.urn] = future
                    window.append(future)
                    if len(window) > _IN_FLIGHT:
                        window.popleft().exception()  # wait; an error is raised when the result is read
            except BaseException as exc:
                self.error = exc

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def finish(self) -> list[PackInfo]:
        self.stop()
        if self.error is not None:
            raise self.error
        return self.infos

    def responses(self, records: list[ResourceRecord]) -> list[list[analyzer_pb2.AnalyzeResponse]] | None:
        """Every pack's answer for ``records`` (the final snapshot's order); None when streaming was not possible."""
        if self.disabled or not self.futures or any(r.urn not in self.futures[0] for r in records):
            return None
        group = self.session.group
        if group is not None:
            return _by_pack([group.analyze_result(r.urn, self.futures[0][r.urn]) for r in records], len(self.session.analyzers))
        return [[a.analyze_result(r.urn, futures[r.urn]) for r in records]
                for a, futures in zip(self.session.analyzers, self.futures)]


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


class Judge:
    """The packs of one stack, connected: judges snapshots (``judge(snapshot)``) or runs and judges (``judge.run()``)."""

    def __init__(self, session: _Session, root: Path):
        self.session = session
        self.root = root

    def __call__(self, snapshot: Snapshot, per_pack: bool = False) -> list[Violation]:
        """Every resource of a finished run, then the stack: one call per resource for all the packs of a pack
        group, or (``per_pack``, the plain protocol) one per pack. Violations, then (flagged ``not_judged``) what
        a preview could not judge."""
        violations, _, not_judged = _analyze(self.session, snapshot, self.session.infos, self.root, per_pack=per_pack)
        return violations + not_judged

    def run(self, cache_dir: Path | None = None) -> tuple[Snapshot, list[Violation]]:
        """What ``check_stack`` does with these packs: synthesize, judging each resource as it is registered."""
        cfg = self.session.cfg
        stream = _Stream(self.session, [])
        try:
            snapshot = synth(cfg.stack, cfg.project_dir, self.session.preview, on_record=stream.add, cache_dir=cache_dir)
        except BaseException:
            stream.stop()
            raise
        stream.finish()
        violations, _, not_judged = _analyze(self.session, snapshot, self.session.infos, self.root,
                                             _streamed_responses(self.session, stream, snapshot))
        return snapshot, violations + not_judged


@contextmanager
def policy_gate(
    stack: str,
    project_dir: Path = REPO_ROOT,
    packs: Sequence[Path] | None = None,
    config_files: Sequence[Path] = (),
    preview: bool = False,
) -> Iterator[Judge]:
    """The packs of one stack, started once, judging any number of snapshots of that stack.

    For callers that already hold snapshots (the test suite's session fixtures): what ``check_stack``
    does after its synth, without starting the packs again for each snapshot.
    """
    project_dir = project_dir.resolve()
    house = _house_rules(project_dir, config_files)
    pack_dirs, file_configs = _packs_and_configs(packs, house or config_files)
    session = _Session(stack, project_dir, pack_dirs, preview)
    try:
        session.connect(file_configs, house=bool(house))
        yield Judge(session, repository_root(project_dir))
    except (PackError, PolicyConfigError) as exc:
        raise PolicyHostError(str(exc)) from None
    finally:
        session.close()


def _also(first: Callable[[Any], None], then: Callable[[Any], None] | None) -> Callable[[Any], None]:
    if then is None:
        return first

    def both(item: Any) -> None:
        first(item)
        then(item)

    return both


def check_stack(
    stack: str,
    project_dir: Path = REPO_ROOT,
    packs: Sequence[Path] | None = None,
    config_files: Sequence[Path] = (),
    preview: bool = False,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    tick: Callable[[object], None] | None = None,
) -> CheckOutcome:
    """Run ``stack``'s program under mocks and every policy pack over the analyzer protocol, each resource sent to
    the packs as it is registered (tests compare the findings with the plain protocol's: ``Judge(per_pack=True)``).

    Raises ``SynthError`` when the program or its config fails and ``PolicyHostError`` when a pack or the policy
    config does. ``progress`` receives one line per step, ``tick`` each resource registered (a live count).
    """
    return check_stacks([stack], project_dir, packs, config_files, preview, cache_dir, progress, tick)[0]


def check_stacks(
    stacks: Sequence[str],
    project_dir: Path = REPO_ROOT,
    packs: Sequence[Path] | None = None,
    config_files: Sequence[Path] = (),
    preview: bool = False,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    tick: Callable[[object], None] | None = None,
) -> list[CheckOutcome]:
    """``check_stack`` for several stacks in one synth: a stack they reference (``shared``) runs once, and every
    program runs in the same warm interpreter; each stack is judged by its own packs (they read its config)."""
    if preview and len(stacks) > 1:  # a preview reads the *deployed* outputs of a referenced stack, not its preview
        return [outcome for s in stacks
                for outcome in check_stacks([s], project_dir, packs, config_files, preview, cache_dir, progress, tick)]
    say = progress or (lambda _text: None)
    started = time.perf_counter()
    project_dir = project_dir.resolve()
    house = _house_rules(project_dir, config_files)
    pack_dirs, file_configs = _packs_and_configs(packs, house or config_files)
    name = " ".join(stacks)
    say(f"check {name}: starting {len(pack_dirs)} policy pack(s)")

    def on_stack(stack: str, snap: Snapshot | None) -> None:
        managed = sum(1 for r in snap.resources if r.custom and not r.is_provider) if snap else 0
        say(f"check {name}: synthesizing {stack}" if snap is None else f"check {name}: {stack} registered {managed} resources")

    sessions: dict[str, _Session] = {}
    streams: dict[str, _Stream] = {}
    try:
        for stack in stacks:
            sessions[stack] = _Session(stack, project_dir, pack_dirs, preview)
            streams[stack] = _Stream(sessions[stack], file_configs, house=bool(house))
        synth_started = time.perf_counter()
        try:
            snapshots = synth_all(stacks, project_dir, preview, on_record={s: _also(st.add, tick) for s, st in streams.items()},
                                  cache_dir=cache_dir, on_stack=on_stack)
        except BaseException:
            for streamed in streams.values():
                streamed.stop()  # the program's failure is the one to report
            raise
        synth_seconds = time.perf_counter() - synth_started
        root = repository_root(project_dir)
        outcomes = []
        say(f"check {name}: {len(pack_dirs)} policy pack(s) judging")
        for stack in stacks:
            session, streamed, snapshot = sessions[stack], streams[stack], snapshots[stack]
            infos = streamed.finish()
            responses = _streamed_responses(session, streamed, snapshot)
            violations, remediations, not_judged = _analyze(session, snapshot, infos, root, responses)
            outcomes.append(CheckOutcome(stack=stack, project=snapshot.project, project_dir=project_dir, repo_root=root,
                                         snapshot=snapshot, packs=infos, violations=violations, remediations=remediations,
                                         not_judged=not_judged, warnings=list(snapshot.warnings),
                                         synth_seconds=round(synth_seconds, 3)))
    except (PackError, PolicyConfigError) as exc:
        raise PolicyHostError(str(exc)) from None
    finally:
        for streamed in streams.values():
            streamed.stop()
        logs = {stack: session.close() for stack, session in sessions.items()}
    for outcome in outcomes:
        outcome.warnings += logs[outcome.stack]
        outcome.seconds = round(time.perf_counter() - started, 3)
    return outcomes


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


def _streamed_responses(session: _Session, stream: _Stream, snapshot: Snapshot) -> list[list[analyzer_pb2.AnalyzeResponse]] | None:
    """The streamed answers, when they hold: not if the run resolved AWS-managed keys the packs were not told of
    while the resources streamed (then every resource is judged again, after telling them)."""
    if aws_managed_keys(snapshot.invokes) != session.managed_keys:
        return None
    return stream.responses(snapshot.resources)


def _by_pack(answers: list[list[analyzer_pb2.AnalyzeResponse]], packs: int) -> list[list[analyzer_pb2.AnalyzeResponse]]:
    """A pack group's answers (per resource, every pack's) as each pack's answers to every resource."""
    return [[answer[pack] for answer in answers] for pack in range(packs)]


def _analyze(session: _Session, snapshot: Snapshot, infos: list[PackInfo], root: Path,
             streamed: list[list[analyzer_pb2.AnalyzeResponse]] | None = None,
             per_pack: bool = False) -> tuple[list[Violation], list[str], list[Violation]]:
    """``streamed``: the answers a run's stream already has; else each record is sent now, in one call to the
    pack group when the packs share a process, or (``per_pack``, the plain protocol) to each pack."""
    marshal = Marshaller(snapshot)
    locate = _Locator(snapshot, root)
    stack_urn = next((r.urn for r in snapshot.resources if r.type == "pulumi:pulumi:Stack"), "")
    records = snapshot.resources
    requests = [marshal.analyze_request(r) for r in records] if streamed is None else []
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
    assert not (remediating and streamed), "a remediating pack is never streamed"
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

    one_call = session.group is not None and not per_pack
    with ThreadPoolExecutor(max_workers=max(1, len(session.analyzers))) as pool:
        if streamed is not None:
            answers = streamed
        elif one_call:
            answers = _by_pack(session.group.analyze_all(requests), len(session.analyzers))
        else:
            answers = list(pool.map(lambda a: a.analyze_all(requests), session.analyzers))
        stack_request = marshal.stack_request(records).SerializeToString()  # once, for every pack
        if one_call:
            stack_responses = session.group.analyze_stack(stack_request)
        else:
            stack_responses = list(pool.map(lambda a: a.analyze_stack(stack_request), session.analyzers))
    for info, responses, stack_response in zip(infos, answers, stack_responses):
        for record, resp in zip(records, responses):
            # The engine attributes resource diagnostics to the analyzed resource, whatever URN they name.
            violations.extend(violation(info, d, record) for d in resp.diagnostics if level_name(d.enforcementLevel) != "disabled")
        for d in stack_response.diagnostics:
            if level_name(d.enforcementLevel) != "disabled":
                violations.append(violation(info, d, snapshot.by_urn.get(d.urn)))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    violations.sort(key=lambda v: (not v.mandatory, order.get(v.severity, len(order)), v.policy_id, v.urn))
    return [v for v in violations if not v.not_judged], remediations, [v for v in violations if v.not_judged]
