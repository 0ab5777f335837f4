"""Scheduled batch predictions: EventBridge Scheduler -> this function -> CreateTransformJob.

Reads every object under the batch input prefix and writes predictions under a
dated output prefix, encrypted with the ML key. The model is the one the real-time
endpoint serves at that moment (the model delivery pipeline replaces it, so a name
fixed at deploy time would go stale): the variant with the largest weight of the
endpoint's current configuration. The transform job runs in the model's VPC
configuration with network isolation (both set on the model). The volume key is left
out on instance types with local NVMe storage, where SageMaker rejects one (the
platform passes an empty VOLUME_KMS_KEY_ARN then).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import boto3

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)
SAGEMAKER = boto3.client("sagemaker")


def current_model(endpoint_name: str) -> str:
    """The model behind the endpoint's most-weighted production variant right now."""
    config_name = SAGEMAKER.describe_endpoint(EndpointName=endpoint_name)["EndpointConfigName"]
    variants = SAGEMAKER.describe_endpoint_config(EndpointConfigName=config_name)["ProductionVariants"]
    return max(variants, key=lambda v: v.get("InitialVariantWeight", 1.0))["ModelName"]


def job_request(model_name: str, now: float | None = None) -> dict[str, Any]:
    """The CreateTransformJob request for ``model_name`` at ``now`` (epoch seconds)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    resources: dict[str, Any] = {"InstanceType": os.environ["INSTANCE_TYPE"], "InstanceCount": int(os.environ.get("INSTANCE_COUNT", "1"))}
    if os.environ.get("VOLUME_KMS_KEY_ARN"):
        resources["VolumeKmsKeyId"] = os.environ["VOLUME_KMS_KEY_ARN"]
    return {
        "TransformJobName": f"{os.environ['JOB_PREFIX']}-{stamp}"[:63],
        "ModelName": model_name,
        "BatchStrategy": "MultiRecord",
        "MaxPayloadInMB": 6,
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": os.environ["INPUT_URI"]}},
                           "ContentType": "text/csv", "SplitType": "Line", "CompressionType": "None"},
        "TransformOutput": {"S3OutputPath": f"{os.environ['OUTPUT_URI'].rstrip('/')}/{stamp}/", "KmsKeyId": os.environ["KMS_KEY_ARN"],
                            "AssembleWith": "Line", "Accept": "text/csv"},
        "TransformResources": resources,
        "DataProcessing": {"JoinSource": "None"},
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    model = current_model(os.environ["ENDPOINT_NAME"])
    request = job_request(model)
    SAGEMAKER.create_transform_job(**request)
    LOG.info("started transform job %s with model %s", request["TransformJobName"], model)
    return {"transformJobName": request["TransformJobName"], "modelName": model}
