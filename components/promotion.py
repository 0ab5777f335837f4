"""Promotion of an approved model version: its artifact is copied into the shared delivery bucket.

Dev trains and registers versions whose artifacts live in dev's artifacts bucket, behind dev's bucket
perimeter and dev's ``ml`` key, which no other account can read. Promotion copies an approved version's
``model.tar.gz`` to ``s3://<shared delivery bucket>/models/promoted/<group>/<version>/model.tar.gz``
(encrypted with the shared ``artifacts`` key). Every workload account's serving model reads it from
there: the same place the delivery pipeline's models are read from. README, "From Studio to a deployed
endpoint", gives the commands.
"""

from __future__ import annotations

import re

PROMOTED_PREFIX = "models/promoted"
_VERSION_ARN = re.compile(r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package/([\w-]{1,63})/(\d+)$")


def promoted_model_key(model_package_arn: str) -> str:
    """Where the approved version ``arn:...:model-package/<group>/<version>`` is copied to."""
    m = _VERSION_ARN.match(model_package_arn)
    if not m:
        raise ValueError(f"not a model package version ARN: {model_package_arn}")
    return f"{PROMOTED_PREFIX}/{m.group(1)}/{m.group(2)}/model.tar.gz"


def bucket_name_of(bucket_arn: str) -> str:
    return bucket_arn.removeprefix("arn:aws:s3:::")
