"""AWS's run-time rules for the ML loop, as invariants over every recorded resource.

Offline mocks accept any policy, trust or data format; AWS does not. Each rule here encodes what
AWS documents (or what its services actually send) and is checked over ALL records of the
synthesized stacks, with a passing and a violating case of its own:

* negated condition operators: ``StringNotEquals``/``ArnNotEquals``/... are TRUE when the key is
  absent, so a Deny on a key that may be absent denies every request without it (use ``...IfExists``);
* Studio with source identity on: every role SageMaker assumes must allow ``sts:SetSourceIdentity``;
* models delivered by the pipeline run with the permissions of the Pulumi-managed model (capture!);
* roles that run SageMaker jobs on a volume key may create grants for AWS resources on it;
* the inference payload, the data capture and the Model Monitor baseline are one CSV contract,
  tested with the real ``ml_code`` and ``lambda_src`` code; monitoring that goes silent alarms;
* Autopilot gets a CSV channel with a header naming its target;
* EventBridge's KMS requests carry the SNS/SQS encryption context, not aws:SourceAccount/SourceArn;
* Lake Formation's registration role trusts lakeformation and glue.

The request-context evaluation uses tests/iam_eval.py (a small IAM evaluator of our own).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from components import sagemaker_iam as smi
from components.inference import REQUEST_SCHEMA
from components.sagemaker_pipeline import PipelineSpec, definition, job_arguments
from ml_code import prepare
from platformctl.offline.records import ResourceRecord, Snapshot
from tests import lambda_fakes
from tests.iam_eval import ALWAYS_PRESENT_KEYS, Request, evaluate, parse_operator, statements_of

ACCOUNT = "111122223333"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/ml"
OTHER_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/other"
SUBNETS = ["subnet-a", "subnet-b"]
SGS = ["sg-1"]
ALLOW_ALL = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


# -- record helpers -------------------------------------------------------------------------------------

def documents(record: ResourceRecord) -> list[tuple[str, dict]]:
    """Every policy-shaped document among a record's inputs, at any depth: JSON strings (IAM, resource, key and
    SCP policies) and objects with a ``Statement`` (aws-native resources take documents as objects)."""
    found: list[tuple[str, dict]] = []

    def walk(path: str, value: Any) -> None:
        if isinstance(value, str) and value.lstrip().startswith("{") and '"Statement"' in value:
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                return
        if isinstance(value, dict):
            if "Statement" in value:
                found.append((path, value))
                return
            for k, v in value.items():
                walk(f"{path}.{k}", v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(f"{path}[{i}]", v)

    for key, value in record.inputs.items():
        walk(key, value)
    return found


def role_by_arn(snap: Snapshot, arn: str) -> ResourceRecord:
    (role,) = [r for r in snap.of_type("aws:iam/role:Role") if r.outputs.get("arn") == arn]
    return role


def identity_documents(snap: Snapshot, role: ResourceRecord) -> list[dict]:
    """The role's inline policies and attached customer-managed policies."""
    handles = {role.outputs.get("id"), role.outputs.get("name"), role.outputs.get("arn")}
    inline = [json.loads(r.inputs["policy"]) for r in snap.of_type("aws:iam/rolePolicy:RolePolicy") if r.inputs.get("role") in handles]
    attached = {r.inputs["policyArn"] for r in snap.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if r.inputs.get("role") in handles}
    managed = [json.loads(p.inputs["policy"]) for p in snap.of_type("aws:iam/policy:Policy") if p.outputs.get("arn") in attached]
    return inline + managed


def trusts(role: ResourceRecord, service: str, action: str, account: str) -> bool:
    """Would the role's trust policy let ``service`` call ``action`` on behalf of ``account``?"""
    doc = json.loads(role.inputs["assumeRolePolicy"])
    for_service = [st for st in statements_of([doc])
                   if service in (lambda p: p if isinstance(p, list) else [p])((st.get("Principal") or {}).get("Service", []))]
    return evaluate([{"Statement": for_service}], Request(action, "*", {"aws:SourceAccount": account})) == "allow"


def account_of(snap: Snapshot, record: ResourceRecord) -> str:
    return record.outputs["arn"].split(":")[4]


# -- the evaluator itself: the documented semantics it relies on --------------------------------------

