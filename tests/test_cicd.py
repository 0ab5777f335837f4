"""Model delivery: the shared-services pipeline and the workload deploy targets, judged from the records.

Projects are identified by what their buildspec does (docker build, assume-role, the gates), not by
their names, so a renamed or re-wired project cannot slip past these checks.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import ConfigError, validate
from platformctl.offline.records import ResourceRecord, Snapshot
from tests.conftest import ROOT
from tests.test_config import raw

PIPELINE = "aws:codepipeline/pipeline:Pipeline"
PROJECT = "aws:codebuild/project:Project"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
KEY = "aws:kms/key:Key"
BUILDSPECS = ROOT / "buildspecs"


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def cicd_records(snap: Snapshot) -> list[ResourceRecord]:
    return [r for r in snap.resources if snap.layer_of(r).startswith("aiplatform:cicd:")]


def statements(doc: dict) -> list[dict]:
    return as_list(doc["Statement"])


def same_place(snap: Snapshot, a: ResourceRecord, b: ResourceRecord) -> bool:
    return a.provider_urn == b.provider_urn


def domain_key_arn(snap: Snapshot, near: ResourceRecord, domain: str) -> str:
    """The ARN of the ``domain`` key in the same account and region as ``near``."""
    [key] = [k for k in snap.of_type(KEY) if k.name.endswith(f"-{domain}-key") and same_place(snap, k, near)]
    return key.outputs["arn"]


def role_by_arn(snap: Snapshot, arn: str) -> ResourceRecord:
    [role] = [r for r in snap.of_type(ROLE) if r.outputs.get("arn") == arn]
    return role


def inline_policies(snap: Snapshot, role: ResourceRecord) -> list[dict]:
    return [json.loads(p.inputs["policy"]) for p in snap.of_type(ROLE_POLICY) if p.inputs.get("role") == role.id]


def action_env(action: dict) -> dict[str, str]:
    return {v["name"]: v["value"] for v in json.loads(action["configuration"].get("EnvironmentVariables", "[]"))}


@pytest.fixture(scope="module")
def shared(snapshots) -> Snapshot:
    return snapshots["shared"]


@pytest.fixture(scope="module")
def pipeline(shared) -> ResourceRecord:
    return shared.one(PIPELINE)


@pytest.fixture(scope="module")
def delivery(shared) -> dict:
    return shared.outputs["modelDelivery"]


@pytest.fixture(scope="module")
def projects(shared) -> dict[str, ResourceRecord]:
    """Projects by what their buildspec does."""
    roles = {
        "image": "docker build", "deploy": "aws sts assume-role", "evaluate": "# evaluation-gate",
        "static": "bandit", "test": "pytest",
    }
    found = {}
    for kind, marker in roles.items():
        [found[kind]] = [p for p in shared.of_type(PROJECT) if marker in p.inputs["source"]["buildspec"]]
    return found


@pytest.fixture(scope="module")
def deploy_roles(snapshots) -> dict[str, ResourceRecord]:
    """Each workload stack's deploy role: the role the shared pipeline assumes."""
    out = {}
    for name in ("dev", "prod"):
        snap = snapshots[name]
        [out[name]] = [r for r in snap.of_type(ROLE) if snap.layer_of(r) == "aiplatform:cicd:DeployTarget"
                       and "sagemaker.amazonaws.com" not in r.inputs["assumeRolePolicy"]]
    return out


def stage_index(pipeline: ResourceRecord, predicate) -> list[int]:
    return [i for i, st in enumerate(pipeline.inputs["stages"]) if any(predicate(a) for a in st["actions"])]


def runs(project: ResourceRecord):
    return lambda action: action.get("configuration", {}).get("ProjectName") == project.inputs["name"]


# -- artifact store, encryption, network ---------------------------------------------------------


def test_pipeline_is_v2_with_kms_artifact_store(shared, pipeline):
    assert pipeline.inputs["pipelineType"] == "V2"
    [store] = pipeline.inputs["artifactStores"]
    key_arn = domain_key_arn(shared, pipeline, "artifacts")
    assert store["type"] == "S3"
    assert store["encryptionKey"] == {"id": key_arn, "type": "KMS"}
    # The store's bucket is itself SSE-KMS with the same key.
    [sse] = [r for r in shared.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
             if r.inputs["bucket"] == store["location"]]
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn}


