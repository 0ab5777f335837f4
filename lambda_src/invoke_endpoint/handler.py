"""Serverless inference path: API Gateway (Lambda proxy) -> this function -> the SageMaker endpoint.

The request body was already validated against the API's model (an object with a
non-empty ``instances`` array of feature rows); this function re-checks it and sends
the rows to the endpoint as headerless CSV, one line per instance, in the column
order of the training features. That is the platform's data contract: the endpoint
captures the body as CSV (its capture config lists text/csv), and Model Monitor
compares those columns with the baseline PrepareFeatures wrote from the same
features, so drift is measured column by column. The endpoint's JSON answer is
returned. Request and response bodies are never logged: they may carry personal data.
"""

from __future__ import annotations

import json
import logging
import math
import os
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

ENDPOINT_NAME = os.environ["ENDPOINT_NAME"]
MAX_INSTANCES = int(os.environ.get("MAX_INSTANCES", "100"))
CONTENT_TYPE = "text/csv"  # what the endpoint receives, captures and Model Monitor parses
# The API Gateway integration times out after 29 s; give up before it does.
RUNTIME = boto3.client("sagemaker-runtime", config=Config(connect_timeout=2, read_timeout=25, retries={"max_attempts": 2}))


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def is_row(instance: Any) -> bool:
    return (isinstance(instance, list) and len(instance) > 0
            and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in instance))


def to_csv(instances: list[list[float]]) -> str:
    """One headerless CSV line per instance (repr keeps every float exact)."""
    return "\n".join(",".join(repr(float(v)) for v in row) for row in instances) + "\n"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request_id = (event.get("requestContext") or {}).get("requestId", "")
    try:
        payload = json.loads(event.get("body") or "")
    except json.JSONDecodeError:
        return _response(400, {"message": "body must be JSON", "requestId": request_id})
    instances = payload.get("instances") if isinstance(payload, dict) else None
    if not isinstance(instances, list) or not 1 <= len(instances) <= MAX_INSTANCES:
        return _response(400, {"message": f"'instances' must be a list of 1 to {MAX_INSTANCES} items", "requestId": request_id})
    if not all(is_row(i) for i in instances) or len({len(i) for i in instances}) != 1:
        return _response(400, {"message": "each instance must be a list of numbers, all of the same length", "requestId": request_id})
    try:
        result = RUNTIME.invoke_endpoint(EndpointName=ENDPOINT_NAME, ContentType=CONTENT_TYPE, Accept="application/json",
                                         Body=to_csv(instances))
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        LOG.error("endpoint call failed: %s (request %s)", code, request_id)
        status = 424 if code == "ModelError" else 503 if code in ("ThrottlingException", "ServiceUnavailable") else 502
        return _response(status, {"message": "the model could not answer", "requestId": request_id})
    return _response(200, {"predictions": json.loads(result["Body"].read()), "requestId": request_id})
