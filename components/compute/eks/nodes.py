"""Managed node groups of the EKS cluster: one CPU group, optionally one accelerator group.

* Instances in the isolated subnets, launched from a launch template that requires IMDSv2 with a hop limit
  of 1 (pods cannot reach the node's credentials; they get their own through Pod Identity) and encrypts the
  root EBS volume with the cluster's key. The SageMaker rule "no volume key on NVMe types" does not apply
  on EC2: an EBS volume can always carry a customer-managed key, and the instance-store NVMe of g5/p4d/trn1
  is encrypted by the hardware.
* The AMI type follows the family (``config.accelerators``): standard AL2023 for CPU, NVIDIA for g5/p4d,
  Neuron for inf2/trn1. The accelerator group is tainted ``NoSchedule`` on its device resource, so only pods
  that tolerate it (and request the device) land there.
* The node role can pull only the platform's repositories (and decrypt with their registry key); it holds
  the worker and CNI policies EKS requires and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam
from components import sagemaker_iam as smi
from components.compute.eks.identity import plain_service_trust
from components.providers import Target
from config.accelerators import CPU_AMI, FAMILIES, family_of

NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy")


@dataclass
class NodeGroupSpec:
    label: str  # "cpu" or "accelerator"
    instance_type: str
    min_nodes: int
    max_nodes: int


def ami_and_taints(instance_type: str) -> tuple[str, list[dict[str, str]]]:
    fam = FAMILIES.get(family_of(instance_type) or "")
    if fam is None:
        return CPU_AMI, []
    return fam.ami_type, [{"key": fam.taint_key, "value": "true", "effect": "NO_SCHEDULE"}]


def node_role(name: str, t: Target, parent: pulumi.Resource, repository_arns: Sequence[pulumi.Input[str]],
              registry_key_arns: Sequence[pulumi.Input[str]]) -> aws.iam.Role:
    role = aws.iam.Role(f"{name}-node-role", assume_role_policy=plain_service_trust("ec2.amazonaws.com"),
                        description="EKS managed nodes: join the cluster, run the CNI, pull the platform's images",
                        opts=t.opts(parent))
    for policy in NODE_POLICIES:
        aws.iam.RolePolicyAttachment(f"{name}-node-{policy}", role=role.name, policy_arn=f"arn:aws:iam::aws:policy/{policy}",
                                     opts=t.opts(parent))
    aws.iam.RolePolicy(f"{name}-node-image-pull", role=role.id,
                       policy=iam.document(smi.image_statements(repository_arns, registry_key_arns, [t.region])), opts=t.opts(parent))
    return role


def launch_template(name: str, t: Target, parent: pulumi.Resource, key_arn: pulumi.Input[str], volume_gib: int) -> aws.ec2.LaunchTemplate:
    return aws.ec2.LaunchTemplate(
        f"{name}-nodes", description="EKS nodes: IMDSv2 only, encrypted root volume", update_default_version=True,
        metadata_options={"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1,
                          "instance_metadata_tags": "disabled"},
        block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {
            "encrypted": "true", "kms_key_id": key_arn, "volume_size": volume_gib, "volume_type": "gp3",
            "delete_on_termination": "true"}}],
        opts=t.opts(parent))


def node_group(name: str, t: Target, parent: pulumi.Resource, cluster_name: pulumi.Input[str], role: aws.iam.Role,
               subnet_ids: pulumi.Input[Sequence[str]], template: aws.ec2.LaunchTemplate, spec: NodeGroupSpec,
               after: Sequence[pulumi.Resource]) -> aws.eks.NodeGroup:
    ami, taints = ami_and_taints(spec.instance_type)
    return aws.eks.NodeGroup(
        f"{name}-{spec.label}", cluster_name=cluster_name, node_role_arn=role.arn, subnet_ids=subnet_ids,
        instance_types=[spec.instance_type], ami_type=ami, capacity_type="ON_DEMAND", taints=taints,
        labels={"aiplatform/pool": spec.label},
        scaling_config={"min_size": spec.min_nodes, "max_size": spec.max_nodes, "desired_size": spec.min_nodes},
        update_config={"max_unavailable": 1},
        launch_template={"id": template.id, "version": template.latest_version.apply(str)},
        # The cluster autoscaler owns the desired size once the group runs.
        opts=t.opts(parent, depends_on=list(after), ignore_changes=["scalingConfig.desiredSize"]))
