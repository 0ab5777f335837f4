"""Processing layer: catalog encryption, Glue security configuration, crawlers and the VPC-bound ETL job,
Lake Formation governance and grants, DataBrew through aws-native, and the shipped PySpark script."""

from __future__ import annotations

import ast
import json
from typing import Any

import pytest

from tests.conftest import ROOT, decoded, policy_docs
from tests.iam_lint import kind_of, lint

SECURITY_CONFIGURATION = "aws:glue/securityConfiguration:SecurityConfiguration"
CRAWLER = "aws:glue/crawler:Crawler"
JOB = "aws:glue/job:Job"
PERMISSIONS = "aws:lakeformation/permissions:Permissions"
LAYER = "aiplatform:processing:Processing"
SCRIPT = ROOT / "glue_scripts" / "raw_to_curated.py"


def region_of(snap, record) -> str:
    return snap.provider_of(record).inputs["region"]


def only(items: list):
    assert len(items) == 1, [getattr(i, "name", i) for i in items]
    return items[0]


def deps_of_type(snap, record, prop: str, token: str) -> list:
    return [snap.by_urn[u] for u in record.property_dependencies.get(prop, []) if snap.by_urn[u].type == token]


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def lake_bucket(snap, zone: str):
    primary = snap.config["aiplatform:regions"]["primary"]
    return only([b for b in snap.of_type("aws:s3/bucket:Bucket")
                 if b.name.endswith(f"-lake-{zone}") and region_of(snap, b) == primary])


def role_policy(snap, role) -> dict:
    (policy,) = [r for r in snap.of_type("aws:iam/rolePolicy:RolePolicy") if role.urn in r.property_dependencies.get("role", [])]
    return json.loads(policy.inputs["policy"])


def glue_job(snap):
    return only(snap.of_type(JOB))


# -- catalog and Glue encryption --------------------------------------------------------------------------------


def test_one_catalog_encryption_setting_per_workload_account_region_with_kms(workload):
    settings = workload.of_type("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings")
    placements = [(decoded(workload.provider_of(s).inputs["allowedAccountIds"])[0], region_of(workload, s)) for s in settings]
    assert len(placements) == len(set(placements)) == 1, "an account x region singleton, owned once"
    (s,) = settings
    conf = s.inputs["dataCatalogEncryptionSettings"]
    assert conf["encryptionAtRest"]["catalogEncryptionMode"] == "SSE-KMS"
    assert conf["connectionPasswordEncryption"]["returnConnectionPasswordEncrypted"] is True
    (key,) = deps_of_type(workload, s, "dataCatalogEncryptionSettings", "aws:kms/key:Key")
    assert key.name.endswith("-data-key")
    assert conf["encryptionAtRest"]["sseAwsKmsKeyId"] == conf["connectionPasswordEncryption"]["awsKmsKeyId"] == key.outputs["arn"]


def test_security_configuration_encrypts_s3_logs_and_bookmarks_with_kms(workload):
    conf = only(workload.of_type(SECURITY_CONFIGURATION)).inputs["encryptionConfiguration"]
    assert conf["s3Encryption"]["s3EncryptionMode"] == "SSE-KMS" and conf["s3Encryption"]["kmsKeyArn"]
    assert conf["cloudwatchEncryption"]["cloudwatchEncryptionMode"] == "SSE-KMS" and conf["cloudwatchEncryption"]["kmsKeyArn"]
    assert conf["jobBookmarksEncryption"]["jobBookmarksEncryptionMode"] == "CSE-KMS" and conf["jobBookmarksEncryption"]["kmsKeyArn"]


def test_logs_key_lets_cloudwatch_logs_encrypt_glue_log_groups(workload):
    """Glue's CloudWatch encryption needs logs.<region> on the key, for this account's log groups."""
    sc = only(workload.of_type(SECURITY_CONFIGURATION))
    (key,) = [k for k in deps_of_type(workload, sc, "encryptionConfiguration", "aws:kms/key:Key") if k.name.endswith("-logs-key")]
    assert sc.inputs["encryptionConfiguration"]["cloudwatchEncryption"]["kmsKeyArn"] == key.outputs["arn"]
    region, account = region_of(workload, sc), decoded(workload.provider_of(sc).inputs["allowedAccountIds"])[0]
    statements = json.loads(key.inputs["policy"])["Statement"]
    logs = [st for st in statements if st.get("Principal") == {"Service": f"logs.{region}.amazonaws.com"}]
    assert logs
    context = json.dumps(logs[0]["Condition"])
    assert f"arn:aws:logs:{region}:{account}:log-group:*" in context


