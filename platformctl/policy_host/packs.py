"""Find policy packs and start each one the way the Pulumi CLI does.

The CLI runs a Python pack through its ``pulumi-analyzer-policy-python`` plugin:
``python -u -m pulumi.policy <engine address> .`` with the pack directory as the
working directory (that script resolves the pack's ``virtualenv`` runtime option
to pick the interpreter), and adds ``PULUMI_CONFIG``, ``PULUMI_ORGANIZATION``,
``PULUMI_PROJECT``, ``PULUMI_STACK`` and ``PULUMI_DRY_RUN`` to the environment.
The pack serves the Analyzer gRPC service and prints its port on stdout.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from platformctl.policy_host.group import groupable

PACK_FILE = "PulumiPolicy.yaml"
_SKIP_DIRS = {"venv", ".venv", "node_modules", "__pycache__", ".git"}


class PackError(Exception):
    """A policy pack cannot be loaded or started; ``str()`` says which and why."""


@dataclass(frozen=True)
class PackSpec:
    path: Path
    runtime: str
    options: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    description: str = ""

    @property
    def interpreter(self) -> str:
        """The pack's virtualenv python when it declares one that exists, else this interpreter."""
        venv = self.options.get("virtualenv")
        if venv:
            candidate = (self.path / str(venv) / "bin" / "python").resolve()
            if candidate.exists():
                return str(candidate)
        return sys.executable


def discover(policies_dir: Path) -> list[Path]:
    """Every directory under ``policies_dir`` that holds a PulumiPolicy.yaml, sorted."""
    if not policies_dir.is_dir():
        return []
    found = []
    for pack_file in policies_dir.rglob(PACK_FILE):
        if not _SKIP_DIRS.intersection(pack_file.relative_to(policies_dir).parts):
            found.append(pack_file.parent)
    return sorted(found)


def load_pack(path: Path) -> PackSpec:
    path = path.resolve()
    pack_file = path / PACK_FILE
    if not pack_file.exists():
        raise PackError(f"--policy-pack {path}: no {PACK_FILE} there; point it at a policy pack directory")
    try:
        data = yaml.safe_load(pack_file.read_text()) or {}
    except yaml.YAMLError as exc:
        raise PackError(f"{pack_file} is not valid YAML: {exc}") from None
    runtime = data.get("runtime")
    name, options = (runtime.get("name"), runtime.get("options") or {}) if isinstance(runtime, dict) else (runtime, {})
    if name != "python":
        raise PackError(f"{pack_file}: runtime '{name}' is not python; only Python policy packs run offline")
    if not (path / "__main__.py").exists():
        raise PackError(f"{path} has no __main__.py: a Python policy pack serves from its __main__.py")
    return PackSpec(path=path, runtime=name, options=dict(options), version=str(data.get("version") or ""),
                    description=str(data.get("description") or ""))


