"""PrepareFeatures step: split the curated training extract into train/validation/test and a monitoring baseline.

Input: CSV files with a header under /opt/ml/processing/input; the label column is named ``label``
(the pipeline's TargetAttribute default). Outputs follow the built-in XGBoost convention: no header,
label first. The ``baseline`` output holds the features only, exactly as clients send them to the
endpoint, so Model Monitor's baseline and the captured traffic have the same columns.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

BASE = Path("/opt/ml/processing")
SPLITS = (("train", 0.7), ("validation", 0.15), ("test", 0.15))


def read_rows(folder: Path, label: str) -> list[tuple[str, list[str]]]:
    rows = []
    for path in sorted(folder.rglob("*.csv")):
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or label not in reader.fieldnames:
                raise SystemExit(f"{path}: no '{label}' column")
            features = [c for c in reader.fieldnames if c != label]
            rows.extend((row[label], [row[c] for c in features]) for row in reader)
    return rows


def split(rows: list, seed: int = 42) -> dict[str, list]:
    rows = rows[:]
    random.Random(seed).shuffle(rows)
    out, start = {}, 0
    for i, (name, share) in enumerate(SPLITS):
        end = len(rows) if i == len(SPLITS) - 1 else start + round(share * len(rows))
        out[name] = rows[start:end]
        start = end
    return out


def write(path: Path, rows: list[list[str]]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    with (path / "data.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


def main(base: Path = BASE, label: str = "label") -> None:
    rows = read_rows(base / "input", label)
    if len(rows) < 10:
        raise SystemExit(f"only {len(rows)} rows in the training extract; refusing to train on it")
    parts = split(rows)
    for name, part in parts.items():
        write(base / name, [[y, *x] for y, x in part])
    write(base / "baseline", [x for _, x in parts["train"]])


if __name__ == "__main__":
    main(label=sys.argv[1] if len(sys.argv) > 1 else "label")
