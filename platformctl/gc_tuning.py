"""The cyclic garbage collector's settings for the project's processes that build large, long-lived heaps.

The gate's parent (an offline command's process) and the policy packs' processes hold every record of a stack
(thousands of dicts, protobufs, futures) until they exit; so do the synth worker's warm parent and the zygote
between forks (a program run itself keeps the collector off: ``offline.worker``). With CPython's default
thresholds (700, 10, 10) the collector runs thousands of times, and each full collection scans everything held
so far: at 20 workload accounts the gate's parent spent ~0.9 s and the pack group ~0.4 s in it, a share that grew
with the stack. These processes make little cyclic garbage and exit within minutes, so collecting rarely costs
little memory; the deploy commands, which may run for hours, keep CPython's defaults.
"""

from __future__ import annotations

import gc

# A young collection every 50,000 net allocations instead of 700; the middle generation every 50 of those and a
# full collection (also subject to CPython's own 25 %-growth rule) practically never.
GC_THRESHOLDS = (50_000, 50, 1000)


def tune_gc() -> None:
    """Freeze what exists now (imports: never scanned again) and collect rarely from here on."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    gc.enable()
