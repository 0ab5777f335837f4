"""Accelerator families (GPU, AWS Inferentia, AWS Trainium) and the AWS rules that differ per family.

One table serves both SageMaker (``ml.<family>.<size>``) and EC2/EKS (``<family>.<size>``) types:

* **Neuron families** (``inf1``, ``inf2``, ``trn1``, ``trn1n``) run only containers built with the AWS Neuron
  SDK and models compiled with it; the EKS node group needs the Neuron AMI (``AL2023_x86_64_NEURON``) and
  pods request ``aws.amazon.com/neuron``. GPU families need the NVIDIA AMI and request ``nvidia.com/gpu``.
* **Volume keys**: SageMaker rejects a volume KMS key on instance types with local NVMe storage (``trn1``,
  ``g5``, ``p4d``: see ``config.instance_types``). On EC2 that rule does not exist: an EKS node's EBS root
  volume can always be encrypted with a customer-managed key, so every launch template sets one.
* **Regions**: these families are offered in fewer regions than CPU types. ``KNOWN_REGIONS`` lists regions
  known to offer each; ``knobs.compute.acceleratorRegions`` adds regions the operator has checked with
  ``aws ec2 describe-instance-type-offerings --filters Name=instance-type,Values=<family>.*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str
    kind: str  # "gpu" | "neuron"
    ami_type: str  # EKS managed node group AMI type
    device_resource: str  # the Kubernetes extended resource pods request
    taint_key: str


NEURON_AMI = "AL2023_x86_64_NEURON"
NVIDIA_AMI = "AL2023_x86_64_NVIDIA"
CPU_AMI = "AL2023_x86_64_STANDARD"

FAMILIES: dict[str, Family] = {
    "g5": Family("g5", "gpu", NVIDIA_AMI, "nvidia.com/gpu", "nvidia.com/gpu"),
    "p4d": Family("p4d", "gpu", NVIDIA_AMI, "nvidia.com/gpu", "nvidia.com/gpu"),
    "inf2": Family("inf2", "neuron", NEURON_AMI, "aws.amazon.com/neuron", "aws.amazon.com/neuron"),
    "trn1": Family("trn1", "neuron", NEURON_AMI, "aws.amazon.com/neuron", "aws.amazon.com/neuron"),
}
NEURON_FAMILIES = frozenset({"inf1", "inf2", "trn1", "trn1n"})

# Regions known to offer the AWS-silicon families (a deliberately small subset of AWS's current offering, which
# AWS publishes only per region through DescribeInstanceTypeOfferings); any other region must be confirmed by the
# operator (knobs.compute.acceleratorRegions). SageMaker's ml.* types are held to the same list.
KNOWN_REGIONS: dict[str, frozenset[str]] = {
    "inf1": frozenset({"us-east-1", "us-west-2"}),
    "inf2": frozenset({"us-east-1", "us-east-2", "us-west-2"}),
    "trn1": frozenset({"us-east-1", "us-west-2"}),
    "trn1n": frozenset({"us-east-1", "us-west-2"}),
}

# EC2 types the EKS accelerator node group may use: the families above, reviewed sizes only.
EKS_ACCELERATOR_TYPES = (
    "g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.12xlarge", "p4d.24xlarge",
    "inf2.xlarge", "inf2.8xlarge", "inf2.24xlarge", "inf2.48xlarge", "trn1.2xlarge", "trn1.32xlarge",
)
EKS_CPU_TYPES = ("m5.large", "m5.xlarge", "m5.2xlarge", "m6i.large", "m6i.xlarge", "m6i.2xlarge", "c6i.xlarge", "c6i.2xlarge")

_TYPE = re.compile(r"^(?:ml\.)?(?P<family>[a-z0-9-]+)\.(?P<size>[a-z0-9]+)$")


def family_of(instance_type: str) -> str | None:
    """'ml.inf2.xlarge' or 'inf2.xlarge' -> 'inf2'; None if malformed."""
    m = _TYPE.match(instance_type)
    return m.group("family") if m else None


def is_neuron(instance_type: str) -> bool:
    return family_of(instance_type) in NEURON_FAMILIES


def offered_in(instance_type: str, region: str, extra: dict[str, list[str]] | None = None) -> bool:
    """False only for a region-limited family in a region neither AWS's launch list nor the operator confirmed."""
    fam = family_of(instance_type)
    if fam not in KNOWN_REGIONS:
        return True
    return region in KNOWN_REGIONS[fam] or region in (extra or {}).get(fam, [])
