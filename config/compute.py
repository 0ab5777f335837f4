"""Container compute options beside SageMaker (``knobs.compute``): a Fargate model service and an EKS cluster.

Each is created only when its flag is on (``features.fargateService``, ``features.eks``); these settings
shape them. ``config.compute_rules`` checks the cross-field rules (Fargate CPU/memory pairs, accelerator
families and their regions) before any resource is registered.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from config.regions import AWS_REGIONS


class Model(BaseModel):
    # Same settings as config.schema.Model (which imports this module, so it cannot be imported here).
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def _region(value: str) -> str:
    if value not in AWS_REGIONS:
        raise ValueError(f"'{value}' is not an AWS region this platform supports | fix: use one of {', '.join(sorted(AWS_REGIONS))}")
    return value


RegionName = Annotated[str, AfterValidator(_region)]


class FargateService(Model):
    """The model served from the shared ECR image on Fargate, behind API Gateway (knobs.compute.fargate)."""

    cpu: int = Field(default=1024, description="task CPU units (256, 512, 1024, 2048, 4096, 8192, 16384)")
    memory: int = Field(default=2048, description="task memory in MiB; must fit the CPU size (Fargate's table)")
    container_port: int = Field(default=8080, ge=1024, le=65535, alias="containerPort",
                                description="the serving port (SageMaker's container contract: 8080, GET /ping, POST /invocations)")
    min_tasks: int = Field(default=2, ge=1, alias="minTasks", description="autoscaling floor (one per AZ keeps it available)")
    max_tasks: int = Field(default=4, ge=1, alias="maxTasks")
    cpu_target_percent: int = Field(default=60, ge=10, le=90, alias="cpuTargetPercent", description="CPU target tracking")
    memory_target_percent: int = Field(default=75, ge=10, le=90, alias="memoryTargetPercent")
    certificate_arn: str | None = Field(default=None, alias="certificateArn",
                                        description="ACM certificate of the internal NLB's TLS listener (required with the flag on)")
    hostname: str | None = Field(default=None, description="a name the certificate covers; API Gateway verifies the NLB's certificate against it")


class EksCluster(Model):
    """The private EKS cluster for model serving and training (knobs.compute.eks)."""

    version: str = Field(default="1.35", pattern=r"^1\.\d{2}$",
                         description="Kubernetes minor version in EKS standard support (1.34 left it on 2026-12-02)")
    cpu_instance_type: str = Field(default="m6i.xlarge", alias="cpuInstanceType")
    cpu_min_nodes: int = Field(default=2, ge=1, alias="cpuMinNodes")
    cpu_max_nodes: int = Field(default=4, ge=1, alias="cpuMaxNodes")
    accelerator_instance_type: str | None = Field(default=None, alias="acceleratorInstanceType",
                                                  description="g5/p4d (NVIDIA) or inf2/trn1 (Neuron); no accelerator group if unset")
    accelerator_min_nodes: int = Field(default=0, ge=0, alias="acceleratorMinNodes", description="0 keeps idle accelerators off")
    accelerator_max_nodes: int = Field(default=2, ge=1, alias="acceleratorMaxNodes")
    node_volume_gib: int = Field(default=100, ge=20, le=16384, alias="nodeVolumeGib")
    namespace: str = Field(default="models", pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    service_account: str = Field(default="model-server", alias="serviceAccount", pattern=r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")


class Compute(Model):
    fargate: FargateService = Field(default_factory=FargateService)
    eks: EksCluster = Field(default_factory=EksCluster)
    # Regions the operator confirmed for a region-limited accelerator family, beyond config.accelerators.KNOWN_REGIONS.
    accelerator_regions: dict[str, list[RegionName]] = Field(default_factory=dict, alias="acceleratorRegions")
