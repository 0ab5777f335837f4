"""Mutation testing of the security-relevant code: plant one realistic bug at a time, run the tests that
should catch it, and print the share of bugs caught (killed) per file.

    python bench/mutation.py                          # every curated file
    python bench/mutation.py config/rules.py --limit 40 --seed 1
    python bench/mutation.py policies/crossguard_aws/rules/iam.py --results out/mut.jsonl --survivors
    python bench/mutation.py --list                   # the curated files and the tests each one runs

Mutants are spliced into the original text at the mutated node's position (line numbers never move, so a
test cannot kill a mutant by noticing reformatted code). Survivors the maintainers judged equivalent (no
behaviour change) are listed with the reason in `bench/mutation_equivalent.txt` and count as killed; mutants
that do not compile are skipped.

How it is fast enough for every mutant:

* Coverage map (one-off, cached): the tests mapped to the selected files (TARGETS) run once, single process,
  under coverage with one context per test; the map (curated file -> line -> tests that ran it) is cached in
  `.mutation/` keyed by a hash of the tracked .py files, so it is rebuilt only after a code change.
* Test selection: a mutant on line L runs only the tests whose context ran L's statement. Lines that run at
  import time (module and class bodies, decorators, defaults), bodies of cached functions, and lines no test
  ran in-process use every test that ran any line of the file in-process, plus every mapped test of a test
  module where a test starts a process (a policy pack server, a docs generator `--check`: what it runs is
  invisible to the in-process map); a file no test runs in-process
  (components/ run in the synth worker subprocesses, whose coverage has no test context) uses its full mapped
  test list. If the selected node ids no longer exist (a mutant renamed a parametrized case), the full mapped
  list runs. Tests that fail on the unmutated code are never selected.
* Warm forked runs: the parent imports pytest and the heavy third-party modules (pulumi, pulumi_policy, grpc,
  protobuf, pydantic, yaml, pulumi_aws and the provider SDK modules the program names, as the synth worker
  does) once, never a project module, then forks one child per mutant that
  runs `pytest.main` in its own scratch copy of the repository (`--jobs` copies, one child each in flight).
* Warm synth workers: before pytest starts (no thread, no gRPC channel yet), each child forks a synth
  "zygote" (platformctl/offline/zygote.py) and sets `$PLATFORMCTL_SYNTH_ZYGOTE`, so the stacks' synth
  workers the tests start are forked from it instead of starting interpreters that import the SDKs again
  (~4.5 s CPU each; a component mutant re-synthesizes the stacks). `--fresh-synth` turns it off (to compare).
  The mutant is written into the copy's file before the fork and restored after the child exits; no
  bytecode is written or copied (a same-size mutant with the same mtime could load a stale .pyc).
  A child past its timeout is killed with its process group and counts as killed ("timeout").
  The copies share this tree's synth cache (`.pytest_cache/platformctl-synth`, content-addressed; .synthignore
  leaves platformctl/ out of the key, so a gate mutant reuses the stacks' snapshots), and each has an empty
  `.git` so that report paths are relative to the copy as they are to the tree.

Limits of the selection (it can only under-report kills, never over-report them): a test that depends on a
line without running it in-process is not selected for it. That is the case for a line inside a function that
a test only runs in a subprocess (a policy pack server, a synth worker) when other tests run it in-process
(only the tests that run it in-process are selected; subprocess coverage has no test context); for a
value computed once and memoized by hand at runtime (a module global filled on first use) or by a
session-scoped fixture in another test module (the stacks' synth: only its first user is seen); and for a test
that installs its own tracer (tests/test_config_rules.py's reachability check), during which coverage sees
nothing. It also misses a test that only reads data a module built at import time (a rule registry) without
running a line of the file, unless that test's module starts a process. `--confirm` closes all of these;
`--baseline` runs mutants the old way (the full mapped test files in a fresh interpreter) to compare.

`--results FILE.jsonl` appends one line per mutant; a later run with the same file skips the mutants already
recorded for the same original file text and counts them. `--confirm` runs each survivor again with every
mapped test: no kill is then missed that the full test files would find, for about the old cost per survivor.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import fnmatch
import gc
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "bench" / "mutation_equivalent.txt"
CACHE = ROOT / ".mutation"
INVARIANTS = ["tests/test_arns.py", "tests/test_aws_rules.py", "tests/test_aws_runtime_rules.py", "tests/test_aws_names.py",
              "tests/test_naming.py"]
# Curated security-relevant files (glob) -> the tests that guard them.
TARGETS: dict[str, list[str]] = {
    "policies/crossguard_aws/*.py": ["tests/policies"],
    "policies/crossguard_aws/rules/*.py": ["tests/policies"],
    "config/rules.py": ["tests/test_config.py", "tests/test_config_rules.py"],
    # Every component also runs the invariants over every recorded resource (tests/test_aws_*.py: what AWS
    # validates at create time and at run time; test_naming: names and type tokens; test_arns: every ARN in a
    # document against the formats AWS issues; test_iam lints every document): a component's bug usually breaks
    # an invariant, not its own test.
    "components/iam.py": ["tests/test_iam.py", *INVARIANTS],
    # test_compute: the compute layer's keys (behind feature flags: on in tests/options_variant.py) use service_use's defaults.
    "components/kms.py": ["tests/test_security_baseline.py", "tests/test_iam.py", "tests/test_lake_access.py",
                          "tests/test_compute.py", *INVARIANTS],
    "components/secure_bucket.py": ["tests/test_data.py", "tests/test_security_baseline.py", "tests/test_policy_gate.py",
                                    "tests/test_iam.py", *INVARIANTS],
    "components/sagemaker_iam.py": ["tests/test_training.py", "tests/test_deployment.py", "tests/test_iam.py", *INVARIANTS],
    "components/inference.py": ["tests/test_inference.py", "tests/test_iam.py", *INVARIANTS],
    "components/network.py": ["tests/test_network.py", "tests/test_iam.py", *INVARIANTS],
    "components/providers.py": ["tests/test_providers.py", "tests/test_iam.py", *INVARIANTS],
    "platformctl/check_cmd.py": ["tests/check"],
    "platformctl/policy_host/gate.py": ["tests/check", "tests/test_policy_gate.py"],
    "platformctl/policy_host/report.py": ["tests/check"],
}
IGNORE = (".git", "venv", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mutation", ".synth", "out",
          "htmlcov", ".coverage", ".coverage.*")
# Imported once by the parent and shared by every forked child. Never a project module: a child must import
# the mutated file from its scratch copy.
WARM = ("pytest", "xdist", "pytest_cov", "coverage", "yaml", "pydantic", "google.protobuf", "grpc", "pulumi",
        "pulumi.runtime", "pulumi_policy", "pulumi_aws")
PYTEST = ["-x", "-q", "-n", "0", "-p", "no:cacheprovider"]
SYNTH_WORKER, SYNTH_ZYGOTE = "platformctl/offline/worker.py", "platformctl/offline/zygote.py"
KILLED = ("killed", "timeout", "equivalent")
_FLIP = {ast.Eq: "!=", ast.NotEq: "==", ast.Lt: ">=", ast.GtE: "<", ast.Gt: "<=", ast.LtE: ">", ast.In: "not in",
         ast.NotIn: "in", ast.Is: "is not", ast.IsNot: "is"}


@dataclass(frozen=True)
class Mutant:
    file: str
    line: int
    description: str
    start: int  # character offsets into the file's text
    end: int
    replacement: str

    @property
    def key(self) -> str:
        return f"{self.file}:{self.line}: {self.description}"

    def apply(self, text: str) -> str:
        return text[:self.start] + self.replacement + text[self.end:]


class _Offsets:
    def __init__(self, text: str):
        self.starts = [0]
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def __call__(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


def mutants(path: Path, root: Path = ROOT) -> Iterator[Mutant]:
    """Every mutant of ``path``, each with a unique key: a second mutant with the same line and description (two
    equal strings on one line) is told apart by a ``[2]`` after its description, in source order."""
    seen: dict[str, int] = defaultdict(int)
    for mutant in sorted(_mutants(path, root), key=lambda m: m.start):
        seen[mutant.key] += 1
        if seen[mutant.key] > 1:
            mutant = Mutant(mutant.file, mutant.line, f"{mutant.description} [{seen[mutant.key]}]", mutant.start,
                            mutant.end, mutant.replacement)
        yield mutant


def _mutants(path: Path, root: Path) -> Iterator[Mutant]:
    """Flipped comparisons, swapped and/or, dropped `not`, negated conditions, changed constants, removed calls
    (a report, an `add`, a statement appended to a policy), returns of None."""
    text = path.read_text()
    tree = ast.parse(text)
    at = _Offsets(text)
    rel = path.relative_to(root).as_posix()
    skip = _docstrings(tree)

    def span(node: ast.AST) -> tuple[int, int]:
        return at(node.lineno, node.col_offset), at(node.end_lineno, node.end_col_offset)

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _FLIP:
            start, end = at(node.left.end_lineno, node.left.end_col_offset), span(node.comparators[0])[0]
            yield Mutant(rel, node.lineno, f"comparison -> {_FLIP[type(node.ops[0])]}", start, end,
                         f" {_FLIP[type(node.ops[0])]} ")
        elif isinstance(node, ast.BoolOp):
            other = " or " if isinstance(node.op, ast.And) else " and "
            for left, right in zip(node.values, node.values[1:]):
                start, end = at(left.end_lineno, left.end_col_offset), span(right)[0]
                yield Mutant(rel, left.end_lineno, f"boolean -> {other.strip()}", start, end, other)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            start, _ = span(node)
            yield Mutant(rel, node.lineno, "drop not", start, span(node.operand)[0], "")
        elif isinstance(node, (ast.If, ast.While)) or (isinstance(node, ast.IfExp)):
            start, end = span(node.test)
            yield Mutant(rel, node.test.lineno, "negate condition", start, end, f"not ({text[start:end]})")
        elif isinstance(node, ast.Constant) and id(node) not in skip and node.lineno == node.end_lineno:
            start, end = span(node)
            value = node.value
            if isinstance(value, bool):
                yield Mutant(rel, node.lineno, f"{value} -> {not value}", start, end, str(not value))
            elif isinstance(value, int) and not isinstance(value, bool):
                yield Mutant(rel, node.lineno, f"{value} -> {value + 1}", start, end, str(value + 1))
            elif isinstance(value, str) and value and " " not in value and text[start] in "\"'":
                # Identifiers, types, ARNs and patterns, not prose: a changed message is not a security bug.
                yield Mutant(rel, node.lineno, f"string {value[:20]!r} -> 'XX'", start, end, repr("XX" + value[2:]))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            start, end = span(node)
            # Keep the line count: the removed call's lines become blank continuation inside parentheses.
            yield Mutant(rel, node.lineno, "remove call", start, end, "(None" + "\n" * text[start:end].count("\n") + ")")
        elif isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            start, end = span(node.value)
            yield Mutant(rel, node.lineno, "return None", start, end, "None")


def _curated(selected: list[str], root: Path = ROOT, targets: dict[str, list[str]] = TARGETS) -> dict[Path, list[str]]:
    files: dict[Path, list[str]] = {}
    for pattern, tests in targets.items():
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root).as_posix()
            if path.name != "__init__.py" and (not selected or any(fnmatch.fnmatch(rel, s) or rel == s for s in selected)):
                files.setdefault(path, tests)
    return files


def _equivalent() -> dict[str, str]:
    known = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                key, _, reason = line.partition(" # ")
                known[key.strip()] = reason.strip()
    return known


# -- coverage map and test selection -----------------------------------------------------------------------

_CACHED = {"cache", "lru_cache", "cached_property"}


def _line_kinds(text: str) -> dict[int, tuple[int, bool]]:
    """line -> (first line of the innermost statement holding it, as coverage records it; whether the line
    runs per call: inside a function body that is not memoized)."""
    kinds: dict[int, tuple[int, bool]] = {}

    def visit(node: ast.AST, per_call: bool) -> None:
        if isinstance(node, ast.stmt):
            for line in range(node.lineno, node.end_lineno + 1):
                kinds[line] = (node.lineno, per_call)
        for name, value in ast.iter_fields(node):
            inner = per_call
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and name == "body":
                decorators = {getattr(d, "id", getattr(d, "attr", None)) for d in node.decorator_list}
                decorators |= {getattr(d.func, "id", getattr(d.func, "attr", None))
                               for d in node.decorator_list if isinstance(d, ast.Call)}
                inner = not (decorators & _CACHED)
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    visit(child, inner)

    visit(ast.parse(text), False)
    return kinds


def _repo_hash(root: Path) -> str:
    try:
        names = subprocess.run(["git", "ls-files", "-z", "*.py", "pytest.ini"], cwd=root, capture_output=True,
                               check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        names = [p.relative_to(root).as_posix() for p in root.rglob("*.py")] + ["pytest.ini"]
    digest = hashlib.sha256()
    for name in sorted(n for n in names if n):
        path = root / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@dataclass
class CoverageMap:
    """Which tests ran which line of each curated file in-process, for the test paths in ``paths``."""
    key: str
    paths: list[str] = field(default_factory=list)
    lines: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # file -> str(line) -> node ids
    durations: dict[str, float] = field(default_factory=dict)  # node id -> seconds (under coverage)
    failed: list[str] = field(default_factory=list)  # tests failing on the unmutated code
    spawning: list[str] = field(default_factory=list)  # tests that start processes
    seconds: float = 0.0

    @classmethod
    def load(cls, path: Path, key: str) -> CoverageMap:
        with contextlib.suppress(OSError, ValueError, TypeError):
            data = json.loads(path.read_text())
            if data.get("key") == key:
                return cls(**data)
        return cls(key)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.__dict__))

    def select(self, file: str, line: int, kinds: dict[int, tuple[int, bool]], tests: list[str]) -> tuple[str, list[str]]:
        """(how they were chosen, pytest arguments) for a mutant of ``file`` at ``line``."""
        def mapped(node: str) -> bool:
            return node not in self.failed and any(node.startswith(t.rstrip("/") + s) for t in tests for s in ("::", "/"))

        statement, per_call = kinds.get(line, (line, False))
        by_line = self.lines.get(file, {})
        if per_call:
            covering = sorted(n for n in by_line.get(str(statement), ()) if mapped(n))
            if covering:
                return "line", covering
        in_file = {n for nodes in by_line.values() for n in nodes if mapped(n)}
        if not in_file:
            return "mapped", list(tests)
        # Every test of a module where one starts a process: a module-scoped fixture starts it in the first only.
        spawning = {n.partition("::")[0] for n in self.spawning}
        return "file", sorted(in_file | {n for n in self.durations if n.partition("::")[0] in spawning and mapped(n)})

    def timeout(self, selected: list[str], ceiling: float) -> float:
        """Generous: ten times the tests' time under coverage plus a minute, at most ``ceiling``."""
        if not all(s in self.durations for s in selected):
            return ceiling
        return min(ceiling, 60 + 10 * sum(self.durations[s] for s in selected))


