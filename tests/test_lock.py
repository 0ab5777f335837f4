"""The lock files pin exactly what the requirement ranges allow, and everything installs from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

REFRESH = "bash .ci/refresh-lock"


def requirements(path: Path) -> list[Requirement]:
    found = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "-c ")):
            found += requirements(path.parent / line.split(None, 1)[1]) if line.startswith("-r ") else []
            continue
        found.append(Requirement(line))
    return found


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        if line.startswith((" ", "#")) or not line.strip():
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)(\s*;.*)?", line.strip())
        assert m, f"{path.name}: '{line}' is not an exact pin"
        found[canonicalize_name(m[1])] = m[2]
    return found


@pytest.mark.parametrize(("source", "lock"), [("requirements.txt", "requirements.lock"),
                                              ("requirements-dev.txt", "requirements-dev.lock")])
def test_every_requirement_is_pinned_within_its_range(source, lock):
    pinned = pins(ROOT / lock)
    for req in requirements(ROOT / source):
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is in {source} but not in {lock}: run `{REFRESH}`"
        assert req.specifier.contains(pinned[name], prereleases=True), \
            f"{lock} pins {req.name}=={pinned[name]}, outside {source}'s '{req.specifier}': run `{REFRESH}`"


def test_the_runtime_lock_agrees_with_the_dev_lock():
    runtime, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    assert {n: v for n, v in runtime.items() if n in dev and dev[n] != v} == {}, f"run `{REFRESH}`"


def test_the_readme_and_ci_install_from_the_locks():
    readme = (ROOT / "README.md").read_text()
    assert "pip install -r requirements.lock && python -m platformctl synth dev" in readme
    assert "pip install -q -r requirements-dev.lock && ruff check . && pytest" in readme
    assert "pip install -q -r requirements-dev.lock" in (ROOT / ".ci/run").read_text()
    assert REFRESH in readme and REFRESH in (ROOT / "requirements.lock").read_text().splitlines()[1]


def test_policy_packs_are_constrained_by_the_lock():
    for path in (ROOT / "policies").glob("*/requirements.txt"):
        assert "-c ../../requirements.lock" in path.read_text().splitlines(), path
