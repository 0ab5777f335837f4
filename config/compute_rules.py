"""Cross-field rules of the container compute options and of accelerator instance types (knobs.compute, features).

Each rule is one AWS constraint that would otherwise fail deep into ``pulumi up`` (or silently produce a
service that cannot start): Fargate's CPU/memory table, accelerator families per region, Neuron images,
the certificate the internal load balancer's TLS listener needs.
"""

from __future__ import annotations

import re

from config.accelerators import EKS_ACCELERATOR_TYPES, EKS_CPU_TYPES, KNOWN_REGIONS, is_neuron, offered_in
from config.errors import Problem
from config.schema import Environment, PlatformConfig

# Fargate task sizes: CPU units -> allowed memory (MiB), from the ECS task definition reference.
FARGATE_MEMORY: dict[int, range] = {
    256: range(512, 2048 + 1, 512),
    512: range(1024, 4096 + 1, 1024),
    1024: range(2048, 8192 + 1, 1024),
    2048: range(4096, 16384 + 1, 1024),
    4096: range(8192, 30720 + 1, 1024),
    8192: range(16384, 61440 + 1, 4096),
    16384: range(32768, 122880 + 1, 8192),
}
ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):\d{12}:certificate/[0-9a-f-]{36}$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _memory_fix(cpu: int) -> str:
    allowed = FARGATE_MEMORY[cpu]
    return f"with cpu {cpu} use memory {allowed.start}-{allowed.stop - 1} in steps of {allowed.step}"


def compute_problems(cfg: PlatformConfig) -> list[Problem]:
    problems: list[Problem] = []
    add = lambda key, message, fix: problems.append(Problem(key, message, fix))  # noqa: E731
    f, k = cfg.features, cfg.knobs
    c = k.compute
    primary = cfg.regions.primary
    if cfg.environment is Environment.shared:
        for key, on in (("features.fargateService", f.fargate_service), ("features.eks", f.eks)):
            if on:
                add(key, "container compute runs in workload accounts; the shared stack has none", "turn it on in Pulumi.dev.yaml or Pulumi.prod.yaml")

    for family in c.accelerator_regions:
        if family not in KNOWN_REGIONS:
            add(f"knobs.compute.acceleratorRegions.{family}", f"'{family}' is not a region-limited accelerator family",
                f"use one of: {', '.join(sorted(KNOWN_REGIONS))}")

    if f.fargate_service:
        fg = c.fargate
        key = "knobs.compute.fargate"
        if fg.cpu not in FARGATE_MEMORY:
            add(f"{key}.cpu", f"Fargate has no task size with {fg.cpu} CPU units", f"use one of {', '.join(map(str, FARGATE_MEMORY))}")
        elif fg.memory not in FARGATE_MEMORY[fg.cpu]:
            add(f"{key}.memory", f"Fargate cannot give {fg.memory} MiB to a {fg.cpu}-unit task", _memory_fix(fg.cpu))
        if fg.min_tasks > fg.max_tasks:
            add(f"{key}.maxTasks", f"maxTasks ({fg.max_tasks}) is below minTasks ({fg.min_tasks})", "make maxTasks at least minTasks")
        m = ACM_ARN.match(fg.certificate_arn or "")
        if not m:
            add(f"{key}.certificateArn", "the internal load balancer serves TLS only and needs an ACM certificate ARN",
                "request or import a certificate in ACM for the service's hostname and set its ARN here")
        elif m.group("region") != primary:
            add(f"{key}.certificateArn", f"the certificate is in {m.group('region')}, the service in {primary}",
                f"use a certificate from ACM in {primary} (load balancers use certificates of their own region)")
        if not HOSTNAME.match(fg.hostname or ""):
            add(f"{key}.hostname", "API Gateway verifies the load balancer's certificate against a hostname, and none is set",
                "set it to a lowercase DNS name the certificate covers, e.g. models.internal.example.com")

    if f.eks:
        e = c.eks
        key = "knobs.compute.eks"
        if e.cpu_instance_type not in EKS_CPU_TYPES:
            add(f"{key}.cpuInstanceType", f"'{e.cpu_instance_type}' is not a CPU node type the platform allows", f"use one of: {', '.join(EKS_CPU_TYPES)}")
        if e.cpu_min_nodes > e.cpu_max_nodes:
            add(f"{key}.cpuMaxNodes", f"cpuMaxNodes ({e.cpu_max_nodes}) is below cpuMinNodes ({e.cpu_min_nodes})", "make cpuMaxNodes at least cpuMinNodes")
        accel = e.accelerator_instance_type
        if accel is not None:
            if accel not in EKS_ACCELERATOR_TYPES:
                add(f"{key}.acceleratorInstanceType", f"'{accel}' is not an accelerator node type the platform allows",
                    f"use one of: {', '.join(EKS_ACCELERATOR_TYPES)}")
            elif not offered_in(accel, primary, c.accelerator_regions):
                add(f"{key}.acceleratorInstanceType", f"{accel} is not known to be offered in {primary}",
                    f"choose a region in {sorted(KNOWN_REGIONS[accel.split('.')[0]])}, or confirm it with `aws ec2 describe-instance-type-offerings` "
                    f"and list {primary} under knobs.compute.acceleratorRegions.{accel.split('.')[0]}")
            if e.accelerator_min_nodes > e.accelerator_max_nodes:
                add(f"{key}.acceleratorMaxNodes", f"acceleratorMaxNodes ({e.accelerator_max_nodes}) is below acceleratorMinNodes "
                    f"({e.accelerator_min_nodes})", "make acceleratorMaxNodes at least acceleratorMinNodes")

    if cfg.environment is not Environment.shared:
        problems += _sagemaker_accelerators(cfg)
    return problems