class _Recorder:
    """pytest plugin of the map step: each test's duration, the tests that fail unmutated, and the tests that
    start a process (subprocess.Popen or os.fork: their children run code that in-process coverage misses)."""

    def __init__(self) -> None:
        self.durations: dict[str, float] = defaultdict(float)
        self.failed: set[str] = set()
        self.spawning: set[str] = set()
        self.current: str | None = None
        popen_init = subprocess.Popen.__init__

        def recording_init(popen, *args, **kwargs):
            self.spawned()
            popen_init(popen, *args, **kwargs)

        subprocess.Popen.__init__ = recording_init  # only in the map step's child
        os.register_at_fork(before=self.spawned)

    def spawned(self) -> None:
        if self.current:
            self.spawning.add(self.current)

    def pytest_runtest_logstart(self, nodeid, location) -> None:
        self.current = nodeid

    def pytest_runtest_logfinish(self, nodeid, location) -> None:
        self.current = None

    def pytest_runtest_logreport(self, report) -> None:
        self.durations[report.nodeid] += report.duration
        if report.failed:
            self.failed.add(report.nodeid)


def build_map(runner: Runner, cmap: CoverageMap, curated: list[str], tests: list[str]) -> None:
    """Run ``tests`` once under coverage with per-test contexts in a forked child, single process, and merge
    the result into ``cmap``. No `patch = subprocess`: subprocess data has no test context."""
    slot = runner.slots[0]
    # Beside the copy, not in it: a file in the project changes its synth cache key.
    rc, data_file, out = (runner.workdir / f"mutation-map{suffix}" for suffix in (".rc", ".coverage", ".json"))
    include = "\n    ".join(str(slot.root / f) for f in curated)
    rc.write_text(f"[run]\nbranch = false\ndata_file = {data_file}\ninclude =\n    {include}\n")
    started = time.perf_counter()

    def work() -> int:
        recorder = _Recorder()
        # No addopts: with the ini's `-n 2` pytest-cov sets up as an xdist controller and records no contexts.
        code = pytest_main(["-o", "addopts=", "--cov", f"--cov-config={rc}", "--cov-context=test", "--cov-report=",
                            "-q", "-n", "0", "-p", "no:cacheprovider", *tests], [recorder])
        out.write_text(json.dumps({"durations": recorder.durations, "failed": sorted(recorder.failed),
                                   "spawning": sorted(recorder.spawning)}))
        return code

    (_, outcome, code, _), = runner.run([Task(None, "", ["<map>"], timeout=24 * 3600, work=work)])
    if outcome == "error" or not out.exists():
        raise SystemExit(f"the coverage map step failed (exit {code}); see {runner.log(slot)}")
    import coverage  # warm in the parent already

    data = coverage.CoverageData(basename=str(data_file))
    data.read()
    for measured in data.measured_files():
        rel = Path(measured).resolve().relative_to(slot.root.resolve()).as_posix()
        lines = cmap.lines.setdefault(rel, {})
        for number, contexts in data.contexts_by_lineno(measured).items():
            nodes = {c.rpartition("|")[0] for c in contexts if c.rpartition("|")[0]}
            if nodes:
                lines[str(number)] = sorted(nodes.union(lines.get(str(number), [])))
    recorded = json.loads(out.read_text())
    cmap.durations.update(recorded["durations"])
    cmap.failed = sorted(set(cmap.failed) | set(recorded["failed"]))
    cmap.spawning = sorted(set(cmap.spawning) | set(recorded["spawning"]))
    cmap.paths = sorted(set(cmap.paths) | set(tests))
    cmap.seconds += time.perf_counter() - started
    for path in (rc, data_file, out):
        path.unlink(missing_ok=True)


