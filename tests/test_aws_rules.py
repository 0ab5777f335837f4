"""AWS's own rules, as invariants over every recorded resource of every stack (issue 12).

The mocks accept anything, so each class of mistake AWS rejects at deploy time (or that silently breaks at run
time) is encoded here as the rule itself: what AWS validates when a resource is created must exist (and be ordered
before it), principals named in resource policies must exist, cross-stack grants must name the accounts that use
them, and the security baselines AWS documents (S3 gateway endpoint, API authentication, Config for FSBP, SSE-S3
log targets) hold for every instance, not one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import ConfigError, validate
from platformctl.offline import SynthError, synth
from platformctl.offline.project import load_stack_config
from platformctl.offline.records import ResourceRecord, Snapshot
from tests.conftest import ROOT, edit_stack_config, project_variant

ROLE = "aws:iam/role:Role"
ROLE_POLICIES = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
KEY = "aws:kms/key:Key"
MODEL = "aws:sagemaker/model:Model"


# -- helpers -------------------------------------------------------------------------------------------------


def decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def dig(value: Any, path: str) -> Any:
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def statements(document: Any) -> list[dict]:
    return as_list(decoded(document).get("Statement", [])) if document else []


def upstream(snap: Snapshot, record: ResourceRecord) -> set[str]:
    """Every URN ``record`` waits for: its dependencies, theirs, and so on (what the engine orders before it)."""
    seen: set[str] = set()
    todo = [*record.dependencies, *(u for urns in record.property_dependencies.values() for u in urns)]
    while todo:
        urn = todo.pop()
        if urn in seen:
            continue
        seen.add(urn)
        dep = snap.by_urn.get(urn)
        if dep is not None:
            todo += [*dep.dependencies, *(u for urns in dep.property_dependencies.values() for u in urns)]
    return seen


def role_policies(snap: Snapshot, role_arn: str) -> list[ResourceRecord]:
    roles = [r for r in snap.of_type(ROLE) if r.outputs.get("arn") == role_arn]
    names = {n for r in roles for n in (r.id, r.outputs.get("name")) if n}
    return [p for t in ROLE_POLICIES for p in snap.of_type(t) if p.inputs.get("role") in names]


def bucket_policies(snap: Snapshot, bucket_name: str) -> list[ResourceRecord]:
    return [p for p in snap.of_type(BUCKET_POLICY) if p.inputs.get("bucket") == bucket_name]


def in_stack_bucket(snap: Snapshot, name: str) -> bool:
    return any(b.inputs.get("bucket") == name for b in snap.of_type(BUCKET))


def knobs(snap: Snapshot) -> dict[str, Any]:
    return decoded(snap.config["aiplatform:knobs"])


def accounts(snap: Snapshot) -> dict[str, Any]:
    return decoded(snap.config["aiplatform:accounts"])


def workload_ids(snap: Snapshot) -> list[str]:
    a = accounts(snap)
    return [a["workload"]["id"], *(w["id"] for w in a.get("additionalWorkloads") or [])]


# -- 1. what AWS validates at creation is created first ---------------------------------------------------


def _trail_prerequisites(snap: Snapshot, trail: ResourceRecord) -> Iterator[ResourceRecord]:
    # CreateTrail: InsufficientS3BucketPolicyException, InvalidCloudWatchLogsRoleArnException.
    yield from bucket_policies(snap, trail.inputs["s3BucketName"])
    yield from role_policies(snap, trail.inputs.get("cloudWatchLogsRoleArn", ""))


def _delivery_channel_prerequisites(snap: Snapshot, channel: ResourceRecord) -> Iterator[ResourceRecord]:
    # PutDeliveryChannel: InsufficientDeliveryPolicyException.
    yield from bucket_policies(snap, channel.inputs["s3BucketName"])


def _bucket_policy_prerequisites(snap: Snapshot, policy: ResourceRecord) -> Iterator[ResourceRecord]:
    # PutBucketPolicy is judged against the bucket's public-access block and ownership settings.
    for t in ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketOwnershipControls:BucketOwnershipControls"):
        yield from (r for r in snap.of_type(t) if r.inputs.get("bucket") == policy.inputs.get("bucket"))


def _api_deployment_prerequisites(snap: Snapshot, deployment: ResourceRecord) -> Iterator[ResourceRecord]:
    # CreateDeployment snapshots the API: a method or integration created later is simply not served.
    for t in ("aws:apigateway/method:Method", "aws:apigateway/integration:Integration"):
        yield from (r for r in snap.of_type(t) if r.inputs.get("restApi") == deployment.inputs.get("restApi"))


def _role_user(path: str, only_if: Callable[[ResourceRecord], bool] = lambda r: True):
    """A resource whose service checks the role's permissions at creation."""
    def prerequisites(snap: Snapshot, record: ResourceRecord) -> Iterator[ResourceRecord]:
        if only_if(record):
            yield from role_policies(snap, dig(record.inputs, path) or "")
    return prerequisites