@pytest.mark.parametrize("token", [CRAWLER, JOB])
def test_every_crawler_and_job_uses_the_security_configuration(workload, token):
    sc = only(workload.of_type(SECURITY_CONFIGURATION))
    records = workload.of_type(token)
    assert records
    for record in records:
        assert sc.urn in record.property_dependencies["securityConfiguration"], record.name
        assert record.inputs["securityConfiguration"] == sc.inputs["name"]


def test_crawlers_are_scheduled_over_the_lake_and_read_through_lake_formation(workload):
    crawlers = {c.name.rsplit("-", 2)[-2]: c for c in workload.of_type(CRAWLER)}
    assert set(crawlers) == {"raw", "curated"}
    for zone, crawler in crawlers.items():
        assert crawler.inputs["schedule"].startswith("cron(")
        bucket = lake_bucket(workload, zone)
        assert crawler.inputs["s3Targets"]
        for target in crawler.inputs["s3Targets"]:
            assert target["path"].startswith(f"s3://{bucket.outputs['bucket']}/")
        assert crawler.inputs["lakeFormationConfiguration"]["useLakeFormationCredentials"] is True
        db = only(deps_of_type(workload, crawler, "databaseName", "aws:glue/catalogDatabase:CatalogDatabase"))
        assert db.name.endswith(f"-{zone}-db")


# -- the ETL job ------------------------------------------------------------------------------------------------


def test_job_runs_a_supported_glue_version_from_the_encrypted_artifacts_bucket(workload):
    job = glue_job(workload)
    assert job.inputs["glueVersion"] in ("4.0", "5.0")
    assert job.inputs["command"]["name"] == "glueetl"
    (script,) = deps_of_type(workload, job, "command", "aws:s3/bucketObjectv2:BucketObjectv2")
    artifacts = lake_bucket(workload, "artifacts")
    assert artifacts.urn in script.property_dependencies["bucket"]
    assert job.inputs["command"]["scriptLocation"] == f"s3://{artifacts.outputs['bucket']}/{script.inputs['key']}"
    assert script.inputs["serverSideEncryption"] == "aws:kms"
    assert deps_of_type(workload, script, "kmsKeyId", "aws:kms/key:Key")
    # The uploaded file is the one shipped in this repository.
    assert (ROOT / script.inputs["source"]["__asset__"]["path"]).resolve() == SCRIPT.resolve()


def test_job_runs_in_an_isolated_subnet_through_a_network_connection(workload):
    job = glue_job(workload)
    (connection,) = deps_of_type(workload, job, "connections", "aws:glue/connection:Connection")
    assert job.inputs["connections"] == [connection.inputs["name"]]
    assert connection.inputs["connectionType"] == "NETWORK"
    req = connection.inputs["physicalConnectionRequirements"]
    (vpc,) = deps_of_type(workload, connection, "physicalConnectionRequirements", "awsx:ec2:Vpc")
    isolated = vpc.outputs["isolatedSubnetIds"]
    assert req["subnetId"] in isolated
    assert req["availabilityZone"] == vpc.inputs["availabilityZoneNames"][isolated.index(req["subnetId"])]
    (sg,) = deps_of_type(workload, connection, "physicalConnectionRequirements", "aws:ec2/securityGroup:SecurityGroup")
    assert sg.name.endswith("-workload-sg")
    assert region_of(workload, vpc) == region_of(workload, job)


@pytest.mark.parametrize("service", ["glue", "lakeformation", "kms", "logs", "sts", "monitoring"])
def test_the_jobs_vpc_reaches_every_api_the_job_calls_privately(workload, service):
    """The isolated subnets have no internet path: each API the job calls needs an interface endpoint there."""
    (connection,) = deps_of_type(workload, glue_job(workload), "connections", "aws:glue/connection:Connection")
    (vpc,) = deps_of_type(workload, connection, "physicalConnectionRequirements", "awsx:ec2:Vpc")
    name = f"com.amazonaws.{region_of(workload, vpc)}.{service}"
    endpoints = [e for e in workload.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
                 if vpc.urn in e.property_dependencies.get("vpcId", []) and e.inputs["serviceName"] == name]
    assert only(endpoints).inputs["privateDnsEnabled"] is True