# -- warm forking runner -----------------------------------------------------------------------------------

def _standalone(root: Path, rel: str, name: str) -> object | None:
    """Load a project module that imports only the standard library from its file, without importing its
    package (the parent must not hold project modules). None if the file is absent."""
    import importlib.util

    path = root / rel
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def warm(root: Path = ROOT) -> None:
    """Import the heavy third-party modules once, in the parent, and keep them out of the children's GC."""
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    sys.dont_write_bytecode = True
    for name in WARM:
        with contextlib.suppress(ImportError):
            __import__(name)
    worker = _standalone(root, SYNTH_WORKER, "_mutation_synth_worker")
    if worker is not None:  # the provider SDK modules the synth worker would import for the program
        worker._import_quietly(worker.sdk_modules(root))
    gc.collect()
    gc.freeze()


def pytest_main(args: list[str], plugins: list[object] | None = None) -> int:
    import pytest  # warm in the parent already

    return int(pytest.main(args, plugins=plugins or []))


@dataclass
class Task:
    mutant: Mutant | None
    original: str  # the file's unmutated text
    args: list[str]  # node ids or paths, for pytest
    fallback: list[str] | None = None  # when ``args`` name tests that no longer exist (exit 4 or 5)
    fallback_timeout: float = 900.0
    confirm: bool = False  # a survivor of the selected tests runs ``fallback`` too
    timeout: float = 900.0
    selection: str = ""
    fresh: bool = False  # run `python -m pytest` in a new interpreter (the old way) instead of pytest.main
    work: object = None  # a callable run in the child instead of pytest (the map step)
    phase: int = 1


