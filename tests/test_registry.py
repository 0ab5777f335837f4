"""Shared registries: ECR repositories and the model package group, asserted from the shared stack's records."""

from __future__ import annotations

import json

import pytest

from components.registry import lifecycle_policy, model_group_policy
from config import ConfigError, validate
from platformctl.offline.project import load_stack_config
from platformctl.offline.records import ResourceRecord, Snapshot
from tests.conftest import ROOT
from tests.iam_lint import lint

SHARED_SERVICES = "222222222222"
MEMBERS = {"333333333333", "444444444444"}
DEV, PROD = "333333333333", "444444444444"
PULL = {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def provider_view(snap: Snapshot, record: ResourceRecord) -> tuple[str, str]:
    provider = snap.provider_of(record)
    assert provider is not None, record.urn
    ids = provider.inputs["allowedAccountIds"]
    ids = json.loads(ids) if isinstance(ids, str) else ids
    return ids[0], provider.inputs["region"]


def key_record(snap: Snapshot, record: ResourceRecord, prop: str) -> ResourceRecord:
    """The KMS key a record's property depends on."""
    keys = [snap.by_urn[u] for u in record.property_dependencies.get(prop, []) if snap.by_urn[u].type == "aws:kms/key:Key"]
    assert len(keys) == 1, f"{record.name}.{prop} does not depend on exactly one KMS key"
    return keys[0]


@pytest.fixture(scope="module")
def shared(snapshots) -> Snapshot:
    return snapshots["shared"]


@pytest.fixture(scope="module")
def repositories(shared) -> list[ResourceRecord]:
    repos = shared.of_type("aws:ecr/repository:Repository")
    assert {r.inputs["name"] for r in repos} == {"acme/ml-training", "acme/ml-inference"}
    return repos


def test_repositories_live_in_shared_services_primary(shared, repositories):
    for repo in repositories:
        assert provider_view(shared, repo) == (SHARED_SERVICES, "us-east-1")
        assert repo.protect and repo.retain_on_delete


def test_repositories_scan_on_push_and_are_immutable(repositories):
    for repo in repositories:
        assert repo.inputs["imageScanningConfiguration"]["scanOnPush"] is True
        assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repo.inputs.get("forceDelete") in (None, False)


def test_repositories_are_encrypted_with_the_artifacts_key(shared, repositories):
    for repo in repositories:
        (config,) = repo.inputs["encryptionConfigurations"]
        assert config["encryptionType"] == "KMS"
        key = key_record(shared, repo, "encryptionConfigurations")
        assert "-artifacts-" in key.name and provider_view(shared, key) == (SHARED_SERVICES, "us-east-1")


def test_only_member_accounts_may_pull(shared, repositories):
    for repo in repositories:
        (policy,) = [p for p in shared.of_type("aws:ecr/repositoryPolicy:RepositoryPolicy")
                     if repo.urn in p.property_dependencies.get("repository", [])]
        doc = json.loads(policy.inputs["policy"])
        for st in doc["Statement"]:
            assert st["Effect"] == "Allow"
            assert set(as_list(st["Action"])) <= PULL, "the repository policy grants more than pulling"
            principals = {arn.split(":")[4] for arn in as_list(st["Principal"]["AWS"])}
            assert principals == MEMBERS
            assert "Resource" not in st, "ECR rejects a Resource element in repository policies"
        assert lint(doc, "ecr") == []  # parliament's only allowance: the Resource ECR forbids


def test_lifecycle_policy_on_every_repository(shared, repositories):
    policies = shared.of_type("aws:ecr/lifecyclePolicy:LifecyclePolicy")
    for repo in repositories:
        (lc,) = [p for p in policies if repo.urn in p.property_dependencies.get("repository", [])]
        rules = json.loads(lc.inputs["policy"])["rules"]
        assert {r["selection"]["tagStatus"] for r in rules} == {"untagged", "any"}
        # ECR evaluates "any" last: it must have the highest priority number.
        assert max(rules, key=lambda r: r["rulePriority"])["selection"]["tagStatus"] == "any"


def test_images_replicate_to_the_dr_region_with_the_same_controls(shared):
    (replication,) = shared.of_type("aws:ecr/replicationConfiguration:ReplicationConfiguration")
    assert provider_view(shared, replication) == (SHARED_SERVICES, "us-east-1")
    (rule,) = replication.inputs["replicationConfiguration"]["rules"]
    assert rule["destinations"] == [{"region": "us-west-2", "registryId": SHARED_SERVICES}]
    assert rule["repositoryFilters"] == [{"filter": "acme", "filterType": "PREFIX_MATCH"}]

    (template,) = shared.of_type("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate")
    assert provider_view(shared, template) == (SHARED_SERVICES, "us-west-2")
    assert template.inputs["prefix"] == "acme" and template.inputs["appliedFors"] == ["REPLICATION"]
    assert template.inputs["imageTagMutability"] == "IMMUTABLE"
    key = key_record(shared, template, "encryptionConfigurations")
    assert "-artifacts-" in key.name and provider_view(shared, key) == (SHARED_SERVICES, "us-west-2")
    replica_policy = json.loads(template.inputs["repositoryPolicy"])
    assert {a.split(":")[4] for st in replica_policy["Statement"] for a in as_list(st["Principal"]["AWS"])} == MEMBERS
    assert template.inputs.get("customRoleArn"), "a KMS template needs a creation role"


def test_registry_scanning_in_both_regions(shared):
    regions = {provider_view(shared, r)[1] for r in shared.of_type("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")}
    assert regions == {"us-east-1", "us-west-2"}


def test_artifacts_key_lets_members_decrypt_only_through_ecr(shared):
    keys = [k for k in shared.of_type("aws:kms/key:Key") if "-artifacts-" in k.name]
    assert len(keys) == 2
    for key in keys:
        region = provider_view(shared, key)[1]
        doc = json.loads(key.inputs["policy"])
        (st,) = [s for s in doc["Statement"] if s.get("Sid") == "WorkloadAccountsDecryptThroughEcr"]
        assert {a.split(":")[4] for a in st["Principal"]["AWS"]} == MEMBERS
        assert st["Condition"]["StringEquals"]["kms:ViaService"] == f"ecr.{region}.amazonaws.com"
        assert not {"kms:Encrypt", "kms:*"} & set(as_list(st["Action"]))


def test_model_registry_policy(shared):
    (group,) = shared.of_type("aws:sagemaker/modelPackageGroup:ModelPackageGroup")
    (policy,) = shared.of_type("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy")
    assert group.urn in policy.property_dependencies["modelPackageGroupName"]
    assert group.protect
    doc = json.loads(policy.inputs["resourcePolicy"])
    assert lint(doc, "resource") == []
    by_account: dict[str, set[str]] = {}
    for st in doc["Statement"]:
        for arn in as_list(st["Principal"]["AWS"]):
            by_account.setdefault(arn.split(":")[4], set()).update(as_list(st["Action"]))
        if "sagemaker:CreateModelPackage" in as_list(st["Action"]):
            assert st["Condition"] == {"StringEquals": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}}
    assert "sagemaker:CreateModelPackage" in by_account[DEV]
    assert "sagemaker:CreateModelPackage" not in by_account[PROD]
    assert "sagemaker:DescribeModelPackage" in by_account[PROD]
    # Approval stays in shared services: no workload account may change a version's status.
    assert all("sagemaker:UpdateModelPackage" not in actions for actions in by_account.values())


