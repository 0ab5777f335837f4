"""Benchmark ``platformctl check`` against bare ``platformctl synth``.

Prints, per stack: resources, bare synth seconds, check seconds and their ratio
(target <= 1.3); then a scaling run over generated prod configs with 1, 5, 10
and 20 workload accounts x 3 regions, in milliseconds per resource end to end
(target: flat, <= 5 ms). Benchmark targets, not assertions.

    python bench/check_bench.py [--stacks shared dev prod] [--accounts 1 5 10 20] [--repeat 1]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from platformctl.offline import synth  # noqa: E402
from platformctl.policy_host import check_stack  # noqa: E402

REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
# Everything the program may read is copied; what it cannot need is not.
_NOT_COPIED = (".git", "tests", "bench", "docs", "__pycache__", ".ruff_cache", ".pytest_cache", "venv", ".venv", ".synth", "out")


def resources(snapshot) -> int:
    return sum(1 for r in snapshot.resources if r.custom and not r.is_provider)


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def per_stack(stacks: list[str], repeat: int) -> None:
    print(f"{'stack':<8} {'resources':>9} {'synth s':>8} {'check s':>8} {'ratio':>6}")
    for stack in stacks:
        synth_s, snap = timed(lambda s=stack: synth(s, REPO), repeat)
        check_s, outcome = timed(lambda s=stack: check_stack(s, REPO), repeat)
        print(f"{stack:<8} {resources(snap):>9} {synth_s:>8.2f} {check_s:>8.2f} {check_s / synth_s:>6.2f}"
              f"   ({len(outcome.violations)} findings, {len(outcome.packs)} packs)")


def scaled_project(workdir: Path, accounts: int) -> Path:
    """A copy of the project whose prod stack has ``accounts`` workload accounts across three regions."""
    project = workdir / f"accounts-{accounts}"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(*_NOT_COPIED))
    prod = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    config = prod["config"]

    def cidrs(index: int) -> dict[str, str]:
        return {region: f"10.{40 + index * 3 + r}.0.0/16" for r, region in enumerate(REGIONS)}

    config["aiplatform:accounts"]["workload"]["vpcCidrs"] = cidrs(0)
    config["aiplatform:accounts"]["additionalWorkloads"] = [
        {"id": f"{500000000000 + i:012d}", "name": f"mlprod{i}", "vpcCidrs": cidrs(i)} for i in range(1, accounts)]
    config["aiplatform:regions"] = {"primary": REGIONS[0], "dr": REGIONS[1], "additional": list(REGIONS[2:])}
    (project / "Pulumi.prod.yaml").write_text(yaml.safe_dump(prod, sort_keys=False))
    # The shared stack must know the new accounts (members of its log archive and registries, model consumers).
    shared = yaml.safe_load((REPO / "Pulumi.shared.yaml").read_text())
    extra = [w["id"] for w in config["aiplatform:accounts"]["additionalWorkloads"]]
    shared["config"]["aiplatform:accounts"]["members"] += extra
    shared["config"]["aiplatform:knobs"]["modelRegistry"]["consumers"] += extra
    (project / "Pulumi.shared.yaml").write_text(yaml.safe_dump(shared, sort_keys=False))
    return project


def scaling(account_counts: list[int]) -> None:
    print(f"\n{'accounts':>8} {'regions':>7} {'resources':>9} {'check s':>8} {'ms/resource':>11} {'policy ms/resource':>18}")
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        for count in account_counts:
            project = scaled_project(Path(tmp), count)
            started = time.perf_counter()
            outcome = check_stack("prod", project)
            seconds = time.perf_counter() - started
            n = resources(outcome.snapshot)
            policy_ms = 1000 * (outcome.seconds - outcome.synth_seconds) / max(n, 1)
            print(f"{count:>8} {len(REGIONS):>7} {n:>9} {seconds:>8.2f} {1000 * seconds / max(n, 1):>11.2f} {policy_ms:>18.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", nargs="*", default=["shared", "dev", "prod"])
    parser.add_argument("--accounts", nargs="*", type=int, default=[1, 5, 10, 20])
    parser.add_argument("--repeat", type=int, default=1, help="runs per stack; the median is printed")
    args = parser.parse_args()
    per_stack(args.stacks, args.repeat)
    if args.accounts:
        scaling(args.accounts)


if __name__ == "__main__":
    main()
