"""Mutation testing of the security-relevant code: plant one realistic bug at a time, run the tests that
should catch it, and print the share of bugs caught (killed) per file.

    python bench/mutation.py                          # every curated file (hours on 2 cores: the scheduled workflow)
    python bench/mutation.py config/rules.py --limit 40 --seed 1
    python bench/mutation.py --list                   # the curated files and the tests each one runs

Mutants are spliced into the original text at the mutated node's position (line numbers never move, so a
test cannot kill a mutant by noticing reformatted code). Each runs in a scratch copy of the repository with
only the tests mapped to its file (`-x`, first failure kills). Survivors the maintainers judged equivalent
(no behaviour change) are listed with the reason in `bench/mutation_equivalent.txt` and count as killed.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "bench" / "mutation_equivalent.txt"
# Curated security-relevant files (glob) -> the tests that guard them.
TARGETS: dict[str, list[str]] = {
    "policies/crossguard_aws/*.py": ["tests/policies"],
    "policies/crossguard_aws/rules/*.py": ["tests/policies"],
    "config/rules.py": ["tests/test_config.py", "tests/test_config_rules.py"],
    "components/iam.py": ["tests/test_iam.py"],
    "components/kms.py": ["tests/test_security_baseline.py", "tests/test_iam.py", "tests/test_lake_access.py"],
    "components/secure_bucket.py": ["tests/test_data.py", "tests/test_policy_gate.py"],
    "components/sagemaker_iam.py": ["tests/test_training.py", "tests/test_deployment.py", "tests/test_iam.py"],
    "components/inference.py": ["tests/test_inference.py", "tests/test_iam.py"],
    "components/network.py": ["tests/test_network.py"],
    "components/providers.py": ["tests/test_providers.py"],
    "platformctl/check_cmd.py": ["tests/check"],
    "platformctl/policy_host/gate.py": ["tests/check", "tests/test_policy_gate.py"],
    "platformctl/policy_host/report.py": ["tests/check"],
}
IGNORE = (".git", "venv", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache")
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


def mutants(path: Path) -> Iterator[Mutant]:
    """Every mutant of ``path``: flipped comparisons, swapped and/or, dropped `not`, negated conditions, changed
    constants, removed calls (a report, an `add`, a statement appended to a policy), returns of None."""
    text = path.read_text()
    tree = ast.parse(text)
    at = _Offsets(text)
    rel = path.relative_to(ROOT).as_posix()
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


def _curated(selected: list[str]) -> dict[Path, list[str]]:
    files: dict[Path, list[str]] = {}
    for pattern, tests in TARGETS.items():
        for path in sorted(ROOT.glob(pattern)):
            rel = path.relative_to(ROOT).as_posix()
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


def run_mutant(scratch: Path, mutant: Mutant, original: str, tests: list[str], timeout: float) -> str:
    target = scratch / mutant.file
    mutated = mutant.apply(original)
    try:
        compile(mutated, mutant.file, "exec")
    except SyntaxError:
        return "invalid"
    target.write_text(mutated)
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider", *tests],
                              cwd=scratch, capture_output=True, text=True, timeout=timeout)
        return "survived" if proc.returncode == 0 else "killed"
    except subprocess.TimeoutExpired:
        return "timeout"  # an endless loop is a caught bug
    finally:
        target.write_text(original)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="curated files (paths or globs) to mutate; default: all")
    parser.add_argument("--limit", type=int, default=0, help="at most this many mutants per file (a random sample)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per mutant's test run")
    parser.add_argument("--list", action="store_true", help="print the curated files, their tests and mutant counts")
    args = parser.parse_args(argv)
    files = _curated(args.files)
    if args.list:
        for path, tests in files.items():
            print(f"{path.relative_to(ROOT)}: {sum(1 for _ in mutants(path))} mutants; tests: {' '.join(tests)}")
        return 0
    equivalent = _equivalent()
    results: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    survivors: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        scratch = Path(tmp) / "repo"
        shutil.copytree(ROOT, scratch, ignore=shutil.ignore_patterns(*IGNORE))
        for path, tests in files.items():
            rel = path.relative_to(ROOT).as_posix()
            found = list(mutants(path))
            if args.limit and len(found) > args.limit:
                found = random.Random(args.seed).sample(found, args.limit)
            original = path.read_text()
            for mutant in found:
                outcome = run_mutant(scratch, mutant, original, tests, args.timeout)
                if outcome == "survived" and mutant.key in equivalent:
                    outcome = "equivalent"
                results[rel][outcome] += 1
                if outcome == "survived":
                    survivors.append(mutant.key)
                print(f"{outcome:10} {mutant.key}", flush=True)
    print(f"\n{'file':55} {'mutants':>7} {'killed':>7} {'survived':>8} {'score':>6}")
    total_killed = total = 0
    for rel, counts in results.items():
        killed = counts["killed"] + counts["timeout"] + counts["equivalent"]
        valid = killed + counts["survived"]
        total_killed, total = total_killed + killed, total + valid
        print(f"{rel:55} {valid:7} {killed:7} {counts['survived']:8} {killed / valid if valid else 1:6.0%}")
    print(f"{'all':55} {total:7} {total_killed:7} {total - total_killed:8} {total_killed / total if total else 1:6.0%}"
          f"   ({time.perf_counter() - started:.0f}s; goal: 90%)")
    if survivors:
        print("\nsurvivors (add a test, or list them in bench/mutation_equivalent.txt with the reason):")
        print("\n".join(f"  {s}" for s in survivors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
