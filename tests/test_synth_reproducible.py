"""Synth records are reproducible, and the synth cache can never serve a stale run.

(Two `synth --json` runs writing the same bytes: tests/test_synth_cli.py, whose fresh CLI run is compared with
the session's.)"""

from __future__ import annotations

import random
import shutil
import textwrap
from pathlib import Path

import pytest

from platformctl.offline import cache
from platformctl.offline.records import ResourceRecord, Snapshot, canonical_order
from tests.conftest import ROOT


def test_record_order_does_not_depend_on_registration_order(snapshots):
    records = snapshots["prod"].resources
    shuffled = list(records)
    random.Random(15).shuffle(shuffled)
    assert [r.urn for r in canonical_order(shuffled)] == [r.urn for r in records]


def test_every_record_comes_after_its_parent_provider_and_dependencies(stack):
    position = {r.urn: i for i, r in enumerate(stack.resources)}
    for i, r in enumerate(stack.resources):
        before = [r.parent, r.provider_urn, *r.dependencies, *(u for us in r.property_dependencies.values() for u in us)]
        assert all(position[u] < i for u in before if u in position), r.urn


PROGRAM = """
import pulumi
import pulumi_aws as aws
aws.s3.Bucket("b", bucket=pulumi.Config().require("name"))
"""


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: cached\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  cached:name: one\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "helper.py").write_text("X = 1\n")
    return tmp_path


def _lookup(store: cache.SynthCache, refs=None) -> bool:
    """Whether the store had the entry (a miss computes and stores a placeholder snapshot)."""
    return store.get_or_compute("test", refs or {}, False, lambda: Snapshot(project="cached", stack="test", resources=[]))[1]


def test_the_cache_serves_an_unchanged_project_and_misses_after_any_change(project, tmp_path_factory):
    directory = tmp_path_factory.mktemp("synth-cache")
    assert not _lookup(cache.SynthCache(directory, project))
    assert _lookup(cache.SynthCache(directory, project))
    assert not _lookup(cache.SynthCache(directory, project), {"shared": {"vpc": "vpc-1"}})  # other referenced outputs
    for path, text in (("Pulumi.test.yaml", "config:\n  cached:name: two\n"),  # stack config
                       ("lib/helper.py", "X = 2\n"),  # a module the program imports
                       ("policies/README.md", "new\n")):  # any other file of the project
        (project / path).parent.mkdir(exist_ok=True)
        (project / path).write_text(text)
        assert not _lookup(cache.SynthCache(directory, project)), path
        assert _lookup(cache.SynthCache(directory, project)), path


def _lookup_of_run(store: cache.SynthCache, read: list[str] | None) -> bool:
    return store.get_or_compute("test", {}, False, lambda: Snapshot(project="cached", stack="test", resources=[],
                                                                     stack_files_read=read))[1]


@pytest.mark.parametrize(("read", "shared"), [([], True), (["Pulumi.other.yaml"], False), (None, False)],
                         ids=["read-none", "read-other", "not-watched"])
def test_another_stacks_config_is_an_input_only_of_a_run_that_read_it(project, tmp_path_factory, read, shared):
    directory = tmp_path_factory.mktemp("synth-cache-other")
    (project / "Pulumi.other.yaml").write_text("config:\n  cached:name: a\n")
    assert not _lookup_of_run(cache.SynthCache(directory, project), read)
    (project / "Pulumi.other.yaml").write_text("config:\n  cached:name: b\n")
    assert _lookup_of_run(cache.SynthCache(directory, project), read) is shared
    # Its name still counts (a program may list the stack files), and so does the stack's own file.
    (project / "Pulumi.third.yaml").write_text("config: {}\n")
    assert not _lookup_of_run(cache.SynthCache(directory, project), read)
    (project / "Pulumi.test.yaml").write_text("config:\n  cached:name: two\n")
    assert not _lookup_of_run(cache.SynthCache(directory, project), read)


@pytest.mark.parametrize(("extra", "read"), [
    ("", []),
    ("open('Pulumi.other.yaml').read()", ["Pulumi.other.yaml"]),
    ("import pathlib; pathlib.Path('sub', 'Pulumi.other.yml').read_text()", ["sub/Pulumi.other.yml"]),
    ("import subprocess; subprocess.run(['true'], check=True)", ["<subprocess>"]),
    ("import os; os.close(os.open('Pulumi.other.yaml', os.O_RDONLY)); os.system('true')", ["<subprocess>", "Pulumi.other.yaml"]),
], ids=["none", "open", "pathlib-yml", "subprocess", "os-open-and-system"])
def test_the_worker_reports_which_other_stack_files_a_program_opened(project, tmp_path_factory, synth_variant, extra, read):
    """A program that never opens another stack's config is reused across its edits; one that may is run again."""
    program = textwrap.dedent(PROGRAM) + f"import uuid\npulumi.export('run', str(uuid.uuid4()))\n{extra}\n"
    (project / "__main__.py").write_text(program)
    (project / "sub").mkdir()
    for path in ("Pulumi.other.yaml", "sub/Pulumi.other.yml"):
        (project / path).write_text(f"# {program}\nconfig: {{}}\n")  # unique to this case: no earlier run's entry
    first = synth_variant(project, "test", {})
    assert first.stack_files_read == read
    copy = tmp_path_factory.mktemp("other-edited") / "project"
    shutil.copytree(project, copy)
    for path in ("Pulumi.other.yaml", "sub/Pulumi.other.yml"):
        (copy / path).write_text((copy / path).read_text() + "# edited\n")
    again = synth_variant(copy, "test", {})
    assert (again.outputs["run"] == first.outputs["run"]) is (read == [])


