"""The SageMaker Pipeline definition (schema version 2020-12-01) of the training layer, as plain data.

Steps: PrepareFeatures (Processing, ml_code/prepare.py) -> TrainBaseline (Training)
and TuneModel (Tuning, Automatic Model Tuning) -> EvaluateModel (Processing,
ml_code/evaluate.py, writes evaluation.json) -> CheckQuality (Condition) ->
RegisterModel (into the shared model package group, always PendingManualApproval)
and BaselineDataQuality (Model Monitor's analyzer in baselining mode, writing the
statistics and constraints the monitoring schedule compares traffic against), or
QualityTooLow (Fail). With ``autopilot`` an AutoML step (Autopilot, ensembling mode)
runs on the same features.

Each step's ``Arguments`` mirror the CreateXJob request. Every job runs in the
VPC (subnets + security group), with network isolation (where the job type has
it), inter-container traffic encryption and the ML key on outputs and volumes -
except that instance types with local NVMe storage get no volume key, because
SageMaker rejects one (see ``config.instance_types``).

Values may be ``pulumi.Output``s (role ARN, subnets, key); ``Output.json_dumps``
renders the whole definition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components.conventions import BASELINE_PREFIX
from config.instance_types import volume_key_for

VERSION = "2020-12-01"
FEATURES = ("train", "validation", "test")
OBJECTIVE_METRIC = "validation:auc"


@dataclass
class PipelineSpec:
    name: str
    role_arn: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    security_group_ids: pulumi.Input[Sequence[str]]
    kms_key_arn: pulumi.Input[str]
    curated_bucket: pulumi.Input[str]  # bucket names
    artifacts_bucket: pulumi.Input[str]
    training_image: pulumi.Input[str]  # image URIs (defaults of the pipeline parameters)
    inference_image: pulumi.Input[str]
    training_instance_type: str
    processing_instance_type: str
    inference_instance_types: Sequence[str]
    model_package_group: pulumi.Input[str] | None  # ARN in the shared-services account; None: evaluate only, no register step
    autopilot: bool = False
    monitor_image: str | None = None  # Model Monitor's analyzer; None: no data-quality baseline step
    quality_threshold: float = 0.75
    max_tuning_jobs: int = 10
    max_parallel_tuning_jobs: int = 2


def get(path: str) -> dict[str, str]:
    return {"Get": path}


def join(*values: Any) -> dict[str, Any]:
    return {"Std:Join": {"On": "/", "Values": list(values)}}


def s3(bucket: pulumi.Input[str], *parts: str) -> pulumi.Input[str]:
    """s3://bucket/parts; plain text when the bucket name is (so the definition is plain data in unit tests)."""
    if isinstance(bucket, str):
        return "/".join([f"s3://{bucket}", *parts])
    return pulumi.Output.concat("s3://", bucket, *(f"/{p}" for p in parts))


def vpc_config(spec: PipelineSpec) -> dict[str, Any]:
    return {"SecurityGroupIds": spec.security_group_ids, "Subnets": spec.subnet_ids}


def _with_volume_key(resources: dict[str, Any], instance_type: str, key: pulumi.Input[str]) -> dict[str, Any]:
    volume_key = volume_key_for(instance_type, key)
    return {**resources, "VolumeKmsKeyId": volume_key} if volume_key is not None else resources


def run_output(spec: PipelineSpec, *parts: str) -> dict[str, Any]:
    """An S3 prefix unique to each execution, under the pipeline's prefix of the artifacts bucket."""
    return join(s3(spec.artifacts_bucket, "pipelines", spec.name), get("Execution.PipelineExecutionId"), *parts)


