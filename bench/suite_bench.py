"""Wall time of the test suite (target: about a minute or two on 2 cores) and where it goes.

Prints the total, the share spent synthesizing stacks (session fixtures and the variants some tests
need), and the slowest tests. A benchmark, not a test: nothing here fails on a number.

    python bench/suite_bench.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=15"],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    out = proc.stdout
    summary = next((line for line in reversed(out.splitlines()) if " passed" in line or " failed" in line), "no summary")
    durations = re.findall(r"^([\d.]+)s (setup|call|teardown)\s+(\S+)", out, re.M)
    setup = sum(float(d) for d, phase, _ in durations if phase == "setup")
    print(f"suite: {wall:.1f} s wall ({summary.strip('= ')})")
    print(f"slowest setups (stack synthesis) among the top 15: {setup:.1f} s")
    for seconds, phase, test in durations:
        print(f"  {float(seconds):6.2f} s {phase:8} {test}")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
