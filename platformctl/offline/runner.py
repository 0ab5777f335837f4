"""Run a Pulumi Python program for one stack under recording mocks.

``run_program`` runs in the current process and may be called once per process:
Pulumi's mock runtime is process-global. ``synth`` and ``synth_all`` therefore
run each stack in a child forked from one warm interpreter (``WarmInterpreter``;
``synth_isolated`` is the fresh-interpreter equivalent), stacks that a
StackReference points at first, and hand their exports on.

With a cache directory (``cache_dir=`` or ``$PLATFORMCTL_SYNTH_CACHE``) each
stack's records are stored under a key of everything that can change them
(``cache.synth_key``), so a repeated synth or check of unchanged files, and the
test suite's workers, run each program once.
"""

from __future__ import annotations

import json
import logging
import os
import runpy
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from platformctl.offline import cache, zygote
from platformctl.offline.project import ProjectError, StackConfig, load_stack_config, referenced_stacks, stacks_of
from platformctl.offline.records import ResourceRecord, Snapshot, canonical_order

REPO_ROOT = Path(__file__).resolve().parents[2]


class SynthError(Exception):
    """The program (or its configuration) failed; ``message`` is what to show the user."""

    def __init__(self, stack: str, message: str, user_error: bool = True, registered: int = 0):
        super().__init__(message)
        self.stack = stack
        self.message = message
        self.user_error = user_error
        self.registered = registered  # resources registered before the failure (stack and providers excluded)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _ConfigValidated(Exception):
    """The program constructed its first resource: it got past its configuration checks."""


def _stop_at_first_resource(pulumi) -> None:
    """Make the first resource the program constructs stop it (this interpreter runs one program only)."""
    def stop(*args, **kwargs):
        raise _ConfigValidated()

    pulumi.Resource.__init__ = stop


def run_program(cfg: StackConfig, stack_outputs: dict[str, Any] | None = None, preview: bool = False,
                sink: Callable[[ResourceRecord], None] | None = None, validate_only: bool = False) -> Snapshot:
    """Run ``cfg``'s program here, in this process, and return what it registered (each record also to ``sink``).

    ``validate_only``: stop at the program's first resource; a program that checks its config first (as this
    one does) reports a config error, anything else returns an empty snapshot.
    """
    import pulumi
    from pulumi.runtime import config as runtime_config
    from pulumi.runtime.mocks import MockEngine, MockSettings
    from pulumi.runtime.settings import configure
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    from platformctl.offline import event_loop, stack_trace
    from platformctl.offline.mocks import PlatformMocks
    from platformctl.offline.monitor import RecordingMonitor

    stack_trace.install()
    event_loop.install()
    started = time.perf_counter()
    runtime_config.set_all_config(dict(cfg.values), list(cfg.secret_keys))
    mocks = PlatformMocks(stack_outputs, default_region=cfg.values.get("aws:region", "us-east-1"))
    monitor = RecordingMonitor(mocks, sink)
    collector = _WarningCollector()
    logger = logging.getLogger(f"platformctl.offline.{cfg.stack}")
    logger.addHandler(collector)
    logger.propagate = False
    features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    configure(MockSettings(monitor=monitor, monitor_features=features, engine=MockEngine(logger), project=cfg.project,
                           stack=cfg.stack, dry_run=preview, organization="organization", callbacks=None))

    sys.path.insert(0, str(cfg.project_dir))
    cwd = os.getcwd()
    os.chdir(cfg.project_dir)
    def registered() -> int:
        return sum(1 for r in monitor.records if r.custom and not r.is_provider)

    def program() -> None:
        if validate_only:
            _stop_at_first_resource(pulumi)
        runpy.run_path(str(cfg.main), run_name="__main__")

    try:
        _sync_await(run_in_stack(program))
    except Exception as exc:
        if validate_only and not isinstance(exc, (pulumi.RunError, ProjectError)):
            # Past the config checks, or failing for want of the referenced stacks' outputs: the real run reports it.
            return Snapshot(project=cfg.project, stack=cfg.stack, resources=[])
        if isinstance(exc, (pulumi.RunError, ProjectError)):
            raise SynthError(cfg.stack, str(exc), registered=registered()) from None
        # A bug in the program, not a user mistake: keep the traceback.
        raise SynthError(cfg.stack, traceback.format_exc(), user_error=False, registered=registered()) from None
    finally:
        os.chdir(cwd)
    return Snapshot(
        project=cfg.project,
        stack=cfg.stack,
        resources=canonical_order(monitor.records),
        outputs=monitor.stack_outputs,
        invokes=sorted(monitor.invokes, key=lambda i: (i["token"], i["provider"])),
        warnings=[*cfg.warnings, *sorted(mocks.warnings), *collector.messages],
        config=cfg.raw,
        seconds=round(time.perf_counter() - started, 3),
    )


