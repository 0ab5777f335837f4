"""The synth worker's process policy (platformctl/offline/worker.py): collector headroom, source scan."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from platformctl.offline.worker import Headroom, sdk_modules

MiB = 1 << 20


def test_headroom_collects_only_after_the_limit_and_restarts_from_there() -> None:
    headroom = Headroom(512 * MiB, rss=100 * MiB)
    assert not headroom.exceeded(611 * MiB)
    assert headroom.exceeded(612 * MiB)
    headroom.collected(400 * MiB)  # what a collection left: the run holds 300 MiB, less than the limit
    assert not headroom.exceeded(911 * MiB)
    assert headroom.exceeded(912 * MiB)


def test_headroom_grows_with_what_the_run_holds_so_collections_stay_linear() -> None:
    headroom = Headroom(512 * MiB, rss=100 * MiB)
    headroom.collected(900 * MiB)  # the run holds 800 MiB: the next collection waits for as much again
    assert not headroom.exceeded(1699 * MiB)
    assert headroom.exceeded(1700 * MiB)
    headroom.collected(1000 * MiB)  # most of it was garbage: back to the 900 MiB the run now holds
    assert not headroom.exceeded(1899 * MiB) and headroom.exceeded(1900 * MiB)


def test_a_program_run_keeps_the_collector_off_with_a_watcher() -> None:
    code = (
        "import gc, threading\n"
        "from platformctl.offline import worker\n"
        "worker._program_gc()\n"
        "print(gc.isenabled(), [t.name for t in threading.enumerate() if t.daemon])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.strip() == "False ['gc-headroom']"
    assert gc.isenabled()  # this process untouched


def test_scan_reads_program_sources_and_prunes_skipped_folders(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text("import pulumi_aws as aws\naws.s3.BucketV2('b')\n")
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "net.py").write_text("import pulumi_aws as cloud\ncloud.ec2.Vpc('v')\n")
    for skipped in ("venv", "tests", ".git"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "x.py").write_text("import pulumi_aws as aws\naws.wafv2.WebAcl('w')\n")
    assert sdk_modules(tmp_path) == ["pulumi_aws", "pulumi_aws.ec2", "pulumi_aws.s3"]


def test_a_child_hands_on_what_it_loaded_but_not_the_sdks_unloaded_lazy_modules_nor_the_program(tmp_path: Path) -> None:
    """The warm interpreter imports what a child learned before reporting it: an unused service of the SDK must
    not be on that list (loading it loads the whole SDK), nor a module of the program itself."""
    (tmp_path / "mine.py").write_text("X = 1\n")
    code = (
        "import sys\n"
        "from platformctl.offline import worker\n"
        "before = set(sys.modules)\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import mine\n"
        "import pulumi_aws.s3\n"
        "pulumi_aws.s3.BucketV2\n"
        f"got = worker.learned(before, {str(tmp_path)!r})\n"
        "print('pulumi_aws.s3' in got, 'mine' in got, 'pulumi_aws.wafv2' in sys.modules, 'pulumi_aws.wafv2' in got,"
        " type(sys.modules['pulumi_aws.wafv2']).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    # wafv2 is registered (lazily) by importing the package, left out, and still unloaded afterwards.
    assert out.split() == ["True", "False", "True", "False", "_LazyModule"]


def test_only_a_stack_that_others_wait_for_asks_the_warm_interpreter_to_prefetch(monkeypatch) -> None:
    """``synth dev`` runs shared first (dev waits for it: prefetch), then dev (nothing follows: no prefetch)."""
    from platformctl.offline import runner
    from platformctl.offline.cache import ENV
    from platformctl.offline.records import Snapshot

    asked: list[tuple[str, bool]] = []

    class FakeWarm:
        def run(self, project_dir, stack, refs, preview=False, on_record=None, prefetch=True) -> Snapshot:
            asked.append((stack, prefetch))
            return Snapshot(project="p", stack=stack, resources=[], outputs={})

        def close(self) -> None:
            pass

    monkeypatch.delenv(ENV, raising=False)  # no cache: every stack reaches the interpreter
    monkeypatch.setattr(runner, "WarmInterpreter", FakeWarm)
    monkeypatch.setattr(runner, "synth_isolated", lambda *a, **k: None)  # the config checks
    runner.synth_all(["dev"], Path(__file__).resolve().parents[1])
    assert asked == [("shared", True), ("dev", False)]
    asked.clear()
    runner.synth_all(["shared"], Path(__file__).resolve().parents[1])
    assert asked == [("shared", False)]
