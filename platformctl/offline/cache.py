"""A content-addressed cache of synthesized stacks: a repeated synth of unchanged inputs reads the records back.

The key is a digest of everything that can change what a program registers:
- every file of the project directory (program, stack and project config, assets, anything it may read),
  except VCS, virtualenv and tool-cache directories and the top-level names the project lists in
  ``.synthignore`` (one per line: what its program never reads, such as its tests and policy packs, so that
  editing a test does not synthesize every stack again);
- the offline runner (``platformctl/offline``: the mocks and the recording monitor decide what a record holds)
  and the versions of Python and of every installed ``pulumi*`` distribution (the SDKs shape inputs and outputs);
- the stack, preview or not, and the outputs of the stacks it references.
Other stacks' config files (``Pulumi.<other>.yaml``) count only by name when the run never opened them (the
worker wraps what opens a file by path and what starts a process): the engine gives a program only its
own stack's config, so a synth of ``shared`` is reused by project copies whose ``dev`` config differs. A run
that did read them is stored under the key of every file's content.
Policy packs are not part of a synth: the gate runs them on every check. Since the key ignores where the
project lives, a record's source file inside the project is stored relative to it and read back inside the
project that reads the entry (findings are located by it).

A stack that reads other stacks has its own config checked first, in a fresh interpreter (``synth_all``); that
check depends on the project's files alone, so its success is kept too (``config_checked``), under the
stack and the project digest, and a repeated synth of unchanged files starts no interpreter for it.

Entries are written atomically and computed under a per-key file lock, so concurrent processes (pytest-xdist
workers, parallel CI jobs) synthesize each distinct stack once and the others wait for it.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib.metadata
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from platformctl.offline.records import Snapshot

ENV = "PLATFORMCTL_SYNTH_CACHE"
_NOT_INPUTS = {".git", "venv", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}
_OFFLINE = Path(__file__).resolve().parent
IGNORE_FILE = ".synthignore"


_STACK_FILE = re.compile(r"Pulumi\.(.+)\.ya?ml")


def other_stack_file(relative: str, stack: str) -> bool:
    """Whether ``relative`` (a path in the project) names another stack's config file than ``stack``'s."""
    found = _STACK_FILE.fullmatch(relative.rsplit("/", 1)[-1])
    return found is not None and found.group(1) != stack


def _digest(entries: list[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for relative, content in entries:
        h.update(relative.encode() + b"\0" + content)
    return h.hexdigest()


def _tree(root: Path, skip: set[str], suffixes: tuple[str, ...] = (), top: set[str] = frozenset()) -> list[tuple[str, bytes]]:
    """(relative path, content digest) of every file, sorted. ``skip``: directory names anywhere; ``top``: file
    or directory names directly under ``root``."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        at_top = Path(dirpath) == root
        dirnames[:] = sorted(d for d in dirnames if d not in skip and not (at_top and d in top)
                             and not (Path(dirpath, d) / "pyvenv.cfg").exists())
        for name in sorted(filenames):
            # A `.git` file (a worktree's or submodule's pointer to its git directory) is no input either.
            if (suffixes and not name.endswith(suffixes)) or (at_top and name in top) or name in skip:
                continue
            path = Path(dirpath, name)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            entries.append((path.relative_to(root).as_posix(), hashlib.sha256(data).digest()))
    return entries


@functools.cache
def runtime_digest() -> str:
    """The offline runner's code, Python, and the installed Pulumi SDKs."""
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
                      if (d.metadata["Name"] or "").lower().replace("-", "_").startswith("pulumi"))
    return hashlib.sha256(json.dumps([sys.version, versions, _digest(_tree(_OFFLINE, _NOT_INPUTS, (".py",)))]).encode()).hexdigest()


def ignored(project_dir: Path) -> set[str]:
    """The top-level names the project's ``.synthignore`` declares are not inputs of its program."""
    try:
        lines = (project_dir / IGNORE_FILE).read_text().splitlines()
    except OSError:
        return set()
    return {line.strip().strip("/") for line in lines if line.strip() and not line.lstrip().startswith("#")}


