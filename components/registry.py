"""Container and model registries in the shared-services account (owned by the shared stack).

ECR: one repository per image kind (training, inference), immutable tags, scan on
push, KMS with the shared-services ``artifacts`` key, a lifecycle policy, a
repository policy that lets only the workload accounts pull, and replication to the
DR region. Replicated repositories are created by ECR itself, so a repository
creation template gives them the same controls (KMS with the DR region's key,
immutability, pull policy, lifecycle).

Model registry: a SageMaker model package group whose resource policy lets
publisher accounts register versions (only as ``PendingManualApproval``: no
workload account can approve its own model) and consumer accounts read versions
and create models from them (the multi-account pattern: train in dev, approve in
shared services, deploy to prod).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components.naming import fit
from components.providers import Target

IMAGE_KINDS = ("training", "inference")
PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]


def repository_name(org: str, kind: str) -> str:
    """'<org>/ml-<kind>': the org prefix is what replication and the creation template match on."""
    return f"{org}/ml-{kind}"


def image_uri(registry_id: str, region: str, repository: str, tag: str) -> str:
    """An image in the primary repository or its replica (same name, the region's registry host)."""
    return f"{registry_id}.dkr.ecr.{region}.amazonaws.com/{repository}:{tag}"


def model_package_group_name(org: str) -> str:
    return fit(f"{org}-ml-models", "sagemaker")


def lifecycle_policy(max_images: int) -> str:
    """Untagged layers go after a week; beyond ``max_images`` the oldest images go (tags are never reused)."""
    return json.dumps({"rules": [
        {"rulePriority": 1, "description": "expire untagged images after 7 days",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7},
         "action": {"type": "expire"}},
        {"rulePriority": 2, "description": f"keep the newest {max_images} images",
         "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": max_images},
         "action": {"type": "expire"}},
    ]})


def pull_policy(member_accounts: Sequence[str]) -> dict[str, Any]:
    """Only the workload accounts may pull; pushing stays with shared-services IAM (CI).

    ECR repository policies must not name a Resource (the repository is implied; ECR rejects one).
    """
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "WorkloadAccountsPull",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in member_accounts]},
        "Action": PULL_ACTIONS,
    }]}


def model_group_policy(group_arn: str, publishers: Sequence[str], consumers: Sequence[str]) -> dict[str, Any]:
    """Publishers register pending versions; consumers read versions (and so may build models from them)."""
    region_account, _, group = group_arn.partition(":model-package-group/")
    versions = f"{region_account}:model-package/{group}/*"
    statements: list[dict[str, Any]] = []
    if publishers:
        roots = [f"arn:aws:iam::{a}:root" for a in publishers]
        statements += [
            {"Sid": "PublishersRegisterPendingVersions", "Effect": "Allow", "Principal": {"AWS": roots},
             "Action": ["sagemaker:CreateModelPackage"], "Resource": [group_arn, versions],
             "Condition": {"StringEquals": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}}},
            {"Sid": "PublishersDescribe", "Effect": "Allow", "Principal": {"AWS": roots},
             "Action": ["sagemaker:DescribeModelPackageGroup", "sagemaker:DescribeModelPackage"], "Resource": [group_arn, versions]},
        ]
    if consumers:
        roots = [f"arn:aws:iam::{a}:root" for a in consumers]
        statements += [
            {"Sid": "ConsumersReadGroup", "Effect": "Allow", "Principal": {"AWS": roots},
             "Action": ["sagemaker:DescribeModelPackageGroup"], "Resource": group_arn},
            # CreateModel from a cross-account package is authorized by reading the package version.
            {"Sid": "ConsumersReadVersions", "Effect": "Allow", "Principal": {"AWS": roots},
             "Action": ["sagemaker:DescribeModelPackage"], "Resource": versions},
        ]
    return {"Version": "2012-10-17", "Statement": statements}


@dataclass
class RegistriesArgs:
    target: Target  # shared-services, primary region
    org: str
    artifacts_key_arn: pulumi.Input[str]
    member_accounts: list[str]  # may pull images
    protect: bool
    dr_target: Target | None = None  # shared-services, DR region: replicas land here
    dr_artifacts_key_arn: pulumi.Input[str] | None = None
    publishers: list[str] = field(default_factory=list)
    consumers: list[str] = field(default_factory=list)
    max_images: int = 100


