"""ECR: KMS encryption, scan on push, immutable tags, no public repository policy."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem, public_policy_problems
from crossguard_aws.context import RuleContext
from crossguard_aws.model import fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import truthy

REPOSITORIES = ("aws:ecr/repository:Repository", "aws-native:ecr:Repository")
REPOSITORY_POLICIES = ("aws:ecr/repositoryPolicy:RepositoryPolicy",)


@resource_rule(
    id="aws-ecr-repository-enforce-kms", pack="encryption", types=REPOSITORIES, severity=Severity.MEDIUM,
    description="ECR repositories must encrypt images with a customer-managed KMS key.",
    remediation="Set encryption_configurations=[{encryption_type: 'KMS', kms_key: <your key ARN>}] (replaces the repository).",
    controls=fsbp("ECR.5"), tags=("kms", "containers"),
)
def ecr_repository_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    block = "encryptionConfigurations" if res.package == "aws" else "encryptionConfiguration"
    kind = res.get(f"{block}.encryptionType", "AES256")
    if kind != "KMS":
        yield f"{block}.encryptionType is {kind!r}; set 'KMS' with a customer-managed key."
        return
    problem = key_problem(res.get(f"{block}.kmsKey"), f"{block}.kmsKey")
    if problem:
        yield problem


@resource_rule(
    id="aws-ecr-repository-enable-scan-on-push", pack="data-protection", types=REPOSITORIES, severity=Severity.MEDIUM,
    description="ECR repositories must scan images on push.",
    remediation="Set image_scanning_configuration={scan_on_push: True} (or enhanced scanning via RegistryScanningConfiguration).",
    controls=fsbp("ECR.1"), tags=("containers", "vulnerability"),
)
def ecr_scan_on_push(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not truthy(res.get("imageScanningConfiguration.scanOnPush", False)):
        yield "imageScanningConfiguration.scanOnPush is not true."


@resource_rule(
    id="aws-ecr-repository-enforce-immutable-tags", pack="data-protection", types=REPOSITORIES, severity=Severity.MEDIUM,
    description="ECR repositories must make image tags immutable.",
    remediation="Set image_tag_mutability='IMMUTABLE' and push each build under a new tag (e.g. the git SHA).",
    controls=fsbp("ECR.2"), tags=("containers", "integrity"),
)
def ecr_immutable_tags(res: Res, ctx: RuleContext) -> Iterator[str]:
    mutability = res.get("imageTagMutability", "MUTABLE")
    if not str(mutability).startswith("IMMUTABLE"):
        yield f"imageTagMutability is {mutability!r}; set 'IMMUTABLE'."


@resource_rule(
    id="aws-ecr-repositorypolicy-deny-public", pack="network", types=(*REPOSITORY_POLICIES, "aws-native:ecr:Repository"),
    severity=Severity.HIGH,
    description="ECR repository policies must not allow everyone ('*') without a condition that scopes the caller.",
    remediation="Grant pull to named accounts or the organisation (condition aws:PrincipalOrgID) instead of Principal '*'.",
    tags=("public-access", "containers"),
)
def ecr_policy_public(res: Res, ctx: RuleContext) -> Iterator[str]:
    yield from public_policy_problems(res.get("policy", res.get("repositoryPolicyText")))
