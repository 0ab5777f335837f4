"""The dev stack with GPU (NVMe) training and inference types passes the gate, offline and in preview.

NVMe instance types cannot take a volume KMS key (AWS rejects it), so the program leaves it out there; the
packs must know the same rule (policies/crossguard_aws/instance_storage.py) instead of blocking the stack.
"""

from __future__ import annotations

import pytest

from platformctl.offline.runner import synth_isolated
from platformctl.policy_host.gate import HOUSE_RULES, policy_gate
from tests.conftest import project_variant

GPU = "ml.g5.xlarge"


@pytest.fixture(scope="module")
def gpu_dev(tmp_path_factory):
    def edit(config):
        config["aiplatform:knobs"].update(trainingInstanceType=GPU, inferenceInstanceType=GPU)

    return project_variant(tmp_path_factory, "gpu-dev", "dev", edit)


@pytest.mark.parametrize("preview", [False, True], ids=["offline", "preview"])
def test_dev_with_gpu_training_and_inference_passes(snapshots, gpu_dev, preview):
    snapshot = synth_isolated(gpu_dev, "dev", {"shared": snapshots["shared"].outputs}, preview=preview)
    configs = [r for r in snapshot.resources if r.type == "aws:sagemaker/endpointConfiguration:EndpointConfiguration"]
    assert configs and all(v["instanceType"] == GPU for c in configs for v in c.inputs["productionVariants"])
    assert all("kmsKeyArn" not in c.inputs for c in configs), "the program leaves the volume key out on NVMe types"
    # A copy of this project: checked with its house rules, as platformctl check does for the repository itself.
    with policy_gate("dev", gpu_dev, config_files=[HOUSE_RULES], preview=preview) as judge:
        violations = judge(snapshot)
    assert [(v.policy_id, v.resource_name, v.message) for v in violations if v.mandatory] == []
    kms = {"aws-encryption/aws-sagemaker-endpointconfig-enforce-kms", "aws-encryption/aws-sagemaker-pipeline-enforce-kms"}
    assert [v.message for v in violations if v.policy_id in kms and not v.not_judged] == []
