"""Session fixtures: each stack is synthesized once (in its own interpreter) and shared by every test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from platformctl.offline import Snapshot, synth_all, zygote
from platformctl.offline.cache import ENV as SYNTH_CACHE_ENV
from platformctl.offline.cache import SynthCache
from platformctl.offline.records import ResourceRecord
from platformctl.offline.runner import WarmInterpreter

ROOT = Path(__file__).resolve().parents[1]
# Every synth of the run (fixtures, `check` runs) goes through one content-addressed cache: each distinct
# program/config is synthesized once, whichever xdist worker needs it first; the others wait and read it.
# Its key covers every file of the project and platformctl itself, so an edit never meets a stale entry.
os.environ.setdefault(SYNTH_CACHE_ENV, str(ROOT / ".pytest_cache" / "platformctl-synth"))
STACKS = ("shared", "dev", "prod")
_ZYGOTE = pytest.StashKey[subprocess.Popen]()
# What a synth of a copied project does not need (a venv inside the checkout, as CI makes, is large).
NOT_THE_PROGRAM = (".git", "venv", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "tests", "docs", "bench", "policies")


def edit_stack_config(project: Path, stack: str, edit: Callable[[dict[str, Any]], None]) -> None:
    """Let ``edit`` change the config of ``project``'s ``Pulumi.<stack>.yaml`` in place."""
    path = project / f"Pulumi.{stack}.yaml"
    doc = yaml.safe_load(path.read_text())
    edit(doc["config"])
    path.write_text(yaml.safe_dump(doc))


def project_variant(tmp_path_factory, name: str, stack: str, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the program whose ``Pulumi.<stack>.yaml`` config ``edit`` changes in place."""
    dest = tmp_path_factory.mktemp(name) / "project"
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*NOT_THE_PROGRAM))
    edit_stack_config(dest, stack, edit)
    return dest


@pytest.fixture(scope="session")
def snapshots() -> dict[str, Snapshot]:
    """shared, dev and prod as the engine would see them; dev and prod read shared's exports."""
    return synth_all(STACKS, ROOT)


SynthVariant = Callable[..., Snapshot]


@pytest.fixture(scope="session")
def synth_variant() -> Iterator[SynthVariant]:
    """``synth_variant(project, stack, refs, preview=False)``: one stack of a project copy, its StackReferences
    answered from ``refs``, through the run's synth cache (like ``synth_isolated`` without a fresh interpreter).

    Each variant runs in a child forked from one warm interpreter per worker: a fresh interpreter per variant
    would import the SDKs again (~2 s CPU each).
    """
    warm: list[WarmInterpreter] = []

    def run(project: Path, stack: str, refs: dict[str, Any], preview: bool = False) -> Snapshot:
        project = project.resolve()

        def compute() -> Snapshot:
            if not warm:  # started on first need: a worker that meets no variant starts none
                warm.append(WarmInterpreter())
            return warm[0].run(project, stack, refs, preview)

        store = SynthCache.at(None, project)
        return store.get_or_compute(stack, refs, preview, compute)[0] if store else compute()

    yield run
    for interpreter in warm:
        interpreter.close()


@pytest.fixture(scope="session")
def options_project(tmp_path_factory) -> Path:
    """A copy of the program whose dev turns on the options a default dev leaves off (tests/options_variant.py)."""
    from tests.options_variant import options_edit

    return project_variant(tmp_path_factory, "options", "dev", options_edit)


@pytest.fixture(scope="session")
def options_dev(options_project, snapshots, synth_variant) -> Snapshot:
    return synth_variant(options_project, "dev", {"shared": snapshots["shared"].outputs})


@pytest.fixture(scope="session")
def fleet(tmp_path_factory, snapshots, synth_variant) -> Snapshot:
    """prod with a second account, a third region, GPU types and the standby endpoint (tests/fleet_variant.py)."""
    from tests.fleet_variant import fleet_project

    return synth_variant(fleet_project(tmp_path_factory), "prod", {"shared": snapshots["shared"].outputs})


@pytest.fixture(scope="session", params=STACKS)
def stack(request, snapshots) -> Snapshot:
    return snapshots[request.param]


@pytest.fixture(scope="session", params=("dev", "prod"))
def workload(request, snapshots) -> Snapshot:
    return snapshots[request.param]


def decoded(value: Any) -> Any:
    """Provider inputs arrive JSON-encoded; resource inputs do not."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


POLICY_INPUTS = ("policy", "assumeRolePolicy", "accessPolicy", "resourcePolicy", "repositoryPolicy")


def policy_docs(record: ResourceRecord) -> list[tuple[str, dict]]:
    """Every IAM or resource policy document among a record's inputs, with the input's name."""
    docs = []
    for key in POLICY_INPUTS:
        value = record.inputs.get(key)
        if isinstance(value, str) and value.strip().startswith("{") and '"Statement"' in value:
            docs.append((key, json.loads(value)))
    return docs


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The order xdist hands files out (pytest.ini: --no-loadscope-reorder): ``heavy`` files first, then by number
    of tests, as xdist's own order. The run then ends on short files instead of one worker finishing a long file
    while the other idles (~4 s of a cold run's end, before this). A run in one process (-n 0, as bench/mutation.py
    runs the tests that cover a mutant) keeps the collection's order."""
    if not getattr(config.option, "numprocesses", None):
        return
    counts = Counter(item.path for item in items)
    rank = {item.path: (not item.get_closest_marker("heavy"), -counts[item.path]) for item in items}
    items.sort(key=lambda item: rank[item.path])  # stable: each file's tests stay together and in order


def pytest_configure(config: pytest.Config) -> None:
    """One synth zygote for the whole run (the controller's, inherited by the xdist workers and the CLI
    subprocesses through the environment): every offline-runner worker of the suite is forked with the SDKs
    imported instead of importing them again (~2 s CPU each; see platformctl/offline/zygote.py). Set
    ``PLATFORMCTL_SYNTH_ZYGOTE=`` (empty) to run the suite on fresh interpreters, as users run; the README's
    ``synth`` command always runs on them (tests/test_synth_cli.py), and tests/test_synth_zygote.py compares the
    two ways."""
    if hasattr(config, "workerinput") or zygote.ENV in os.environ or config.option.collectonly:
        return
    folder = Path(tempfile.mkdtemp(prefix="synth-zygote-"))
    try:
        config.stash[_ZYGOTE] = zygote.spawn(folder / "socket", ROOT)
    except (OSError, RuntimeError) as exc:  # no Unix sockets here, say: slower, not broken
        shutil.rmtree(folder, ignore_errors=True)
        config.issue_config_time_warning(pytest.PytestWarning(f"no synth zygote ({exc}); fresh interpreters"), 2)
        os.environ[zygote.ENV] = ""
        return
    os.environ[zygote.ENV] = str(folder / "socket")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _ZYGOTE in config.stash:  # only the run that spawned it
        config.stash[_ZYGOTE].terminate()
        config.stash[_ZYGOTE].wait()
        shutil.rmtree(Path(os.environ.pop(zygote.ENV)).parent, ignore_errors=True)