VALIDATED_AT_CREATION: dict[str, Callable[[Snapshot, ResourceRecord], Iterator[ResourceRecord]]] = {
    "aws:cloudtrail/trail:Trail": _trail_prerequisites,
    "aws:cfg/deliveryChannel:DeliveryChannel": _delivery_channel_prerequisites,
    BUCKET_POLICY: _bucket_policy_prerequisites,
    "aws:apigateway/deployment:Deployment": _api_deployment_prerequisites,
    # UpdateAccount writes a test event with the role.
    "aws:apigateway/account:Account": _role_user("cloudwatchRoleArn"),
    # CreateFunction with a VPC config checks that the role may create network interfaces.
    "aws:lambda/function:Function": _role_user("role", only_if=lambda r: bool(dig(r.inputs, "vpcConfig.subnetIds"))),
    # CreateDeliveryStream checks that the role can write to the destination.
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": _role_user("extendedS3Configuration.roleArn"),
}


def test_everything_aws_validates_at_creation_is_ordered_before_it(stack):
    missing, checked = [], 0
    for type_, prerequisites in VALIDATED_AT_CREATION.items():
        for record in stack.of_type(type_):
            before = upstream(stack, record)
            for needed in prerequisites(stack, record):
                checked += 1
                if needed.urn not in before:
                    missing.append(f"{record.name} ({type_.rsplit(':', 1)[1]}) does not wait for {needed.name} ({needed.type.rsplit(':', 1)[1]})")
    assert checked > 0
    assert missing == []


def test_trails_and_config_in_workload_stacks_deliver_to_the_shared_archive(workload, snapshots):
    """The archive and its bucket policy are the shared stack's, deployed before dev and prod (promotion order)."""
    archive = snapshots["shared"].outputs["logArchiveBucketName"]
    writers = workload.of_type("aws:cloudtrail/trail:Trail") + workload.of_type("aws:cfg/deliveryChannel:DeliveryChannel")
    assert writers
    for writer in writers:
        assert writer.inputs["s3BucketName"] == archive and not in_stack_bucket(workload, archive), writer.name


def test_shared_trails_wait_for_the_archive_policy(snapshots):
    """Within the shared stack the archive is created in the same run: every trail names a bucket created here."""
    shared = snapshots["shared"]
    trails = shared.of_type("aws:cloudtrail/trail:Trail")
    assert len(trails) == 2 and all(in_stack_bucket(shared, t.inputs["s3BucketName"]) for t in trails)


# -- 2. principals in resource policies exist -------------------------------------------------------------

# Service-linked roles AWS creates when a service is enabled (not by CreateServiceLinkedRole of ours).
SERVICE_LINKED_ROLE_CREATORS = {"macie.amazonaws.com": "aws:macie2/account:Account"}
POLICY_INPUTS = {KEY: "policy", BUCKET_POLICY: "policy", "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
                 ROLE: "assumeRolePolicy", "aws:sns/topicPolicy:TopicPolicy": "policy", "aws:sqs/queuePolicy:QueuePolicy": "policy",
                 "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": "resourcePolicy"}
