"""No test takes its expected values from the module it tests.

A test that builds its expected answer from the code under test (``assert managed == set(MANAGED_RULE_GROUPS)``)
cannot catch a change to that value: delete a WAF rule group from the code's list and the test still passes.
Expected values are written out in the tests (or come from an independent source: AWS facts written in
``tests/``, a file fixture, the installed SDK).

This guards the most common form, statically: a test module imports an UPPER_CASE name from a project package
(or reaches one as ``module.NAME`` through an imported project module) and uses it inside an ``assert``, inside
the condition of an ``if`` that guards an ``assert``, or inside a ``pytest.mark.parametrize`` argument list. It
does not see a value first copied into a local variable, nor helper *functions* of the module used as oracles;
reviews still have to.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PROJECT_PACKAGES = {"components", "config", "stacks", "crossguard_aws", "platformctl", "policies"}
UPPER = re.compile(r"^[A-Z][A-Z0-9_]*$")

# (test file relative to tests/, name as the test spells it) -> why this use is not a mirrored oracle.
ALLOWED = {
    ("policies/test_instance_storage.py", "instance_storage.NVME_FAMILIES"):
        "subject: the packs' table is compared with the documented list written out in tests/instance_store.py",
    ("policies/test_instance_storage.py", "instance_types.NVME_FAMILIES"):
        "subject: the program's table is compared with the documented list written out in tests/instance_store.py",
    ("policies/test_instance_storage.py", "instance_types.TRAINING_INSTANCE_TYPES"):
        "inputs only: packs and program must classify every allowed type alike; the classification is pinned by "
        "test_nvme_families_written_out and tests/instance_store.py",
    ("policies/test_instance_storage.py", "instance_types.INFERENCE_INSTANCE_TYPES"):
        "inputs only, as TRAINING_INSTANCE_TYPES above",
    ("policies/test_packs_load.py", "PACKS"):
        "which pack processes to start and probe; each pack's expected answer is the literal PROBES entry, and a pack "
        "dropped from PACKS breaks its rules' registration, which every test of the file then reports",
    ("policies/test_stack_joins.py", "STATEFUL_TYPES"):
        "subject: the literal NEW_STATEFUL types must be members of the rule's set",
    ("policies/test_stack_joins.py", "REGISTRY"):
        "lookup of the rules under test by id; their levels are compared with the literal MANDATORY_BY_AREA/ADVISORY",
    ("test_bootstrap_backend.py", "DESCRIPTIONS"):
        "subject: the destroy description must contain literal instructions",
    ("test_network.py", "WORKLOAD_INTERFACE_SERVICES"):
        "subject: the list must hold no duplicates (the required endpoints are the literal REQUIRED set)",
    ("test_state_backend.py", "PATTERN_HINTS"):
        "subject: every schema pattern needs a hint, and each hint's example is matched against its own pattern",
    ("test_training.py", "TRAINING_INSTANCE_TYPES"):
        "subject: the allow list must offer literal GPU and Trainium families",
    ("test_training.py", "INFERENCE_INSTANCE_TYPES"):
        "subject: the allow list must offer a literal Inferentia family",
}


def _project_imports(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """UPPER_CASE names imported from project packages (local name -> origin), and project modules bound locally."""
    names: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] in PROJECT_PACKAGES:
            for alias in node.names:
                if UPPER.match(alias.name):
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                else:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PROJECT_PACKAGES:
                    modules.add(alias.asname or alias.name.split(".")[0])
    return names, modules


def _uses(node: ast.AST, names: dict[str, str], modules: set[str]) -> Iterator[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in names:
            yield sub.id
        elif isinstance(sub, ast.Attribute) and UPPER.match(sub.attr):
            chain, base = [sub.attr], sub.value
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules:
                yield ".".join([base.id, *reversed(chain)])


def _expectation_sites(tree: ast.Module) -> Iterator[tuple[int, ast.AST]]:
    """Where expected values live: asserts, conditions that decide whether an assert runs, parametrize arguments."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            yield node.lineno, node.test
        elif isinstance(node, ast.If) and any(isinstance(s, ast.Assert) for b in node.body for s in ast.walk(b)):
            yield node.lineno, node.test
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "parametrize":
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                yield node.lineno, arg


def mirrored(source: str) -> list[tuple[int, str]]:
    """(line, name) of every project UPPER_CASE name used where a test keeps its expected values."""
    tree = ast.parse(source)
    names, modules = _project_imports(tree)
    found = {(line, use) for line, site in _expectation_sites(tree) for use in _uses(site, names, modules)}
    return sorted(found)


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "corpus" not in p.relative_to(TESTS).parts)


def test_no_test_takes_its_expected_values_from_the_module_it_tests():
    seen: set[tuple[str, str]] = set()
    offences = []
    for path in _test_files():
        rel = path.relative_to(TESTS).as_posix()
        for line, name in mirrored(path.read_text(encoding="utf-8")):
            seen.add((rel, name))
            if (rel, name) not in ALLOWED:
                offences.append(f"tests/{rel}:{line}: {name} comes from the code under test; write the expected value out")
    assert not offences, "\n".join(offences)
    stale = sorted(set(ALLOWED) - seen)
    assert not stale, f"allow-list entries that match nothing any more (remove them): {stale}"


def test_every_allowance_says_why():
    assert all(len(reason) > 20 for reason in ALLOWED.values())


@pytest.mark.parametrize("source", [
    # the WAF managed rule groups, once read back from components.inference
    "from components.inference import MANAGED_RULE_GROUPS\n"
    "def test_waf(acl):\n    assert names(acl) == set(MANAGED_RULE_GROUPS)\n",
    # the services exempt from aws:SourceAccount, deciding whether the assert runs
    "from components.iam import SERVICES_WITHOUT_SOURCE_CONTEXT as EXEMPT\n"
    "def test_trust(services, st):\n    if not services & EXEMPT:\n        assert 'aws:SourceAccount' in str(st)\n",
    # an exit code reached through the imported module
    "from platformctl.automation import exit_codes\n"
    "def test_ok(run):\n    assert run.code == exit_codes.OK\n",
    # a parametrization over the module's own table
    "import pytest\nfrom config import instance_types\n"
    "@pytest.mark.parametrize('family', sorted(instance_types.NVME_FAMILIES))\ndef test_f(family):\n    assert family\n",
])
def test_the_guard_catches_the_instances_it_was_written_for(source):
    assert mirrored(source)


@pytest.mark.parametrize("source", [
    "from components.inference import waf_rules\ndef test_waf():\n    assert waf_rules(100)[-1]['name'] == 'RatePerClientIp'\n",
    "from tests.instance_store import NVME_FAMILIES\ndef test_f(table):\n    assert table == NVME_FAMILIES\n",
    "from components.inference import MANAGED_RULE_GROUPS\ndef test_unused():\n    print(MANAGED_RULE_GROUPS)\n",
])
def test_the_guard_leaves_subjects_and_literal_expectations_alone(source):
    assert mirrored(source) == []
