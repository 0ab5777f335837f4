"""SageMaker instance types with local NVMe instance storage, where AWS rejects a volume KMS key.

SageMaker encrypts instance-store volumes with a hardware key on the instance and fails a request that also
names a volume key (``VolumeKmsKeyId`` on jobs, ``KmsKeyId`` on endpoint configs; see the API reference of
``ResourceConfig.VolumeKmsKeyId`` and ``CreateEndpointConfig.KmsKeyId``). Rules must not demand a key there.

The program's own copy (``config/instance_types.py``, which the packs cannot import: they run with only
``policies/`` on ``sys.path``) is held to this table by tests/policies/test_instance_storage.py.
"""

from __future__ import annotations

import re
from typing import Any

# The *d variants of general-purpose/compute/memory families, and the GPU/Trainium families whose storage is
# all instance store (SageMaker "Instance Store Volumes" table). Inf1/Inf2 are EBS-only and take a key.
NVME_FAMILIES = frozenset({
    "c5d", "m5d", "r5d", "g4dn", "g5", "g6", "g6e", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2",
})
_INSTANCE_TYPE = re.compile(r"^ml\.(?P<family>[a-z0-9-]+)\.[a-z0-9]+$")


def has_local_nvme(instance_type: Any) -> bool:
    """True for a known instance type string of an NVMe family; False for anything else (unknowns included)."""
    if not isinstance(instance_type, str):
        return False
    m = _INSTANCE_TYPE.match(instance_type)
    return bool(m) and m.group("family") in NVME_FAMILIES
