"""The interpreters that run programs for ``runner``: one program run per process, because Pulumi's mock
runtime is process-global.

Two ways to get that process:

- ``python -m platformctl.offline.worker --stack S ...``: a fresh interpreter for one stack (``synth_isolated``);
- ``python -m platformctl.offline.worker --serve``: a warm interpreter (``WarmInterpreter`` in ``runner``) that
  imports Pulumi, the providers' SDK modules the program uses and the recording runtime once, then forks a child
  per stack. Requests arrive as JSON lines on stdin; each finished child is reported as a JSON line on stdout.

Where the time of a mock run goes (profile of ``synth dev``): importing the SDKs, the cyclic garbage collector
walking the import-time heap again and again, and interpreter teardown after the result is written. Hence:
the import-time heap is frozen (``gc.freeze``) so collections skip it, a program run keeps the collector off
(``Headroom``: its cyclic garbage is small, and freeing it cost more than the process's exit does), and a child
leaves with ``os._exit`` once its result is flushed (nothing is left to clean up).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import json
import os
import re
import select
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from platformctl.gc_tuning import tune_gc

# Bytes a program run may grow by before its first collection (see Headroom). A full collection of a run that
# grew 740 MiB (20 workload accounts x 3 regions) freed 3 million objects in 11.5 s on a loaded machine (~9 s of
# the run's CPU); at 1 GiB such a run never collects, and stays under 1 GiB resident.
GC_HEADROOM = 1 << 30
_SKIP_DIRS = {".git", "venv", ".venv", "node_modules", "__pycache__", "tests", ".pytest_cache", ".ruff_cache"}
_IMPORT_ALIAS = re.compile(r"^\s*import (pulumi_\w+) as (\w+)", re.M)


class Headroom:
    """When a program run with the collector off should collect after all: its memory grew by ``limit`` bytes.

    A program run (one per process, left with ``os._exit``) keeps the cyclic collector off. What the collector
    would free is the run's cyclic garbage (Outputs, futures and tasks that refer to each other): in prod with 5
    workload accounts about 640,000 objects, some 20 KiB per resource, and freeing them took 15-20 % of the run's
    CPU, for memory the process returns at exit anyway. A program that makes far more garbage stays bounded: a
    full collection once the resident size has grown by ``limit``, and after that by as much as the run holds
    (at least ``limit``). A full collection scans everything the run holds, so a fixed step made the collections
    cost grow with the square of the stack's size (20 workload accounts: ~9 s of a 37 s synth); doubling keeps
    their sum in proportion to the run, as CPython's own rule for full collections does.
    """

    def __init__(self, limit: int, rss: int):
        self.minimum, self.limit, self.start, self.base = limit, limit, rss, rss

    def exceeded(self, rss: int) -> bool:
        return rss - self.base >= self.limit

    def collected(self, rss: int) -> None:
        self.base = rss
        self.limit = max(self.minimum, rss - self.start)


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _program_gc() -> None:
    """The collector for a program run: off, with a thread collecting when ``GC_HEADROOM`` is used up."""
    gc.freeze()
    gc.disable()
    headroom = Headroom(GC_HEADROOM, _rss())

    def watch() -> None:
        while True:
            time.sleep(0.2)
            if headroom.exceeded(_rss()):
                gc.collect()
                headroom.collected(_rss())

    threading.Thread(target=watch, daemon=True, name="gc-headroom").start()


def _runtime_imports() -> None:
    """What every program run needs, whatever the program."""
    import pulumi
    import pulumi.runtime.mocks
    import pulumi.runtime.stack  # noqa: F401

    import platformctl.offline.event_loop
    import platformctl.offline.mocks
    import platformctl.offline.monitor
    import platformctl.offline.runner
    import platformctl.offline.stack_trace  # noqa: F401


def _sources(project_dir: Path) -> Iterator[Path]:
    """The program's .py files; skipped folders are pruned, not walked (a venv in the checkout has ~50,000 files)."""
    for folder, dirs, files in os.walk(project_dir):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        yield from (Path(folder, f) for f in files if f.endswith(".py"))


