"""CodeBuild and CodePipeline: build outputs and pipeline artifacts encrypted with customer-managed keys."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import dig, is_unknown, items, truthy

PROJECTS = ("aws:codebuild/project:Project", "aws-native:codebuild:Project")
PIPELINES = ("aws:codepipeline/pipeline:Pipeline", "aws-native:codepipeline:Pipeline")


@resource_rule(
    id="aws-codebuild-project-enforce-kms", pack="encryption", types=PROJECTS, severity=Severity.MEDIUM,
    description="CodeBuild projects must encrypt build artifacts with a customer-managed KMS key.",
    remediation="Set encryption_key to your key ARN and do not set artifacts.encryption_disabled.",
    tags=("kms", "cicd"),
)
def codebuild_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    problem = key_problem(res.get("encryptionKey"), "encryptionKey")
    if problem:
        yield problem
    for i, artifact in enumerate(items(res.get("artifacts")) + items(res.get("secondaryArtifacts"))):
        if truthy(dig(artifact, "encryptionDisabled") or False):
            yield f"artifact #{i} sets encryptionDisabled; remove it."


@resource_rule(
    id="aws-codepipeline-pipeline-enforce-kms", pack="encryption", types=PIPELINES, severity=Severity.MEDIUM,
    description="CodePipeline artifact stores must use a customer-managed KMS key.",
    remediation="Set encryption_key={id: <your key ARN>, type: 'KMS'} on every artifact store.",
    tags=("kms", "cicd"),
)
def codepipeline_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    if res.package == "aws":
        stores = items(res.get("artifactStores"))
    else:
        stores = items(res.get("artifactStore")) + [dig(s, "artifactStore") for s in items(res.get("artifactStores"))]
    for i, store in enumerate(stores):
        problem = key_problem(dig(store, "encryptionKey.id"), f"artifact store #{i} encryptionKey.id")
        if problem:
            yield problem


@resource_rule(
    id="aws-codebuild-project-require-vpc", pack="network", types=PROJECTS, severity=Severity.HIGH,
    description="CodeBuild projects must run in your VPC subnets.",
    remediation="Set vpc_config={vpc_id, subnets: [private subnets], security_group_ids} (the service role needs the "
                "ec2 network-interface permissions CodeBuild documents).",
    tags=("vpc", "cicd"),
)
def codebuild_vpc(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not res.get("vpcConfig.subnets"):
        yield "vpcConfig.subnets is not set; builds run outside your VPC."


# What an inline buildspec runs when it builds container images (the one use that needs privileged mode).
_IMAGE_BUILD = re.compile(r"\b(docker\s+(build|buildx)|buildah\s+bud|podman\s+build)\b")


@resource_rule(
    id="aws-codebuild-project-deny-privileged-mode", pack="network", types=PROJECTS, severity=Severity.HIGH,
    description="CodeBuild projects must not run privileged (root on the build host's Docker daemon) unless their "
                "inline buildspec builds container images.",
    remediation="Remove environment.privileged_mode; a project that builds images with an external buildspec file can be "
                "exempted by name in policy config with a reason.",
    controls=(*fsbp("CodeBuild.5"), *cdk_nag("CB3")), tags=("cicd",),
)
def codebuild_privileged(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not truthy(res.get("environment.privilegedMode", False)):
        return
    spec = res.get("source.buildspec" if res.package == "aws" else "source.buildSpec")
    if is_unknown(spec):
        spec._judge()
    if isinstance(spec, str) and _IMAGE_BUILD.search(spec):
        return
    yield "environment.privilegedMode is true but the buildspec builds no container image."