EARLIER = {"shared": (), "dev": ("shared",), "prod": ("shared",)}
# Roles the bootstrap StackSet creates in every account before any stack runs (README, "Deploying for real").
BOOTSTRAP_ROLES = set(re.findall(r"RoleName: (\w+)", (ROOT / "bootstrap" / "deploy-roles.yaml").read_text()))


def pre_existing(snap: Snapshot) -> set[str]:
    """Principals that exist before the stack by contract: bootstrap roles of the platform's accounts, operators."""
    a = accounts(snap)
    ids = {a["security"]["id"], a["sharedServices"]["id"], *a.get("members", []),
           *([a["workload"]["id"]] if a.get("workload") else []), *(w["id"] for w in a.get("additionalWorkloads") or [])}
    names = BOOTSTRAP_ROLES | {decoded(snap.config["aiplatform:deployRole"])["name"]}
    return {f"arn:aws:iam::{i}:role/{n}" for i in ids for n in names} | set(decoded(snap.config.get("aiplatform:operatorPrincipals")) or [])


def aws_principals(document: Any) -> Iterator[str]:
    for st in statements(document):
        principal = st.get("Principal")
        if isinstance(principal, dict):
            yield from as_list(principal.get("AWS", []))


def principal_problem(snap: Snapshot, record: ResourceRecord, principal: str, earlier: list[Snapshot]) -> str | None:
    if re.fullmatch(r"arn:aws:iam::\d{12}:root|\d{12}", principal) or principal in pre_existing(snap):
        return None  # accounts exist by AWS design; bootstrap roles and operators before any stack
    before = upstream(snap, record)
    slr = re.fullmatch(r"arn:aws:iam::\d{12}:role/aws-service-role/([^/]+)/[\w+=,.@-]+", principal)
    if slr:
        creators = [r for r in snap.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole") if r.inputs.get("awsServiceName") == slr.group(1)]
        creators += snap.of_type(SERVICE_LINKED_ROLE_CREATORS.get(slr.group(1), "-"))
        return None if any(c.urn in before for c in creators) else f"service-linked role {principal} is not created before it"
    created = [r for r in snap.of_type(ROLE) if r.outputs.get("arn") == principal]
    if any(r.urn in before for r in created):
        return None
    if any(r.outputs.get("arn") == principal for s in earlier for r in s.of_type(ROLE)):
        return None  # created by a stack deployed earlier
    return f"{principal} neither exists by AWS design nor is created before it"


def test_policy_principals_exist_when_the_policy_is_written(stack, snapshots):
    earlier = [snapshots[name] for name in EARLIER[stack.stack]]
    problems, checked = [], 0
    for type_, prop in POLICY_INPUTS.items():
        for record in stack.of_type(type_):
            for principal in aws_principals(record.inputs.get(prop)):
                checked += 1
                problem = principal_problem(stack, record, principal, earlier)
                if problem:
                    problems.append(f"{record.name}: {problem}")
    assert checked > 0
    assert problems == []


def test_the_data_key_names_macie_only_after_macie_is_enabled(workload):
    """The one key policy naming a service-linked role: KMS rejects it (MalformedPolicyDocument) before Macie exists."""
    [key] = [k for k in workload.of_type(KEY) if k.name.endswith("-use1-data-key")]
    principals = list(aws_principals(key.inputs["policy"]))
    assert any("AWSServiceRoleForAmazonMacie" in p for p in principals)
    macie = [m for m in workload.of_type("aws:macie2/account:Account") if workload.provider_of(m) == workload.provider_of(key)]
    assert [m.urn for m in macie] and macie[0].urn in upstream(workload, key)


# -- 3. first run: serving only from an approved, promoted version ------------------------------------------


def delivery(snapshots: dict[str, Snapshot]) -> dict[str, str]:
    return snapshots["shared"].outputs["modelDelivery"]


def test_every_serving_model_reads_a_promoted_version_from_the_shared_delivery_bucket(workload, snapshots):
    """Nothing uploads s3://<artifacts>/models/serving/...: a model may only name an artifact promotion puts there."""
    bucket = delivery(snapshots)["artifactBucketArn"].removeprefix("arn:aws:s3:::")
    package = knobs(workload)["endpoint"]["modelPackageArn"]
    group, version = package.rsplit("/", 2)[1:]
    models = workload.of_type(MODEL)
    assert models
    for model in models:
        assert model.inputs["primaryContainer"]["modelDataUrl"] == f"s3://{bucket}/models/promoted/{group}/{version}/model.tar.gz"


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, snapshots, synth_variant) -> Snapshot:
    """dev as a fresh organization configures it: no approved model version yet."""
    def edit(cfg: dict[str, Any]) -> None:
        cfg["aiplatform:knobs"]["endpoint"].pop("modelPackageArn", None)

    return synth_variant(project_variant(tmp_path_factory, "first-run", "dev", edit), "dev", {"shared": snapshots["shared"].outputs})


