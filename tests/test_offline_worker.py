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
    headroom.collected(400 * MiB)  # what a collection left
    assert not headroom.exceeded(911 * MiB)
    assert headroom.exceeded(912 * MiB)


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
