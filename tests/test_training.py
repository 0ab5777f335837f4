"""Training layer: Studio, execution roles and guardrails, and the pipeline definition, from the dev and prod records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.sagemaker_pipeline import PipelineSpec, definition
from config import ConfigError, validate
from config.instance_types import (
    INFERENCE_INSTANCE_TYPES,
    TRAINING_INSTANCE_TYPES,
    has_local_nvme,
    volume_key_for,
)
from platformctl.offline.project import load_stack_config
from platformctl.offline.records import ResourceRecord, Snapshot
from tests.conftest import ROOT
from tests.iam_lint import lint
from tests.instance_store import NVME_FAMILIES

JOB_STEP_TYPES = {"Processing", "Training", "Tuning", "AutoML"}
KEY = "arn:aws:kms:us-east-1:111122223333:key/ml"


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def knobs(snap: Snapshot) -> dict[str, Any]:
    return snap.config["aiplatform:knobs"]


def depends_on(snap: Snapshot, record: ResourceRecord, prop: str, type_: str) -> list[ResourceRecord]:
    return [snap.by_urn[u] for u in record.property_dependencies.get(prop, []) if snap.by_urn[u].type == type_]


def isolated_subnets(snap: Snapshot) -> list[str]:
    (vpc,) = [v for v in snap.of_type("awsx:ec2:Vpc") if "use1" in v.name]
    return vpc.outputs["isolatedSubnetIds"]


def workload_sg(snap: Snapshot) -> ResourceRecord:
    return snap.one("aws:ec2/securityGroup:SecurityGroup", "use1-network-workload-sg")


def ml_key(snap: Snapshot) -> ResourceRecord:
    return snap.one("aws:kms/key:Key", "use1-ml-key")


def pipeline_definition(snap: Snapshot) -> dict[str, Any]:
    (pipeline,) = snap.of_type("aws:sagemaker/pipeline:Pipeline")
    return json.loads(pipeline.inputs["pipelineDefinition"])


def job_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every job-running step, including those nested in condition branches."""
    found = []
    for step in steps:
        if step["Type"] == "Condition":
            found += job_steps(step["Arguments"]["IfSteps"] + step["Arguments"]["ElseSteps"])
        elif step["Type"] in JOB_STEP_TYPES:
            found.append(step)
    return found


def job_settings(step: dict[str, Any]) -> dict[str, Any]:
    """VPC, isolation, traffic encryption, keys and instance type of a step, wherever its API puts them."""
    a = step["Arguments"]
    if step["Type"] == "Processing":
        net, res = a["NetworkConfig"], a["ProcessingResources"]["ClusterConfig"]
        return {"vpc": net["VpcConfig"], "isolation": net["EnableNetworkIsolation"], "traffic": net["EnableInterContainerTrafficEncryption"],
                "output_key": a["ProcessingOutputConfig"].get("KmsKeyId"), "volume_key": res.get("VolumeKmsKeyId"),
                "instance_type": res["InstanceType"]}
    if step["Type"] in ("Training", "Tuning"):
        d = a if step["Type"] == "Training" else a["TrainingJobDefinition"]
        return {"vpc": d["VpcConfig"], "isolation": d["EnableNetworkIsolation"], "traffic": d["EnableInterContainerTrafficEncryption"],
                "output_key": d["OutputDataConfig"].get("KmsKeyId"), "volume_key": d["ResourceConfig"].get("VolumeKmsKeyId"),
                "instance_type": d["ResourceConfig"]["InstanceType"]}
    sec = a["AutoMLJobConfig"]["SecurityConfig"]
    return {"vpc": sec["VpcConfig"], "isolation": None, "traffic": sec["EnableInterContainerTrafficEncryption"],
            "output_key": a["OutputDataConfig"].get("KmsKeyId"), "volume_key": sec.get("VolumeKmsKeyId"), "instance_type": None}


# -- Studio -------------------------------------------------------------------------------


def test_studio_domain_is_vpc_only_on_the_isolated_subnets(workload):
    (domain,) = workload.of_type("aws:sagemaker/domain:Domain")
    assert domain.inputs["appNetworkAccessType"] == "VpcOnly"
    assert domain.inputs["subnetIds"] == isolated_subnets(workload)
    assert domain.inputs["vpcId"].startswith("vpc-")


def test_studio_encrypts_with_the_ml_key(workload):
    (domain,) = workload.of_type("aws:sagemaker/domain:Domain")
    assert depends_on(workload, domain, "kmsKeyId", "aws:kms/key:Key") == [ml_key(workload)]