def test_first_run_has_no_serving_layer_but_everything_needed_to_train(first_run):
    types = {r.type for r in first_run.resources}
    for absent in (MODEL, "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "aws:sagemaker/endpoint:Endpoint",
                   "aws:apigateway/restApi:RestApi", "aws:sagemaker/monitoringSchedule:MonitoringSchedule"):
        assert absent not in types, absent
    for present in ("aws:sagemaker/domain:Domain", "aws:sagemaker/pipeline:Pipeline", "aws:glue/job:Job", "aws:ssm/parameter:Parameter"):
        assert present in types, present
    ml = first_run.outputs["workloads"]["mldev"]["us-east-1"]["ml"]
    assert set(ml) == {"studioDomainId", "pipelineName", "pipelineArn", "modelDeployRoleArn"}


# -- 5. prod reads only what prod may read ----------------------------------------------------------------


def test_prod_roles_never_need_dev_resources(snapshots):
    """Dev's buckets sit behind dev's perimeter and dev's keys: no prod role may depend on them."""
    dev, prod = snapshots["dev"], snapshots["prod"]
    dev_arns = {b.outputs["arn"] for b in dev.of_type(BUCKET)} | {k.outputs["arn"] for k in dev.of_type(KEY)}
    text = json.dumps([p.inputs for p in prod.of_type("aws:iam/rolePolicy:RolePolicy")] + [m.inputs for m in prod.of_type(MODEL)])
    dev_names = {b.inputs["bucket"] for b in dev.of_type(BUCKET)}
    assert not [a for a in dev_arns if a in text] and not [n for n in dev_names if n in text]


def test_prod_serving_model_is_admitted_by_the_delivery_bucket_and_key(snapshots):
    shared, prod = snapshots["shared"], snapshots["prod"]
    out = delivery(snapshots)
    bucket = out["artifactBucketArn"].removeprefix("arn:aws:s3:::")
    [policy] = bucket_policies(shared, bucket)
    [key] = [k for k in shared.of_type(KEY) if k.outputs["arn"] == out["artifactKeyArn"]]
    for model in prod.of_type(MODEL):
        role = model.inputs["executionRoleArn"]
        obj = model.inputs["primaryContainer"]["modelDataUrl"].replace("s3://", "arn:aws:s3:::")
        # The bucket policy admits the role's account and ARN for that object.
        assert any(st["Effect"] == "Allow" and "s3:GetObject" in as_list(st["Action"])
                   and any(re.fullmatch(re.escape(r).replace(r"\*", ".*"), obj) for r in as_list(st["Resource"]))
                   and any(re.fullmatch(re.escape(p).replace(r"\*", ".*"), role)
                           for p in as_list(dig(st, "Condition.ArnLike.aws:PrincipalArn") or dig(st, "Condition.ArnEquals.aws:PrincipalArn")))
                   for st in statements(policy.inputs["policy"])), model.name
        # The key lets the prod account decrypt through S3.
        assert any(st["Effect"] == "Allow" and "kms:Decrypt" in as_list(st["Action"])
                   and f"arn:aws:iam::{role.split(':')[4]}:root" in as_list(dig(st, "Principal.AWS"))
                   and str(dig(st, "Condition.StringEquals.kms:ViaService")).startswith("s3.")
                   for st in statements(key.inputs["policy"])), model.name
        # And the role's own policy asks for exactly that object and key.
        docs = [decoded(p.inputs["policy"]) for p in role_policies(prod, role) if p.type == ROLE_POLICIES[0]]
        granted = [st for d in docs for st in statements(d)]
        assert any(st["Resource"] == obj and st["Action"] == ["s3:GetObject"] for st in granted)
        assert any(st["Resource"] == out["artifactKeyArn"] and st["Action"] == ["kms:Decrypt"] for st in granted)