def test_the_cache_key_covers_the_offline_runner_and_ignores_where_the_project_lives(project, tmp_path_factory, monkeypatch):
    moved = tmp_path_factory.mktemp("elsewhere") / "project"
    shutil.copytree(project, moved)
    assert cache.project_digest(project) == cache.project_digest(moved)  # xdist workers' copies share entries
    before = cache.synth_key(cache.project_digest(project), "test", False, {})
    monkeypatch.setattr(cache, "_OFFLINE", ROOT / "platformctl" / "policy_host")  # different offline runner code
    cache.runtime_digest.cache_clear()
    try:
        assert cache.synth_key(cache.project_digest(project), "test", False, {}) != before
    finally:
        monkeypatch.undo()
        cache.runtime_digest.cache_clear()


def test_what_the_project_declares_no_input_of_its_program_keeps_the_cache(project, tmp_path_factory):
    """``.synthignore`` names top-level files and directories the program never reads (tests, policy packs)."""
    directory = tmp_path_factory.mktemp("synth-cache-ignore")
    (project / "tests").mkdir(exist_ok=True)
    (project / "lib" / "tests").mkdir(parents=True, exist_ok=True)
    (project / ".synthignore").write_text("# not read by the program\ntests/\nNOTES.md\n")
    assert not _lookup(cache.SynthCache(directory, project))
    for path in ("tests/test_x.py", "NOTES.md"):
        (project / path).write_text("edited\n")
        assert _lookup(cache.SynthCache(directory, project)), path
    # Only at the top: a package's own tests/ directory, or a NOTES.md deeper down, is still an input.
    for path in ("lib/tests/data.json", "lib/NOTES.md"):
        (project / path).write_text("edited\n")
        assert not _lookup(cache.SynthCache(directory, project)), path
        assert _lookup(cache.SynthCache(directory, project)), path
    (project / ".synthignore").write_text("")  # the list itself is an input: an emptied one counts tests again
    assert not _lookup(cache.SynthCache(directory, project))


def test_a_passed_config_check_is_kept_per_stack_and_files_and_a_failed_one_never(project, tmp_path_factory):
    """synth_all checks a stack's own config in a fresh interpreter first; the cache keeps only a pass."""
    directory = tmp_path_factory.mktemp("synth-cache-checks")
    runs: list[str] = []

    def passes() -> None:
        runs.append("pass")

    def fails() -> None:
        runs.append("fail")
        raise ValueError("config mistake")

    assert cache.SynthCache(directory, project).config_checked("test", passes) is False
    assert cache.SynthCache(directory, project).config_checked("test", passes) is True
    assert runs == ["pass"]
    assert cache.SynthCache(directory, project).config_checked("other", passes) is False  # another stack
    (project / "Pulumi.test.yaml").write_text("config:\n  cached:name: two\n")
    for _ in range(2):  # changed files: checked again, and a failure is reported every time
        with pytest.raises(ValueError):
            cache.SynthCache(directory, project).config_checked("test", fails)
    assert runs == ["pass", "pass", "fail", "fail"]


def test_a_git_pointer_file_is_no_input(project, tmp_path_factory):
    """A git worktree's (or submodule's) ``.git`` is a file naming its git directory, different in every
    checkout: two checkouts of one commit, or a copy with a plain `.git` directory, share entries."""
    directory = tmp_path_factory.mktemp("synth-cache-git")
    assert not _lookup(cache.SynthCache(directory, project))
    (project / ".git").write_text("gitdir: /somewhere/.git/worktrees/one\n")
    assert _lookup(cache.SynthCache(directory, project))
    (project / ".git").unlink()
    (project / ".git").mkdir()
    assert _lookup(cache.SynthCache(directory, project))


def test_this_projects_synthignore_leaves_the_program_its_inputs():
    """platformctl/ only drives the synth (its offline runner is keyed by itself), so a change to the gate or
    the CLI keeps the stacks' snapshots; what the program imports or reads stays an input."""
    ignored = cache.ignored(ROOT)
    assert {"platformctl", "tests", "policies"} <= ignored
    assert not ignored & {"__main__.py", "Pulumi.yaml", "Pulumi.dev.yaml", "config", "components", "stacks", "scp",
                          "bootstrap", "ml_code", "glue_scripts", "lambda_src", "buildspecs"}


def test_a_copy_elsewhere_reads_the_entry_located_in_its_own_files(project, tmp_path_factory):
    """Findings are located by each record's source file: one inside the project is read back inside the copy
    that reads the entry; one outside it (an installed library) stays as recorded."""
    directory = tmp_path_factory.mktemp("synth-cache-moved")
    moved = tmp_path_factory.mktemp("elsewhere") / "project"
    shutil.copytree(project, moved)
    library = "/usr/lib/python3/site-packages/pulumi_aws/s3/bucket.py"
    recorded = [ResourceRecord(urn="urn:b", type="aws:s3/bucket:Bucket", name="b", custom=True, source_file=str(project.resolve() / "lib" / "helper.py"),
                               source_line=3),
                ResourceRecord(urn="urn:c", type="aws:s3/bucket:Bucket", name="c", custom=True, source_file=library, source_line=9)]
    store = cache.SynthCache(directory, project)
    store.get_or_compute("test", {}, False, lambda: Snapshot(project="cached", stack="test", resources=recorded))
    snapshot, hit = cache.SynthCache(directory, moved).get_or_compute("test", {}, False, lambda: pytest.fail("a miss"))
    assert hit
    assert [(r.source_file, r.source_line) for r in snapshot.resources] == [
        (str(moved.resolve() / "lib" / "helper.py"), 3), (library, 9)]
    snapshot, hit = store.get_or_compute("test", {}, False, lambda: pytest.fail("a miss"))
    assert [r.source_file for r in snapshot.resources] == [str(project.resolve() / "lib" / "helper.py"), library]