def script_arguments() -> list[str]:
    """The names the script resolves with getResolvedOptions (its JOB_ARGUMENTS list)."""
    tree = ast.parse(SCRIPT.read_text())
    (node,) = [n for n in ast.walk(tree) if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "JOB_ARGUMENTS" for t in n.targets)]
    return ast.literal_eval(node.value)


def test_job_supplies_every_argument_the_script_reads(workload):
    arguments = glue_job(workload).inputs["defaultArguments"]
    missing = [name for name in script_arguments() if name != "JOB_NAME" and f"--{name}" not in arguments]
    assert not missing
    assert arguments["--job-bookmark-option"] == "job-bookmark-enable"
    assert arguments["--target_path"].startswith(f"s3://{lake_bucket(workload, 'curated').outputs['bucket']}/")


def test_job_reads_the_table_the_raw_crawler_creates(workload):
    """A crawler names a single-table target after the last folder of its path."""
    job = glue_job(workload)
    raw_crawler = only([c for c in workload.of_type(CRAWLER) if c.name.endswith("-raw-crawler")])
    (target,) = raw_crawler.inputs["s3Targets"]
    assert job.inputs["defaultArguments"]["--source_table"] == target["path"].rstrip("/").rsplit("/", 1)[-1]
    assert job.inputs["defaultArguments"]["--source_database"] == raw_crawler.inputs["databaseName"]


def test_shipped_script_is_valid_python():
    compile(SCRIPT.read_text(), str(SCRIPT), "exec")
    assert "job.commit()" in SCRIPT.read_text(), "bookmarks advance only on commit"


# -- Lake Formation ---------------------------------------------------------------------------------------------


def test_lake_formation_admins_and_no_iam_allowed_principals_defaults(workload):
    settings = only(workload.of_type("aws:lakeformation/dataLakeSettings:DataLakeSettings"))
    account = workload.config["aiplatform:accounts"]["workload"]["id"]
    deploy_role = f"arn:aws:iam::{account}:role/{workload.config['aiplatform:deployRole']['name']}"
    assert deploy_role in settings.inputs["admins"], "an omitted admin list is cleared on apply"
    assert settings.inputs["createDatabaseDefaultPermissions"] == []
    assert settings.inputs["createTableDefaultPermissions"] == []


def test_raw_and_curated_locations_are_registered_with_a_platform_role(workload):
    resources = workload.of_type("aws:lakeformation/resource:Resource")
    registered = {r.inputs["arn"] for r in resources}
    assert registered == {lake_bucket(workload, z).outputs["arn"] for z in ("raw", "curated")}
    for r in resources:
        assert r.inputs["useServiceLinkedRole"] is False
        (role,) = deps_of_type(workload, r, "roleArn", "aws:iam/role:Role")
        trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
        # AWS's registration-role requirements: trust both services (lake-formation/latest/dg/registration-role.html).
        assert trust["Principal"] == {"Service": ["lakeformation.amazonaws.com", "glue.amazonaws.com"]}


def test_every_grant_waits_for_the_lake_formation_settings(workload):
    settings = only(workload.of_type("aws:lakeformation/dataLakeSettings:DataLakeSettings"))
    grants = workload.of_type(PERMISSIONS)
    assert grants
    for grant in grants:
        assert settings.urn in grant.dependencies, grant.name