def test_codebuild_projects_encrypt_run_in_build_vpc_and_log_to_kms(shared, pipeline):
    vpc = shared.one("awsx:ec2:Vpc", "build-network")
    build_sg = shared.one("aws:ec2/securityGroup:SecurityGroup", "build-network-workload-sg")
    artifacts, logs = domain_key_arn(shared, pipeline, "artifacts"), domain_key_arn(shared, pipeline, "logs")
    groups = {g.inputs["name"]: g for g in shared.of_type("aws:cloudwatch/logGroup:LogGroup")}
    projects = shared.of_type(PROJECT)
    assert len(projects) >= 5
    for p in projects:
        assert p.inputs["encryptionKey"] == artifacts, p.name
        assert p.inputs["vpcConfig"] == {"vpcId": vpc.outputs["vpcId"], "subnets": vpc.outputs["privateSubnetIds"],
                                         "securityGroupIds": [build_sg.id]}, p.name
        assert vpc.outputs["privateSubnetIds"], "the build VPC has private subnets"
        cw = p.inputs["logsConfig"]["cloudwatchLogs"]
        assert cw["status"] == "ENABLED"
        assert groups[cw["groupName"]].inputs["kmsKeyId"] == logs, p.name
        assert p.inputs["source"]["type"] == "CODEPIPELINE"


def test_privileged_mode_only_where_docker_builds(shared, projects):
    privileged = [p for p in shared.of_type(PROJECT) if p.inputs["environment"]["privilegedMode"]]
    assert privileged == [projects["image"]]
    for p in shared.of_type(PROJECT):
        assert p.inputs["environment"]["privilegedMode"] == ("docker build" in p.inputs["source"]["buildspec"]), p.name


def test_each_project_has_its_own_role(shared):
    roles = [p.inputs["serviceRole"] for p in shared.of_type(PROJECT)]
    assert len(set(roles)) == len(roles)


# -- stage order and gates -------------------------------------------------------------------------


def test_gates_pass_before_anything_is_deployed(pipeline, projects):
    first_deploy = min(stage_index(pipeline, runs(projects["deploy"])))
    for gate in ("test", "static", "evaluate", "image"):
        [at] = stage_index(pipeline, runs(projects[gate]))
        assert at < first_deploy, gate
    # A model that misses its threshold never reaches the registry.
    assert stage_index(pipeline, runs(projects["evaluate"]))[0] < stage_index(pipeline, runs(projects["image"]))[0]


def test_prod_deploy_waits_for_manual_approval_and_dev_does_not(pipeline, projects, deploy_roles, shared):
    stages = pipeline.inputs["stages"]
    by_role = {}
    for i, st in enumerate(stages):
        for a in st["actions"]:
            if runs(projects["deploy"])(a):
                by_role[action_env(a)["TARGET_ROLE_ARN"]] = i
    dev, prod = by_role[deploy_roles["dev"].outputs["arn"]], by_role[deploy_roles["prod"].outputs["arn"]]
    assert dev < prod

    def is_approval(stage: dict) -> bool:
        return any(a["category"] == "Approval" and a["provider"] == "Manual" for a in stage["actions"])

    assert is_approval(stages[prod - 1]), "the stage right before the prod deploy is a manual approval"
    assert not any(is_approval(st) for st in stages[:dev]), "dev deploys without waiting for a person"
    [approval] = stages[prod - 1]["actions"]
    topic = shared.one("aws:sns/topic:Topic")
    assert approval["configuration"]["NotificationArn"] == topic.outputs["arn"]


def test_deploy_actions_read_the_package_and_the_scanned_image(pipeline, projects):
    image_outputs = [a["outputArtifacts"] for st in pipeline.inputs["stages"] for a in st["actions"] if runs(projects["image"])(a)]
    package_outputs = [a["outputArtifacts"] for st in pipeline.inputs["stages"] for a in st["actions"] if runs(projects["test"])(a)]
    for st in pipeline.inputs["stages"]:
        for a in st["actions"]:
            if runs(projects["deploy"])(a):
                assert set(a["inputArtifacts"]) == {*image_outputs[0], *package_outputs[0]}


# -- cross-account trust ---------------------------------------------------------------------------