def processing_job(spec: PipelineSpec, script: str, inputs: list[dict[str, Any]], outputs: list[dict[str, Any]],
                   arguments: list[Any] | None = None) -> dict[str, Any]:
    """CreateProcessingJob arguments: the script comes in as an input channel (no network to fetch it)."""
    code = {"InputName": "code", "AppManaged": False, "S3Input": {
        "S3Uri": s3(spec.artifacts_bucket, "pipelines", spec.name, "code", script), "LocalPath": "/opt/ml/processing/code",
        "S3DataType": "S3Prefix", "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated"}}
    return {
        "ProcessingResources": {"ClusterConfig": _with_volume_key(
            {"InstanceCount": 1, "InstanceType": spec.processing_instance_type, "VolumeSizeInGB": 30},
            spec.processing_instance_type, spec.kms_key_arn)},
        "AppSpecification": {"ImageUri": get("Parameters.TrainingImage"),
                             "ContainerEntrypoint": ["python3", f"/opt/ml/processing/code/{script}"],
                             **({"ContainerArguments": arguments} if arguments else {})},
        "RoleArn": spec.role_arn,
        "ProcessingInputs": [*inputs, code],
        "ProcessingOutputConfig": {"Outputs": outputs, "KmsKeyId": spec.kms_key_arn},
        "NetworkConfig": {"EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True, "VpcConfig": vpc_config(spec)},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }


def _input(name: str, uri: Any, local: str) -> dict[str, Any]:
    return {"InputName": name, "AppManaged": False, "S3Input": {
        "S3Uri": uri, "LocalPath": local, "S3DataType": "S3Prefix", "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated"}}


def _output(spec: PipelineSpec, name: str, local: str) -> dict[str, Any]:
    return {"OutputName": name, "AppManaged": False,
            "S3Output": {"S3Uri": run_output(spec, name), "LocalPath": local, "S3UploadMode": "EndOfJob"}}


def feature(channel: str) -> dict[str, str]:
    return get(f"Steps.PrepareFeatures.ProcessingOutputConfig.Outputs['{channel}'].S3Output.S3Uri")


def training_definition(spec: PipelineSpec, model_prefix: str) -> dict[str, Any]:
    """The parts of CreateTrainingJob shared by the baseline job and every tuning job."""
    channels = [{"ChannelName": c, "ContentType": "text/csv", "InputMode": "File", "DataSource": {"S3DataSource": {
        "S3DataType": "S3Prefix", "S3Uri": feature(c), "S3DataDistributionType": "FullyReplicated"}}} for c in ("train", "validation")]
    return {
        "RoleArn": spec.role_arn,
        "InputDataConfig": channels,
        "OutputDataConfig": {"S3OutputPath": run_output(spec, model_prefix), "KmsKeyId": spec.kms_key_arn},
        "ResourceConfig": _with_volume_key({"InstanceCount": 1, "InstanceType": spec.training_instance_type, "VolumeSizeInGB": 30},
                                           spec.training_instance_type, spec.kms_key_arn),
        "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        "VpcConfig": vpc_config(spec),
        "EnableNetworkIsolation": True,
        "EnableInterContainerTrafficEncryption": True,
    }


STATIC_HYPERPARAMETERS = {"objective": "binary:logistic", "eval_metric": "auc", "num_round": "200"}


def monitoring_baseline(spec: PipelineSpec) -> dict[str, Any]:
    """What DefaultModelMonitor.suggest_baseline runs: the analyzer over the features clients will send."""
    local_input, local_output = "/opt/ml/processing/input/baseline_dataset_input", "/opt/ml/processing/output"
    return {"Name": "BaselineDataQuality", "Type": "Processing", "Arguments": {
        "ProcessingResources": {"ClusterConfig": _with_volume_key(
            {"InstanceCount": 1, "InstanceType": spec.processing_instance_type, "VolumeSizeInGB": 30},
            spec.processing_instance_type, spec.kms_key_arn)},
        "AppSpecification": {"ImageUri": spec.monitor_image},
        "Environment": {"dataset_format": json.dumps({"csv": {"header": False}}), "dataset_source": local_input,
                        "output_path": local_output, "publish_cloudwatch_metrics": "Disabled"},
        "RoleArn": spec.role_arn,
        "ProcessingInputs": [_input("baseline_dataset_input", feature("baseline"), local_input)],
        "ProcessingOutputConfig": {"KmsKeyId": spec.kms_key_arn, "Outputs": [{
            "OutputName": "monitoring_output", "AppManaged": False,
            "S3Output": {"S3Uri": s3(spec.artifacts_bucket, BASELINE_PREFIX), "LocalPath": local_output, "S3UploadMode": "EndOfJob"}}]},
        "NetworkConfig": {"EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True, "VpcConfig": vpc_config(spec)},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }}


def steps(spec: PipelineSpec) -> list[dict[str, Any]]:
    # The target column's name reaches PrepareFeatures and Autopilot from the same parameter.
    channels = (*FEATURES, "baseline", *(["automl"] if spec.autopilot else []))
    prepare = {"Name": "PrepareFeatures", "Type": "Processing", "Arguments": processing_job(
        spec, "prepare.py",
        [_input("curated", get("Parameters.InputDataUrl"), "/opt/ml/processing/input")],
        [_output(spec, c, f"/opt/ml/processing/{c}") for c in channels],
        arguments=[get("Parameters.TargetAttribute")])}

    baseline = {"Name": "TrainBaseline", "Type": "Training", "Arguments": {
        **training_definition(spec, "baseline"),
        "AlgorithmSpecification": {"TrainingImage": get("Parameters.TrainingImage"), "TrainingInputMode": "File"},
        "HyperParameters": {**STATIC_HYPERPARAMETERS, "max_depth": "5", "eta": "0.2"},
    }}

    tuning = {"Name": "TuneModel", "Type": "Tuning", "Arguments": {
        "HyperParameterTuningJobConfig": {
            "Strategy": "Bayesian",
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": OBJECTIVE_METRIC},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": spec.max_tuning_jobs, "MaxParallelTrainingJobs": spec.max_parallel_tuning_jobs},
            "ParameterRanges": {
                "ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.05", "MaxValue": "0.5", "ScalingType": "Auto"}],
                "IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "3", "MaxValue": "10", "ScalingType": "Auto"}],
                "CategoricalParameterRanges": [],
            },
            "TrainingJobEarlyStoppingType": "Auto",
        },
        "TrainingJobDefinition": {
            **training_definition(spec, "tuning"),
            "AlgorithmSpecification": {"TrainingImage": get("Parameters.TrainingImage"), "TrainingInputMode": "File",
                                       "MetricDefinitions": [{"Name": OBJECTIVE_METRIC, "Regex": r"validation-auc:([0-9\.]+)"}]},
            "StaticHyperParameters": STATIC_HYPERPARAMETERS,
        },
    }}
    # The best tuning job's artifact: <output path>/<training job name>/output/model.tar.gz.
    best_model = join(run_output(spec, "tuning"), get("Steps.TuneModel.TrainingJobSummaries[0].TrainingJobName"), "output", "model.tar.gz")

    evaluate = {"Name": "EvaluateModel", "Type": "Processing", "Arguments": processing_job(
        spec, "evaluate.py",
        [_input("model", best_model, "/opt/ml/processing/model"),
         _input("baseline", get("Steps.TrainBaseline.ModelArtifacts.S3ModelArtifacts"), "/opt/ml/processing/baseline"),
         _input("test", feature("test"), "/opt/ml/processing/test")],
        [_output(spec, "evaluation", "/opt/ml/processing/evaluation")]),
        "PropertyFiles": [{"PropertyFileName": "EvaluationReport", "OutputName": "evaluation", "FilePath": "evaluation.json"}]}

    result = [prepare, baseline, tuning, evaluate]
    register: list[dict[str, Any]] = []
    if spec.model_package_group is not None:
        register = [{"Name": "RegisterModel", "Type": "RegisterModel", "Arguments": {
            "ModelPackageGroupName": spec.model_package_group,
            "ModelPackageDescription": f"Trained by pipeline {spec.name}",
            # The registry's resource policy admits nothing else: approval happens in shared services.
            "ModelApprovalStatus": "PendingManualApproval",
            "InferenceSpecification": {
                "Containers": [{"Image": get("Parameters.InferenceImage"), "ModelDataUrl": best_model}],
                "SupportedContentTypes": ["text/csv", "application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
                "SupportedRealtimeInferenceInstanceTypes": list(spec.inference_instance_types),
                "SupportedTransformInstanceTypes": list(spec.inference_instance_types),
            },
            "ModelMetrics": {"ModelQuality": {"Statistics": {
                "ContentType": "application/json", "S3Uri": join(run_output(spec, "evaluation"), "evaluation.json")}}},
        }}]
    # Without a register step (accounts that only consume the registry) the check still fails weak runs visibly.
    fail = {"Name": "QualityTooLow", "Type": "Fail",
            "Arguments": {"ErrorMessage": "the tuned model is below Parameters.QualityThreshold; nothing was registered"}}
    result.append({"Name": "CheckQuality", "Type": "Condition", "Arguments": {
        "Conditions": [{"Type": "GreaterThanOrEqualTo",
                        "LeftValue": {"Std:JsonGet": {"PropertyFile": get("Steps.EvaluateModel.PropertyFiles.EvaluationReport"),
                                                      "Path": "metrics.auc.value"}},
                        "RightValue": get("Parameters.QualityThreshold")}],
        # A model that passes also refreshes the drift baseline, so monitoring compares against what it was trained on.
        "IfSteps": [*register, *([monitoring_baseline(spec)] if spec.monitor_image else [])], "ElseSteps": [fail]}})
    if spec.autopilot:
        result.append({"Name": "AutoPilot", "Type": "AutoML", "Arguments": {
            "AutoMLJobConfig": {
                "Mode": "ENSEMBLING",
                "CompletionCriteria": {"MaxCandidates": 20, "MaxAutoMLJobRuntimeInSeconds": 14400},
                "SecurityConfig": {"VolumeKmsKeyId": spec.kms_key_arn, "EnableInterContainerTrafficEncryption": True,
                                   "VpcConfig": vpc_config(spec)},
            },
            # Its own channel: a header naming every column, the target named TargetAttribute (the XGBoost
            # channels are headerless with the label first, which Autopilot cannot read).
            "InputDataConfig": [{"ChannelType": "training", "ContentType": "text/csv;header=present", "CompressionType": "None",
                                 "TargetAttributeName": get("Parameters.TargetAttribute"),
                                 "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": feature("automl")}}}],
            "OutputDataConfig": {"S3OutputPath": run_output(spec, "autopilot"), "KmsKeyId": spec.kms_key_arn},
            "RoleArn": spec.role_arn,
        }})
    return result


def definition(spec: PipelineSpec) -> dict[str, Any]:
    return {
        "Version": VERSION,
        "Metadata": {},
        "Parameters": [
            {"Name": "InputDataUrl", "Type": "String", "DefaultValue": s3(spec.curated_bucket, "training", "current")},
            {"Name": "TrainingImage", "Type": "String", "DefaultValue": spec.training_image},
            {"Name": "InferenceImage", "Type": "String", "DefaultValue": spec.inference_image},
            {"Name": "QualityThreshold", "Type": "Float", "DefaultValue": spec.quality_threshold},
            {"Name": "TargetAttribute", "Type": "String", "DefaultValue": "label"},
        ],
        "PipelineExperimentConfig": {"ExperimentName": get("Execution.PipelineName"), "TrialName": get("Execution.PipelineExecutionId")},
        "Steps": steps(spec),
    }


def job_arguments(defn: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(step name, step type, arguments) of every job-running step, including those nested in conditions."""
    found: list[tuple[str, str, dict[str, Any]]] = []

    def walk(step_list: list[dict[str, Any]]) -> None:
        for step in step_list:
            if step["Type"] == "Condition":
                walk(step["Arguments"].get("IfSteps", []))
                walk(step["Arguments"].get("ElseSteps", []))
            elif step["Type"] in ("Processing", "Training", "Tuning", "AutoML", "Transform"):
                found.append((step["Name"], step["Type"], step["Arguments"]))

    walk(defn["Steps"])
    return found