def test_shared_stack_exports_what_workloads_read(shared):
    for name in ("ecrRegistryId", "ecrRepositoryNames", "ecrRepositoryArns", "registryKeyArns", "modelPackageGroupArn"):
        assert shared.outputs.get(name), name
    assert set(shared.outputs["registryKeyArns"]) == {"us-east-1", "us-west-2"}


def test_workloads_pull_images_from_the_shared_registry(workload):
    (pipeline,) = workload.of_type("aws:sagemaker/pipeline:Pipeline")
    params = {p["Name"]: p.get("DefaultValue") for p in json.loads(pipeline.inputs["pipelineDefinition"])["Parameters"]}
    for name in ("TrainingImage", "InferenceImage"):
        assert params[name].startswith(f"{SHARED_SERVICES}.dkr.ecr.us-east-1.amazonaws.com/acme/ml-")


def test_model_group_policy_without_publishers_grants_no_registration():
    doc = model_group_policy("arn:aws:sagemaker:us-east-1:222222222222:model-package-group/g", [], [PROD])
    assert all("sagemaker:CreateModelPackage" not in as_list(st["Action"]) for st in doc["Statement"])
    assert lint(doc, "resource") == []


@pytest.mark.parametrize("keep", [1, 100])
def test_lifecycle_keeps_the_configured_number_of_images(keep):
    rules = json.loads(lifecycle_policy(keep))["rules"]
    (count,) = [r for r in rules if r["selection"]["countType"] == "imageCountMoreThan"]
    assert count["selection"]["countNumber"] == keep


def test_registry_accounts_must_be_members():
    data = {k.split(":", 1)[1]: json.loads(json.dumps(v)) for k, v in load_stack_config(ROOT, "shared").raw.items()
            if k.startswith("aiplatform:")}
    data["knobs"]["modelRegistry"] = {"publishers": ["999999999999"], "consumers": [PROD]}
    with pytest.raises(ConfigError) as info:
        validate(data, "shared", "aiplatform")
    assert [p.key for p in info.value.problems] == ["knobs.modelRegistry.publishers[0]"]