def test_workload_deploy_role_trusts_exactly_the_shared_deployer(snapshots, workload, delivery, projects):
    name = workload.stack
    [role] = [r for r in workload.of_type(ROLE) if workload.layer_of(r) == "aiplatform:cicd:DeployTarget"
              and "sagemaker.amazonaws.com" not in r.inputs["assumeRolePolicy"]]
    trust = json.loads(role.inputs["assumeRolePolicy"])
    [st] = statements(trust)
    assert st["Effect"] == "Allow" and st["Action"] == "sts:AssumeRole"
    assert st["Principal"] == {"AWS": delivery["deployerRoleArns"]}, name
    # ...and those exported principals are the shared deploy project's own role, nothing wider.
    assert delivery["deployerRoleArns"] == [projects["deploy"].inputs["serviceRole"]]
    assert all(":root" not in arn for arn in delivery["deployerRoleArns"])


def test_only_the_deploy_build_can_assume_workload_roles_and_only_those(shared, projects, deploy_roles, pipeline):
    targets = {r.outputs["arn"] for r in deploy_roles.values()}
    holders = {}
    for p in shared.of_type(ROLE_POLICY):
        for st in statements(json.loads(p.inputs["policy"])):
            if st["Effect"] == "Allow" and any(a.lower() == "sts:assumerole" for a in as_list(st["Action"])):
                holders.setdefault(p.inputs["role"], set()).update(as_list(st["Resource"]))
    deployer = role_by_arn(shared, projects["deploy"].inputs["serviceRole"])
    assert set(holders) == {deployer.id}
    assert holders[deployer.id] == targets
    pipeline_role = role_by_arn(shared, pipeline.inputs["roleArn"])
    assert all("sts:AssumeRole" not in json.dumps(doc) for doc in inline_policies(shared, pipeline_role))


def test_pipeline_role_is_scoped(shared, pipeline):
    role = role_by_arn(shared, pipeline.inputs["roleArn"])
    trust = statements(json.loads(role.inputs["assumeRolePolicy"]))
    assert [st["Principal"] for st in trust] == [{"Service": "codepipeline.amazonaws.com"}]
    projects = {p.outputs["arn"] for p in shared.of_type(PROJECT)}
    [doc] = inline_policies(shared, role)
    for st in statements(doc):
        resources = as_list(st["Resource"])
        assert "*" not in resources, st
        if any(a.startswith("codebuild:") for a in as_list(st["Action"])):
            assert set(resources) == projects