# -- 14. the S3 gateway endpoint reaches only our buckets -------------------------------------------------


def test_isolated_subnets_reach_only_platform_buckets_and_ecr_layers(workload):
    allowed = {*workload_ids(workload), accounts(workload)["sharedServices"]["id"]}
    gateways = [e for e in workload.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
                if e.inputs.get("vpcEndpointType") == "Gateway" and e.inputs["serviceName"].endswith(".s3")]
    assert gateways
    for endpoint in gateways:
        region = endpoint.inputs["serviceName"].split(".")[2]
        sts = statements(endpoint.inputs.get("policy"))
        assert sts, f"{endpoint.name}: no endpoint policy, so every bucket of every account is reachable"
        for st in sts:
            assert st["Effect"] == "Allow" and "NotResource" not in st and "NotAction" not in st
            scoped = set(as_list(dig(st, "Condition.StringEquals.aws:ResourceAccount") or [])) or None
            layers = as_list(st["Resource"]) == [f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*"] and as_list(st["Action"]) == ["s3:GetObject"]
            assert layers or (scoped is not None and scoped <= allowed), st


# -- 15. every route is authenticated (an API key is not authentication) -----------------------------------


def test_every_api_method_is_authenticated_unless_its_route_opts_out(stack):
    if not stack.config.get("aiplatform:knobs"):
        return
    opted_out = {r["path"] for r in knobs(stack).get("api", {}).get("routes", []) if r["auth"] == "none"}
    resources = {r.urn: r.inputs.get("pathPart") for r in stack.of_type("aws:apigateway/resource:Resource")}
    for method in stack.of_type("aws:apigateway/method:Method"):
        path = next(resources[u] for u in method.property_dependencies["resourceId"] if u in resources)
        if path not in opted_out:
            assert method.inputs["authorization"] in ("AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM"), method.name


def test_api_key_routes_are_rejected_with_the_fix():
    data = {k.split(":", 1)[1]: v for k, v in load_stack_config(ROOT, "dev").raw.items() if k.startswith("aiplatform:")}
    data["knobs"]["api"]["routes"] = [{"path": "predict", "auth": "apiKey"}]
    with pytest.raises(ConfigError) as info:
        validate(data, "dev", "aiplatform")
    [problem] = [p for p in info.value.problems if p.key == "knobs.api.routes[0].auth"]
    assert "not authentication" in problem.message and "apiKey: true" in problem.fix


# -- 16. FSBP needs AWS Config where it runs ------------------------------------------------------------------


def test_every_fsbp_subscription_has_aws_config_recording_in_its_account_and_region(stack):
    subs = stack.of_type("aws:securityhub/standardsSubscription:StandardsSubscription")
    assert subs
    recording = {r.provider_urn for r in stack.of_type("aws:cfg/recorderStatus:RecorderStatus") if r.inputs.get("isEnabled") is True}
    assert [s.name for s in subs if s.provider_urn not in recording] == []


def test_security_hub_without_aws_config_is_rejected():
    data = {k.split(":", 1)[1]: v for k, v in load_stack_config(ROOT, "dev").raw.items() if k.startswith("aiplatform:")}
    data["features"] = {**data["features"], "securityHub": True, "awsConfig": False}
    with pytest.raises(ConfigError) as info:
        validate(data, "dev", "aiplatform")
    assert "features.awsConfig" in {p.key for p in info.value.problems}


# -- 17. server access log targets use SSE-S3 ----------------------------------------------------------------


def test_log_targets_use_sse_s3_and_every_other_bucket_sse_kms(stack):
    targets = {r.inputs["targetBucket"] for r in stack.of_type("aws:s3/bucketLogging:BucketLogging")}
    assert targets
    for sse in stack.of_type(SSE):
        [rule] = sse.inputs["rules"]
        default = rule["applyServerSideEncryptionByDefault"]
        if sse.inputs["bucket"] in targets:
            assert default == {"sseAlgorithm": "AES256"}, sse.name
        else:
            assert default["sseAlgorithm"] == "aws:kms" and default["kmsMasterKeyId"].startswith("arn:aws:kms:"), sse.name
    locked = {r.inputs["bucket"] for r in stack.of_type("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")}
    assert not targets & locked, "S3 does not deliver access logs into an Object Lock bucket"


# -- 18/19. across stacks ------------------------------------------------------------------------------------


def test_every_workload_account_is_a_member_of_the_shared_stack(workload, snapshots):
    shared = snapshots["shared"]
    members = set(accounts(shared)["members"])
    registry = knobs(shared)["modelRegistry"]
    role = "consumers" if workload.stack == "prod" else "publishers"
    [archive_policy] = bucket_policies(shared, shared.outputs["logArchiveBucketName"])
    for account in workload_ids(workload):
        assert account in members and account in registry[role]
        assert f"/AWSLogs/{account}/*" in archive_policy.inputs["policy"]


def _raw(stack: str) -> dict[str, Any]:
    return {k.split(":", 1)[1]: v for k, v in load_stack_config(ROOT, stack).raw.items() if k.startswith("aiplatform:")}


def _project_with_shared(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    doc = yaml.safe_load((ROOT / "Pulumi.shared.yaml").read_text())
    edit(doc["config"])
    (tmp_path / "Pulumi.shared.yaml").write_text(yaml.safe_dump(doc))
    for name in ("dev", "prod"):
        (tmp_path / f"Pulumi.{name}.yaml").write_text((ROOT / f"Pulumi.{name}.yaml").read_text())
    return tmp_path


@pytest.mark.parametrize(("stack", "listed"), [("dev", "aiplatform:knobs"), ("prod", "aiplatform:accounts")])
def test_an_account_the_shared_stack_does_not_list_is_reported_with_its_fix(tmp_path, stack, listed):
    account = _raw(stack)["accounts"]["workload"]["id"]

    def drop(config: dict[str, Any]) -> None:
        if listed == "aiplatform:accounts":
            config[listed]["members"] = [m for m in config[listed]["members"] if m != account]
        else:
            config[listed]["modelRegistry"]["publishers"] = []

    with pytest.raises(ConfigError) as info:
        validate(_raw(stack), stack, "aiplatform", project_dir=_project_with_shared(tmp_path, drop))
    [problem] = info.value.problems
    assert problem.key == "accounts.workload.id" and account in problem.message
    assert f'add "{account}"' in problem.fix and "Pulumi.shared.yaml" in problem.fix


def test_a_wrong_shared_stack_name_is_one_clear_error(tmp_path):
    data = _raw("dev")
    data["sharedStack"] = data["sharedStack"].rsplit("/", 1)[0] + "/shraed"  # one typo, the backend's form kept
    with pytest.raises(ConfigError) as info:
        validate(data, "dev", "aiplatform", project_dir=_project_with_shared(tmp_path, lambda c: None))
    [problem] = info.value.problems
    assert problem.key == "sharedStack" and "'shraed'" in problem.message and "prod, shared" in problem.message


def test_workload_config_is_validated_before_the_shared_stack_is_synthesized(tmp_path_factory):
    """Both stacks broken: the error is dev's, so shared never ran; and it is one message, not a traceback."""
    def bad_dev(cfg: dict[str, Any]) -> None:
        cfg["aiplatform:knobs"]["api"]["routes"] = [{"path": "predict", "auth": "apiKey"}]

    project = project_variant(tmp_path_factory, "dev-before-shared", "dev", bad_dev)
    edit_stack_config(project, "shared", lambda cfg: cfg["aiplatform:accounts"].update(members=["12345"]))
    with pytest.raises(SynthError) as info:
        synth("dev", project)
    assert info.value.stack == "dev" and info.value.user_error and info.value.registered == 0
    assert "aiplatform:knobs.api.routes[0].auth" in info.value.message and "Traceback" not in info.value.message