class Registries(pulumi.ComponentResource):
    """ECR repositories (``repositories[kind]``) and the model package group."""

    repositories: dict[str, aws.ecr.Repository]

    def __init__(self, name: str, args: RegistriesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:registry:Registries", name, None, opts)
        t = args.target
        stateful = t.stateful(self, args.protect)
        policy = json.dumps(pull_policy(args.member_accounts))
        lifecycle = lifecycle_policy(args.max_images)

        self.repositories = {}
        for kind in IMAGE_KINDS:
            repo = aws.ecr.Repository(
                f"{t.key}-ecr-{kind}",
                name=repository_name(args.org, kind),
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
                encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(
                    encryption_type="KMS", kms_key=args.artifacts_key_arn)],
                force_delete=False,
                opts=stateful)
            aws.ecr.RepositoryPolicy(f"{t.key}-ecr-{kind}-pull", repository=repo.name, policy=policy, opts=t.opts(self))
            aws.ecr.LifecyclePolicy(f"{t.key}-ecr-{kind}-lifecycle", repository=repo.name, policy=lifecycle, opts=t.opts(self))
            self.repositories[kind] = repo
        self._scanning(t)
        if args.dr_target is not None:
            self._replication(args)

        group = aws.sagemaker.ModelPackageGroup(
            f"{t.key}-model-registry", model_package_group_name=model_package_group_name(args.org),
            model_package_group_description="Versions trained in the workload accounts; approved here, deployed to prod",
            opts=stateful)
        aws.sagemaker.ModelPackageGroupPolicy(
            f"{t.key}-model-registry-policy", model_package_group_name=group.model_package_group_name,
            resource_policy=group.arn.apply(lambda arn: json.dumps(model_group_policy(arn, args.publishers, args.consumers))),
            opts=t.opts(self))

        self.registry_id = t.account_id
        self.repository_names = {kind: r.name for kind, r in self.repositories.items()}
        self.repository_arns = {kind: r.arn for kind, r in self.repositories.items()}
        self.repository_urls = {kind: r.repository_url for kind, r in self.repositories.items()}
        self.model_package_group_name = group.model_package_group_name
        self.model_package_group_arn = group.arn
        self.register_outputs({
            "registryId": self.registry_id, "repositoryNames": self.repository_names, "repositoryArns": self.repository_arns,
            "repositoryUrls": self.repository_urls, "modelPackageGroupName": self.model_package_group_name,
            "modelPackageGroupArn": self.model_package_group_arn,
        })

    def _scanning(self, t: Target) -> None:
        # Registry-level rule (a per-account-per-region singleton) so replicas are scanned on arrival too.
        aws.ecr.RegistryScanningConfiguration(
            f"{t.key}-ecr-scanning", scan_type="BASIC",
            rules=[aws.ecr.RegistryScanningConfigurationRuleArgs(
                scan_frequency="SCAN_ON_PUSH",
                repository_filters=[aws.ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs(filter="*", filter_type="WILDCARD")])],
            opts=t.opts(self))

    def _replication(self, args: RegistriesArgs) -> None:
        t, dr = args.target, args.dr_target
        assert dr is not None and args.dr_artifacts_key_arn is not None
        self._scanning(dr)
        prefix = args.org
        # ECR creates the replicas from this template; with a KMS key it must act through a role of ours.
        role = aws.iam.Role(
            f"{dr.key}-ecr-replica-creation", path="/aiplatform/",
            assume_role_policy=iam.service_trust("ecr.amazonaws.com", dr.account_id),
            description="ECR creates KMS-encrypted replica repositories in the DR region", opts=dr.opts(self))
        aws.iam.RolePolicy(
            f"{dr.key}-ecr-replica-creation", role=role.id,
            policy=iam.document([
                iam.allow(["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"],
                          dr.arn("ecr", f"repository/{prefix}/*"), sid="CreateReplicaRepositories"),
                iam.allow(["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"], args.dr_artifacts_key_arn, sid="EncryptReplicas"),
            ]),
            opts=dr.opts(self))
        aws.ecr.RepositoryCreationTemplate(
            f"{dr.key}-ecr-replica-template", prefix=prefix, applied_fors=["REPLICATION"],
            description="Replicas of the primary region's ML images: same controls, DR-region key",
            image_tag_mutability="IMMUTABLE", custom_role_arn=role.arn,
            encryption_configurations=[aws.ecr.RepositoryCreationTemplateEncryptionConfigurationArgs(
                encryption_type="KMS", kms_key=args.dr_artifacts_key_arn)],
            repository_policy=json.dumps(pull_policy(args.member_accounts)),
            lifecycle_policy=lifecycle_policy(args.max_images),
            opts=dr.opts(self))
        aws.ecr.ReplicationConfiguration(
            f"{t.key}-ecr-replication",
            replication_configuration=aws.ecr.ReplicationConfigurationReplicationConfigurationArgs(rules=[
                aws.ecr.ReplicationConfigurationReplicationConfigurationRuleArgs(
                    destinations=[aws.ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArgs(
                        region=dr.region, registry_id=dr.account_id)],
                    repository_filters=[aws.ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArgs(
                        filter=prefix, filter_type="PREFIX_MATCH")])]),
            opts=t.opts(self))
