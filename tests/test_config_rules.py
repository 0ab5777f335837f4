"""Every validation rule in ``config/`` has a failing config that triggers it (and names its key and fix).

``RULE_CASES`` complements ``tests/test_config.py``'s ``CASES``; the last test traces both tables through
``config/`` and fails when a rule (an ``add(...)`` in ``config/rules.py`` or a ``raise`` in a schema validator)
is reached by none of them, so a new rule cannot land without the config that breaks it.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import config.rules
import config.schema
from config import validate
from tests.test_config import CASES, delete_path, problems, raw, set_path


def each(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        for m in mutations:
            m(data)
    return mutate


def append(path: str, value: Any) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        node = data
        for p in path.split("."):
            node = node[p]
        node.append(value)
    return mutate


RULE_CASES = [
    # (id, stack, mutation, key named in the error, words of the message)
    ("shared-without-members", "shared", set_path("accounts.members", []), "accounts.members", "workload accounts it serves"),
    ("dev-without-workload", "dev", delete_path("accounts.workload"), "accounts.workload", "needs its workload account"),
    ("account-names-collide", "prod", set_path("accounts.workload.name", "security"), "accounts.workload.name", "also used by"),
    ("role-arn-malformed", "dev", set_path("accounts.workload.role", "arn:aws:iam::333333333333:user/Deployer"),
     "accounts.workload.role", "not an IAM role ARN"),
    ("role-name-invalid", "dev", set_path("accounts.workload.role", "Deploy Role!"), "accounts.workload.role", "not a valid IAM role name"),
    ("role-name-too-long", "dev", set_path("accounts.workload.role", "r" * 65), "accounts.workload.role", "not a valid IAM role name"),
    ("deploy-role-name-invalid", "dev", set_path("deployRole.name", "platform deployer"), "deployRole.name", "not a valid IAM role name"),
    ("external-id-too-short", "dev", set_path("deployRole.externalId", "x"), "deployRole.externalId", "2-1224 characters"),
    ("external-id-bad-character", "dev", set_path("deployRole.externalId", "abc def"), "deployRole.externalId", "2-1224 characters"),
    ("tag-key-reserved-prefix", "dev", set_path("tags.aws:created", "x"), "tags.aws:created", "not start with 'aws:'"),
    ("tag-key-too-long", "dev", set_path(f"tags.{'k' * 129}", "x"), f"tags.{'k' * 129}", "<= 128 characters"),
    ("tag-value-too-long", "dev", set_path("tags.team", "v" * 257), "tags.team", "value <= 256"),
    ("glacier-before-ia", "dev", each(set_path("knobs.lakeIaTransitionDays", 90), set_path("knobs.lakeGlacierTransitionDays", 60)),
     "knobs.lakeGlacierTransitionDays", "after the Infrequent Access"),
    ("training-type-malformed", "dev", set_path("knobs.trainingInstanceType", "m5.xlarge"), "knobs.trainingInstanceType",
     "not a SageMaker instance type"),
    ("inference-type-not-allowed", "dev", set_path("knobs.inferenceInstanceType", "ml.x99.large"), "knobs.inferenceInstanceType",
     "not an instance type the platform allows"),
    ("operator-not-a-principal", "dev", set_path("operatorPrincipals", ["arn:aws:s3:::bucket"]), "operatorPrincipals[0]",
     "not an IAM principal ARN"),
    ("monitor-interval-not-a-divisor", "dev", set_path("knobs.modelMonitoring.intervalHours", 5),
     "knobs.modelMonitoring.intervalHours", "cannot run every 5 hours"),
    ("monitor-type-malformed", "dev", set_path("knobs.modelMonitoring.instanceType", "large"), "knobs.modelMonitoring.instanceType",
     "not a SageMaker instance type"),
    ("no-drift-features", "dev", set_path("knobs.modelMonitoring.features", []), "knobs.modelMonitoring.features", "1 to 10 features"),
    ("too-many-drift-features", "dev", set_path("knobs.modelMonitoring.features", [f"_c{i}" for i in range(11)]),
     "knobs.modelMonitoring.features", "got 11"),
    ("drift-feature-bad-name", "dev", set_path("knobs.modelMonitoring.features", ["age in years"]),
     "knobs.modelMonitoring.features[0]", "CloudWatch metric name"),
    ("drift-feature-not-a-baseline-column", "dev", set_path("knobs.modelMonitoring.features", ["age"]),
     "knobs.modelMonitoring.features[0]", "not a column of the headerless CSV baseline"),
    ("vault-lock-shorter-than-retention", "prod", each(set_path("knobs.backupRetentionDays", 120),
                                                       set_path("knobs.backupMaxRetentionDays", 90)),
     "knobs.backupMaxRetentionDays", "would reject backups kept 120 days"),
    ("no-endpoint-variant", "dev", set_path("knobs.endpoint.variants", []), "knobs.endpoint.variants", "at least one production variant"),
    ("duplicate-variant", "dev", append("knobs.endpoint.variants", {"name": "primary", "minInstances": 1, "maxInstances": 1}),
     "knobs.endpoint.variants[1].name", "used twice"),
    ("variant-max-below-min", "dev", set_path("knobs.endpoint.variants", [{"name": "primary", "minInstances": 3, "maxInstances": 2}]),
     "knobs.endpoint.variants[0].maxInstances", "below minInstances"),
    ("variants-mix-nvme-and-ebs", "dev", append("knobs.endpoint.variants",
                                                {"name": "gpu", "minInstances": 1, "maxInstances": 1, "instanceType": "ml.g5.xlarge"}),
     "knobs.endpoint.variants", "mix NVMe"),
    ("batch-schedule-malformed", "dev", set_path("knobs.endpoint.batchSchedule", "every night"), "knobs.endpoint.batchSchedule",
     "not an EventBridge Scheduler expression"),
    ("model-package-arn-malformed", "dev",
     set_path("knobs.endpoint.modelPackageArn", "arn:aws:sagemaker:us-east-1:222222222222:model-package-group/acme-ml-models"),
     "knobs.endpoint.modelPackageArn", "not a model package version ARN"),
    ("model-package-outside-shared-registry", "dev",
     set_path("knobs.endpoint.modelPackageArn", "arn:aws:sagemaker:us-east-1:333333333333:model-package/acme-ml-models/1"),
     "knobs.endpoint.modelPackageArn", "not in the shared model registry"),
    ("api-key-as-authentication", "dev", set_path("knobs.api.routes", [{"path": "predict", "auth": "apiKey"}]),
     "knobs.api.routes[0].auth", "not authentication"),
    ("security-hub-without-config", "dev", set_path("features.awsConfig", False), "features.awsConfig", "through AWS Config rules"),
    ("api-without-routes", "dev", set_path("knobs.api.routes", []), "knobs.api.routes", "at least one route"),
    ("api-route-twice", "dev", lambda d: d["knobs"]["api"].update(routes=[d["knobs"]["api"]["routes"][0]] * 2),
     "knobs.api.routes[1].path", "listed twice"),
    ("burst-below-rate", "dev", set_path("knobs.api.burstLimit", 1), "knobs.api.burstLimit", "below the steady rate"),
    ("studio-user-bad-name", "dev", set_path("knobs.studioUsers", ["data_scientist"]), "knobs.studioUsers[0]",
     "not a valid Studio user profile name"),
    ("studio-user-twice", "dev", set_path("knobs.studioUsers", ["ds-1", "ds-1"]), "knobs.studioUsers[1]", "listed twice"),
    ("standby-without-dr", "dev", set_path("features.standbyEndpoint", True), "features.standbyEndpoint", "has none"),
    ("registry-publisher-not-member", "shared", set_path("knobs.modelRegistry.publishers", ["999999999999"]),
     "knobs.modelRegistry.publishers[0]", "not one of accounts.members"),
    ("registry-consumer-not-member", "shared", set_path("knobs.modelRegistry.consumers", ["999999999999"]),
     "knobs.modelRegistry.consumers[0]", "not one of accounts.members"),
    ("delivery-outside-shared", "dev", set_path("knobs.modelDelivery", {"repository": "acme/ml-models"}), "knobs.modelDelivery",
     "only the shared stack"),
    ("delivery-without-repository", "shared", delete_path("knobs.modelDelivery.repository"), "knobs.modelDelivery.repository",
     "needs the model repository"),
    ("delivery-github-repository-malformed", "shared", set_path("knobs.modelDelivery.repository", "ml-models"),
     "knobs.modelDelivery.repository", "not a github repository name"),
    ("delivery-without-stages", "shared", set_path("knobs.modelDelivery.environments", []), "knobs.modelDelivery.environments",
     "nowhere to deploy"),
    ("delivery-stage-twice", "shared", set_path("knobs.modelDelivery.environments", [
        {"name": "dev", "accountId": "333333333333"}, {"name": "dev", "accountId": "444444444444", "approval": True}]),
     "knobs.modelDelivery.environments[1].name", "listed twice"),
    ("delivery-stage-not-member", "shared", set_path("knobs.modelDelivery.environments", [
        {"name": "dev", "accountId": "999999999999", "approval": True}]),
     "knobs.modelDelivery.environments[0].accountId", "not one of accounts.members"),
    ("delivery-last-stage-unapproved", "shared", set_path("knobs.modelDelivery.environments", [
        {"name": "dev", "accountId": "333333333333"}, {"name": "prod", "accountId": "444444444444"}]),
     "knobs.modelDelivery.environments[1].approval", "the last deploy stage ('prod') has no manual approval"),
    ("cidr-too-large", "dev", set_path("accounts.workload.vpcCidrs.us-east-1", "10.0.0.0/12"), "accounts.workload.vpcCidrs",
     "between /16 and /24"),
    ("region-listed-twice", "prod", set_path("regions.additional", ["us-west-2"]), "regions.additional", "listed twice"),
    ("additional-workload-reuses-security-account", "dev", set_path("accounts.additionalWorkloads", [
        {"id": "111111111111", "name": "mlextra", "vpcCidrs": {"us-east-1": "10.40.0.0/16"}}]),
     "accounts.additionalWorkloads[0].id", "also accounts.security"),
    ("additional-workload-without-region-cidr", "dev", set_path("accounts.additionalWorkloads", [
        {"id": "555555555555", "name": "mlextra", "vpcCidrs": {}}]),
     "accounts.additionalWorkloads[0].vpcCidrs.us-east-1", "no VPC CIDR"),
    ("shared-services-reuses-security-account", "dev", set_path("accounts.sharedServices.id", "111111111111"),
     "accounts.sharedServices.id", "also accounts.security"),
    ("shared-services-without-primary-cidr", "shared", delete_path("accounts.sharedServices.vpcCidrs.us-east-1"),
     "accounts.sharedServices.vpcCidrs.us-east-1", "no VPC CIDR"),
    ("flow-log-retention-invalid", "dev", set_path("network.flowLogRetentionDays", 100), "network.flowLogRetentionDays",
     "does not accept a retention of 100 days"),
    ("glacier-under-30-days-after-ia", "dev", each(set_path("knobs.lakeIaTransitionDays", 60), set_path("knobs.lakeGlacierTransitionDays", 89)),
     "knobs.lakeGlacierTransitionDays", "at least knobs.lakeIaTransitionDays + 30 (90)"),
    ("glacier-same-day-as-ia", "dev", each(set_path("knobs.lakeIaTransitionDays", 90), set_path("knobs.lakeGlacierTransitionDays", 90)),
     "knobs.lakeGlacierTransitionDays", "after the Infrequent Access"),
    ("inference-type-malformed", "dev", set_path("knobs.inferenceInstanceType", "m5.large"), "knobs.inferenceInstanceType",
     "not a SageMaker instance type"),
    ("training-type-not-allowed", "dev", set_path("knobs.trainingInstanceType", "ml.x99.large"), "knobs.trainingInstanceType",
     "not an instance type the platform allows"),
    ("processing-type-not-allowed", "dev", set_path("knobs.processingInstanceType", "ml.x99.large"), "knobs.processingInstanceType",
     "not an instance type the platform allows"),
    ("variant-type-not-allowed", "dev", set_path("knobs.endpoint.variants", [
        {"name": "primary", "minInstances": 1, "maxInstances": 1, "instanceType": "ml.x99.large"}]),
     "knobs.endpoint.variants[0].instanceType", "not an instance type the platform allows"),
    ("delivery-codecommit-repository-malformed", "shared", each(set_path("knobs.modelDelivery.sourceProvider", "codecommit"),
                                                                set_path("knobs.modelDelivery.repository", "acme/ml-models")),
     "knobs.modelDelivery.repository", "not a codecommit repository name"),
]


@pytest.mark.parametrize("stack,mutate,key,words", [c[1:] for c in RULE_CASES], ids=[c[0] for c in RULE_CASES])
def test_each_rule_names_its_key_and_fix(stack, mutate, key, words):
    found = problems(stack, mutate)
    matching = [p for p in found if p.key == key]
    assert matching, f"no problem reported for {key}: {[(p.key, p.message) for p in found]}"
    assert any(words in f"{p.message} {p.fix}" for p in matching), [(p.message, p.fix) for p in matching]
    assert all(p.fix for p in matching)


def _rule_sites(module) -> set[tuple[str, int]]:
    """Where a rule reports: each ``add(...)`` call and each ``raise`` in a validator of ``module``."""
    path = str(Path(module.__file__).resolve())
    tree = ast.parse(Path(path).read_text())
    sites = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "add"):
            sites.add((path, node.lineno))
    return sites


def test_every_rule_is_triggered_by_a_case():
    modules = (config.rules, config.schema)
    files = {str(Path(m.__file__).resolve()) for m in modules}
    reached: set[tuple[str, int]] = set()

    def trace(frame, event, arg):
        if frame.f_code.co_filename not in files:
            return None
        if event == "line":
            reached.add((frame.f_code.co_filename, frame.f_lineno))
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        for case in [*CASES, *RULE_CASES]:
            problems(case[1], case[2])
    finally:
        sys.settrace(previous)
    missed = sorted(set().union(*map(_rule_sites, modules)) - reached)
    lines = [f"{Path(f).name}:{n}: {Path(f).read_text().splitlines()[n - 1].strip()[:100]}" for f, n in missed]
    assert not lines, "rules no failing config triggers (add a case to RULE_CASES):\n" + "\n".join(lines)


def test_every_rule_with_a_fixed_key_has_a_case_that_expects_that_key():
    """Reaching a rule is not enough (a case for another rule may pass through it): some case must assert it."""
    expected = {case[3] for case in [*CASES, *RULE_CASES]}
    keys = {}
    for module in (config.rules,):
        path = Path(module.__file__).resolve()
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "add" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                keys.setdefault(node.args[0].value, node.lineno)
    unasserted = {key: line for key, line in keys.items() if key not in expected}
    assert unasserted == {}, f"rules whose key no case expects (line in config/rules.py): {unasserted}"


def test_a_malformed_instance_type_is_reported_once():
    found = problems("dev", set_path("knobs.trainingInstanceType", "m5.xlarge"))
    assert [p.message for p in found if p.key == "knobs.trainingInstanceType"] == ["'m5.xlarge' is not a SageMaker instance type"]
    # A well-formed type the platform does not allow is reported, once, by the allow-list rule.
    found = problems("dev", set_path("knobs.trainingInstanceType", "ml.x99.large"))
    assert len([p for p in found if p.key == "knobs.trainingInstanceType"]) == 1


@pytest.mark.parametrize("hours", [1, 2, 3, 4, 6, 8, 12, 24])
def test_model_monitor_may_run_every_divisor_of_the_day(hours):
    data = raw("dev")
    set_path("knobs.modelMonitoring.intervalHours", hours)(data)
    validate(data, "dev", "aiplatform")


def test_a_bad_monitor_interval_names_every_allowed_one():
    found = problems("dev", set_path("knobs.modelMonitoring.intervalHours", 7))
    assert [p.fix for p in found if p.key == "knobs.modelMonitoring.intervalHours"] == ["use one of 1, 2, 3, 4, 6, 8, 12, 24"]


# Configs at the edge of a rule that are valid: each would fail if the rule's bound or pattern were off by one.
VALID_EDGES = [
    ("one-drift-feature", "dev", set_path("knobs.modelMonitoring.features", ["_c0"])),
    ("ten-drift-features", "dev", set_path("knobs.modelMonitoring.features", [f"_c{i}" for i in range(10)])),
    ("operator-role-and-session", "dev", set_path("operatorPrincipals", [
        "arn:aws:iam::333333333333:role/Operator", "arn:aws:sts::333333333333:assumed-role/Operator/alice"])),
    ("vault-lock-equal-to-retention", "prod", each(set_path("knobs.backupRetentionDays", 90), set_path("knobs.backupMaxRetentionDays", 90))),
    ("burst-equal-to-rate", "dev", set_path("knobs.api.burstLimit", 20)),
    ("glacier-30-days-after-ia", "dev", each(set_path("knobs.lakeIaTransitionDays", 60), set_path("knobs.lakeGlacierTransitionDays", 90))),
    ("model-package-in-shared-registry", "dev",
     set_path("knobs.endpoint.modelPackageArn", "arn:aws:sagemaker:us-east-1:222222222222:model-package/acme-ml-models/1")),
    ("codecommit-repository", "shared", each(set_path("knobs.modelDelivery.sourceProvider", "codecommit"),
                                             set_path("knobs.modelDelivery.repository", "ml-models"))),
    ("variant-min-equals-max", "dev", set_path("knobs.endpoint.variants", [{"name": "primary", "minInstances": 2, "maxInstances": 2}])),
]


@pytest.mark.parametrize("stack,mutate", [c[1:] for c in VALID_EDGES], ids=[c[0] for c in VALID_EDGES])
def test_configs_at_a_rules_edge_are_valid(stack, mutate):
    data = raw(stack)
    mutate(data)
    validate(data, stack, "aiplatform")


def test_a_missing_tag_with_allowed_values_is_reported_once_as_missing():
    found = problems("dev", delete_path("tags.data-classification"))
    assert [p.message for p in found if p.key == "tags.data-classification"] == ["mandatory tag is missing"]


def test_a_malformed_inference_type_is_reported_once():
    found = problems("dev", set_path("knobs.inferenceInstanceType", "m5.large"))
    assert [p.message for p in found if p.key == "knobs.inferenceInstanceType"] == ["'m5.large' is not a SageMaker instance type"]


@pytest.mark.parametrize("knob,allow_list", [("trainingInstanceType", "TRAINING_INSTANCE_TYPES"),
                                             ("processingInstanceType", "TRAINING_INSTANCE_TYPES"),
                                             ("inferenceInstanceType", "INFERENCE_INSTANCE_TYPES")])
def test_an_instance_type_outside_the_allow_list_names_the_list_to_extend(knob, allow_list):
    found = problems("dev", set_path(f"knobs.{knob}", "ml.x99.large"))
    [fix] = [p.fix for p in found if p.key == f"knobs.{knob}"]
    assert f"add it to {allow_list} in config/instance_types.py" in fix


@pytest.mark.parametrize("provider,repository,fix", [
    ("github", "ml-models", "use 'owner/name' for GitHub"),
    ("codecommit", "acme/ml-models", "use up to 100 letters, digits, '.', '_' or '-'"),
])
def test_a_malformed_repository_fix_fits_the_source_provider(provider, repository, fix):
    found = problems("shared", each(set_path("knobs.modelDelivery.sourceProvider", provider),
                                    set_path("knobs.modelDelivery.repository", repository)))
    assert [p.fix for p in found if p.key == "knobs.modelDelivery.repository"] == [fix]