def _project_tree(project_dir: Path, exclude: Path | None = None) -> list[tuple[str, bytes]]:
    skip = set(_NOT_INPUTS)
    if exclude is not None and exclude.parent == project_dir:
        skip.add(exclude.name)  # the cache itself, when it lives inside the project
    return _tree(project_dir, skip, top=ignored(project_dir))


def project_digest(project_dir: Path, exclude: Path | None = None) -> str:
    return _digest(_project_tree(project_dir, exclude))


def stack_digest(entries: list[tuple[str, bytes]], stack: str) -> str:
    """The project's digest for a run of ``stack`` that opens no other stack's config file: those count by name."""
    return _digest([(relative, b"" if other_stack_file(relative, stack) else content) for relative, content in entries])


def synth_key(project: str, stack: str, preview: bool, refs: dict[str, Any]) -> str:
    document = json.dumps([runtime_digest(), project, stack, preview, refs], sort_keys=True, default=str)
    return hashlib.sha256(document.encode()).hexdigest()


def check_key(project: str, stack: str) -> str:
    """The key of a stack's config check: no referenced outputs or preview flag, the check reads neither."""
    return hashlib.sha256(json.dumps([runtime_digest(), project, stack, "config-check"]).encode()).hexdigest()


# A record's source file inside the project is stored relative to it: the key ignores where the project lives,
# so an entry may be read by a copy elsewhere, which must locate findings in its own files.
IN_PROJECT = "<project>/"


def _stored(data: dict[str, Any], project_dir: Path) -> dict[str, Any]:
    root = f"{project_dir}{os.sep}"
    for record in data["resources"]:
        if record.get("source_file", "").startswith(root):
            record["source_file"] = IN_PROJECT + record["source_file"][len(root):]
    return data


def _read(data: dict[str, Any], project_dir: Path) -> dict[str, Any]:
    for record in data["resources"]:
        if record.get("source_file", "").startswith(IN_PROJECT):
            record["source_file"] = str(project_dir / record["source_file"][len(IN_PROJECT):])
    return data


class SynthCache:
    def __init__(self, directory: Path, project_dir: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.project_dir = project_dir.resolve()
        self._tree = _project_tree(project_dir, directory.resolve())
        self.project = _digest(self._tree)

    @classmethod
    def at(cls, directory: Path | None, project_dir: Path) -> SynthCache | None:
        """The cache in ``directory``, else in ``$PLATFORMCTL_SYNTH_CACHE``; None when neither is set."""
        chosen = directory or (Path(os.environ[ENV]) if os.environ.get(ENV) else None)
        return cls(chosen, project_dir) if chosen is not None else None

    def get_or_compute(self, stack: str, refs: dict[str, Any], preview: bool,
                       compute: Callable[[], Snapshot]) -> tuple[Snapshot, bool]:
        """The cached snapshot and True, or ``compute()``'s (stored) and False. Failures are never stored."""
        narrow = self.directory / f"{synth_key(stack_digest(self._tree, stack), stack, preview, refs)}.json"
        full = self.directory / f"{synth_key(self.project, stack, preview, refs)}.json"
        # Both entries of one run are computed under the narrow key's lock: a copy that differs only in other
        # stacks' config waits for the run that may serve it.
        with open(narrow.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process computing this key: wait for its result
            for path in (narrow, full):
                if path.exists():
                    try:
                        return Snapshot.from_json(_read(json.loads(path.read_text()), self.project_dir)), True
                    except (ValueError, TypeError):  # a truncated or old-format entry: compute it again
                        pass
            snapshot = compute()
            path = narrow if snapshot.stack_files_read == [] else full
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(_stored(snapshot.to_json(), self.project_dir)))
            tmp.replace(path)
            return snapshot, False

    def config_checked(self, stack: str, check: Callable[[], object]) -> bool:
        """Runs ``check`` (raising on a config mistake) unless it passed before for these files: True when skipped.
        Only a pass is stored; a failing check runs (and reports) every time."""
        key = check_key(self.project, stack)
        path = self.directory / f"{key}.checked"
        with open(self.directory / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process checking this stack: wait for its verdict
            if path.exists():
                return True
            check()
            path.touch()
            return False