def test_studio_apps_get_the_workload_security_group_everywhere(workload):
    (domain,) = workload.of_type("aws:sagemaker/domain:Domain")
    sg = workload_sg(workload).id
    assert domain.inputs["defaultUserSettings"]["securityGroups"] == [sg]
    assert domain.inputs["defaultSpaceSettings"]["securityGroups"] == [sg]
    assert domain.inputs["domainSettings"]["securityGroupIds"] == [sg]


def test_studio_hardening(workload):
    (domain,) = workload.of_type("aws:sagemaker/domain:Domain")
    settings = domain.inputs["defaultUserSettings"]
    assert domain.inputs["domainSettings"]["dockerSettings"]["enableDockerAccess"] == "DISABLED"
    assert domain.inputs["domainSettings"]["executionRoleIdentityConfig"] == "USER_PROFILE_NAME"
    assert settings["sharingSettings"]["notebookOutputOption"] == "Disabled"
    for app in ("jupyterLabAppSettings", "codeEditorAppSettings"):
        idle = settings[app]["appLifecycleManagement"]["idleSettings"]
        assert idle["lifecycleManagement"] == "ENABLED"
        assert idle["idleTimeoutInMinutes"] == knobs(workload)["studioIdleTimeoutMinutes"]


def test_home_efs_retained_only_in_prod(snapshots):
    policies = {name: snapshots[name].of_type("aws:sagemaker/domain:Domain")[0].inputs["retentionPolicy"]["homeEfsFileSystem"]
                for name in ("dev", "prod")}
    assert policies == {"dev": "Delete", "prod": "Retain"}
    assert snapshots["prod"].of_type("aws:sagemaker/domain:Domain")[0].protect


def test_user_profiles_come_from_config(workload):
    (domain,) = workload.of_type("aws:sagemaker/domain:Domain")
    profiles = workload.of_type("aws:sagemaker/userProfile:UserProfile")
    assert sorted(p.inputs["userProfileName"] for p in profiles) == sorted(knobs(workload)["studioUsers"])
    for profile in profiles:
        assert domain.urn in profile.property_dependencies["domainId"]
        assert profile.inputs["userSettings"]["securityGroups"] == [workload_sg(workload).id]


# -- Roles and guardrails --------------------------------------------------------------------


def sagemaker_roles(snap: Snapshot) -> list[ResourceRecord]:
    return [r for r in snap.of_type("aws:iam/role:Role") if "sagemaker-studio" in r.name or "sagemaker-pipeline" in r.name]


def test_execution_roles_are_least_privilege(workload):
    roles = sagemaker_roles(workload)
    assert len(roles) == 2
    attachments = workload.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    lake = {b.name.rsplit("-", 1)[-1]: b for b in workload.of_type("aws:s3/bucket:Bucket") if "use1-lake-" in b.name}
    for role in roles:
        assert role.inputs["path"] == "/aiplatform/", "the lake's perimeter admits platform roles by path"
        for att in attachments:
            if role.urn in att.property_dependencies.get("role", []):
                assert "FullAccess" not in str(att.inputs.get("policyArn")), "no AWS-managed full access"
        (inline,) = [p for p in workload.of_type("aws:iam/rolePolicy:RolePolicy") if role.urn in p.property_dependencies.get("role", [])]
        doc = json.loads(inline.inputs["policy"])
        assert lint(doc) == []
        s3_resources = {res for st in doc["Statement"] if any(a.startswith("s3:") for a in as_list(st["Action"]))
                        for res in as_list(st["Resource"])}
        buckets = {res.split("/")[0] for res in s3_resources}
        assert buckets == {lake["curated"].outputs["arn"], lake["artifacts"].outputs["arn"]}, "only curated and artifacts"


@pytest.fixture(scope="module", params=("dev", "prod"))
def guardrails(request, snapshots) -> tuple[Snapshot, dict[str, Any]]:
    snap = snapshots[request.param]
    policy = snap.one("aws:iam/policy:Policy", "sagemaker-guardrails")
    attached = {snap.by_urn[u].name for a in snap.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if policy.urn in a.property_dependencies.get("policyArn", []) for u in a.property_dependencies["role"]}
    assert {r.name for r in sagemaker_roles(snap)} <= attached
    return snap, json.loads(policy.inputs["policy"])


def test_guardrails_pass_parliament(guardrails):
    _, doc = guardrails
    assert lint(doc) == []