def test_workload_deploy_role_only_touches_its_endpoint(workload):
    [role] = [r for r in workload.of_type(ROLE) if workload.layer_of(r) == "aiplatform:cicd:DeployTarget"
              and "sagemaker.amazonaws.com" not in r.inputs["assumeRolePolicy"]]
    [param] = [p for p in workload.of_type("aws:ssm/parameter:Parameter") if workload.layer_of(p) == "aiplatform:cicd:DeployTarget"]
    target = json.loads(param.inputs["insecureValue"])
    [execution] = [r for r in workload.of_type(ROLE) if r.outputs["arn"] == target["executionRoleArn"]]
    account = role.outputs["arn"].split(":")[4]
    [doc] = inline_policies(workload, role)
    for st in statements(doc):
        actions, resources = as_list(st["Action"]), as_list(st["Resource"])
        assert all(f":{account}:" in r for r in resources), st
        mutating = [a for a in actions if a.startswith("sagemaker:") and not a.startswith("sagemaker:Describe")]
        if mutating:
            assert all(r.endswith((f"endpoint/{target['endpointName']}", f"/{target['resourcePrefix']}-*")) for r in resources), st
        if "iam:PassRole" in actions:
            assert resources == [execution.outputs["arn"]]
            assert st["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}


# -- resource policies ------------------------------------------------------------------------------


def test_artifact_bucket_lets_only_workload_execution_roles_read_models(shared, pipeline, snapshots):
    bucket = pipeline.inputs["artifactStores"][0]["location"]
    [policy] = [p for p in shared.of_type("aws:s3/bucketPolicy:BucketPolicy") if p.inputs["bucket"] == bucket]
    allows = [st for st in statements(json.loads(policy.inputs["policy"])) if st["Effect"] == "Allow"]
    execution = {r.outputs["arn"] for name in ("dev", "prod") for r in snapshots[name].of_type(ROLE)
                 if snapshots[name].layer_of(r) == "aiplatform:cicd:DeployTarget" and "sagemaker.amazonaws.com" in r.inputs["assumeRolePolicy"]}
    # The other grants are promotion's (tests/test_aws_rules.py): writes and reads of models/promoted/* only.
    [st] = [st for st in allows if st["Sid"] == "WorkloadModelExecutionRead"]
    assert all(st["Resource"] == f"arn:aws:s3:::{bucket}/models/promoted/*" for st in allows if st["Sid"] != "WorkloadModelExecutionRead")
    assert as_list(st["Action"]) == ["s3:GetObject"]
    assert st["Resource"] == f"arn:aws:s3:::{bucket}/models/*"
    assert set(st["Condition"]["ArnEquals"]["aws:PrincipalArn"]) == execution
    assert {arn.split(":")[4] for arn in st["Principal"]["AWS"]} == {arn.split(":")[4] for arn in execution}


def test_artifacts_key_lets_member_accounts_decrypt_only_through_s3(shared, pipeline):
    [key] = [k for k in shared.of_type(KEY) if k.outputs["arn"] == domain_key_arn(shared, pipeline, "artifacts")]
    members = shared.config["aiplatform:accounts"]["members"]
    members = json.loads(members) if isinstance(members, str) else members
    [st] = [st for st in statements(json.loads(key.inputs["policy"]))
            if "s3." in json.dumps(st.get("Condition", {})) and "AWS" in st.get("Principal", {}) and "Promoted" not in st["Sid"]]
    assert as_list(st["Action"]) == ["kms:Decrypt"]
    assert st["Condition"]["StringEquals"]["kms:CallerAccount"] == members
    assert st["Condition"]["StringEquals"]["kms:ViaService"].startswith("s3.")
    assert sorted(st["Principal"]["AWS"]) == sorted(f"arn:aws:iam::{a}:root" for a in members)


def test_pipeline_events_notify_an_encrypted_topic(shared, pipeline):
    rule = shared.one("aws:codestarnotifications/notificationRule:NotificationRule")
    topic = shared.one("aws:sns/topic:Topic")
    assert pipeline.urn in rule.property_dependencies["resource"]
    assert rule.inputs["targets"] == [{"address": topic.outputs["arn"], "type": "SNS"}]
    assert "codepipeline-pipeline-manual-approval-needed" in rule.inputs["eventTypeIds"]
    assert topic.inputs["kmsMasterKeyId"] == domain_key_arn(shared, topic, "alerts")
    [alerts_key] = [k for k in shared.of_type(KEY) if k.outputs["arn"] == topic.inputs["kmsMasterKeyId"]]
    publishers = [st for st in statements(json.loads(alerts_key.inputs["policy"]))
                  if st.get("Principal") == {"Service": "codestar-notifications.amazonaws.com"}]
    assert publishers and all(st["Condition"]["StringEquals"]["kms:ViaService"].startswith("sns.") for st in publishers)


# -- the gates' shell and Python, run for real --------------------------------------------------------


def gate(buildspec: str, marker: str) -> str:
    commands = yaml.safe_load((BUILDSPECS / buildspec).read_text())["phases"]["build"]["commands"]
    [script] = [c for c in commands if c.lstrip().startswith(marker)]
    return script


def run_bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", script], cwd=cwd, env={"PATH": os.environ["PATH"], **env},
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(("report", "threshold", "higher", "passes"), [
    ({"metrics": {"accuracy": {"value": 0.91}}}, "0.85", "true", True),
    ({"metrics": {"accuracy": {"value": 0.80}}}, "0.85", "true", False),
    ({"metrics": {"accuracy": {"value": 0.85}}}, "0.85", "true", True),
    ({"metrics": {"accuracy": {"value": 0.20}}}, "0.25", "false", True),  # error metric: lower is better
    ({"metrics": {"accuracy": {"value": 0.30}}}, "0.25", "false", False),
    ({"metrics": {"f1": {"value": 0.99}}}, "0.85", "true", False),  # the configured metric is missing
    ({"metrics": {"accuracy": {"value": "high"}}}, "0.85", "true", False),
    (None, "0.85", "true", False),  # no report at all
])
def test_evaluation_gate(tmp_path, report, threshold, higher, passes):
    if report is not None:
        (tmp_path / "evaluation").mkdir()
        (tmp_path / "evaluation" / "report.json").write_text(json.dumps(report))
    result = run_bash(gate("evaluate.yml", "# evaluation-gate"), tmp_path,
                      {"METRIC_PATH": "metrics.accuracy.value", "THRESHOLD": threshold, "HIGHER_IS_BETTER": higher})
    assert (result.returncode == 0) is passes, result.stdout + result.stderr


FAKE_AWS = """#!/usr/bin/env bash
# Answers the two describe-image-scan-findings queries the scan gate makes.
case "$*" in
  *imageScanStatus.status*) [[ "$FAKE_STATUS" == MISSING ]] && exit 254; echo "$FAKE_STATUS" ;;
  *findingSeverityCounts.CRITICAL*) echo "$FAKE_CRITICAL" ;;
  *) exit 2 ;;
esac
"""


@pytest.mark.parametrize(("status", "critical", "passes"), [
    ("COMPLETE", "None", True),  # no findings of that severity: the CLI prints None
    ("COMPLETE", "0", True),
    ("ACTIVE", "None", True),  # enhanced scanning
    ("COMPLETE", "1", False),
    ("COMPLETE", "12", False),
    ("FAILED", "None", False),
    ("UNSUPPORTED_IMAGE", "None", False),
    ("IN_PROGRESS", "None", False),  # never finishes: fail closed
    ("MISSING", "None", False),  # no scan at all (scan on push off): fail closed
])
def test_scan_gate_blocks_critical_findings_and_fails_closed(tmp_path, status, critical, passes):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "aws"
    fake.write_text(FAKE_AWS)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_STATUS": status, "FAKE_CRITICAL": critical,
           "IMAGE_REPOSITORY_URI": "222222222222.dkr.ecr.us-east-1.amazonaws.com/acme/ml-inference", "IMAGE_TAG": "abc123-7",
           "SCAN_MAX_ATTEMPTS": "2", "SCAN_POLL_SECONDS": "0"}
    result = subprocess.run(["bash", "-c", gate("image_build.yml", "# scan-gate")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=30)
    assert (result.returncode == 0) is passes, result.stdout + result.stderr
    image = tmp_path / "image.json"
    assert image.exists() is passes
    if passes:
        assert json.loads(image.read_text())["imageUri"].endswith("acme/ml-inference:abc123-7")


def test_buildspecs_are_valid_and_shipped_inline(shared):
    inline = {p.inputs["source"]["buildspec"] for p in shared.of_type(PROJECT)}
    for path in BUILDSPECS.glob("*.yml"):
        spec = yaml.safe_load(path.read_text())
        assert spec["version"] == 0.2 and "build" in spec["phases"], path.name
        assert path.read_text() in inline, f"{path.name} is not used by any project"


# -- configuration ------------------------------------------------------------------------------------


def delivery_problems(mutate) -> list[str]:
    data = raw("shared")
    mutate(data["knobs"]["modelDelivery"])
    with pytest.raises(ConfigError) as info:
        validate(data, "shared", "aiplatform")
    return [p.key for p in info.value.problems]


@pytest.mark.parametrize(("mutate", "key"), [
    (lambda md: md.update(repository=""), "knobs.modelDelivery.repository"),
    (lambda md: md.update(repository="not a repo"), "knobs.modelDelivery.repository"),
    (lambda md: md.update(environments=[]), "knobs.modelDelivery.environments"),
    (lambda md: md["environments"][0].update(accountId="999999999999"), "knobs.modelDelivery.environments[0].accountId"),
    (lambda md: md["environments"][-1].update(approval=False), "knobs.modelDelivery.environments[1].approval"),
    (lambda md: md["environments"].append(dict(md["environments"][0])), "knobs.modelDelivery.environments[2].name"),
    (lambda md: md.update(sourceProvider="bitbucket"), "knobs.modelDelivery.sourceProvider"),
    (lambda md: md.update(evaluationMetric="metrics..accuracy"), "knobs.modelDelivery.evaluationMetric"),
])
def test_bad_delivery_config_names_the_key(mutate, key):
    assert key in delivery_problems(mutate)


def test_delivery_config_outside_the_shared_stack_is_rejected():
    data = raw("dev")
    data.setdefault("knobs", {})["modelDelivery"] = {"repository": "acme/ml-models"}
    with pytest.raises(ConfigError) as info:
        validate(data, "dev", "aiplatform")
    assert [p.key for p in info.value.problems] == ["knobs.modelDelivery"]


def test_codecommit_source_is_accepted_by_config():
    data = raw("shared")
    data["knobs"]["modelDelivery"].update(sourceProvider="codecommit", repository="ml-models")
    settings = validate(data, "shared", "aiplatform")
    assert settings.knobs.model_delivery.source_provider.value == "codecommit"


DEPLOY_FAKE_AWS = """#!/usr/bin/env bash
echo "$*" >> "$CALLS"
case "$1 $2" in
  "sts assume-role") echo "AKIAFAKE SECRET TOKEN" ;;
  "ssm get-parameter") cat "$TARGET_FILE" ;;
  "sagemaker describe-endpoint-config") cat "$BASE_FILE" ;;
  "sagemaker create-endpoint-config") for a in "$@"; do [[ "$a" == file://* ]] && cp "${a#file://}" "$CREATED_FILE"; done ;;
esac
exit 0
"""


def test_deploy_swaps_the_model_into_the_serving_layers_configuration(tmp_path, snapshots):
    """The pipeline keeps what Pulumi manages (variants, capture for Model Monitor, key) and changes only the model."""
    prod = snapshots["prod"]
    [param] = [p for p in prod.of_type("aws:ssm/parameter:Parameter") if prod.layer_of(p) == "aiplatform:cicd:DeployTarget"]
    target = json.loads(param.inputs["insecureValue"])
    [serving] = [e for e in prod.of_type("aws:sagemaker/endpoint:Endpoint") if e.inputs["name"] == target["endpointName"]]
    assert serving.ignore_changes == ["endpointConfigName"]  # pulumi up does not revert a delivered model
    [config] = [c for c in prod.of_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration")
                if c.outputs["name"] == target["baseEndpointConfigName"]]
    base = {"EndpointConfigName": target["baseEndpointConfigName"], "EndpointConfigArn": "arn:x", "KmsKeyId": config.inputs["kmsKeyArn"],
            "DataCaptureConfig": {"EnableCapture": True, "InitialSamplingPercentage": 20, "DestinationS3Uri": "s3://a/capture"},
            "ProductionVariants": [{"VariantName": "blue", "ModelName": "old", "InitialInstanceCount": 2, "InstanceType": "ml.m5.xlarge",
                                    "CurrentWeight": 1.0}]}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aws").write_text(DEPLOY_FAKE_AWS)
    (bin_dir / "aws").chmod(0o755)
    (tmp_path / "target.json").write_text(json.dumps(target))
    (tmp_path / "base.json").write_text(json.dumps(base))
    (tmp_path / "image").mkdir()
    (tmp_path / "image" / "image.json").write_text(json.dumps({"imageUri": "222222222222.dkr.ecr.us-east-1.amazonaws.com/x:1"}))
    (tmp_path / "release.json").write_text(json.dumps({"version": "abc123", "modelDataUrl": "s3://delivery/models/abc123/model.tar.gz"}))
    script = gate("deploy.yml", "set -euo pipefail")
    proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=30, env={
        "PATH": f"{bin_dir}:{os.environ['PATH']}", "CALLS": str(tmp_path / "calls"), "TARGET_FILE": str(tmp_path / "target.json"),
        "BASE_FILE": str(tmp_path / "base.json"), "CREATED_FILE": str(tmp_path / "created.json"),
        "CODEBUILD_SRC_DIR_ImageOutput": str(tmp_path / "image"), "CODEBUILD_BUILD_NUMBER": "7", "TARGET_ROLE_ARN": "arn:aws:iam::1:role/d",
        "TARGET_REGION": "us-east-1", "TARGET_PARAMETER": "/acme/model-delivery/target", "ENVIRONMENT_NAME": "prod"})
    assert proc.returncode == 0, proc.stderr
    created = json.loads((tmp_path / "created.json").read_text())
    name = f"{target['resourcePrefix']}-abc123-7"
    assert created["EndpointConfigName"] == name
    assert created["DataCaptureConfig"] == base["DataCaptureConfig"] and created["KmsKeyId"] == base["KmsKeyId"]
    assert created["ProductionVariants"] == [{"VariantName": "blue", "ModelName": name, "InitialInstanceCount": 2,
                                              "InstanceType": "ml.m5.xlarge"}]
    calls = (tmp_path / "calls").read_text()
    assert f"sagemaker update-endpoint --endpoint-name {target['endpointName']} --endpoint-config-name {name} --retain-all-variant-properties" in calls
    assert "create-endpoint " not in calls
