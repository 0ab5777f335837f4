"""Deployment layer: model, endpoint, autoscaling, batch transform and the inference Lambda, from the records.

Besides the committed stacks, one module fixture synthesizes prod with GPU (NVMe) instance types and the
standby endpoint on, to check the config-driven paths the committed stack files leave off.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.deployment import Variant, endpoint_volume_key, scaling_resource_id
from config import ConfigError, validate
from platformctl.offline.project import load_stack_config
from platformctl.offline.records import ResourceRecord, Snapshot
from tests.conftest import ROOT
from tests.iam_lint import lint
from tests.lambda_fakes import invoke_handler_with_fake_endpoint, load_handler

pytestmark = pytest.mark.heavy

KEY = "arn:aws:kms:us-east-1:111122223333:key/ml"


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def knobs(snap: Snapshot) -> dict[str, Any]:
    return snap.config["aiplatform:knobs"]


def region_of(snap: Snapshot, record: ResourceRecord) -> str:
    return snap.provider_of(record).inputs["region"]


def deps(snap: Snapshot, record: ResourceRecord, prop: str, type_: str | None = None) -> list[ResourceRecord]:
    return [snap.by_urn[u] for u in record.property_dependencies.get(prop, []) if type_ is None or snap.by_urn[u].type == type_]


LAYER = "aiplatform:deployment:DeploymentLayer"


def in_region(snap: Snapshot, type_: str, region: str = "us-east-1", account: str = "") -> list[ResourceRecord]:
    """This layer's records of ``type_`` in ``region`` (of the workload account named ``account``, if given)."""
    return [r for r in snap.of_type(type_) if region_of(snap, r) == region and snap.layer_of(r) == LAYER
            and r.name.startswith(f"{account}-" if account else "")]


def ml_key(snap: Snapshot, code: str = "use1") -> ResourceRecord:
    return snap.one("aws:kms/key:Key", f"{code}-ml-key")


def function(snap: Snapshot, kind: str) -> ResourceRecord:
    return snap.one("aws:lambda/function:Function", f"use1-{kind}")


def isolated_subnets(snap: Snapshot, code: str = "use1") -> list[str]:
    (vpc,) = [v for v in snap.of_type("awsx:ec2:Vpc") if code in v.name]
    return vpc.outputs["isolatedSubnetIds"]


# -- model and endpoint ---------------------------------------------------------------------------


def test_model_runs_in_the_vpc_with_network_isolation(workload):
    (model,) = in_region(workload, "aws:sagemaker/model:Model")
    assert model.inputs["enableNetworkIsolation"] is True
    assert model.inputs["vpcConfig"]["subnets"] == isolated_subnets(workload)
    sg = workload.one("aws:ec2/securityGroup:SecurityGroup", "use1-network-workload-sg")
    assert model.inputs["vpcConfig"]["securityGroupIds"] == [sg.id]
    (role,) = deps(workload, model, "executionRoleArn", "aws:iam/role:Role")
    assert role.inputs["path"] == "/aiplatform/"


def test_endpoint_config_is_encrypted_and_captures_data(workload):
    (config,) = in_region(workload, "aws:sagemaker/endpointConfiguration:EndpointConfiguration")
    key = ml_key(workload)
    assert deps(workload, config, "kmsKeyArn", "aws:kms/key:Key") == [key]
    capture = config.inputs["dataCaptureConfig"]
    assert capture["enableCapture"] is True
    assert capture["kmsKeyId"] == key.outputs["arn"]
    assert capture["initialSamplingPercentage"] == knobs(workload)["endpoint"]["dataCaptureSamplingPercent"]
    artifacts = workload.one("aws:s3/bucket:Bucket", "use1-lake-artifacts")
    assert capture["destinationS3Uri"].startswith(f"s3://{artifacts.outputs['bucket']}/data-capture/")
    assert {o["captureMode"] for o in capture["captureOptions"]} == {"Input", "Output"}


def test_variants_come_from_config(workload):
    (config,) = in_region(workload, "aws:sagemaker/endpointConfiguration:EndpointConfiguration")
    wanted = knobs(workload)["endpoint"]["variants"]
    got = config.inputs["productionVariants"]
    assert [v["variantName"] for v in got] == [v["name"] for v in wanted]
    for v, w in zip(got, wanted, strict=True):
        assert v["instanceType"] == w.get("instanceType", knobs(workload)["inferenceInstanceType"])
        assert v["initialInstanceCount"] == w["minInstances"]