OnRecord = Callable[[ResourceRecord], None]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}


def _start_worker(args: list[str], **streams: Any) -> subprocess.Popen | zygote.Process:
    """``python -m platformctl.offline.worker ARGS``, or the same worker forked by the zygote that
    ``$PLATFORMCTL_SYNTH_ZYGOTE`` names (bench/mutation.py sets it; see ``zygote``)."""
    if os.environ.get(zygote.ENV):
        return zygote.Process(os.environ[zygote.ENV], args, env=_env(), **streams)
    return subprocess.Popen([sys.executable, "-m", "platformctl.offline.worker", *args], env=_env(), **streams)


def _result(stack: str, out_file: Path, log: str) -> Snapshot:
    if not out_file.exists():
        raise SynthError(stack, f"the offline runner crashed:\n{log.strip()}", user_error=False)
    result = json.loads(out_file.read_text())
    if "error" in result:
        raise SynthError(stack, result["error"], user_error=result.get("user_error", True), registered=result.get("registered", 0))
    return Snapshot.from_json(result["snapshot"])


def synth_isolated(project_dir: Path, stack: str, refs: dict[str, Any], preview: bool = False,
                   validate_only: bool = False) -> Snapshot:
    """One stack in a worker of its own (a fresh interpreter, or one the zygote forks), its StackReferences
    answered from ``refs`` (stack name -> outputs)."""
    with tempfile.TemporaryDirectory(prefix="synth-") as tmp:
        refs_file, out_file = Path(tmp, "refs.json"), Path(tmp, "out.json")
        refs_file.write_text(json.dumps(refs))
        args = ["--project-dir", str(project_dir), "--stack", stack, "--refs", str(refs_file), "--out", str(out_file)] + (
            ["--preview"] if preview else []) + (["--validate-only"] if validate_only else [])
        with open(Path(tmp, "stderr"), "w+b") as stderr:
            _start_worker(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr).wait()
            stderr.seek(0)
            return _result(stack, out_file, stderr.read().decode(errors="replace"))


class _Tail(threading.Thread):
    """Follows the records a child appends to its stream file, one JSON line each, and hands them on."""

    def __init__(self, path: Path, on_record: OnRecord):
        super().__init__(daemon=True)
        self.path, self.on_record = path, on_record
        self.finished = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.path.open("rb") as handle:
                pending = b""
                while True:
                    chunk = handle.read(1 << 20)
                    if not chunk:
                        if self.finished.is_set():
                            break
                        time.sleep(0.005)
                        continue
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        self.on_record(ResourceRecord(**json.loads(line)))
        except BaseException as exc:  # surfaced by ``join_checked``
            self.error = exc

    def join_checked(self) -> None:
        self.finished.set()
        self.join()
        if self.error is not None:
            raise self.error


