"""Run a Pulumi Python program for one stack under recording mocks.

``run_program`` runs in the current process and may be called once per process:
Pulumi's mock runtime is process-global. ``synth`` and ``synth_all`` therefore
run each stack in a fresh interpreter (``python -m platformctl.offline.worker``),
stacks that a StackReference points at first, and hand their exports on.
"""

from __future__ import annotations

import json
import logging
import os
import runpy
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from platformctl.offline.project import ProjectError, StackConfig, load_stack_config, referenced_stacks, stacks_of
from platformctl.offline.records import Snapshot

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
                validate_only: bool = False) -> Snapshot:
    """Run ``cfg``'s program here, in this process, and return what it registered.

    ``validate_only``: stop at the program's first resource registration; a program that checks its config
    first (as this one does) reports a config error, anything else returns an empty snapshot.
    """
    import pulumi
    from pulumi.runtime import config as runtime_config
    from pulumi.runtime.mocks import MockEngine, MockSettings
    from pulumi.runtime.settings import configure
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    from platformctl.offline.mocks import PlatformMocks
    from platformctl.offline.monitor import RecordingMonitor

    started = time.perf_counter()
    runtime_config.set_all_config(dict(cfg.values), list(cfg.secret_keys))
    mocks = PlatformMocks(stack_outputs, default_region=cfg.values.get("aws:region", "us-east-1"))
    monitor = RecordingMonitor(mocks)
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
        raise SynthError(cfg.stack, traceback.format_exc(), user_error=False, registered=registered()) from None
    finally:
        os.chdir(cwd)
    return Snapshot(
        project=cfg.project,
        stack=cfg.stack,
        resources=monitor.records,
        outputs=monitor.stack_outputs,
        invokes=monitor.invokes,
        warnings=[*cfg.warnings, *mocks.warnings, *collector.messages],
        config=cfg.raw,
        seconds=round(time.perf_counter() - started, 3),
    )


def synth_isolated(project_dir: Path, stack: str, refs: dict[str, Any], preview: bool = False,
                   validate_only: bool = False) -> Snapshot:
    """One stack in a fresh interpreter, its StackReferences answered from ``refs`` (stack name -> outputs)."""
    with tempfile.TemporaryDirectory(prefix="synth-") as tmp:
        refs_file, out_file = Path(tmp, "refs.json"), Path(tmp, "out.json")
        refs_file.write_text(json.dumps(refs))
        cmd = [sys.executable, "-m", "platformctl.offline.worker", "--project-dir", str(project_dir), "--stack", stack,
               "--refs", str(refs_file), "--out", str(out_file)] + (["--preview"] if preview else []) + (
                   ["--validate-only"] if validate_only else [])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if not out_file.exists():
            raise SynthError(stack, f"the offline runner crashed:\n{proc.stderr.strip()}", user_error=False)
        result = json.loads(out_file.read_text())
    if "error" in result:
        raise SynthError(stack, result["error"], user_error=result.get("user_error", True), registered=result.get("registered", 0))
    return Snapshot.from_json(result["snapshot"])


def synth_all(
    stacks: Iterable[str] | None = None,
    project_dir: Path = REPO_ROOT,
    preview: bool = False,
    parallel: int = 2,
) -> dict[str, Snapshot]:
    """Synthesize ``stacks`` (default: every stack file), each stack after the local stacks it references."""
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

    done: dict[str, Snapshot] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        # A stack's own config mistakes are reported before the stacks it reads are synthesized.
        checks = [pool.submit(synth_isolated, project_dir, s, {}, validate_only=True) for s in wanted if deps.get(s)]
        for check in checks:
            check.result()
        while len(done) < len(deps):
            ready = [s for s in deps if s not in done and all(d in done for d in deps[s])]
            if not ready:
                raise SynthError(wanted[0], f"stack references form a cycle: {deps}")
            refs = {name: snap.outputs for name, snap in done.items()}
            # A preview reads the referenced stacks' deployed (known) outputs: only the wanted stacks are previews.
            futures = {s: pool.submit(synth_isolated, project_dir, s, refs, preview and s in wanted) for s in ready}
            for stack, future in futures.items():
                done[stack] = future.result()
    return {s: done[s] for s in wanted}


def synth(stack: str, project_dir: Path = REPO_ROOT, preview: bool = False) -> Snapshot:
    """Synthesize one stack (and, first, the local stacks it references)."""
    return synth_all([stack], project_dir, preview)[stack]
