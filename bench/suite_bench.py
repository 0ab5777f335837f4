"""Wall time of the test suite (goal: <= 60 s on 2 cores) and where it goes.

Runs with an empty synth cache (a cold run: every distinct stack/config is synthesized once, by whichever
xdist worker needs it first). Prints the total against the goal, the CPU time of the run, and the slowest
tests. A benchmark, not a test: nothing here fails on a number.

    python bench/suite_bench.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    cold = tempfile.mkdtemp(prefix="synth-cache-")
    started, before = time.perf_counter(), os.times()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "--durations=15"],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PLATFORMCTL_SYNTH_CACHE": cold})
    wall, after = time.perf_counter() - started, os.times()
    cpu = after.children_user + after.children_system - before.children_user - before.children_system
    out = proc.stdout
    summary = next((line for line in reversed(out.splitlines()) if " passed" in line or " failed" in line), "no summary")
    durations = re.findall(r"^([\d.]+)s (setup|call|teardown)\s+(\S+)", out, re.M)
    setup = sum(float(d) for d, phase, _ in durations if phase == "setup")
    verdict = "NOT MET (the run failed)" if proc.returncode else "met" if wall <= 60 else "NOT MET"
    print(f"suite: {wall:.1f} s wall, {cpu:.1f} s CPU ({summary.strip('= ')}); goal <= 60 s wall: "
          f"{verdict} (load average {os.getloadavg()[0]:.1f})")
    for line in out.splitlines():
        if line.startswith(("FAILED", "ERROR")):
            print(f"  {line}")
    print(f"slowest setups (stack synthesis) among the top 15: {setup:.1f} s")
    for seconds, phase, test in durations:
        print(f"  {float(seconds):6.2f} s {phase:8} {test}")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
