"""prod grown by config alone: a second workload account, a third region, GPU (local NVMe) types for training and
inference, and the DR standby endpoint. One copy of the program, synthesized once, serves the stack-set tests
(test_stacksets) and the NVMe and standby tests (test_deployment), which then hold in every account."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import edit_stack_config, project_variant

EXTRA_ACCOUNT = {"id": "555555555555", "name": "mlprod2", "vpcCidrs": {"us-east-1": "10.30.0.0/16", "us-west-2": "10.31.0.0/16",
                                                                       "eu-west-1": "10.32.0.0/16"}}
TRAINING_GPU, INFERENCE_GPU = "ml.g5.2xlarge", "ml.g5.xlarge"


def prod_edit(cfg: dict) -> None:
    cfg["aiplatform:accounts"]["additionalWorkloads"] = [EXTRA_ACCOUNT]
    cfg["aiplatform:accounts"]["workload"]["vpcCidrs"]["eu-west-1"] = "10.22.0.0/16"
    cfg["aiplatform:regions"]["additional"] = ["eu-west-1"]
    cfg["aiplatform:features"]["standbyEndpoint"] = True
    cfg["aiplatform:knobs"].update(trainingInstanceType=TRAINING_GPU, inferenceInstanceType=INFERENCE_GPU)


def shared_edit(cfg: dict) -> None:
    cfg["aiplatform:accounts"]["members"].append(EXTRA_ACCOUNT["id"])
    cfg["aiplatform:knobs"]["modelRegistry"]["consumers"].append(EXTRA_ACCOUNT["id"])


def fleet_project(tmp_path_factory) -> Path:
    project = project_variant(tmp_path_factory, "fleet", "prod", prod_edit)
    # The shared stack must serve the new account too (validation reads Pulumi.shared.yaml and says so).
    edit_stack_config(project, "shared", shared_edit)
    return project