def sdk_modules(project_dir: Path) -> list[str]:
    """Provider SDK modules the program's source names (``import pulumi_aws as aws`` ... ``aws.s3.``)."""
    found: set[str] = set()
    for path in _sources(project_dir):
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        for package, alias in _IMPORT_ALIAS.findall(text):
            found.add(package)
            found.update(f"{package}.{sub}" for sub in re.findall(rf"\b{re.escape(alias)}\.([a-z][a-z0-9_]*)\b", text))
    return sorted(found)


def _import_quietly(names: list[str]) -> None:
    """Import and load ``names``, each package before its modules.

    The SDKs' packages are Pulumi lazy modules: importing one of their modules while the package is still lazy
    leaves the package half-initialized, so each package is loaded (a non-introspection attribute read) first.
    """
    wanted = {".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 2)}
    for name in sorted(wanted, key=lambda n: (n.count("."), n)):
        try:
            if importlib.util.find_spec(name) is not None:
                getattr(importlib.import_module(name), "__loaded__", None)  # any attribute read loads a lazy module
        except Exception:  # a name the scan guessed wrong (an attribute, not a module): the child imports what it needs
            pass


def preload(project_dir: Path | None) -> None:
    """Import what a run of the program at ``project_dir`` needs (the runtime alone without one), for the
    processes forked from this one; the imported heap is frozen out of the collector's way."""
    gc.disable()  # imports allocate only long-lived objects: collecting during them finds nothing
    _runtime_imports()
    if project_dir is not None:
        _import_quietly(sdk_modules(project_dir.resolve()))
    tune_gc()


# What starts another process, which may read any file: os's process functions and every subprocess.Popen.
_PROCESS_FUNCTIONS = ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system", "execv", "execve")


def watch_stack_files(project_dir: Path, stack: str) -> list[str]:
    """From now on, the other stacks' config files this process opens inside ``project_dir`` (paths relative to
    it), and "<subprocess>" once it starts a process.

    It wraps what opens a file by path (``open``/``io.open``, which pathlib and the yaml and json readers use,
    ``io.open_code`` and ``os.open``) and what starts a process. An audit hook would see the same, but it is called
    on every audit event, and a program run raises millions (``id()``, frame reads): ~300 ns each, several % of a
    large synth; the wrappers cost nothing elsewhere.
    """
    import _posixsubprocess
    import builtins
    import functools
    import io
    import subprocess

    from platformctl.offline.cache import other_stack_file

    root = f"{project_dir.resolve()}{os.sep}"
    seen: list[str] = []

    def opening(real):
        @functools.wraps(real)
        def watched(file, *args, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)):
                path = os.path.abspath(os.fsdecode(file))
                if path.startswith(root) and other_stack_file(path[len(root):], stack):
                    seen.append(path[len(root):])
            return real(file, *args, **kwargs)
        return watched

    def starting(real):
        @functools.wraps(real)
        def watched(*args, **kwargs):
            seen.append("<subprocess>")
            return real(*args, **kwargs)
        return watched

    builtins.open = io.open = opening(io.open)
    io.open_code, os.open = opening(io.open_code), opening(os.open)
    for name in _PROCESS_FUNCTIONS:
        if hasattr(os, name):
            setattr(os, name, starting(getattr(os, name)))
    _posixsubprocess.fork_exec = starting(_posixsubprocess.fork_exec)  # multiprocessing's spawn
    subprocess.Popen._execute_child = starting(subprocess.Popen._execute_child)
    return seen


def _run_one(project_dir: Path, stack: str, refs_file: Path, out: Path, preview: bool, stream: str | None = None,
             validate_only: bool = False, watch: bool = False) -> None:
    from dataclasses import asdict

    from platformctl.offline.project import ProjectError, load_stack_config
    from platformctl.offline.runner import SynthError, run_program

    refs = json.loads(refs_file.read_text())
    read = watch_stack_files(project_dir, stack) if watch else None  # only a warm child's run is cached
    sink = None
    if stream:
        handle = open(stream, "a")

        def sink(record) -> None:
            handle.write(json.dumps(asdict(record)) + "\n")
            handle.flush()
    try:
        cfg = load_stack_config(project_dir, stack)
        snapshot = run_program(cfg, refs, preview=preview, sink=sink, validate_only=validate_only)
        snapshot.stack_files_read = sorted(set(read)) if read is not None else None
        result = {"snapshot": snapshot.to_json()}
    except ProjectError as exc:
        result = {"error": str(exc), "user_error": True}
    except SynthError as exc:
        result = {"error": exc.message, "user_error": exc.user_error, "registered": exc.registered}
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result))
    tmp.replace(out)