@pytest.mark.parametrize(("action", "condition_key"), [
    ("sagemaker:CreateTrainingJob", "sagemaker:VpcSubnets"),
    ("sagemaker:CreateTrainingJob", "sagemaker:VpcSecurityGroupIds"),
    ("sagemaker:CreateTrainingJob", "sagemaker:NetworkIsolation"),
    ("sagemaker:CreateTrainingJob", "sagemaker:VolumeKmsKey"),
    ("sagemaker:CreateTrainingJob", "sagemaker:OutputKmsKey"),
    ("sagemaker:CreateTrainingJob", "sagemaker:InterContainerTrafficEncryption"),
    ("sagemaker:CreateProcessingJob", "sagemaker:NetworkIsolation"),
    ("sagemaker:CreateHyperParameterTuningJob", "sagemaker:VpcSubnets"),
    ("sagemaker:CreateHyperParameterTuningJob", "sagemaker:VolumeKmsKey"),
    ("sagemaker:CreateAutoMLJobV2", "sagemaker:VpcSubnets"),
    ("sagemaker:CreateAutoMLJobV2", "sagemaker:OutputKmsKey"),
    ("sagemaker:CreateTransformJob", "sagemaker:OutputKmsKey"),
    ("sagemaker:CreateModel", "sagemaker:NetworkIsolation"),
])
def test_guardrails_deny_jobs_missing_a_control(guardrails, action, condition_key):
    _, doc = guardrails
    denying = [st for st in doc["Statement"] if st["Effect"] == "Deny" and action in as_list(st["Action"])
               and any(condition_key in keys for keys in st["Condition"].values())]
    assert denying, f"nothing denies {action} without {condition_key}"


def test_guardrails_pin_our_subnets_group_and_key(guardrails):
    snap, doc = guardrails
    by_sid = {st["Sid"]: st for st in doc["Statement"]}
    assert by_sid["DenyJobsInOtherSubnets"]["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:VpcSubnets"] == isolated_subnets(snap)
    assert by_sid["DenyJobsInOtherSecurityGroups"]["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:VpcSecurityGroupIds"] == [
        workload_sg(snap).id]
    assert by_sid["DenyJobsWithOtherOutputKey"]["Condition"]["ArnNotEquals"]["sagemaker:OutputKmsKey"] == ml_key(snap).outputs["arn"]


def test_volume_key_guardrail_exempts_exactly_the_nvme_families(guardrails):
    _, doc = guardrails
    (st,) = [s for s in doc["Statement"] if s["Sid"] == "DenyEbsJobsWithoutVolumeKey"]
    assert st["Condition"]["Null"] == {"sagemaker:VolumeKmsKey": "true"}
    patterns = st["Condition"]["ForAnyValue:StringNotLike"]["sagemaker:InstanceTypes"]
    assert {p.split(".")[1] for p in patterns} == NVME_FAMILIES


# -- Pipeline -------------------------------------------------------------------------------


def test_pipeline_has_the_required_steps(workload):
    defn = pipeline_definition(workload)
    assert defn["Version"] == "2020-12-01"
    types = {s["Name"]: s["Type"] for s in defn["Steps"]}
    assert {"Processing", "Training", "Tuning", "Condition"} <= set(types.values())
    (condition,) = [s for s in defn["Steps"] if s["Type"] == "Condition"]
    # Dev publishes to the shared registry; prod only consumes it (its retraining runs evaluate, nothing more).
    publishes = workload.stack == "dev"
    if_steps = condition["Arguments"]["IfSteps"]
    assert [s["Type"] for s in if_steps] == (["RegisterModel"] if publishes else []) + ["Processing"]
    assert if_steps[-1]["Name"] == "BaselineDataQuality"
    assert [s["Type"] for s in condition["Arguments"]["ElseSteps"]] == ["Fail"]
    evaluation = [s for s in defn["Steps"] if s["Type"] == "Processing" and s.get("PropertyFiles")]
    assert evaluation, "an evaluation step must publish the report the condition reads"


def test_autopilot_step_follows_the_feature_flag(workload):
    wanted = workload.config["aiplatform:features"].get("autopilot", False)
    assert any(s["Type"] == "AutoML" for s in pipeline_definition(workload)["Steps"]) == wanted


