"""The dev stack with GPU (NVMe) training and inference types passes the gate, offline and in preview.

NVMe instance types cannot take a volume KMS key (AWS rejects it), so the program leaves it out there; the
packs must know the same rule (policies/crossguard_aws/instance_storage.py) instead of blocking the stack.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from platformctl.cli import main
from platformctl.policy_host.gate import HOUSE_RULES, policy_gate
from tests.conftest import project_variant

GPU = "ml.g5.xlarge"
KMS_RULES = {"aws-sagemaker-endpointconfig-enforce-kms", "aws-sagemaker-pipeline-enforce-kms"}


@pytest.fixture(scope="module")
def gpu_dev(tmp_path_factory):
    def edit(config):
        config["aiplatform:knobs"].update(trainingInstanceType=GPU, inferenceInstanceType=GPU)

    return project_variant(tmp_path_factory, "gpu-dev", "dev", edit)


def test_check_dev_with_gpu_training_and_inference_passes(gpu_dev, tmp_path):
    # A copy of this project: checked with its house rules, as `platformctl check` does for the repository itself.
    report = tmp_path / "gpu.json"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["check", "dev", "--project-dir", str(gpu_dev), "--policy-pack-config", str(HOUSE_RULES),
                     "--format", "json", "--output", str(report)])
    assert code == 0, out.getvalue()
    assert "PASS dev: 0 mandatory" in out.getvalue()
    [stack] = json.loads(report.read_text())["stacks"]
    assert [v for v in stack["violations"] if v["policy"] in KMS_RULES] == []
    on_endpoint_configs = [v for v in stack["violations"] if v["resource_type"].startswith("aws:sagemaker/endpointConfiguration")]
    assert on_endpoint_configs == []


def test_preview_of_dev_with_gpu_passes(snapshots, gpu_dev, synth_variant):
    snapshot = synth_variant(gpu_dev, "dev", {"shared": snapshots["shared"].outputs}, preview=True)
    configs = [r for r in snapshot.resources if r.type == "aws:sagemaker/endpointConfiguration:EndpointConfiguration"]
    assert configs and all(v["instanceType"] == GPU for c in configs for v in c.inputs["productionVariants"])
    assert all("kmsKeyArn" not in c.inputs for c in configs), "the program leaves the volume key out on NVMe types"
    with policy_gate("dev", gpu_dev, config_files=[HOUSE_RULES], preview=True) as judge:
        violations = judge(snapshot)
    assert [(v.policy_id, v.resource_name, v.message) for v in violations if v.mandatory] == []
    assert [v.message for v in violations if v.policy in KMS_RULES and not v.not_judged] == []