def _exit(code: int) -> None:
    """Leave without tearing the heap down: the result is on disk, nothing else needs finalizing."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def learned(before: set[str], project_dir: str) -> list[str]:
    """The modules a child loaded (``sys.modules`` beyond ``before``) that its siblings may import ahead of time.

    Left out: the program's own modules, and the SDK's lazy modules still unloaded. Importing a provider package
    registers every service module of it as a lazy module; loading those in the warm interpreter, as a read of
    any attribute does, would import the whole SDK (pulumi_aws: ~10 s CPU) before the parent reports the child.
    """
    return sorted(m for m in set(sys.modules) - before
                  if type(sys.modules[m]).__name__ != "_LazyModule"  # type() reads no attribute: stays lazy
                  and not str(getattr(sys.modules[m], "__file__", "") or "").startswith(project_dir))


def _child(request: dict) -> None:
    try:
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(log, 1)  # the program's prints must not reach the parent's protocol channel
        os.dup2(log, 2)
        os.close(log)
        sys.stdin.close()
        _program_gc()
        before = set(sys.modules)
        _run_one(Path(request["project_dir"]), request["stack"], Path(request["refs"]), Path(request["out"]),
                 request.get("preview", False), request.get("stream"), watch=True)
        Path(request["out"] + ".modules").write_text(json.dumps(learned(before, request["project_dir"])))
    except BaseException:
        traceback.print_exc()
        _exit(1)
    _exit(0)


def serve() -> None:
    """Import once, fork a child per request; report each child's exit status when it ends."""
    preload(None)
    children: dict[int, dict] = {}
    scanned: set[str] = set()
    buffer = b""
    open_input = True

    def report(pid: int, status: int) -> None:
        request = children.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        os.write(1, (json.dumps({"id": request["id"], "status": code}) + "\n").encode())
        learned = Path(request["out"] + ".modules")
        if code == 0 and learned.exists():
            if request.get("prefetch", True):  # what this child imported, the siblings to come get for free
                gc.disable()
                _import_quietly(json.loads(learned.read_text()))
                tune_gc()
            learned.unlink()

    while open_input or children:
        ready = select.select([0], [], [], 0.02 if children else None)[0] if open_input else []
        if ready:
            chunk = os.read(0, 65536)
            open_input = bool(chunk)
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _child(request)
                children[pid] = request
                if request.get("prefetch", True) and request["project_dir"] not in scanned:
                    # The first child of a project imports what it needs itself, on one core, while this process
                    # imports every SDK module the program names, on the other, for the children that follow
                    # (the stacks that wait for this one's outputs). Without followers (prefetch false: a
                    # single stack) that import would be CPU spent for nothing.
                    scanned.add(request["project_dir"])
                    gc.disable()
                    _import_quietly(sdk_modules(Path(request["project_dir"])))
                    tune_gc()
        elif not open_input:
            pid, status = os.waitpid(-1, 0)
            report(pid, status)
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            report(pid, status)
    _exit(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true", help="warm interpreter: fork a child per request on stdin")
    parser.add_argument("--project-dir", type=Path)
    parser.add_argument("--stack")
    parser.add_argument("--refs", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--preview", action="store_true")
    parser.add_argument("--validate-only", action="store_true", help="stop at the first resource: check the config only")
    args = parser.parse_args()
    if args.serve:
        serve()
    gc.disable()
    _runtime_imports()
    if not args.validate_only:  # config checks run before the program touches the SDKs
        _import_quietly(sdk_modules(args.project_dir.resolve()))
    _program_gc()
    _run_one(args.project_dir, args.stack, args.refs, args.out, args.preview, validate_only=args.validate_only)
    _exit(0)


if __name__ == "__main__":
    main()