def test_every_variant_autoscales_on_invocations(workload):
    (endpoint,) = in_region(workload, "aws:sagemaker/endpoint:Endpoint")
    targets = in_region(workload, "aws:appautoscaling/target:Target")
    policies = in_region(workload, "aws:appautoscaling/policy:Policy")
    wanted = knobs(workload)["endpoint"]
    assert len(targets) == len(wanted["variants"])
    for variant in wanted["variants"]:
        (target,) = [t for t in targets if t.inputs["resourceId"] == f"endpoint/{endpoint.inputs['name']}/variant/{variant['name']}"]
        assert target.inputs["scalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
        assert target.inputs["serviceNamespace"] == "sagemaker"
        assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (variant["minInstances"], variant["maxInstances"])
        (policy,) = [p for p in policies if target.urn in p.property_dependencies.get("resourceId", [])]
        tracking = policy.inputs["targetTrackingScalingPolicyConfiguration"]
        assert policy.inputs["policyType"] == "TargetTrackingScaling"
        assert tracking["predefinedMetricSpecification"]["predefinedMetricType"] == "SageMakerVariantInvocationsPerInstance"
        assert tracking["targetValue"] == wanted.get("invocationsPerInstanceTarget", 100)


# -- serverless path and batch transform ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["invoke-endpoint", "batch-transform"])
def test_lambdas_are_in_the_vpc_encrypted_traced_and_bounded(workload, kind):
    fn = function(workload, kind)
    assert fn.inputs["vpcConfig"]["subnetIds"] == isolated_subnets(workload)
    assert deps(workload, fn, "kmsKeyArn", "aws:kms/key:Key") == [ml_key(workload)]
    assert fn.inputs["tracingConfig"] == {"mode": "Active"}
    assert fn.inputs["reservedConcurrentExecutions"] >= 1
    (queue,) = deps(workload, fn, "deadLetterConfig", "aws:sqs/queue:Queue")
    assert deps(workload, queue, "kmsMasterKeyId", "aws:kms/key:Key") == [ml_key(workload)]
    (group,) = [g for g in workload.of_type("aws:cloudwatch/logGroup:LogGroup") if g.inputs["name"] == f"/aws/lambda/{fn.inputs['name']}"]
    assert deps(workload, group, "kmsKeyId", "aws:kms/key:Key") == [workload.one("aws:kms/key:Key", "use1-logs-key")]


def test_invoke_function_calls_only_our_endpoint(workload):
    fn = function(workload, "invoke-endpoint")
    (endpoint,) = in_region(workload, "aws:sagemaker/endpoint:Endpoint")
    assert fn.inputs["environment"]["variables"]["ENDPOINT_NAME"] == endpoint.inputs["name"]
    assert fn.inputs["reservedConcurrentExecutions"] == knobs(workload)["api"]["lambdaReservedConcurrency"]
    (policy,) = [p for p in workload.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("use1-invoke-endpoint")]
    doc = json.loads(policy.inputs["policy"])
    assert lint(doc) == []
    (invoke,) = [st for st in doc["Statement"] if "sagemaker:InvokeEndpoint" in as_list(st["Action"])]
    assert invoke["Resource"] == endpoint.outputs["arn"]


def test_batch_transform_runs_on_a_schedule_with_kms(workload):
    fn = function(workload, "batch-transform")
    (schedule,) = in_region(workload, "aws:scheduler/schedule:Schedule")
    assert fn.urn in schedule.property_dependencies["target"]
    assert schedule.inputs["target"]["deadLetterConfig"]["arn"].startswith("arn:aws:sqs:")
    assert deps(workload, schedule, "kmsKeyArn", "aws:kms/key:Key") == [ml_key(workload)]
    assert schedule.inputs["scheduleExpression"] == knobs(workload)["endpoint"]["batchSchedule"]
    env = fn.inputs["environment"]["variables"]
    key = ml_key(workload).outputs["arn"]
    assert env["KMS_KEY_ARN"] == key and env["VOLUME_KMS_KEY_ARN"] == key  # m5: an EBS type takes the volume key
    (endpoint,) = in_region(workload, "aws:sagemaker/endpoint:Endpoint")
    assert endpoint.urn in fn.property_dependencies["environment"] and "MODEL_NAME" not in env  # follows the endpoint's model
    (policy,) = [p for p in workload.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("use1-batch-transform")]
    doc = json.loads(policy.inputs["policy"])
    assert lint(doc) == []
    (start,) = [st for st in doc["Statement"] if st["Effect"] == "Allow" and "sagemaker:CreateTransformJob" in as_list(st["Action"])]
    assert all(":transform-job/" in r and r.endswith("-*") for r in as_list(start["Resource"]))
    assert any(st["Effect"] == "Deny" and "sagemaker:OutputKmsKey" in json.dumps(st.get("Condition")) for st in doc["Statement"])


def test_monitoring_outputs_are_exported(workload):
    (account,) = workload.outputs["workloads"].values()
    ml = account["us-east-1"]["ml"]
    for name in ("endpointName", "variantNames", "pipelineName", "pipelineArn", "apiId", "apiStageName", "invokeFunctionName",
                 "batchFunctionName", "batchScheduleName"):
        assert ml.get(name), name
    assert ml["variantNames"] == [v["name"] for v in knobs(workload)["endpoint"]["variants"]]


# -- config-driven paths: NVMe instance types and the standby endpoint ----------------------------------


# The grown prod of tests/fleet_variant.py (two accounts, three regions) has GPU types and the standby on.


def test_nvme_endpoint_config_has_no_volume_key_but_capture_stays_encrypted(fleet):
    configs = [c for c in fleet.of_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration") if fleet.layer_of(c) == LAYER]
    assert configs
    for config in configs:
        assert not config.inputs.get("kmsKeyArn"), f"AWS rejects a volume key on ml.g5: {config.name}"
        assert config.inputs["dataCaptureConfig"]["kmsKeyId"].startswith("arn:aws:kms:")
    for account in ("mlprod", "mlprod2"):  # the program must say why the key is left out, in each account
        assert any(w.startswith(f"{account}-use1:") and "NVMe" in w for w in fleet.warnings), account


def test_nvme_training_jobs_have_no_volume_key(fleet):
    pipelines = fleet.of_type("aws:sagemaker/pipeline:Pipeline")
    assert len(pipelines) == 2  # one per workload account
    for pipeline in pipelines:
        steps = {s["Name"]: s for s in json.loads(pipeline.inputs["pipelineDefinition"])["Steps"]}
        assert "VolumeKmsKeyId" not in steps["TrainBaseline"]["Arguments"]["ResourceConfig"]
        assert "VolumeKmsKeyId" not in steps["TuneModel"]["Arguments"]["TrainingJobDefinition"]["ResourceConfig"]
        assert steps["TrainBaseline"]["Arguments"]["OutputDataConfig"]["KmsKeyId"].startswith("arn:aws:kms:")
    batch = [f for f in fleet.of_type("aws:lambda/function:Function") if f.name.endswith("use1-batch-transform")]
    assert len(batch) == 2
    assert all(fn.inputs["environment"]["variables"]["VOLUME_KMS_KEY_ARN"] == "" for fn in batch)


def test_standby_endpoint_in_the_dr_region_of_every_account(fleet):
    accounts = fleet.outputs["workloads"]
    assert sorted(accounts) == ["mlprod", "mlprod2"]
    for name, account in accounts.items():
        (endpoint,) = in_region(fleet, "aws:sagemaker/endpoint:Endpoint", "us-west-2", name)
        assert "standby" in endpoint.inputs["name"]
        (model,) = in_region(fleet, "aws:sagemaker/model:Model", "us-west-2", name)
        assert model.inputs["vpcConfig"]["subnets"] == isolated_subnets(fleet, f"{name}-usw2")
        container = model.inputs["primaryContainer"]
        assert ".dkr.ecr.us-west-2.amazonaws.com/" in container["image"], "the standby pulls the DR replica"
        assert container["modelDataUrl"].startswith("s3://") and "us-west-2" in container["modelDataUrl"]
        assert len(in_region(fleet, "aws:appautoscaling/target:Target", "us-west-2", name)) == 1
        assert not in_region(fleet, "aws:lambda/function:Function", "us-west-2", name), "the standby has no Lambda or schedule"
        assert account["us-west-2"]["ml"]["endpointName"] == endpoint.inputs["name"]


# -- units ------------------------------------------------------------------------------------------


def test_scaling_resource_id_format():
    assert scaling_resource_id("ep", "primary") == "endpoint/ep/variant/primary"


@pytest.mark.parametrize(("types", "keyed"), [(["ml.m5.large"], True), (["ml.g5.xlarge"], False), (["ml.inf2.xlarge"], True)])
def test_endpoint_volume_key(types, keyed):
    variants = [Variant(f"v{i}", t, 1.0, 1, 2) for i, t in enumerate(types)]
    assert (endpoint_volume_key(variants, KEY) == KEY) is keyed




@pytest.fixture
def batch_env(monkeypatch):
    for k, v in {"INSTANCE_TYPE": "ml.m5.large", "JOB_PREFIX": "acme-batch", "ENDPOINT_NAME": "ep", "INPUT_URI": "s3://in/batch/input/",
                 "OUTPUT_URI": "s3://out/batch/output/", "KMS_KEY_ARN": KEY, "VOLUME_KMS_KEY_ARN": KEY, "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(k, v)
    return monkeypatch


def test_batch_request_encrypts_output_and_volume(batch_env):
    request = load_handler("batch_transform").job_request("m", 0)
    assert request["TransformOutput"]["KmsKeyId"] == KEY
    assert request["TransformResources"]["VolumeKmsKeyId"] == KEY
    assert request["TransformOutput"]["S3OutputPath"] == "s3://out/batch/output/19700101-000000/"
    assert len(request["TransformJobName"]) <= 63


def test_batch_request_leaves_the_volume_key_out_on_nvme(batch_env):
    batch_env.setenv("VOLUME_KMS_KEY_ARN", "")
    batch_env.setenv("INSTANCE_TYPE", "ml.g5.xlarge")
    request = load_handler("batch_transform").job_request("m", 0)
    assert "VolumeKmsKeyId" not in request["TransformResources"]
    assert request["TransformOutput"]["KmsKeyId"] == KEY


@pytest.mark.parametrize(("body", "status"), [("not json", 400), ('{"instances": []}', 400), ('{"rows": [1]}', 400),
                                              ('{"instances": [[1, "x"]]}', 400), ('{"instances": [[1, 2], [1]]}', 400)])
def test_invoke_handler_rejects_bad_bodies_without_calling_the_endpoint(monkeypatch, body, status):
    monkeypatch.setenv("ENDPOINT_NAME", "ep")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    handler = load_handler("invoke_endpoint")

    class Refuse:
        def invoke_endpoint(self, **kwargs):
            raise AssertionError("must not be called")

    monkeypatch.setattr(handler, "RUNTIME", Refuse())
    response = handler.handler({"body": body, "requestContext": {"requestId": "r"}}, None)
    assert response["statusCode"] == status
    answer = json.loads(response["body"])
    assert answer["requestId"] == "r" and "rows" not in response["body"], "errors name the request, never echo its content"


def test_invoke_handler_forwards_instances_and_returns_predictions(monkeypatch):
    handler, calls = invoke_handler_with_fake_endpoint(monkeypatch, b"[0.9]")
    response = handler.handler({"body": '{"instances": [[1, 2]]}'}, None)
    assert response["statusCode"] == 200 and json.loads(response["body"])["predictions"] == [0.9]
    assert calls[0]["EndpointName"] == "ep" and calls[0]["ContentType"] == "text/csv" and calls[0]["Body"] == "1.0,2.0\n"


# -- every policy document of the ML layers --------------------------------------------------------

ML_LAYERS = ("aiplatform:registry:", "aiplatform:training:", "aiplatform:deployment:", "aiplatform:inference:")
ECR_POLICY_TYPES = {"aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"}





# -- config validation of the deployment knobs ---------------------------------------------------------


def config_problems(stack: str, mutate) -> dict[str, str]:
    data = {k.split(":", 1)[1]: json.loads(json.dumps(v)) for k, v in load_stack_config(ROOT, stack).raw.items()
            if k.startswith("aiplatform:")}
    mutate(data)
    with pytest.raises(ConfigError) as info:
        validate(data, stack, "aiplatform")
    return {p.key: p.fix for p in info.value.problems}


def endpoint(**values):
    def mutate(data):
        data["knobs"].setdefault("endpoint", {}).update(values)
    return mutate


@pytest.mark.parametrize(("mutate", "key"), [
    (endpoint(variants=[{"name": "a", "instanceType": "ml.m5.large"}, {"name": "b", "instanceType": "ml.g5.xlarge"}]),
     "knobs.endpoint.variants"),
    (endpoint(variants=[{"name": "a"}, {"name": "a"}]), "knobs.endpoint.variants[1].name"),
    (endpoint(variants=[{"name": "a", "minInstances": 3, "maxInstances": 2}]), "knobs.endpoint.variants[0].maxInstances"),
    (endpoint(variants=[]), "knobs.endpoint.variants"),
    (endpoint(batchSchedule="every night"), "knobs.endpoint.batchSchedule"),
    (endpoint(modelPackageArn="arn:aws:s3:::bucket/model.tar.gz"), "knobs.endpoint.modelPackageArn"),
    (endpoint(variants=[{"name": "a", "instanceType": "ml.trn1.2xlarge"}]), "knobs.endpoint.variants[0].instanceType"),
    (lambda d: d["features"].update(standbyEndpoint=True), "features.standbyEndpoint"),
])
def test_bad_deployment_config_is_named_with_a_fix(mutate, key):
    found = config_problems("dev", mutate)  # dev has no DR region: the standby case must fail there
    assert key in found and found[key]


def test_a_valid_approved_version_is_accepted():
    data = {k.split(":", 1)[1]: json.loads(json.dumps(v)) for k, v in load_stack_config(ROOT, "prod").raw.items()
            if k.startswith("aiplatform:")}
    arn = "arn:aws:sagemaker:us-east-1:222222222222:model-package/acme-ml-models/3"
    data["knobs"]["endpoint"]["modelPackageArn"] = arn
    assert validate(data, "prod", "aiplatform").knobs.endpoint.model_package_arn == arn
