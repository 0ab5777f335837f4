"""EvaluateModel step: ROC AUC of the tuned model on the test split, written to evaluation.json.

The CheckQuality condition reads ``metrics.auc.value``. Needs ``xgboost`` in the processing image
(the training image built by the model repository's pipeline).
"""

from __future__ import annotations

import csv
import json
import tarfile
from pathlib import Path

BASE = Path("/opt/ml/processing")


def roc_auc(labels: list[float], scores: list[float]) -> float:
    """Mann-Whitney form of the ROC AUC, with ties counted half."""
    pairs = sorted(zip(scores, labels))
    positives = sum(1 for y in labels if y > 0.5)
    negatives = len(labels) - positives
    if not positives or not negatives:
        raise ValueError("the test split needs both classes to compute an AUC")
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        average_rank = (i + j + 1) / 2  # ranks are 1-based
        rank_sum += average_rank * sum(1 for _, y in pairs[i:j] if y > 0.5)
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def load_test(folder: Path) -> tuple[list[float], list[list[float]]]:
    labels, features = [], []
    for path in sorted(folder.rglob("*.csv")):
        with path.open(newline="") as handle:
            for row in csv.reader(handle):
                labels.append(float(row[0]))
                features.append([float(v) for v in row[1:]])
    return labels, features


def predict(model_dir: Path, features: list[list[float]]) -> list[float]:
    import xgboost  # in the training image only

    with tarfile.open(model_dir / "model.tar.gz") as archive:
        archive.extractall(model_dir, filter="data")
    booster = xgboost.Booster()
    booster.load_model(str(next(p for p in model_dir.iterdir() if p.name.startswith("xgboost-model"))))
    return [float(p) for p in booster.predict(xgboost.DMatrix(features))]


def main(base: Path = BASE) -> None:
    labels, features = load_test(base / "test")
    auc = roc_auc(labels, predict(base / "model", features))
    out = base / "evaluation"
    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(json.dumps({"metrics": {"auc": {"value": auc}}}))


if __name__ == "__main__":
    main()
