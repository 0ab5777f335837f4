"""Scheduled batch predictions: EventBridge Scheduler -> this function -> CreateTransformJob.

Reads every object under the batch input prefix and writes predictions under a
dated output prefix, encrypted with the ML key. The transform job runs in the
model's VPC configuration with network isolation (both set on the model). The
volume key is left out on instance types with local NVMe storage, where
SageMaker rejects one (the platform passes an empty VOLUME_KMS_KEY_ARN then).
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


def job_request(now: float | None = None) -> dict[str, Any]:
    """The CreateTransformJob request for a run at ``now`` (epoch seconds)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    resources: dict[str, Any] = {"InstanceType": os.environ["INSTANCE_TYPE"], "InstanceCount": int(os.environ.get("INSTANCE_COUNT", "1"))}
    if os.environ.get("VOLUME_KMS_KEY_ARN"):
        resources["VolumeKmsKeyId"] = os.environ["VOLUME_KMS_KEY_ARN"]
    return {
        "TransformJobName": f"{os.environ['JOB_PREFIX']}-{stamp}"[:63],
        "ModelName": os.environ["MODEL_NAME"],
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
    request = job_request()
    SAGEMAKER.create_transform_job(**request)
    LOG.info("started transform job %s", request["TransformJobName"])
    return {"transformJobName": request["TransformJobName"]}
