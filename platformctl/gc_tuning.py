"""The cyclic garbage collector's settings for the project's processes that build large, long-lived heaps.

A synth worker, the policy packs' processes and the gate's parent hold every record of a stack (thousands of
dicts, protobufs, futures) until they exit. With CPython's default thresholds (700, 10, 10) the collector runs
thousands of times, and each full collection scans everything held so far: at 20 workload accounts the gate's
parent spent ~0.9 s and the pack group ~0.4 s in it, a share that grew with the stack. Their cyclic garbage is
small, so collecting rarely costs nothing in memory.
"""

from __future__ import annotations

import gc

# A young collection every 50,000 net allocations instead of 700, the older generations accordingly.
GC_THRESHOLDS = (50_000, 50, 1000)


def tune_gc() -> None:
    """Freeze what exists now (imports: never scanned again) and collect rarely from here on."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    gc.enable()