@dataclass
class Slot:
    root: Path
    number: int


class Runner:
    """``jobs`` scratch copies of ``root``; each task runs in a child forked from this (warm) process."""

    def __init__(self, root: Path, jobs: int, workdir: Path, zygotes: bool = True):
        self.source_root = root
        self.zygotes = zygotes
        self.workdir = workdir
        self.slots = []
        for number in range(jobs):
            copy = workdir / f"repo{number}"
            shutil.copytree(root, copy, ignore=shutil.ignore_patterns(*IGNORE), symlinks=True)
            if (root / ".git").exists():
                # Report paths are relative to the enclosing git work tree (gate.repository_root); an empty
                # marker keeps them so in the copy, and no git command there reaches the real repository.
                (copy / ".git").mkdir()
            self.slots.append(Slot(copy, number))
        # sys.path as `python -m pytest` run in the copy has it: the copy first, not this script's directory.
        script = Path(sys.argv[0]).resolve().parent if sys.argv and sys.argv[0] else None
        self.sys_path = [p for p in sys.path if p not in ("", ".", str(root))
                         and not (script and Path(p or ".").resolve() == script)]

    def log(self, slot: Slot) -> Path:
        return self.workdir / f"slot{slot.number}.log"

    def _start_zygote(self, slot: Slot) -> None:
        """In the child, before pytest: fork the synth zygote (from this warm, thread-free process) and point
        the offline runner at it. It dies with the child's process group."""
        zygote = _standalone(slot.root, SYNTH_ZYGOTE, "_mutation_synth_zygote")
        if zygote is None:
            return
        path = self.workdir / f"zygote{slot.number}.sock"
        path.unlink(missing_ok=True)
        zygote.start(path)
        os.environ[zygote.ENV] = str(path)

    def _child(self, slot: Slot, task: Task) -> None:
        code = 70
        try:
            gc.freeze()  # the parent's heap, inherited, is never this child's garbage: no collection walks it
            os.setpgid(0, 0)
            fd = os.open(self.log(slot), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.chdir(slot.root)
            sys.path[:] = [str(slot.root), *self.sys_path]
            # No zygote inherited (the test suite's) nor spawned by a fresh pytest's conftest: only the slot's own.
            os.environ["PLATFORMCTL_SYNTH_ZYGOTE"] = ""
            if task.fresh:
                os.execv(sys.executable, [sys.executable, "-m", "pytest", *PYTEST, *task.args])
            if self.zygotes:
                self._start_zygote(slot)
            code = task.work() if task.work else pytest_main([*PYTEST, *task.args])
        except BaseException:  # whatever happens, the child must not return into the parent's code
            traceback.print_exc()
            code = 70
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, str, int, float]]:
        """(task, outcome, exit code, seconds) as each task finishes: killed, survived, timeout or error (the
        child died of a signal or the runner failed: counted neither way). ``tasks`` is read lazily."""
        pending, retry, free = iter(tasks), deque(), list(reversed(self.slots))
        running: dict[int, tuple[Slot, Task, float]] = {}
        try:
            while True:
                while free and (task := retry.popleft() if retry else next(pending, None)):
                    slot = free.pop()
                    if task.mutant:
                        (slot.root / task.mutant.file).write_text(task.mutant.apply(task.original))
                    pid = os.fork()
                    if pid == 0:
                        self._child(slot, task)
                    with contextlib.suppress(OSError):
                        os.setpgid(pid, pid)
                    running[pid] = (slot, task, time.perf_counter())
                if not running:
                    break
                time.sleep(0.01)
                for pid, (slot, task, started) in list(running.items()):
                    done, status = os.waitpid(pid, os.WNOHANG)
                    elapsed = time.perf_counter() - started
                    if not done and elapsed < task.timeout:
                        continue
                    if not done:
                        _kill_group(pid)
                        os.waitpid(pid, 0)
                        code, outcome = -signal.SIGKILL, "timeout"
                    else:
                        code = os.waitstatus_to_exitcode(status)
                        outcome = "survived" if code == 0 else "error" if code < 0 or code == 70 else "killed"
                    _kill_group(pid)  # what the tests left running
                    del running[pid]
                    if task.mutant:
                        (slot.root / task.mutant.file).write_text(task.original)
                    free.append(slot)
                    if task.fallback and (code in (4, 5) or task.confirm and outcome == "survived"):
                        # The selected node ids are gone, or --confirm: run the mapped tests.
                        retry.append(Task(task.mutant, task.original, task.fallback, timeout=task.fallback_timeout,
                                              selection="confirm" if code == 0 else "mapped", phase=2))
                        continue
                    yield task, outcome, code, elapsed
        finally:
            for pid, (slot, task, _) in running.items():
                _kill_group(pid)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
                if task.mutant:
                    (slot.root / task.mutant.file).write_text(task.original)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


