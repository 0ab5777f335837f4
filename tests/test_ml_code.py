"""The pipeline's processing scripts, run here on small data they would see in the pipeline."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from ml_code import evaluate, prepare


def write_extract(folder: Path, rows: int) -> None:
    folder.mkdir(parents=True)
    rng = random.Random(7)
    with (folder / "part-0.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["age", "label", "income"])
        for i in range(rows):
            out.writerow([20 + i % 50, i % 2, round(rng.uniform(1, 9), 2)])


def read(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_prepare_splits_label_first_and_baselines_features_only(tmp_path):
    write_extract(tmp_path / "input", 100)
    prepare.main(tmp_path)
    train, validation, test = (read(tmp_path / n / "data.csv") for n in ("train", "validation", "test"))
    assert (len(train), len(validation), len(test)) == (70, 15, 15)
    assert {row[0] for row in train} <= {"0", "1"} and all(len(row) == 3 for row in train)
    baseline = read(tmp_path / "baseline" / "data.csv")
    assert len(baseline) == 70 and all(len(row) == 2 for row in baseline)  # no label column
    assert [row[1:] for row in train] == baseline


def test_prepare_refuses_an_extract_without_the_label(tmp_path):
    (tmp_path / "input").mkdir()
    (tmp_path / "input" / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(SystemExit, match="no 'label' column"):
        prepare.main(tmp_path)


@pytest.mark.parametrize("labels,scores,auc", [
    ([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], 1.0),
    ([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1], 0.0),
    ([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], 0.5),
    ([0, 0, 1, 1, 1], [0.1, 0.4, 0.35, 0.8, 0.7], 5 / 6),
])
def test_roc_auc(labels, scores, auc):
    assert evaluate.roc_auc(labels, scores) == pytest.approx(auc)


def test_evaluate_writes_the_report_the_condition_reads(tmp_path, monkeypatch):
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "data.csv").write_text("0,1.0\n1,2.0\n0,1.5\n1,3.0\n")
    monkeypatch.setattr(evaluate, "predict", lambda model_dir, features: [f[0] for f in features])
    evaluate.main(tmp_path)
    report = json.loads((tmp_path / "evaluation" / "evaluation.json").read_text())
    assert report["metrics"]["auc"]["value"] == pytest.approx(1.0)