def test_every_pipeline_job_runs_in_the_vpc_isolated_and_encrypted(workload):
    key = ml_key(workload).outputs["arn"]
    steps = job_steps(pipeline_definition(workload)["Steps"])
    assert len(steps) >= 4
    for step in steps:
        s = job_settings(step)
        assert s["vpc"] == {"SecurityGroupIds": [workload_sg(workload).id], "Subnets": isolated_subnets(workload)}, step["Name"]
        assert s["isolation"] in (True, None) and s["traffic"] is True, step["Name"]  # AutoML has no isolation setting
        assert s["output_key"] == key, step["Name"]
        # The NVMe rule, config-driven: a volume key exactly where the instance type takes one.
        expected = None if s["instance_type"] and s["instance_type"].split(".")[1] in NVME_FAMILIES else key
        assert s["volume_key"] == expected, step["Name"]


def test_pipeline_instance_types_come_from_config(workload):
    k = knobs(workload)
    types = {job_settings(s)["instance_type"] for s in job_steps(pipeline_definition(workload)["Steps"]) if s["Type"] != "AutoML"}
    assert types == {k["trainingInstanceType"], k.get("processingInstanceType", "ml.m5.xlarge")}


def test_dev_registers_pending_approval_in_the_shared_registry(snapshots):
    dev = snapshots["dev"]
    (condition,) = [s for s in pipeline_definition(dev)["Steps"] if s["Type"] == "Condition"]
    (register,) = [s for s in condition["Arguments"]["IfSteps"] if s["Type"] == "RegisterModel"]
    assert register["Arguments"]["ModelApprovalStatus"] == "PendingManualApproval"
    assert register["Arguments"]["ModelPackageGroupName"] == snapshots["shared"].outputs["modelPackageGroupArn"]


@pytest.mark.parametrize(("stack", "may_register"), [("dev", True), ("prod", False)])
def test_only_dev_roles_may_register_and_never_approve(snapshots, stack, may_register):
    snap = snapshots[stack]
    for role in sagemaker_roles(snap):
        (inline,) = [p for p in snap.of_type("aws:iam/rolePolicy:RolePolicy") if role.urn in p.property_dependencies.get("role", [])]
        statements = json.loads(inline.inputs["policy"])["Statement"]
        register = [st for st in statements if "sagemaker:CreateModelPackage" in as_list(st["Action"])]
        assert bool(register) is may_register, role.name
        for st in register:
            assert st["Condition"] == {"StringEquals": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}}
        assert not any("sagemaker:UpdateModelPackage" in as_list(st["Action"]) for st in statements)


# -- The NVMe rule and the instance-type allow lists (units) --------------------------------------


@pytest.mark.parametrize(("instance_type", "nvme"), [
    ("ml.g5.2xlarge", True), ("ml.g4dn.xlarge", True), ("ml.p4d.24xlarge", True), ("ml.m5d.large", True),
    ("ml.trn1.2xlarge", True), ("ml.m5.xlarge", False), ("ml.c5.2xlarge", False), ("ml.p3.2xlarge", False),
    ("ml.inf2.xlarge", False), ("ml.inf1.xlarge", False),
])
def test_volume_key_only_without_local_nvme(instance_type, nvme):
    assert has_local_nvme(instance_type) is nvme
    assert volume_key_for(instance_type, KEY) == (None if nvme else KEY)


def spec(training: str, processing: str = "ml.m5.xlarge") -> PipelineSpec:
    return PipelineSpec(name="p", role_arn="arn:aws:iam::111122223333:role/r", subnet_ids=["subnet-1"], security_group_ids=["sg-1"],
                        kms_key_arn=KEY, curated_bucket="curated", artifacts_bucket="artifacts", training_image="img:1",
                        inference_image="img:2", training_instance_type=training, processing_instance_type=processing,
                        inference_instance_types=["ml.m5.large"], model_package_group="arn:group", autopilot=True)


@pytest.mark.parametrize("training", ["ml.g5.2xlarge", "ml.trn1.32xlarge", "ml.p4d.24xlarge"])
def test_pipeline_sends_no_volume_key_to_nvme_training(training):
    by_name = {s["Name"]: job_settings(s) for s in job_steps(definition(spec(training))["Steps"])}
    assert by_name["TrainBaseline"]["volume_key"] is None and by_name["TuneModel"]["volume_key"] is None
    assert by_name["TrainBaseline"]["output_key"] == KEY, "outputs stay encrypted with the key"
    assert by_name["PrepareFeatures"]["volume_key"] == KEY, "CPU processing keeps its volume key"


def test_pipeline_definition_is_plain_json_for_plain_inputs():
    assert json.loads(json.dumps(definition(spec("ml.m5.xlarge"))))["Version"] == "2020-12-01"


