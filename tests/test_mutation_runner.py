"""bench/mutation.py's warm forking runner and coverage selection on a tiny repository: a mutant takes effect in
the forked child (the parent never imported the module), a mutant no test notices survives, an endless loop
times out, and the coverage map selects only the test that runs a mutated line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import mutation

pytestmark = pytest.mark.heavy

MODULE = "mutfake_target"


def _repo(root: Path) -> Path:
    (root / "mutfake_tests").mkdir()
    (root / "pytest.ini").write_text("[pytest]\naddopts = -n 2 --dist loadfile\n")  # as the project's
    (root / f"{MODULE}.py").write_text(
        "NAME = 'alpha'\n"
        "\n"
        "\n"
        "def limit(x):\n"
        "    return x > 3\n"
        "\n"
        "\n"
        "def label():\n"
        "    return 'ok'\n"
        "\n"
        "\n"
        "def count(n):\n"
        "    i = 0\n"
        "    while i != n:\n"
        "        i += 1\n"
        "    return i\n"
        "\n"
        "\n"
        "TABLE = {'a': 1}\n")
    (root / "mutfake_tests" / "test_table.py").write_text(  # reads import-time data, runs no line of the file
        f"from {MODULE} import TABLE\n"
        "\n"
        "\n"
        "def test_table():\n"
        "    assert TABLE == {'a': 1}\n")
    (root / "mutfake_tests" / "test_target.py").write_text(
        "import subprocess\n"
        "import sys\n"
        "\n"
        f"from {MODULE} import count, limit\n"
        "\n"
        "\n"
        "def test_name_in_a_subprocess():\n"
        f"    subprocess.run([sys.executable, '-c', 'import {MODULE} as m; assert m.NAME == \"alpha\"'], check=True)\n"
        "\n"
        "\n"
        "def test_limit():\n"
        "    assert limit(5) and not limit(1)\n"
        "\n"
        "\n"
        "def test_count():\n"
        "    assert count(3) == 3\n")
    return root / f"{MODULE}.py"


def test_forked_runs_kill_survive_and_time_out_and_select_by_coverage(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    target = _repo(repo)
    original = target.read_text()
    found = {m.key: m for m in mutation.mutants(target, repo)}
    flip = found[f"{MODULE}.py:5: comparison -> <="]
    unreached = found[f"{MODULE}.py:9: return None"]
    endless = found[f"{MODULE}.py:15: 1 -> 2"]
    renamed = found[f"{MODULE}.py:1: string 'alpha' -> 'XX'"]  # only a subprocess reads it
    table = found[f"{MODULE}.py:19: 1 -> 2"]  # killed by the full test list only (--confirm)
    tests = ["mutfake_tests"]

    runner = mutation.Runner(repo, 2, tmp_path / "work")
    cmap = mutation.CoverageMap("test")
    mutation.build_map(runner, cmap, [f"{MODULE}.py"], tests)
    kinds = mutation._line_kinds(original)
    assert cmap.select(f"{MODULE}.py", 5, kinds, tests) == ("line", ["mutfake_tests/test_target.py::test_limit"])
    assert cmap.select(f"{MODULE}.py", 15, kinds, tests) == ("line", ["mutfake_tests/test_target.py::test_count"])
    # No test runs label() or reads NAME in-process: every test that runs a line of the file or starts a process.
    everything = ("file", [f"mutfake_tests/test_target.py::{t}" for t in ("test_count", "test_limit", "test_name_in_a_subprocess")])
    assert cmap.select(f"{MODULE}.py", 9, kinds, tests) == everything
    assert cmap.select(f"{MODULE}.py", 1, kinds, tests) == everything

    tasks = []
    for mutant in (flip, unreached, endless, renamed, table, table):
        how, selected = cmap.select(mutant.file, mutant.line, kinds, tests)
        confirm = len(tasks) == 5
        tasks.append(mutation.Task(mutant, original, selected, fallback=tests, timeout=1 if mutant is endless else 60,
                                   selection=how, confirm=confirm))
    outcomes = [(task.mutant.key, task.selection, outcome) for task, outcome, _, _ in runner.run(tasks)]

    assert sorted(outcomes) == sorted([(flip.key, "line", "killed"), (unreached.key, "file", "survived"),
                                       (endless.key, "line", "timeout"), (renamed.key, "file", "killed"),
                                       (table.key, "file", "survived"), (table.key, "confirm", "killed")])
    assert MODULE not in sys.modules  # the mutants were imported by the children only
    assert (runner.slots[0].root / target.name).read_text() == original  # every copy restored
    assert (runner.slots[1].root / target.name).read_text() == original
    assert not list(runner.slots[0].root.rglob("__pycache__"))


def test_two_equal_mutants_on_one_line_have_distinct_keys(tmp_path):
    target = tmp_path / "twice.py"
    target.write_text("def pick(a):\n    return 'x' if a else 'x'\n")
    keys = [m.key for m in mutation.mutants(target, tmp_path)]
    assert len(keys) == len(set(keys))
    assert keys.count("twice.py:2: string 'x' -> 'XX'") == 1
    assert keys.count("twice.py:2: string 'x' -> 'XX' [2]") == 1
