"""SageMaker instance types the platform allows, and which of them carry local NVMe storage.

The allowed lists keep stacks to types whose quotas, costs and KMS behaviour the
platform has been reviewed for: a CPU default, GPU options (g4dn, g5, p3, p4d) and
AWS silicon (Trainium for training, Inferentia for inference).

Instance types with local NVMe instance storage encrypt that storage with a
hardware key on the instance, and SageMaker *rejects* a request that also names a
volume KMS key (``VolumeKmsKeyId`` on jobs, ``KmsKeyId`` on endpoint configs). So
every place that sets a volume key asks :func:`volume_key_for` first.
"""

from __future__ import annotations

import re

TRAINING_INSTANCE_TYPES = (
    # CPU
    "ml.m5.large", "ml.m5.xlarge", "ml.m5.2xlarge", "ml.m5.4xlarge", "ml.c5.xlarge", "ml.c5.2xlarge", "ml.c5.4xlarge",
    # GPU
    "ml.g4dn.xlarge", "ml.g4dn.2xlarge", "ml.g5.xlarge", "ml.g5.2xlarge", "ml.g5.4xlarge", "ml.p3.2xlarge", "ml.p4d.24xlarge",
    # AWS Trainium
    "ml.trn1.2xlarge", "ml.trn1.32xlarge",
)
INFERENCE_INSTANCE_TYPES = (
    # CPU
    "ml.m5.large", "ml.m5.xlarge", "ml.m5.2xlarge", "ml.c5.large", "ml.c5.xlarge", "ml.c5.2xlarge",
    # GPU
    "ml.g4dn.xlarge", "ml.g4dn.2xlarge", "ml.g5.xlarge", "ml.g5.2xlarge",
    # AWS Inferentia
    "ml.inf1.xlarge", "ml.inf2.xlarge", "ml.inf2.8xlarge",
)

# Families with local NVMe instance storage (SageMaker "Instance Store Volumes" tables): the *d variants of
# general-purpose/compute/memory families, and the GPU/Trainium families whose storage is all instance store.
NVME_FAMILIES = frozenset({
    "c5d", "m5d", "r5d", "g4dn", "g5", "g6", "g6e", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2",
})
_INSTANCE_TYPE = re.compile(r"^ml\.(?P<family>[a-z0-9-]+)\.(?P<size>[a-z0-9]+)$")


def family(instance_type: str) -> str:
    """'ml.g5.2xlarge' -> 'g5'."""
    m = _INSTANCE_TYPE.match(instance_type)
    if not m:
        raise ValueError(f"'{instance_type}' is not a SageMaker instance type (ml.<family>.<size>)")
    return m.group("family")


def has_local_nvme(instance_type: str) -> bool:
    return family(instance_type) in NVME_FAMILIES


def volume_key_for(instance_type: str, key_arn):
    """The volume KMS key to send for ``instance_type``: ``key_arn``, or None where AWS would reject one."""
    return None if has_local_nvme(instance_type) else key_arn


def nvme_instance_patterns() -> list[str]:
    """IAM ``sagemaker:InstanceTypes`` patterns matching every NVMe family (for run-time guardrails)."""
    return [f"ml.{f}.*" for f in sorted(NVME_FAMILIES)]