def test_allow_lists_offer_gpu_and_aws_silicon():
    assert any(t.startswith(("ml.g5.", "ml.p4d.")) for t in TRAINING_INSTANCE_TYPES)
    assert any(t.startswith("ml.trn1.") for t in TRAINING_INSTANCE_TYPES)
    assert any(t.startswith("ml.inf2.") for t in INFERENCE_INSTANCE_TYPES)


# -- Config validation -------------------------------------------------------------------------


def raw(stack: str) -> dict[str, Any]:
    cfg = load_stack_config(ROOT, stack)
    return {k.split(":", 1)[1]: json.loads(json.dumps(v)) for k, v in cfg.raw.items() if k.startswith("aiplatform:")}


def problems_of(stack: str, **knob_values: Any) -> dict[str, str]:
    data = raw(stack)
    data["knobs"].update(knob_values)
    with pytest.raises(ConfigError) as info:
        validate(data, stack, "aiplatform")
    return {p.key: f"{p.message} | {p.fix}" for p in info.value.problems}


@pytest.mark.parametrize(("knob", "value"), [
    ("trainingInstanceType", "ml.x1e.32xlarge"),
    ("inferenceInstanceType", "ml.trn1.2xlarge"),  # Trainium trains; Inferentia serves
    ("processingInstanceType", "ml.p5.48xlarge"),
])
def test_instance_types_outside_the_allow_list_are_rejected(knob, value):
    found = problems_of("dev", **{knob: value})
    assert f"knobs.{knob}" in found
    assert value in found[f"knobs.{knob}"] and "use one of" in found[f"knobs.{knob}"]


@pytest.mark.parametrize(("training", "inference"), [("ml.g5.2xlarge", "ml.inf2.xlarge"), ("ml.trn1.2xlarge", "ml.g5.xlarge")])
def test_gpu_and_aws_silicon_choices_are_accepted(training, inference):
    data = raw("dev")
    data["knobs"].update(trainingInstanceType=training, inferenceInstanceType=inference)
    data["knobs"]["endpoint"]["imageTag"] = "1.0-neuronx"  # Inferentia/Trainium run Neuron builds only (config/compute_rules.py)
    assert validate(data, "dev", "aiplatform").knobs.training_instance_type == training


def test_bad_studio_user_is_named():
    assert "knobs.studioUsers[1]" in problems_of("dev", studioUsers=["ok-user", "not_ok!"])


def test_a_passing_model_refreshes_the_drift_baseline_the_monitor_reads(workload):
    defn = pipeline_definition(workload)
    (condition,) = [s for s in defn["Steps"] if s["Type"] == "Condition"]
    (step,) = [s for s in condition["Arguments"]["IfSteps"] if s["Name"] == "BaselineDataQuality"]
    args = step["Arguments"]
    region = workload.config["aiplatform:regions"]["primary"]
    assert args["AppSpecification"]["ImageUri"].endswith(f".dkr.ecr.{region}.amazonaws.com/sagemaker-model-monitor-analyzer")
    (output,) = args["ProcessingOutputConfig"]["Outputs"]
    (job_def,) = workload.of_type("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition")
    constraints = job_def.inputs["dataQualityBaselineConfig"]["constraintsResource"]["s3Uri"]
    assert constraints == output["S3Output"]["S3Uri"] + "/constraints.json"
    assert args["ProcessingInputs"][0]["S3Input"]["S3Uri"]["Get"].endswith("Outputs['baseline'].S3Output.S3Uri")
    assert args["NetworkConfig"]["EnableNetworkIsolation"] is True and args["ProcessingOutputConfig"]["KmsKeyId"]


def test_the_pipeline_scripts_are_uploaded_where_the_steps_read_them(workload):
    defn = pipeline_definition(workload)
    code_uris = {inp["S3Input"]["S3Uri"] for s in defn["Steps"] if s["Type"] == "Processing"
                 for inp in s["Arguments"]["ProcessingInputs"] if inp["InputName"] == "code"}
    objects = workload.of_type("aws:s3/bucketObjectv2:BucketObjectv2")
    uploaded = {f"s3://{o.inputs['bucket']}/{o.inputs['key']}" for o in objects if o.inputs["key"].startswith("pipelines/")}
    assert code_uris and code_uris <= uploaded
    for o in objects:
        if o.inputs["key"].startswith("pipelines/"):
            assert o.inputs["serverSideEncryption"] == "aws:kms" and o.inputs["kmsKeyId"]