def _sagemaker_accelerators(cfg: PlatformConfig) -> list[Problem]:
    """ml.inf*/ml.trn* types: offered in the regions they run in, and served from a Neuron build of the image."""
    problems: list[Problem] = []
    k = cfg.knobs
    extra = k.compute.accelerator_regions
    primary = cfg.regions.primary
    variants = [(f"knobs.endpoint.variants[{i}].instanceType", v.instance_type or k.inference_instance_type)
                for i, v in enumerate(k.endpoint.variants)]
    keyed = [("knobs.trainingInstanceType", k.training_instance_type, [primary]),
             ("knobs.processingInstanceType", k.processing_instance_type, [primary]),
             ("knobs.inferenceInstanceType", k.inference_instance_type, [primary])]
    standby = [cfg.regions.dr] if cfg.features.standby_endpoint and cfg.regions.dr else []
    keyed += [(key, t, [primary, *standby]) for key, t in variants]
    reported = set()
    for key, itype, regions in keyed:
        for region in regions:
            if not offered_in(itype, region, extra) and (key, region) not in reported:
                reported.add((key, region))
                fam = itype.split(".")[1]
                problems.append(Problem(key, f"{itype} is not known to be offered in {region}",
                                        f"choose another type, or confirm {fam} in {region} with `aws ec2 describe-instance-type-offerings` "
                                        f"and list {region} under knobs.compute.acceleratorRegions.{fam}"))
    neuron = [key for key, itype, _ in keyed if is_neuron(itype) and key != "knobs.processingInstanceType"]
    if neuron and "neuron" not in k.endpoint.image_tag.lower():
        problems.append(Problem("knobs.endpoint.imageTag", f"{neuron[0]} is an Inferentia/Trainium type, which runs only images built with "
                                f"the AWS Neuron SDK, but image tag '{k.endpoint.image_tag}' is not marked as a Neuron build",
                                "build the image from an AWS Neuron deep learning container (models compiled with neuronx-cc) and push it "
                                "with a tag containing 'neuron', e.g. 1.4.0-neuronx"))
    return problems
