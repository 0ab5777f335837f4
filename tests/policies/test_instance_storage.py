"""NVMe instance types: the packs and the program know the same table, and the KMS rules follow it."""

from __future__ import annotations

import json

import pytest
from crossguard_aws import instance_storage

from config import instance_types
from tests.instance_store import NVME_FAMILIES
from tests.policies.cases import KEY, pipeline
from tests.policies.harness import R, run_rule

ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
NATIVE_ENDPOINT_CONFIG = "aws-native:sagemaker:EndpointConfig"


@pytest.mark.parametrize("table", [instance_storage.NVME_FAMILIES, instance_types.NVME_FAMILIES], ids=["packs", "program"])
def test_the_packs_and_the_program_know_the_documented_nvme_table(table):
    assert table == NVME_FAMILIES


@pytest.mark.parametrize("instance_type", sorted(set(instance_types.TRAINING_INSTANCE_TYPES) | set(instance_types.INFERENCE_INSTANCE_TYPES)))
def test_both_classify_every_allowed_instance_type_alike(instance_type):
    assert instance_storage.has_local_nvme(instance_type) == instance_types.has_local_nvme(instance_type)


@pytest.mark.parametrize(("instance_type", "nvme"), [
    ("ml.g5.xlarge", True), ("ml.g4dn.2xlarge", True), ("ml.p4d.24xlarge", True), ("ml.p5.48xlarge", True),
    ("ml.trn1.32xlarge", True), ("ml.m5d.large", True), ("ml.c5d.xlarge", True),
    ("ml.g6e.xlarge", True),  # G6e (L40S): local NVMe SSD instance store, 250 GB on g6e.xlarge up to 7.6 TB
    ("ml.m5.large", False), ("ml.p3.2xlarge", False), ("ml.inf2.xlarge", False), ("ml.inf1.xlarge", False),
])
def test_nvme_families_written_out(instance_type, nvme):
    assert instance_storage.has_local_nvme(instance_type) is nvme


def _endpoint(type_: str, instance_type: str, key: str | None = None) -> R:
    props = {"productionVariants": [{"variantName": "a", "instanceType": instance_type, "initialInstanceCount": 1}]}
    if key:
        props["kmsKeyArn" if type_ == ENDPOINT_CONFIG else "kmsKeyId"] = key
    return R(type_, "ep", props)


@pytest.mark.parametrize("type_", [ENDPOINT_CONFIG, NATIVE_ENDPOINT_CONFIG])
def test_endpoint_config_on_nvme_needs_no_volume_key(type_):
    result = run_rule("aws-sagemaker-endpointconfig-enforce-kms", _endpoint(type_, "ml.g5.xlarge"))
    assert result.violations("aws-sagemaker-endpointconfig-enforce-kms") == []


@pytest.mark.parametrize("type_", [ENDPOINT_CONFIG, NATIVE_ENDPOINT_CONFIG])
def test_endpoint_config_on_ebs_type_still_needs_the_key(type_):
    result = run_rule("aws-sagemaker-endpointconfig-enforce-kms", _endpoint(type_, "ml.m5.large"))
    [v] = result.violations("aws-sagemaker-endpointconfig-enforce-kms")
    assert "is not set" in v.message


def _train_step(instance_type, parameters=None) -> str:
    step = {"Name": "Train", "Type": "Training", "Arguments": {
        "OutputDataConfig": {"S3OutputPath": "s3://x", "KmsKeyId": KEY},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": instance_type}}}
    body = json.loads(pipeline([step]))
    if parameters:
        body["Parameters"] = parameters
    return json.dumps(body)


@pytest.mark.parametrize(("instance_type", "parameters"), [
    ("ml.g5.xlarge", None),
    ({"Get": "Parameters.TrainType"}, [{"Name": "TrainType", "Type": "String", "DefaultValue": "ml.p4d.24xlarge"}]),
])
def test_pipeline_step_on_nvme_needs_no_volume_key(instance_type, parameters):
    res = R("aws:sagemaker/pipeline:Pipeline", "p", {"pipelineDefinition": _train_step(instance_type, parameters)})
    assert run_rule("aws-sagemaker-pipeline-enforce-kms", res).violations("aws-sagemaker-pipeline-enforce-kms") == []


@pytest.mark.parametrize(("instance_type", "parameters"), [
    ("ml.m5.xlarge", None),
    ({"Get": "Parameters.TrainType"}, [{"Name": "TrainType", "Type": "String", "DefaultValue": "ml.c5.xlarge"}]),
])
def test_pipeline_step_on_ebs_type_needs_the_volume_key(instance_type, parameters):
    res = R("aws:sagemaker/pipeline:Pipeline", "p", {"pipelineDefinition": _train_step(instance_type, parameters)})
    [v] = run_rule("aws-sagemaker-pipeline-enforce-kms", res).violations("aws-sagemaker-pipeline-enforce-kms")
    assert "ResourceConfig.VolumeKmsKeyId is not set" in v.message


@pytest.mark.parametrize(("instance_type", "violations"), [("ml.g5.2xlarge", 0), ("ml.m5.xlarge", 1)])
def test_training_job_volume_key_follows_the_instance_type(instance_type, violations):
    res = R("aws:sagemaker/trainingJob:TrainingJob", "t", {
        "outputDataConfig": {"kmsKeyId": KEY}, "resourceConfig": {"instanceType": instance_type, "instanceCount": 1}})
    found = run_rule("aws-sagemaker-job-enforce-kms", res).violations("aws-sagemaker-job-enforce-kms")
    assert len(found) == violations
    assert all("resourceConfig.volumeKmsKeyId is not set" in v.message for v in found)
