"""$PLATFORMCTL_SYNTH_ZYGOTE (set by bench/mutation.py and by the test suite): the offline runner's workers are
forked by the zygote instead of started, and record exactly what a started worker records, with the caller's
environment and working directory; a failing program still reports its traceback. A spawned zygote preloads
the program's SDK modules and ends with the process that spawned it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from platformctl.offline import SynthError, synth
from platformctl.offline import zygote as zygote_module
from platformctl.offline.cache import ENV as SYNTH_CACHE_ENV
from platformctl.offline.runner import synth_isolated
from platformctl.policy_host.packs import _running as _alive  # alive: neither gone nor a zombie
from tests.conftest import ROOT

pytestmark = pytest.mark.heavy
ZYGOTE_ENV = "PLATFORMCTL_SYNTH_ZYGOTE"  # written out: the documented name bench/mutation.py sets
PROGRAM = '''
import os

import pulumi
import pulumi_aws as aws

bucket = aws.s3.BucketV2("data", bucket="zygote-data", force_destroy=False)
aws.s3.BucketPublicAccessBlock("data", bucket=bucket.id, block_public_acls=True, restrict_public_buckets=True)
if pulumi.Config().get_bool("fail"):
    raise ValueError("the program broke on purpose")
if pulumi.Config().get_bool("hang"):
    import time
    time.sleep(120)
pulumi.export("parent", os.getppid())
pulumi.export("mark", os.environ.get("ZYGOTE_TEST_MARK"))
pulumi.export("cwd", os.getcwd())
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(SYNTH_CACHE_ENV, raising=False)  # every synth below must run its program
    (tmp_path / "Pulumi.yaml").write_text("name: zygote\nruntime: python\n")
    (tmp_path / "Pulumi.ok.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "Pulumi.bad.yaml").write_text("config:\n  aws:region: eu-west-1\n  zygote:fail: 'true'\n")
    (tmp_path / "Pulumi.hang.yaml").write_text("config:\n  aws:region: eu-west-1\n  zygote:hang: 'true'\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    return tmp_path


@pytest.fixture
def zygote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A zygote started from a fresh, thread-free interpreter (as the mutation runner's child is); its pid."""
    socket_path = tmp_path / "z.sock"
    code = ("import sys, signal; from pathlib import Path; from platformctl.offline import zygote; "
            "print(zygote.start(Path(sys.argv[1])), flush=True); signal.pause()")
    holder = subprocess.Popen([sys.executable, "-c", code, str(socket_path)], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, start_new_session=True)
    try:
        pid = int(holder.stdout.readline())
        monkeypatch.setenv(ZYGOTE_ENV, str(socket_path))
        yield pid
    finally:
        os.killpg(holder.pid, signal.SIGKILL)  # the holder, the zygote and any worker left
        holder.wait()


def test_forked_workers_record_what_started_workers_record(project: Path, zygote: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZYGOTE_TEST_MARK", "seen")
    forked = synth_isolated(project, "ok", {})
    served = synth("ok", project)  # through WarmInterpreter: a `--serve` worker forking the stack's child
    monkeypatch.delenv(ZYGOTE_ENV)
    started = synth_isolated(project, "ok", {})

    assert int(forked.outputs["parent"]) == zygote  # the one-shot worker is the zygote's child
    assert int(started.outputs["parent"]) == os.getpid()  # without the variable, a started interpreter
    for snapshot in (forked, served, started):
        assert snapshot.outputs["mark"] == "seen"  # the caller's environment at call time, not the zygote's
        assert snapshot.outputs["cwd"] == str(project)
    assert [asdict(r) for r in forked.resources] == [asdict(r) for r in started.resources]
    assert [asdict(r) for r in served.resources] == [asdict(r) for r in started.resources]
    assert {r.type for r in started.resources if r.custom and not r.is_provider} == {
        "aws:s3/bucketV2:BucketV2", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"}


def test_a_failing_program_reports_its_traceback_through_the_zygote(project: Path, zygote: int) -> None:
    for run in (lambda: synth_isolated(project, "bad", {}), lambda: synth("bad", project)):
        with pytest.raises(SynthError, match="the program broke on purpose"):
            run()


def _ends(pid: int, seconds: float = 30) -> bool:
    """Whether ``pid`` is gone (or a zombie) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


@pytest.fixture
def spawned(project: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """A zygote started with spawn(), as tests/conftest.py starts the suite's; its process and socket."""
    socket_path = tmp_path / "spawned.sock"
    holder = zygote_module.spawn(socket_path, project)
    try:
        yield holder, socket_path
    finally:
        holder.terminate()
        holder.wait(timeout=30)


def test_a_spawned_zygote_serves_forks(project: Path, spawned: tuple[subprocess.Popen, Path],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    holder, socket_path = spawned
    monkeypatch.setenv(ZYGOTE_ENV, str(socket_path))
    forked = synth_isolated(project, "ok", {})
    assert int(forked.outputs["parent"]) == holder.pid
    assert forked.outputs["cwd"] == str(project)


def test_preload_imports_the_sdk_modules_the_program_names_and_no_others(project: Path) -> None:
    code = ("import sys; from pathlib import Path; from platformctl.offline import worker; "
            "worker.preload(Path(sys.argv[1])); print(sorted(m for m in ('pulumi_aws.s3', 'pulumi_aws.sagemaker', "
            "'pulumi.runtime.mocks') if m in sys.modules and type(sys.modules[m]).__name__ != '_LazyModule'))")
    out = subprocess.run([sys.executable, "-c", code, str(project)], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "['pulumi.runtime.mocks', 'pulumi_aws.s3']"


def test_a_spawned_zygote_ends_with_the_process_that_spawned_it(project: Path, tmp_path: Path) -> None:
    code = ("import sys; from pathlib import Path; from platformctl.offline import zygote; "
            "print(zygote.spawn(Path(sys.argv[1]), Path(sys.argv[2])).pid, flush=True)")
    parent = subprocess.run([sys.executable, "-c", code, str(tmp_path / "orphan.sock"), str(project)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=True)
    assert _ends(int(parent.stdout))


def test_terminating_a_spawned_zygote_ends_the_workers_it_forked(project: Path, tmp_path: Path,
                                                                spawned: tuple[subprocess.Popen, Path]) -> None:
    """A started worker dies with the run that started it; a forked one must too, not outlive the suite."""
    holder, socket_path = spawned
    (tmp_path / "refs.json").write_text("{}")
    hung = zygote_module.Process(str(socket_path), [
        "--project-dir", str(project), "--stack", "hang", "--refs", str(tmp_path / "refs.json"),
        "--out", str(tmp_path / "out.json")], env={**os.environ, "PYTHONPATH": str(ROOT)})
    time.sleep(0.5)
    assert _alive(hung.pid)
    holder.terminate()
    holder.wait(timeout=30)
    hung.wait(timeout=30)  # the connection closes once the worker is gone
    assert _ends(hung.pid)  # its files are closed a moment before it is a zombie