@pytest.mark.parametrize(("condition", "context", "holds"), [
    ({"ArnNotEquals": {"k:Key": KEY}}, {}, True),  # negated operator, absent key: TRUE
    ({"ArnNotEqualsIfExists": {"k:Key": KEY}}, {}, True),  # ... and IfExists does not change that (absent: TRUE)
    ({"ArnNotEquals": {"k:Key": KEY}}, {"k:Key": KEY}, False),
    ({"ArnNotEquals": {"k:Key": KEY}}, {"k:Key": OTHER_KEY}, True),
    ({"StringEquals": {"k:Key": "a"}}, {}, False),  # positive operator, absent key: FALSE
    ({"StringEqualsIfExists": {"k:Key": "a"}}, {}, True),
    ({"Null": {"k:Key": "true"}}, {}, True),
    ({"Null": {"k:Key": "true"}}, {"k:Key": "x"}, False),
    ({"ForAnyValue:StringNotLike": {"k:Types": ["ml.g5.*", "ml.p4d.*"]}}, {"k:Types": ["ml.g5.xlarge"]}, False),
    ({"ForAnyValue:StringNotLike": {"k:Types": ["ml.g5.*", "ml.p4d.*"]}}, {"k:Types": ["ml.m5.xlarge"]}, True),
    ({"ForAnyValue:StringNotEquals": {"k:Subnets": ["s1"]}}, {}, False),  # ForAnyValue over no values: FALSE
    ({"ForAllValues:StringEquals": {"k:Subnets": ["s1"]}}, {}, True),  # ForAllValues over no values: TRUE
    ({"Bool": {"k:Flag": "true"}}, {"k:Flag": True}, True),
    ({"StringLike": {"k:Key": "arn:aws:sns:us-east-1:1:*"}}, {"K:KEY": "arn:aws:sns:us-east-1:1:t"}, True),  # keys ignore case
])
def test_evaluator_condition_semantics(condition, context, holds):
    st = {"Effect": "Deny", "Action": "x:Y", "Resource": "*", "Condition": condition}
    assert evaluate([{"Statement": [st]}], Request("x:Y", "*", context)) == ("deny" if holds else "implicit")


# -- 1. negated condition operators over every document the program builds ----------------------------

# Perimeter keys: a request without them did not come through our network/organization, and denying it is the point.
DENY_WHEN_ABSENT = frozenset(k.lower() for k in (
    "aws:SourceVpce", "aws:SourceVpc", "aws:VpcSourceIp", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:ResourceOrgID",
    "aws:ResourceOrgPaths", "aws:ResourceAccount",
))


def negated_on_absent_keys(doc: dict) -> list[str]:
    """Conditions that are TRUE on a key the request may not carry, so the statement applies to every such request.

    Negated operators (``StringNotEquals``, ``ArnNotEquals``, ...) are true on an absent key, and so are their
    ``IfExists`` forms (IfExists makes ANY operator true on an absent key), as are ``ForAllValues`` ones.
    Accepted: keys AWS always puts in the request context, the perimeter keys above, ``ForAnyValue`` (false on
    an absent key), and statements that require the key themselves (``"Null": {key: "false"}``).
    """
    problems = []
    for st in statements_of([doc]):
        condition = st.get("Condition") or {}
        required = {k.lower() for op, block in condition.items() if parse_operator(op).base == "null"
                    for k, v in block.items() if str(v).lower() == "false"}
        for op_name, block in condition.items():
            op = parse_operator(op_name)
            if not ((op.negated and op.qualifier != "foranyvalue") or op.qualifier == "forallvalues"):
                continue
            for key in block:
                if key.lower() not in ALWAYS_PRESENT_KEYS | DENY_WHEN_ABSENT | required:
                    problems.append(f"{st.get('Sid', '?')}: {op_name} on {key}")
    return problems


def test_no_document_uses_a_negated_operator_on_a_key_that_may_be_absent(stack):
    found = [f"{r.name}.{key}: {p}" for r in stack.resources for key, doc in documents(r) for p in negated_on_absent_keys(doc)]
    assert not found, ("a negated operator (IfExists or not) is TRUE when the key is absent, so the statement applies to every "
                       "request without the key; add \"Null\": {key: \"false\"} where only a present, wrong value is meant:\n"
                       + "\n".join(found))


