"""SageMaker instance families with local NVMe instance storage, written out for the tests.

From the instance-store tables of the EC2 and SageMaker documentation: these families' storage is NVMe
instance store, which SageMaker encrypts with a hardware key and where it rejects a request that also names a
volume KMS key (``ResourceConfig.VolumeKmsKeyId``, ``CreateEndpointConfig.KmsKeyId``). The program's table
(``config/instance_types.py``) and the packs' table (``policies/crossguard_aws/instance_storage.py``) are held
to this one; it is deliberately not imported from either.
"""

from __future__ import annotations

NVME_FAMILIES = frozenset({
    "c5d", "m5d", "r5d",  # the *d variants of general purpose, compute and memory optimized families
    "g4dn", "g5", "g6", "g6e",  # GPU families with NVMe SSDs
    "p3dn", "p4d", "p4de", "p5", "p5e", "p5en",  # (p3 without "dn" is EBS-only)
    "trn1", "trn1n", "trn2",  # Trainium (Inferentia inf1/inf2 are EBS-only)
})