class WarmInterpreter:
    """One interpreter that has imported the runtime and SDKs, forking a child per stack (``worker --serve``)."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="synth-")
        self._log = open(Path(self._tmp.name, "serve.log"), "w+b")
        self._proc = _start_worker(["--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        self._pending: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            message = json.loads(line)
            with self._lock:
                future = self._pending.pop(message["id"])
            future.set_result(message["status"])
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            future.set_result(None)

    def run(self, project_dir: Path, stack: str, refs: dict[str, Any], preview: bool = False,
            on_record: OnRecord | None = None, prefetch: bool = True) -> Snapshot:
        """``prefetch``: other stacks of the project follow, so the interpreter imports the SDK modules the program
        names while this child runs (on the other core), for them."""
        ident = uuid.uuid4().hex
        base = Path(self._tmp.name, ident)
        refs_file, out_file, log_file, stream = (base.with_suffix(s) for s in (".refs", ".json", ".log", ".stream"))
        refs_file.write_text(json.dumps(refs))
        request = {"id": ident, "project_dir": str(project_dir), "stack": stack, "refs": str(refs_file),
                   "out": str(out_file), "log": str(log_file), "preview": preview, "prefetch": prefetch}
        tail = None
        if on_record is not None:
            stream.touch()
            request["stream"] = str(stream)
            tail = _Tail(stream, on_record)
            tail.start()
        future: Future = Future()
        with self._lock:
            self._pending[ident] = future
        try:
            assert self._proc.stdin is not None
            with self._lock:
                self._proc.stdin.write((json.dumps(request) + "\n").encode())
                self._proc.stdin.flush()
        except OSError:
            with self._lock:
                self._pending.pop(ident, None)
            future.set_result(None)
        status = future.result()
        if tail is not None:
            tail.join_checked()
        if status is None:
            self._log.seek(0)
            raise SynthError(stack, f"the offline runner crashed:\n{self._log.read().decode(errors='replace').strip()}", user_error=False)
        log = log_file.read_text(errors="replace") if log_file.exists() else ""
        return _result(stack, out_file, log)

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=5)
        self._log.close()
        self._tmp.cleanup()


def synth_all(
    stacks: Iterable[str] | None = None,
    project_dir: Path = REPO_ROOT,
    preview: bool = False,
    parallel: int = 2,
    on_record: dict[str, OnRecord] | None = None,
    cache_dir: Path | None = None,
    on_stack: Callable[[str, Snapshot | None], None] | None = None,
) -> dict[str, Snapshot]:
    """Synthesize ``stacks`` (default: every stack file), each stack after the local stacks it references.

    ``on_record`` (stack -> callback) receives that stack's records as the program registers them (or, from the
    cache, at once), before ``synth_all`` returns. ``on_stack(stack, None)`` is called when a stack starts and
    ``on_stack(stack, snapshot)`` when it is done (progress).
    """
    project_dir = project_dir.resolve()
    local = stacks_of(project_dir)
    wanted = list(stacks) if stacks is not None else local
    deps: dict[str, list[str]] = {}
    pending = list(wanted)
    while pending:
        stack = pending.pop()
        if stack in deps:
            continue
        try:
            deps[stack] = referenced_stacks(load_stack_config(project_dir, stack), local)
        except ProjectError as exc:
            raise SynthError(stack, str(exc)) from None
        pending.extend(deps[stack])

    referenced = {d for ds in deps.values() for d in ds}  # stacks whose children others wait for
    on_record = on_record or {}
    store = cache.SynthCache.at(cache_dir, project_dir)
    warm: list[WarmInterpreter] = []
    warm_lock = threading.Lock()

    def one(stack: str, refs: dict[str, Any], as_preview: bool) -> Snapshot:
        if on_stack:
            on_stack(stack, None)
        snapshot = _one(stack, refs, as_preview)
        if on_stack:
            on_stack(stack, snapshot)
        return snapshot

    def _one(stack: str, refs: dict[str, Any], as_preview: bool) -> Snapshot:
        def compute() -> Snapshot:
            with warm_lock:  # started on first need: a fully cached run starts no interpreter
                if not warm:
                    warm.append(WarmInterpreter())
            return warm[0].run(project_dir, stack, refs, as_preview, on_record.get(stack), prefetch=stack in referenced)

        if store is None:
            return compute()
        snapshot, hit = store.get_or_compute(stack, refs, as_preview, compute)
        if hit and stack in on_record:
            for record in snapshot.resources:
                on_record[stack](record)
        return snapshot

    def check_config(stack: str) -> None:
        def check() -> None:
            synth_isolated(project_dir, stack, {}, validate_only=True)

        if store is None:
            check()
        else:  # a pass is a function of the project's files: with the cache, unchanged files are checked once
            store.config_checked(stack, check)

    done: dict[str, Snapshot] = {}
    try:
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool, ThreadPoolExecutor(max_workers=2) as checks:
            # A stack's own config mistakes are reported before (instead of) any failure of the stacks it reads,
            # but checking them runs beside those stacks' synthesis rather than ahead of it.
            validations = [checks.submit(check_config, s) for s in wanted if deps.get(s)]
            if store is None and validations:
                with warm_lock:  # the program will run: start importing while the configs are checked
                    warm.append(WarmInterpreter())
            try:
                while len(done) < len(deps):
                    ready = [s for s in deps if s not in done and all(d in done for d in deps[s])]
                    if not ready:
                        raise SynthError(wanted[0], f"stack references form a cycle: {deps}")
                    if any(s in wanted and deps[s] for s in ready):
                        for validation in validations:  # a wanted stack's own config is sound before it runs
                            validation.result()
                    # A preview reads the referenced stacks' deployed (known) outputs: only the wanted stacks are previews.
                    futures = {s: pool.submit(one, s, {d: done[d].outputs for d in deps[s]}, preview and s in wanted)
                               for s in ready}
                    for stack, future in futures.items():
                        done[stack] = future.result()
            except SynthError:
                for validation in validations:
                    validation.result()
                raise
    finally:
        for interpreter in warm:
            interpreter.close()
    return {s: done[s] for s in wanted}


def synth(stack: str, project_dir: Path = REPO_ROOT, preview: bool = False, on_record: OnRecord | None = None,
          cache_dir: Path | None = None, on_stack: Callable[[str, Snapshot | None], None] | None = None) -> Snapshot:
    """Synthesize one stack (and, first, the local stacks it references)."""
    return synth_all([stack], project_dir, preview, on_record={stack: on_record} if on_record else None,
                     cache_dir=cache_dir, on_stack=on_stack)[stack]