@pytest.mark.parametrize(("condition", "flagged"), [
    ({"ArnNotEquals": {"sagemaker:VolumeKmsKey": KEY}}, True),
    ({"ArnNotEqualsIfExists": {"sagemaker:VolumeKmsKey": KEY}}, True),  # still true when the key is absent
    ({"ArnNotEquals": {"sagemaker:VolumeKmsKey": KEY}, "Null": {"sagemaker:VolumeKmsKey": "false"}}, False),
    ({"ForAllValues:StringNotEquals": {"sagemaker:VpcSubnets": SUBNETS}}, True),
    ({"ForAnyValue:StringNotEquals": {"sagemaker:VpcSubnets": SUBNETS}}, False),
    ({"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}, False),  # always in the request context
    ({"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, False),  # perimeter: denying requests from elsewhere is the point
])
def test_negated_operator_rule_passes_and_flags(condition, flagged):
    doc = {"Statement": [{"Sid": "S", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": condition}]}
    assert bool(negated_on_absent_keys(doc)) is flagged


# The guardrail, request context by request context. Everything compliant is the baseline; each row changes one thing.
COMPLIANT = {"sagemaker:VpcSubnets": ["subnet-a"], "sagemaker:VpcSecurityGroupIds": ["sg-1"], "sagemaker:NetworkIsolation": "true",
             "sagemaker:InterContainerTrafficEncryption": "true", "sagemaker:OutputKmsKey": KEY, "sagemaker:VolumeKmsKey": KEY}
NO_VOLUME_KEY = {k: v for k, v in COMPLIANT.items() if k != "sagemaker:VolumeKmsKey"}


@pytest.mark.parametrize(("action", "instance_type", "context", "decision"), [
    ("CreateTrainingJob", "ml.m5.xlarge", COMPLIANT, "allow"),
    ("CreateTrainingJob", "ml.m5.xlarge", NO_VOLUME_KEY, "deny"),  # EBS without our key
    ("CreateTrainingJob", "ml.m5.xlarge", {**COMPLIANT, "sagemaker:VolumeKmsKey": OTHER_KEY}, "deny"),
    ("CreateTrainingJob", "ml.g5.xlarge", NO_VOLUME_KEY, "allow"),  # NVMe: AWS rejects a volume key, so none is sent
    ("CreateTrainingJob", "ml.p4d.24xlarge", NO_VOLUME_KEY, "allow"),
    ("CreateTrainingJob", "ml.g4dn.xlarge", NO_VOLUME_KEY, "allow"),
    ("CreateTrainingJob", "ml.g5.xlarge", {**COMPLIANT, "sagemaker:VolumeKmsKey": OTHER_KEY}, "deny"),
    ("CreateProcessingJob", "ml.g5.xlarge", NO_VOLUME_KEY, "allow"),
    ("CreateTransformJob", "ml.g5.xlarge", NO_VOLUME_KEY, "allow"),
    ("CreateTransformJob", "ml.m5.large", NO_VOLUME_KEY, "deny"),
    ("CreateTrainingJob", "ml.m5.xlarge", {k: v for k, v in COMPLIANT.items() if k != "sagemaker:OutputKmsKey"}, "deny"),
    ("CreateTrainingJob", "ml.m5.xlarge", {**COMPLIANT, "sagemaker:OutputKmsKey": OTHER_KEY}, "deny"),
    ("CreateTrainingJob", "ml.m5.xlarge", {**COMPLIANT, "sagemaker:VpcSubnets": ["subnet-x"]}, "deny"),
    ("CreateTrainingJob", "ml.m5.xlarge", {k: v for k, v in COMPLIANT.items() if k != "sagemaker:VpcSubnets"}, "deny"),
    ("CreateTrainingJob", "ml.m5.xlarge", {**COMPLIANT, "sagemaker:NetworkIsolation": "false"}, "deny"),
    ("CreateAutoMLJobV2", None, NO_VOLUME_KEY, "deny"),  # Autopilot always runs on EBS
    ("CreateAutoMLJobV2", None, COMPLIANT, "allow"),
])
def test_guardrail_decisions(action, instance_type, context, decision):
    guardrail = {"Statement": smi.guardrail_statements(SUBNETS, SGS, KEY)}
    ctx = {**context, **({"sagemaker:InstanceTypes": [instance_type]} if instance_type else {})}
    assert evaluate([guardrail, ALLOW_ALL], Request(f"sagemaker:{action}", "*", ctx)) == decision


def test_recorded_guardrail_lets_nvme_jobs_run_without_a_volume_key(workload):
    """The deployed document, with this stack's own subnets, security group and key."""
    (policy,) = [p for p in workload.of_type("aws:iam/policy:Policy") if p.name.endswith("sagemaker-guardrails")]
    (domain,) = workload.of_type("aws:sagemaker/domain:Domain")
    key = workload.one("aws:kms/key:Key", "use1-ml-key").outputs["arn"]
    ctx = {"sagemaker:VpcSubnets": domain.inputs["subnetIds"][:1], "sagemaker:VpcSecurityGroupIds": domain.inputs["domainSettings"]["securityGroupIds"],
           "sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true", "sagemaker:OutputKmsKey": key}
    doc = json.loads(policy.inputs["policy"])
    assert evaluate([doc, ALLOW_ALL], Request("sagemaker:CreateTrainingJob", "*", {**ctx, "sagemaker:InstanceTypes": ["ml.g5.2xlarge"]})) == "allow"
    assert evaluate([doc, ALLOW_ALL], Request("sagemaker:CreateTrainingJob", "*", {**ctx, "sagemaker:InstanceTypes": ["ml.m5.2xlarge"]})) == "deny"


# -- 2. source identity: every role SageMaker assumes ----------------------------------------------------

def sagemaker_roles(snap: Snapshot) -> list[ResourceRecord]:
    return [r for r in snap.of_type("aws:iam/role:Role") if "sagemaker.amazonaws.com" in r.inputs.get("assumeRolePolicy", "")]


def source_identity_on(snap: Snapshot) -> bool:
    return any((d.inputs.get("domainSettings") or {}).get("executionRoleIdentityConfig") == "USER_PROFILE_NAME"
               for d in snap.of_type("aws:sagemaker/domain:Domain"))


def test_studio_records_source_identity(workload):
    assert source_identity_on(workload)


def test_every_role_sagemaker_assumes_allows_set_source_identity(workload):
    assert source_identity_on(workload)
    roles = sagemaker_roles(workload)
    assert len(roles) >= 5, "studio, pipeline, model, model monitor and delivered-model roles"
    missing = [r.name for r in roles if not trusts(r, "sagemaker.amazonaws.com", "sts:SetSourceIdentity", account_of(workload, r))]
    assert not missing, f"Studio sets a source identity; these trusts refuse sts:SetSourceIdentity: {missing}"
    assert all(trusts(r, "sagemaker.amazonaws.com", "sts:AssumeRole", account_of(workload, r)) for r in roles)


def test_source_identity_rule_flags_a_trust_without_it():
    role = ResourceRecord(urn="u", type="aws:iam/role:Role", name="r", custom=True, inputs={"assumeRolePolicy": json.dumps({
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole",
                       "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]})})
    assert trusts(role, "sagemaker.amazonaws.com", "sts:AssumeRole", ACCOUNT)
    assert not trusts(role, "sagemaker.amazonaws.com", "sts:SetSourceIdentity", ACCOUNT)


# -- 3. the delivered model behaves like the Pulumi-managed one -------------------------------------------

def primary_serving(snap: Snapshot) -> tuple[dict[str, ResourceRecord], ResourceRecord]:
    """Every role SageMaker runs the primary endpoint's models as (Pulumi's model and the delivery pipeline's), and its config."""
    (parameter,) = [p for p in snap.of_type("aws:ssm/parameter:Parameter") if p.inputs["name"].endswith("/model-delivery/target")]
    target = json.loads(parameter.inputs["insecureValue"])
    (config,) = [c for c in snap.of_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration")
                 if c.outputs.get("name") == target["baseEndpointConfigName"]]
    served = {v["modelName"] for v in config.inputs["productionVariants"]}
    roles = {"delivered": role_by_arn(snap, target["executionRoleArn"])}
    for model in snap.of_type("aws:sagemaker/model:Model"):
        if model.outputs.get("name") in served:
            roles[model.name] = role_by_arn(snap, model.inputs["executionRoleArn"])
    assert len(roles) >= 2
    return roles, config


def test_every_serving_role_can_write_captured_traffic_with_the_ml_key(workload):
    roles, config = primary_serving(workload)
    capture = config.inputs["dataCaptureConfig"]
    assert capture["enableCapture"]
    prefix = "arn:aws:s3:::" + capture["destinationS3Uri"].removeprefix("s3://")
    for kind, role in roles.items():
        docs = identity_documents(workload, role)
        for request in (Request("s3:PutObject", f"{prefix}/primary/2026/01/01/00/capture.jsonl"),
                        Request("kms:GenerateDataKey", capture["kmsKeyId"]), Request("kms:Decrypt", capture["kmsKeyId"])):
            assert evaluate(docs, request) == "allow", f"{kind} model role {role.name} cannot {request.action} {request.resource}"
        # The lake's perimeter admits platform roles (by path) from outside the VPC: SageMaker writes capture from there.
        assert role.inputs.get("path") == "/aiplatform/", f"{kind} model role {role.name} is outside the platform role path"


def test_delivered_role_carries_the_serving_permissions_of_the_managed_model(workload):
    roles, _ = primary_serving(workload)
    delivered = {json.dumps(d, sort_keys=True) for d in identity_documents(workload, roles.pop("delivered"))}
    for kind, role in roles.items():
        managed = {json.dumps(d, sort_keys=True) for d in identity_documents(workload, role)}
        assert managed <= delivered, f"the delivered model lacks {kind}'s permissions"


def test_batch_transform_follows_the_endpoints_current_model(workload):
    for fn in workload.of_type("aws:lambda/function:Function"):
        if not fn.inputs["name"].endswith("batch-transform"):
            continue
        env = fn.inputs["environment"]["variables"]
        assert "MODEL_NAME" not in env, "a fixed model name goes stale after the first delivery"
        endpoint = env["ENDPOINT_NAME"]
        docs = identity_documents(workload, role_by_arn(workload, fn.inputs["role"]))
        region, account = fn.inputs["kmsKeyArn"].split(":")[3:5]
        assert evaluate(docs, Request("sagemaker:DescribeEndpoint", f"arn:aws:sagemaker:{region}:{account}:endpoint/{endpoint}")) == "allow"
        assert evaluate(docs, Request("sagemaker:DescribeEndpointConfig",
                                      f"arn:aws:sagemaker:{region}:{account}:endpoint-config/{endpoint}-v1-7")) == "allow"


def load_handler(name: str):
    return lambda_fakes.load_handler(name, "runtime_rules")


def test_batch_handler_transforms_with_the_model_the_endpoint_serves_now(monkeypatch):
    for k, v in {"INSTANCE_TYPE": "ml.m5.large", "JOB_PREFIX": "acme-batch", "ENDPOINT_NAME": "ep", "INPUT_URI": "s3://in/batch/input/",
                 "OUTPUT_URI": "s3://out/batch/output/", "KMS_KEY_ARN": KEY, "VOLUME_KMS_KEY_ARN": KEY, "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(k, v)
    handler = load_handler("batch_transform")
    started: list[dict] = []

    class SageMaker:
        def describe_endpoint(self, EndpointName):
            assert EndpointName == "ep"
            return {"EndpointConfigName": "ep-delivered-7"}

        def describe_endpoint_config(self, EndpointConfigName):
            assert EndpointConfigName == "ep-delivered-7"
            return {"ProductionVariants": [{"VariantName": "canary", "ModelName": "ep-v2-8", "InitialVariantWeight": 0.1},
                                           {"VariantName": "primary", "ModelName": "ep-v1-7", "InitialVariantWeight": 0.9}]}

        def create_transform_job(self, **request):
            started.append(request)

    monkeypatch.setattr(handler, "SAGEMAKER", SageMaker())
    handler.handler({"source": "schedule"}, None)
    assert started[0]["ModelName"] == "ep-v1-7", "the variant serving most traffic"


# -- 4. grants on the volume key for every role that runs SageMaker jobs on it ------------------------------

def test_every_monitoring_job_role_may_grant_its_volume_key_to_aws_resources(workload):
    definitions = workload.of_type("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition")
    assert definitions
    for d in definitions:
        key = d.inputs["jobResources"]["clusterConfig"]["volumeKmsKeyId"]
        docs = identity_documents(workload, role_by_arn(workload, d.inputs["roleArn"]))
        assert evaluate(docs, Request("kms:CreateGrant", key, {"kms:GrantIsForAWSResource": "true"})) == "allow", d.name
        assert evaluate(docs, Request("kms:CreateGrant", key, {"kms:GrantIsForAWSResource": "false"})) != "allow", d.name


def test_pipeline_role_may_grant_its_volume_key_to_aws_resources(workload):
    (pipeline,) = workload.of_type("aws:sagemaker/pipeline:Pipeline")
    docs = identity_documents(workload, role_by_arn(workload, pipeline.inputs["roleArn"]))
    keys = {a["ResourceConfig"].get("VolumeKmsKeyId") for _, kind, a in job_arguments(json.loads(pipeline.inputs["pipelineDefinition"]))
            if kind == "Training"} - {None}
    assert keys
    for key in keys:
        assert evaluate(docs, Request("kms:CreateGrant", key, {"kms:GrantIsForAWSResource": "true"})) == "allow"


# -- 5. one data contract: request payload -> capture -> Model Monitor baseline --------------------------------

SAMPLE_HEADER = ["age", "income", "label", "tenure"]


@pytest.fixture
def prepared(tmp_path) -> Path:
    """The real PrepareFeatures script over a small curated extract (label not first, as curated tables are)."""
    (tmp_path / "input").mkdir()
    with (tmp_path / "input" / "part-0.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SAMPLE_HEADER)
        writer.writerows([[20 + i, 1000.5 * i, i % 2, i % 7] for i in range(40)])
    prepare.main(tmp_path, "label")
    return tmp_path


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def analyzer_columns(content_type: str, csv_types: list[str], data: str) -> list[list[float]]:
    """How Model Monitor's analyzer reads a captured request with ``dataset_format={"csv": {"header": false}}``.

    Only captures whose content type the endpoint records as CSV are CSV-encoded; anything else arrives
    as JSON text, which a CSV analyzer without a preprocessor cannot split into the baseline's columns.
    """
    if content_type not in csv_types:
        raise AssertionError(f"captured {content_type!r}: not one of the endpoint's CSV content types {csv_types}")
    return [[float(v) for v in line.split(",")] for line in data.strip().splitlines()]


def test_payload_capture_and_baseline_are_one_contract(prepared, monkeypatch, snapshots):
    dev = snapshots["dev"]
    baseline = read_rows(prepared / "baseline" / "data.csv")
    width = len(baseline[0])
    assert width == len(SAMPLE_HEADER) - 1 and all(len(r) == width for r in baseline), "baseline: the features, no label, no header"
    assert all(float(v) == float(v) for v in baseline[0]), "no header row in the baseline"

    # A client sends baseline-shaped rows; API Gateway validates the body against the API's model.
    rows = [[float(v) for v in r] for r in baseline[:3]]
    body = json.dumps({"instances": rows})
    jsonschema.validate(json.loads(body), REQUEST_SCHEMA)

    # The real inference handler forwards it to the endpoint.
    handler, calls = lambda_fakes.invoke_handler_with_fake_endpoint(
        monkeypatch, b'{"predictions": [{"score": 0.4}, {"score": 0.6}, {"score": 0.1}]}', "runtime_rules")
    assert handler.handler({"body": body}, None)["statusCode"] == 200

    # SageMaker captures the body with the request's content type; Model Monitor reads it back.
    (config,) = [c for c in dev.of_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration") if "standby" not in c.name]
    csv_types = config.inputs["dataCaptureConfig"]["captureContentTypeHeader"]["csvContentTypes"]
    captured = analyzer_columns(calls[0]["ContentType"], csv_types, calls[0]["Body"])
    assert captured == rows, "the capture has exactly the baseline's columns, in order"

    # The baseline job reads the same format, and every watched feature is one of its columns.
    (pipeline,) = dev.of_type("aws:sagemaker/pipeline:Pipeline")
    (baseline_job,) = [a for name, _, a in job_arguments(json.loads(pipeline.inputs["pipelineDefinition"])) if name == "BaselineDataQuality"]
    assert json.loads(baseline_job["Environment"]["dataset_format"]) == {"csv": {"header": False}}
    watched = [q["metric"]["metricName"].removeprefix("feature_baseline_drift_") for a in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
               for q in a.inputs.get("metricQueries", []) if q.get("metric", {}).get("namespace") == "aws/sagemaker/Endpoints/data-metrics"]
    assert watched and all(f.startswith("_c") and int(f[2:]) < width for f in watched), watched


def test_contract_rule_rejects_json_captures():
    with pytest.raises(AssertionError, match="not one of the endpoint's CSV content types"):
        analyzer_columns("application/json", ["text/csv"], '{"instances": [[1, 2]]}')


def test_request_schema_refuses_rows_that_are_not_feature_vectors():
    for bad in ({"instances": [{"age": 1}]}, {"instances": [["a", "b"]]}, {"instances": [1, 2]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, REQUEST_SCHEMA)


def test_every_monitoring_schedule_alarms_when_it_goes_silent(workload):
    """Drift alarms keep their state on missing data (no retraining on a gap); a separate alarm fires on the gap itself."""
    for schedule in workload.of_type("aws:sagemaker/monitoringSchedule:MonitoringSchedule"):
        if schedule.inputs["monitoringScheduleConfig"]["monitoringType"] != "DataQuality":
            continue
        watching = [a for a in workload.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
                    if any(q.get("metric", {}).get("dimensions", {}).get("MonitoringSchedule") == schedule.inputs["name"]
                           for q in a.inputs.get("metricQueries", []))]
        assert any(a.inputs["treatMissingData"] == "breaching" for a in watching), \
            f"{schedule.inputs['name']}: no alarm fires when monitoring stops producing metrics"


# -- 6. Autopilot's channel -------------------------------------------------------------------------------

def pipeline_spec(**overrides) -> PipelineSpec:
    return PipelineSpec(name="p", role_arn="arn:aws:iam::1:role/p", subnet_ids=SUBNETS, security_group_ids=SGS, kms_key_arn=KEY,
                        curated_bucket="curated", artifacts_bucket="artifacts", training_image="t", inference_image="i",
                        training_instance_type="ml.m5.xlarge", processing_instance_type="ml.m5.xlarge",
                        inference_instance_types=["ml.m5.large"], model_package_group=None, **overrides)


def channel_contracts(defn: dict) -> list[tuple[str, str, str]]:
    """(step, PrepareFeatures output it reads, content type it declares) for every training/AutoML channel."""
    out = []
    for name, _kind, args in job_arguments(defn):
        channels = args.get("InputDataConfig") or args.get("TrainingJobDefinition", {}).get("InputDataConfig") or []
        for ch in channels:
            uri = ch["DataSource"]["S3DataSource"]["S3Uri"]
            if isinstance(uri, dict) and "Get" in uri and "PrepareFeatures" in uri["Get"]:
                output = uri["Get"].split("Outputs['")[1].split("']")[0]
                out.append((name, output, ch.get("ContentType", "")))
    return out


def test_autopilot_reads_a_headed_csv_that_names_its_target(prepared):
    defn = definition(pipeline_spec(autopilot=True))
    target = {p["Name"]: p["DefaultValue"] for p in defn["Parameters"]}["TargetAttribute"]
    (automl,) = [a for _, kind, a in job_arguments(defn) if kind == "AutoML"]
    assert automl["InputDataConfig"][0]["TargetAttributeName"] == {"Get": "Parameters.TargetAttribute"}
    contracts = channel_contracts(defn)
    assert any(step == "AutoPilot" for step, _, _ in contracts)
    for step, output, content_type in contracts:
        rows = read_rows(prepared / output / "data.csv")
        headed = "header=present" in content_type
        if headed:
            assert target in rows[0] and all(len(r) == len(rows[0]) for r in rows), f"{step}: {output} has no header naming {target!r}"
        else:
            assert all(float(v) == float(v) for v in rows[0]), f"{step}: {output} starts with a header the channel does not declare"


def test_recorded_autopilot_step_reads_the_automl_channel(snapshots):
    dev = snapshots["dev"]
    assert dev.config["aiplatform:features"]["autopilot"]
    (pipeline,) = dev.of_type("aws:sagemaker/pipeline:Pipeline")
    contracts = channel_contracts(json.loads(pipeline.inputs["pipelineDefinition"]))
    assert ("AutoPilot", "automl", "text/csv;header=present") in contracts
    assert all(output != "automl" for step, output, _ in contracts if step != "AutoPilot")


def test_prepare_step_is_told_the_target_column(prepared):
    """PrepareFeatures and Autopilot read the target's name from the same pipeline parameter."""
    defn = definition(pipeline_spec(autopilot=True))
    (prep,) = [a for name, _, a in job_arguments(defn) if name == "PrepareFeatures"]
    assert prep["AppSpecification"].get("ContainerArguments") == [{"Get": "Parameters.TargetAttribute"}]


# -- 7. EventBridge and the alerts key --------------------------------------------------------------------

def key_policy_for(snap: Snapshot, domain: str, region_key: str = "use1") -> tuple[dict, str, str]:
    key = snap.one("aws:kms/key:Key", f"{region_key}-{domain}-key")
    region, account = key.outputs["arn"].split(":")[3:5]
    return json.loads(key.inputs["policy"]), region, account


def service_statements(doc: dict, service: str) -> list[dict]:
    return [st for st in statements_of([doc]) if service in json.dumps(st.get("Principal", {}))]


def eventbridge_key_grant_problems(doc: dict) -> list[str]:
    """Key-policy statements for EventBridge that can never match: it sends KMS no aws:SourceAccount/SourceArn."""
    problems = []
    for st in service_statements(doc, "events.amazonaws.com"):
        keys = {k.lower() for block in (st.get("Condition") or {}).values() for k in block}
        if keys & {"aws:sourceaccount", "aws:sourcearn"}:
            problems.append(f"{st.get('Sid', '?')}: conditioned on {sorted(keys)}")
        elif not any(k.startswith("kms:encryptioncontext:") for k in keys):
            problems.append(f"{st.get('Sid', '?')}: not pinned to an encryption context (any caller's resources)")
    return problems


def test_no_key_policy_pins_eventbridge_to_context_it_does_not_send(stack):
    found = [f"{k.name}: {p}" for k in stack.of_type("aws:kms/key:Key") for p in eventbridge_key_grant_problems(json.loads(k.inputs["policy"]))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("condition", "flagged"), [
    ({"StringEquals": {"aws:SourceAccount": ACCOUNT}}, True),  # the old grant: silently never matches
    ({"ArnLike": {"aws:SourceArn": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/*"}}, True),
    ({}, True),  # unpinned
    ({"StringLike": {"kms:EncryptionContext:aws:sns:topicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:*"}}, False),
])
def test_eventbridge_key_rule_passes_and_flags(condition, flagged):
    st = {"Sid": "E", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "kms:GenerateDataKey*",
          "Resource": "*", **({"Condition": condition} if condition else {})}
    assert bool(eventbridge_key_grant_problems({"Statement": [st]})) is flagged


def test_eventbridge_can_publish_to_encrypted_alert_topics_and_queues(workload):
    """EventBridge's KMS calls (through SNS/SQS) carry the encryption context, not aws:SourceAccount/SourceArn."""
    doc, region, account = key_policy_for(workload, "alerts")
    events = {"Statement": service_statements(doc, "events.amazonaws.com")}
    topic = f"arn:aws:sns:{region}:{account}:alerts-topic-1"
    queue = f"arn:aws:sqs:{region}:{account}:retraining-dlq-1"
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        assert evaluate([events], Request(action, "*", {"kms:EncryptionContext:aws:sns:topicArn": topic})) == "allow"
        assert evaluate([events], Request(action, "*", {"kms:EncryptionContext:aws:sqs:arn": queue})) == "allow"
        other = topic.replace(account, "999999999999")
        assert evaluate([events], Request(action, "*", {"kms:EncryptionContext:aws:sns:topicArn": other})) == "implicit"
    for st in events["Statement"]:
        keys = {k for block in (st.get("Condition") or {}).values() for k in block}
        assert not keys & {"aws:SourceAccount", "aws:SourceArn"}, "EventBridge does not send these to KMS"


# -- 8. Lake Formation's registration role ------------------------------------------------------------------

def test_lake_formation_location_roles_trust_lake_formation_and_glue(workload):
    for location in workload.of_type("aws:lakeformation/resource:Resource"):
        role = role_by_arn(workload, location.inputs["roleArn"])
        for service in ("lakeformation.amazonaws.com", "glue.amazonaws.com"):
            assert trusts(role, service, "sts:AssumeRole", account_of(workload, role)), f"{role.name} does not trust {service}"