def test_etl_reads_raw_through_lake_formation_grants_not_s3(workload):
    job = glue_job(workload)
    (role,) = deps_of_type(workload, job, "roleArn", "aws:iam/role:Role")
    raw_arn = lake_bucket(workload, "raw").outputs["arn"]
    policy = role_policy(workload, role)
    s3_resources = [r for st in policy["Statement"] if any(a.startswith("s3:") for a in as_list(st["Action"]))
                    for r in as_list(st["Resource"])]
    assert s3_resources and not [r for r in s3_resources if r.startswith(raw_arn)]
    grants = [g for g in workload.of_type(PERMISSIONS) if role.urn in g.property_dependencies.get("principal", [])]
    raw_db = job.inputs["defaultArguments"]["--source_database"]
    assert any(g.inputs.get("table", {}).get("databaseName") == raw_db and "SELECT" in g.inputs["permissions"] for g in grants)
    curated_db = job.inputs["defaultArguments"]["--target_database"]
    assert any(g.inputs.get("database", {}).get("name") == curated_db and "CREATE_TABLE" in g.inputs["permissions"] for g in grants)


# -- DataBrew ---------------------------------------------------------------------------------------------------


def test_databrew_runs_through_the_aws_native_provider_of_the_workload_account(workload):
    records = [r for r in workload.resources if r.type.startswith("aws-native:databrew:")]
    assert {r.type.rsplit(":", 1)[-1] for r in records} == {"Dataset", "Recipe", "Project", "Job"}
    account = workload.config["aiplatform:accounts"]["workload"]["id"]
    for record in records:
        provider = workload.provider_of(record)
        assert provider.type == "pulumi:providers:aws-native"
        assert decoded(provider.inputs["allowedAccountIds"]) == [account]
        assert provider.inputs["region"] == workload.config["aiplatform:regions"]["primary"]


def test_databrew_job_is_kms_encrypted_and_writes_to_curated(workload):
    job = only(workload.of_type("aws-native:databrew:Job"))
    assert job.inputs["encryptionMode"] == "SSE-KMS"
    (key,) = deps_of_type(workload, job, "encryptionKeyArn", "aws:kms/key:Key")
    assert job.inputs["encryptionKeyArn"] == key.outputs["arn"] and key.name.endswith("-data-key")
    curated = lake_bucket(workload, "curated")
    (output,) = job.inputs["outputs"]
    assert output["location"]["bucket"] == curated.outputs["bucket"]
    # ... where the curated crawler catalogs it.
    (crawler,) = [c for c in workload.of_type(CRAWLER) if c.name.endswith("-curated-crawler")]
    paths = [t["path"] for t in crawler.inputs["s3Targets"]]
    assert f"s3://{curated.outputs['bucket']}/{output['location']['key']}" in paths


# -- IAM of this layer ------------------------------------------------------------------------------------------


def layer_roles(snap) -> list:
    return [r for r in snap.of_type("aws:iam/role:Role") if any(a.type == LAYER for a in snap.ancestors(r))]


def test_layer_roles_are_service_roles_pinned_to_the_account(workload):
    roles = layer_roles(workload)
    services = [json.loads(r.inputs["assumeRolePolicy"])["Statement"][0]["Principal"]["Service"] for r in roles]
    assert {s for found in services for s in (found if isinstance(found, list) else [found])} == {
        "glue.amazonaws.com", "databrew.amazonaws.com", "lakeformation.amazonaws.com"}
    for role in roles:
        assert role.inputs["path"] == "/aiplatform/"
        (st,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert st["Condition"]["StringEquals"]["aws:SourceAccount"] == workload.config["aiplatform:accounts"]["workload"]["id"]


def test_layer_policies_are_scoped_and_lint_clean(workload):
    policies = [r for r in workload.resources if r.type == "aws:iam/rolePolicy:RolePolicy"
                and any(a.type.startswith(("aiplatform:processing:", "aiplatform:data:")) for a in workload.ancestors(r))]
    assert len(policies) >= 5
    for record in policies:
        for key, doc in policy_docs(record):
            assert not lint(doc, kind_of(key, doc)), record.name
            for st in doc["Statement"]:
                actions, resources = as_list(st["Action"]), as_list(st["Resource"])
                assert not ("*" in resources and any(a == "*" or a.endswith(":*") for a in actions)), (record.name, st)
                assert "iam:PassRole" not in actions


def test_kms_statements_of_layer_roles_name_keys_not_star(workload):
    for role in layer_roles(workload):
        for st in role_policy(workload, role)["Statement"]:
            if any(a.startswith("kms:") for a in as_list(st["Action"])):
                assert all(r.startswith("arn:aws:kms:") for r in as_list(st["Resource"])), (role.name, st)

