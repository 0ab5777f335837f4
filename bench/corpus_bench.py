"""Run the third-party corpus (tests/corpus) through the policy packs, offline and as a preview.

Prints, per mode: how many insecure programs the gate blocks for their defect (target >= 95 %), how many it
catches at any level, how many secure programs it blocks (false alarms, target 0), and the advisory-only cases it
reports. Cases whose manifest entry names pending work are listed apart, so what blocks today and what waits on
another change are both visible. Benchmark targets, not assertions.

    python bench/corpus_bench.py [--mode offline preview] [--case NAME ...] [--workers 2] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.corpus.harness import Outcome, load_cases, run  # noqa: E402


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "  n/a"


def report(mode: str, outcomes: list[Outcome], seconds: float, verbose: bool) -> None:
    insecure = [o for o in outcomes if o.case.kind == "insecure"]
    secure = [o for o in outcomes if o.case.kind == "secure"]
    advisory = [o for o in outcomes if o.case.kind == "advisory"]
    blocked = [o for o in insecure if o.blocked]
    caught = [o for o in insecure if o.caught]
    alarms = [o for o in secure if o.fails_gate]
    preview = mode == "preview"
    ready = [o for o in insecure if not o.case.pending and not (preview and o.case.preview_note)]
    print(f"\n== {mode}: {len(outcomes)} programs in {seconds:.0f} s")
    print(f"insecure blocked        {len(blocked):>3}/{len(insecure):<3} {_pct(len(blocked), len(insecure))}   (target >= 95 %)")
    print(f"  without pending work  {sum(o.blocked for o in ready):>3}/{len(ready):<3} {_pct(sum(o.blocked for o in ready), len(ready))}"
          "   (cases whose manifest names pending work or a preview limit left out)")
    print(f"insecure caught (any)   {len(caught):>3}/{len(insecure):<3} {_pct(len(caught), len(insecure))}")
    print(f"secure false alarms     {len(alarms):>3}/{len(secure):<3}           (target 0)")
    print(f"advisory cases caught   {sum(o.caught for o in advisory):>3}/{len(advisory):<3}")
    for o in insecure:
        if not o.blocked:
            why = "program failed: " + o.error.strip().splitlines()[-1] if o.error else (
                f"reported advisory only ({', '.join(sorted(o.advisory & set(o.case.expect)))})" if o.caught else
                f"not judged ({', '.join(sorted(o.not_judged & set(o.case.expect)))})" if o.not_judged & set(o.case.expect) else
                "not reported")
            pending = f"  [pending {o.case.pending}]" if o.case.pending else ""
            if preview and o.case.preview_note:
                pending += f"  [preview: {o.case.preview_note}]"
            print(f"  not blocked  {o.case.name}: {why}{pending}")
    for o in alarms:
        why = "program failed: " + o.error.strip().splitlines()[-1] if o.error else f"mandatory {', '.join(sorted(o.mandatory))}"
        pending = f"  [pending {o.case.pending}]" if o.case.pending else ""
        print(f"  false alarm  {o.case.name}: {why}{pending}")
    for o in advisory:
        if not o.caught:
            print(f"  advisory case not reported: {o.case.name}")
    if verbose:
        for o in outcomes:
            print(f"    {o.case.kind:<8} {o.case.name:<38} mandatory={sorted(o.mandatory)} advisory={sorted(o.advisory)} "
                  f"not_judged={sorted(o.not_judged)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", nargs="+", choices=("offline", "preview"), default=["offline", "preview"])
    parser.add_argument("--case", nargs="+", help="only these cases (names from tests/corpus/manifest.yaml)")
    parser.add_argument("--workers", type=int, default=2, help="programs synthesized at a time")
    parser.add_argument("--verbose", action="store_true", help="print every case's findings")
    args = parser.parse_args()
    cases = load_cases()
    if args.case:
        cases = [c for c in cases if c.name in set(args.case)]
    for mode in args.mode:
        started = time.perf_counter()
        outcomes = list(run(cases, preview=mode == "preview", workers=args.workers))
        report(mode, outcomes, time.perf_counter() - started, args.verbose)


if __name__ == "__main__":
    main()
