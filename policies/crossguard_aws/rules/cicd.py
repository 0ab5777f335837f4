"""CodeBuild and CodePipeline: build outputs and pipeline artifacts encrypted with customer-managed keys."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import dig, items, truthy

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
