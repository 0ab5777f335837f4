"""PrepareFeatures step: split the curated training extract into train/validation/test and a monitoring baseline.

Input: CSV files with a header under /opt/ml/processing/input; the label column's name is the first
argument (the pipeline passes its TargetAttribute parameter; default ``label``). Outputs:

* ``train``/``validation``/``test``: the built-in XGBoost convention, no header, label first;
* ``baseline``: the features only, no header, in the training column order: exactly the rows clients
  send to the endpoint (as CSV), so Model Monitor's baseline and the captured traffic have the same
  columns (``_c0``, ``_c1``, ...);
* ``automl``: what Autopilot needs instead: a header row naming every column, the target under the
  same name the pipeline gives Autopilot (TargetAttribute), train and validation rows.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

BASE = Path("/opt/ml/processing")
SPLITS = (("train", 0.7), ("validation", 0.15), ("test", 0.15))


def read_rows(folder: Path, label: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(feature names, [(label, features)]): every file read by column name, in the first file's feature order."""
    features: list[str] | None = None
    rows = []
    for path in sorted(folder.rglob("*.csv")):
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or label not in reader.fieldnames:
                raise SystemExit(f"{path}: no '{label}' column")
            if features is None:
                features = [c for c in reader.fieldnames if c != label]
            missing = set(features) - set(reader.fieldnames)
            if missing:
                raise SystemExit(f"{path}: missing columns {sorted(missing)}")
            rows.extend((row[label], [row[c] for c in features]) for row in reader)
    return features or [], rows


def split(rows: list, seed: int = 42) -> dict[str, list]:
    rows = rows[:]
    random.Random(seed).shuffle(rows)
    out, start = {}, 0
    for i, (name, share) in enumerate(SPLITS):
        end = len(rows) if i == len(SPLITS) - 1 else start + round(share * len(rows))
        out[name] = rows[start:end]
        start = end
    return out


def write(path: Path, rows: list[list[str]], header: list[str] | None = None) -> None:
    path.mkdir(parents=True, exist_ok=True)
    with (path / "data.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        if header:
            writer.writerow(header)
        writer.writerows(rows)


def main(base: Path = BASE, label: str = "label") -> None:
    features, rows = read_rows(base / "input", label)
    if len(rows) < 10:
        raise SystemExit(f"only {len(rows)} rows in the training extract; refusing to train on it")
    parts = split(rows)
    for name, part in parts.items():
        write(base / name, [[y, *x] for y, x in part])
    write(base / "baseline", [x for _, x in parts["train"]])
    write(base / "automl", [[*x, y] for y, x in parts["train"] + parts["validation"]], header=[*features, label])


if __name__ == "__main__":
    main(label=sys.argv[1] if len(sys.argv) > 1 else "label")