def pack_environment(project: str, stack: str, dry_run: bool, config: dict[str, str], organization: str = "organization") -> dict[str, str]:
    """The environment the engine gives a policy pack process (``constructEnv`` in the CLI)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    env.update(PULUMI_ORGANIZATION=organization, PULUMI_PROJECT=project, PULUMI_STACK=stack,
               PULUMI_DRY_RUN="true" if dry_run else "false", PYTHONUNBUFFERED="1")
    if config:
        env["PULUMI_CONFIG"] = json.dumps(config)
    return env


class Launcher:
    """Starts packs as forks of one warm interpreter (``platformctl.policy_host.launcher``), one per process."""

    _shared: Launcher | None = None
    _shared_lock = threading.Lock()
    DISABLE_ENV = "PLATFORMCTL_PACK_LAUNCHER"  # "0": start every pack as a fresh interpreter

    @classmethod
    def shared(cls) -> Launcher | None:
        if os.environ.get(cls.DISABLE_ENV) == "0":
            return None
        with cls._shared_lock:
            if cls._shared is None or cls._shared._proc.poll() is not None:
                cls._shared = cls()
                atexit.register(cls._shared.close)
            return cls._shared

    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self.directory = tempfile.TemporaryDirectory(prefix="packs-")
        self._proc = subprocess.Popen([sys.executable, "-m", "platformctl.policy_host.launcher"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self._lock = threading.Lock()

    def start(self, cwd: Path, env: dict[str, str], argv: list[str], group: list[str] | None = None) -> tuple[int, Path, Path]:
        """Fork a pack (or a group of packs served by one process); its pid and the files its stdout and stderr go to."""
        ident = uuid.uuid4().hex
        out, err = Path(self.directory.name, f"{ident}.out"), Path(self.directory.name, f"{ident}.err")
        request = {"id": ident, "cwd": str(cwd), "env": env, "argv": argv, "stdout": str(out), "stderr": str(err),
                   "group": group or []}
        assert self._proc.stdin is not None and self._proc.stdout is not None
        with self._lock:
            self._proc.stdin.write((json.dumps(request) + "\n").encode())
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        if not line:
            raise PackError(f"the pack launcher exited (status {self._proc.poll()}) while starting {cwd}")
        return json.loads(line)["pid"], out, err

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self.directory.cleanup()


def _running(pid: int) -> bool:
    """Whether ``pid`` (a launcher's child, not ours) is alive: neither gone nor a zombie awaiting its reaper."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


class _Forked:
    """A pack forked by the launcher, with the little of ``subprocess.Popen`` that ``PackProcess`` uses."""

    def __init__(self, launcher: Launcher, spec: PackSpec, env: dict[str, str], argv: list[str],
                 group: list[str] | None = None):
        self.pid, self.out, self.err = launcher.start(spec.path, env, argv, group)
        self.returncode: int | None = None

    def first_line(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self.out.read_bytes() if self.out.exists() else b""
            if b"\n" in data:
                return data.split(b"\n", 1)[0] + b"\n"
            if not _running(self.pid):
                return self.out.read_bytes() if self.out.exists() else b""
            time.sleep(0.01)
        raise TimeoutError

    def ports(self, what: str, count: int, timeout: float) -> list[int]:
        """The ``count`` ports the forked pack(s) print on their first line; a PackError naming ``what`` if not."""
        try:
            line = self.first_line(timeout)
        except TimeoutError:
            self.stop()
            raise PackError(f"{what} did not report {'its port' if count == 1 else 'their ports'} within {timeout:.0f}s") from None
        try:
            ports = [int(p) for p in line.split()]
        except ValueError:
            ports = []
        if len(ports) != count:
            detail = (self.err.read_text(errors="replace").strip() if self.err.exists() else "") or line.decode(errors="replace").strip()
            raise PackError(f"{what} failed to start:\n{detail or ('it exited' if count == 1 else 'they exited')}")
        return ports

    def stop(self) -> None:
        for sig, wait in ((15, 5.0), (9, 5.0)):
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + wait
            while _running(self.pid) and time.monotonic() < deadline:
                time.sleep(0.01)
            if not _running(self.pid):
                return


class PackProcess:
    """One running policy pack; ``port()`` waits for the port it prints."""

    def __init__(self, spec: PackSpec, engine_address: str, env: dict[str, str], launcher: Launcher | None = None):
        self.spec = spec
        argv = ["-u", "-m", "pulumi.policy", engine_address, "."]
        self._port: int | None = None
        self._first_line = b""
        self._forked: _Forked | None = None
        if launcher is not None and spec.interpreter == sys.executable:
            self._forked = _Forked(launcher, spec, env, ["pulumi.policy", engine_address, "."])
            self._ready = threading.Event()
            return
        self._stderr = tempfile.TemporaryFile(mode="w+b")
        self._proc = subprocess.Popen(
            [spec.interpreter, *argv],
            cwd=spec.path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr,
        )
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()

    def _read_stdout(self) -> None:
        assert self._proc.stdout is not None
        self._first_line = self._proc.stdout.readline()
        self._ready.set()
        # Keep draining so a pack that prints cannot block on a full pipe.
        for _ in iter(lambda: self._proc.stdout.read(65536), b""):
            pass

    def stderr_text(self) -> str:
        if self._forked is not None:
            return self._forked.err.read_text(errors="replace").strip() if self._forked.err.exists() else ""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace").strip()

    def port(self, timeout: float = 60.0) -> int:
        if self._port is not None:
            return self._port
        if self._forked is not None:
            [self._port] = self._forked.ports(f"policy pack {self.spec.path}", 1, timeout)
            return self._port
        if not self._ready.wait(timeout):
            self.stop()
            raise PackError(f"policy pack {self.spec.path} did not report its port within {timeout:.0f}s")
        try:
            self._port = int(self._first_line.strip())
        except ValueError:
            self._proc.wait(timeout=10)
            detail = self.stderr_text() or self._first_line.decode(errors="replace").strip() or f"exit status {self._proc.returncode}"
            raise PackError(f"policy pack {self.spec.path} failed to start:\n{detail}") from None
        return self._port

    def stop(self) -> None:
        if self._forked is not None:
            self._forked.stop()
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._stderr.close()


def share_process(specs: list[PackSpec], launcher: Launcher | None) -> bool:
    """Whether these packs can be served by one process (``PackGroup``): this repository's own packs (they share
    the rule library and its SDK fast path), on this interpreter, with no local module name in common."""
    own = Path(__file__).resolve().parents[2] / "policies"
    return (launcher is not None and all(s.interpreter == sys.executable and s.path.parent == own for s in specs)
            and groupable([s.path for s in specs]))


class PackGroup:
    """Packs served by one process forked from the launcher (``platformctl.policy_host.group``): each answers the
    Analyzer protocol on its own port, and the first port also serves the group's one-call-for-all methods."""

    def __init__(self, specs: list[PackSpec], engine_address: str, env: dict[str, str], launcher: Launcher):
        self.specs = specs
        self._forked = _Forked(launcher, specs[0], env, ["pulumi.policy", engine_address, "."], [str(s.path) for s in specs])
        self._ports: list[int] | None = None

    def ports(self, timeout: float = 60.0) -> list[int]:
        if self._ports is None:
            names = ", ".join(str(s.path) for s in self.specs)
            self._ports = self._forked.ports(f"policy packs {names}", len(self.specs), timeout)
        return self._ports

    def members(self) -> list[_GroupMember]:
        return [_GroupMember(self, index) for index in range(len(self.specs))]

    def stop(self) -> None:
        self._forked.stop()


@dataclass
class _GroupMember:
    """One pack of a ``PackGroup``, with what the gate uses of a ``PackProcess``."""

    group: PackGroup
    index: int

    @property
    def spec(self) -> PackSpec:
        return self.group.specs[self.index]

    def port(self, timeout: float = 60.0) -> int:
        return self.group.ports(timeout)[self.index]

    def stop(self) -> None:
        self.group.stop()