# -- the run -----------------------------------------------------------------------------------------------

def _file_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _recorded(results: Path | None) -> dict[str, dict]:
    done: dict[str, dict] = {}
    if results and results.exists():
        for line in results.read_text().splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                done[record["key"]] = record
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="curated files (paths or globs) to mutate; default: all")
    parser.add_argument("--limit", type=int, default=0, help="at most this many mutants per file (a random sample)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed")
    parser.add_argument("--jobs", type=int, default=2, help="mutants in flight, each in its own scratch copy")
    parser.add_argument("--timeout", type=float, default=900, help="most seconds per mutant's test run")
    parser.add_argument("--results", type=Path, help="JSON lines: append each outcome, skip mutants already in it")
    parser.add_argument("--survivors", action="store_true", help="list survivors by file with their source line")
    parser.add_argument("--baseline", action="store_true",
                        help="the old way: every mapped test file in a fresh interpreter (to check the selection)")
    parser.add_argument("--budget", type=float, default=0,
                        help="start no mutant after this many seconds (with --results, the next run goes on)")
    parser.add_argument("--confirm", action="store_true",
                        help="run a survivor of the selected tests again with every mapped test (the old way's set)")
    parser.add_argument("--only", action="append", default=[], metavar="KEY",
                        help="run only the mutant with this key (repeatable), e.g. 'config/rules.py:12: return None'")
    parser.add_argument("--list", action="store_true", help="print the curated files, their tests and mutant counts")
    parser.add_argument("--fresh-synth", action="store_true",
                        help="start each synth worker as a fresh interpreter instead of forking it (to compare)")
    args = parser.parse_args(argv)
    files = _curated(args.files)
    if args.list:
        for path, tests in files.items():
            print(f"{path.relative_to(ROOT)}: {sum(1 for _ in mutants(path))} mutants; tests: {' '.join(tests)}")
        return 0
    equivalent, done = _equivalent(), _recorded(args.results)
    started = time.perf_counter()
    plan: list[tuple[Mutant, str, list[str]]] = []
    skipped = invalid = 0
    for path, tests in files.items():
        original = path.read_text()
        found = list(mutants(path))
        if args.limit and len(found) > args.limit:
            found = random.Random(args.seed).sample(found, args.limit)
        for mutant in found:
            if args.only and mutant.key not in args.only:
                continue
            if mutant.key in done and done[mutant.key].get("file_hash") == _file_hash(original):
                skipped += 1
                continue
            try:
                compile(mutant.apply(original), mutant.file, "exec")
            except SyntaxError:
                invalid += 1
                continue
            plan.append((mutant, original, tests))
    random.Random(args.seed).shuffle(plan)  # a run cut short by --budget still samples every file evenly
    hashes = {path.relative_to(ROOT).as_posix(): _file_hash(path.read_text()) for path in files}
    records = [r for r in done.values() if r.get("file_hash") and hashes.get(r["file"]) == r["file_hash"]]
    previous = list(records)
    warm()
    # The children's synths share this tree's cache instead of synthesizing each stack again in every copy: it is
    # content-addressed, and an entry read in a copy is located in the copy's files (platformctl/offline/cache.py).
    os.environ.setdefault("PLATFORMCTL_SYNTH_CACHE", str(ROOT / ".pytest_cache" / "platformctl-synth"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the runner's cleanup kills the children's groups
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        runner = Runner(ROOT, max(1, args.jobs), Path(tmp), zygotes=not args.fresh_synth)
        tasks = []
        if plan and not args.baseline:
            cmap = CoverageMap.load(CACHE / "map.json", _repo_hash(ROOT))
            needed = sorted({t for _, _, tests in plan for t in tests} - set(cmap.paths))
            if needed:
                print(f"coverage map of {' '.join(needed)} ...", flush=True)
                map_started = time.perf_counter()
                curated = [p.relative_to(ROOT).as_posix() for p in _curated([])]
                build_map(runner, cmap, curated, needed)
                cmap.save(CACHE / "map.json")
                print(f"coverage map: {time.perf_counter() - map_started:.0f}s, {len(cmap.durations)} tests"
                      + (f"; failing unmutated (never selected): {' '.join(cmap.failed)}" if cmap.failed else ""),
                      flush=True)
            kinds = {path.relative_to(ROOT).as_posix(): _line_kinds(path.read_text()) for path in files}
            for mutant, original, tests in plan:
                how, selected = cmap.select(mutant.file, mutant.line, kinds[mutant.file], tests)
                tasks.append(Task(mutant, original, selected, fallback=None if how == "mapped" else list(tests),
                                  fallback_timeout=args.timeout, timeout=cmap.timeout(selected, args.timeout),
                                  selection=how, confirm=args.confirm))
        else:
            tasks = [Task(m, o, list(t), timeout=args.timeout, selection="mapped", fresh=True) for m, o, t in plan]

        def within_budget() -> Iterator[Task]:
            for number, task in enumerate(tasks):
                if args.budget and time.perf_counter() - started > args.budget:
                    print(f"budget of {args.budget:.0f}s spent: {len(tasks) - number} mutants left for the next run")
                    return
                yield task

        run_started = time.perf_counter()
        with open(args.results, "a") if args.results else contextlib.nullcontext() as sink:
            for task, outcome, code, seconds in runner.run(within_budget()):
                mutant = task.mutant
                record = {"key": mutant.key, "file": mutant.file, "line": mutant.line,
                          "description": mutant.description, "outcome": outcome, "exit": code,
                          "selection": task.selection, "tests": len(task.args), "phase": task.phase,
                          "seconds": round(seconds, 2), "file_hash": _file_hash(task.original)}
                records.append(record)
                if sink:
                    sink.write(json.dumps(record) + "\n")
                    sink.flush()
                shown = "equivalent" if outcome == "survived" and mutant.key in equivalent else outcome
                print(f"{shown:10} {seconds:6.1f}s {task.selection:6} {len(task.args):4} tests  {mutant.key}", flush=True)
        ran = len(records) - len(previous)
        run_seconds = time.perf_counter() - run_started
    _report(records, equivalent, files, args.survivors)
    total = time.perf_counter() - started
    print(f"\n{ran} mutants run in {run_seconds:.0f}s ({ran / run_seconds if run_seconds else 0:.2f}/s, --jobs {args.jobs});"
          f" {skipped} already recorded, {invalid} invalid; total {total:.0f}s")
    return 0


def _report(records: list[dict], equivalent: dict[str, str], files: dict[Path, list[str]], by_file: bool) -> None:
    results: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    survivors: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        outcome = record["outcome"]
        if outcome == "survived" and record["key"] in equivalent:
            outcome = "equivalent"
        results[record["file"]][outcome] += 1
        if outcome == "survived":
            survivors[record["file"]].append(record)
    print(f"\n{'file':55} {'mutants':>7} {'killed':>7} {'survived':>8} {'score':>6}")
    total_killed = total = 0
    for rel in sorted(results):
        counts = results[rel]
        killed = sum(counts[o] for o in KILLED)
        valid = killed + counts["survived"]
        total_killed, total = total_killed + killed, total + valid
        errors = f"  ({counts['error']} errors)" if counts["error"] else ""
        print(f"{rel:55} {valid:7} {killed:7} {counts['survived']:8} {killed / valid if valid else 1:6.0%}{errors}")
    print(f"{'all':55} {total:7} {total_killed:7} {total - total_killed:8} {total_killed / total if total else 1:6.0%}"
          f"   (goal: 90%)")
    if not survivors:
        return
    print("\nsurvivors (add a test, or list them in bench/mutation_equivalent.txt with the reason):")
    if not by_file:
        print("\n".join(f"  {r['key']}" for rel in sorted(survivors) for r in survivors[rel]))
        return
    for rel in sorted(survivors):
        lines = (ROOT / rel).read_text().splitlines()
        print(f"\n{rel}")
        for record in sorted(survivors[rel], key=lambda r: (r["line"], r["description"])):
            print(f"  {record['line']:5}: {record['description']:32} | {lines[record['line'] - 1].strip()[:100]}")


if __name__ == "__main__":
    raise SystemExit(main())
