"""Data layer: lake buckets and their controls, perimeter, replication to DR, ingestion, Macie, Redshift.

Everything is judged from the recorded resources: a control counts only if its resource's inputs
depend (property_dependencies) on the bucket/key/role it claims to protect.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import config
from components.secure_bucket import Lifecycle
from tests.conftest import decoded

BUCKET = "aws:s3/bucket:Bucket"
KEY = "aws:kms/key:Key"
LAKE = "aiplatform:data:DataLake"
ZONES = ("raw", "curated", "artifacts")
ZONE_DOMAIN = {"raw": "data", "curated": "data", "artifacts": "ml", "access-logs": "logs"}


def region_of(snap, record) -> str:
    return snap.provider_of(record).inputs["region"]


def in_layer(snap, record, layer: str) -> bool:
    return any(a.type == layer for a in snap.ancestors(record))


def lake_buckets(snap) -> dict[str, Any]:
    """Lake buckets by logical name (e.g. 'mlprod-use1-lake-raw')."""
    return {b.name: b for b in snap.of_type(BUCKET) if in_layer(snap, b, LAKE)}


def zone_of(bucket) -> str:
    return next(z for z in (*ZONES, "access-logs") if bucket.name.endswith(f"-lake-{z}"))


def attached(snap, bucket, token: str, prop: str = "bucket") -> list:
    """Resources of ``token`` whose ``prop`` input is derived from this bucket."""
    return [r for r in snap.of_type(token) if bucket.urn in r.property_dependencies.get(prop, [])]


def only(items: list):
    assert len(items) == 1, [getattr(i, "name", i) for i in items]
    return items[0]


def key_behind(snap, record, prop: str):
    """The KMS key record an input of ``record`` is derived from."""
    keys = [snap.by_urn[u] for u in record.property_dependencies.get(prop, []) if snap.by_urn[u].type == KEY]
    return only(keys)


def policy_of(snap, bucket) -> dict:
    return json.loads(only(attached(snap, bucket, "aws:s3/bucketPolicy:BucketPolicy")).inputs["policy"])


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


# -- buckets and their controls ---------------------------------------------------------------------------------


def test_each_lake_region_has_every_zone_and_its_own_access_log_bucket(workload):
    buckets = lake_buckets(workload)
    regions = {region_of(workload, b) for b in buckets.values()}
    expected = {workload.config["aiplatform:regions"]["primary"], *([workload.config["aiplatform:regions"]["dr"]]
                                                                    if "dr" in workload.config["aiplatform:regions"] else [])}
    assert regions == expected
    for region in regions:
        here = sorted(zone_of(b) for b in buckets.values() if region_of(workload, b) == region)
        assert here == sorted([*ZONES, "access-logs"])


def test_every_lake_bucket_is_kms_encrypted_with_bucket_keys_by_the_zone_domain_key(workload):
    for bucket in lake_buckets(workload).values():
        sse = only(attached(workload, bucket, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"))
        (rule,) = sse.inputs["rules"]
        if zone_of(bucket) == "access-logs":
            # AWS supports only SSE-S3 as a server access log target's default encryption.
            assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}, bucket.name
            continue
        assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms", bucket.name
        assert rule["bucketKeyEnabled"] is True, bucket.name
        key = key_behind(workload, sse, "rules")
        assert key.name.endswith(f"-{ZONE_DOMAIN[zone_of(bucket)]}-key"), (bucket.name, key.name)
        assert region_of(workload, key) == region_of(workload, bucket), "a bucket's key must live in its region"
        assert rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == key.outputs["arn"]


def test_every_lake_bucket_is_versioned_private_and_acl_free(workload):
    for bucket in lake_buckets(workload).values():
        versioning = only(attached(workload, bucket, "aws:s3/bucketVersioning:BucketVersioning"))
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled", bucket.name
        pab = only(attached(workload, bucket, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"))
        assert all(pab.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        ownership = only(attached(workload, bucket, "aws:s3/bucketOwnershipControls:BucketOwnershipControls"))
        assert ownership.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced", bucket.name


def test_every_lake_bucket_policy_denies_plain_http(workload):
    for bucket in lake_buckets(workload).values():
        arn = bucket.outputs["arn"]
        deny = [st for st in policy_of(workload, bucket)["Statement"]
                if st["Effect"] == "Deny" and st.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"]
        assert deny, bucket.name
        assert {arn, f"{arn}/*"} <= set(as_list(deny[0]["Resource"])) and deny[0]["Principal"] == "*"


def test_zone_buckets_deny_requests_from_outside_the_vpc_endpoint_or_platform_roles(workload):
    account = workload.config["aiplatform:accounts"]["workload"]["id"]
    deploy_role = f"arn:aws:iam::{account}:role/{workload.config['aiplatform:deployRole']['name']}"
    for bucket in lake_buckets(workload).values():
        statements = policy_of(workload, bucket)["Statement"]
        perimeter = [st for st in statements if st["Effect"] == "Deny" and "aws:SourceVpce" in json.dumps(st.get("Condition"))]
        if zone_of(bucket) == "access-logs":
            # The log target must accept the S3 logging service, so it gets no network perimeter.
            assert not perimeter
            assert any(st["Effect"] == "Allow" and st["Principal"] == {"Service": "logging.s3.amazonaws.com"} for st in statements)
            continue
        (st,) = perimeter
        # The endpoint named is this region's S3 gateway endpoint.
        policy = only(attached(workload, bucket, "aws:s3/bucketPolicy:BucketPolicy"))
        endpoints = [workload.by_urn[u] for u in policy.property_dependencies["policy"]
                     if workload.by_urn[u].type == "aws:ec2/vpcEndpoint:VpcEndpoint"]
        endpoint = only(endpoints)
        assert endpoint.inputs["serviceName"] == f"com.amazonaws.{region_of(workload, bucket)}.s3"
        assert endpoint.inputs["vpcEndpointType"] == "Gateway"
        assert st["Condition"]["StringNotEqualsIfExists"]["aws:SourceVpce"] == endpoint.id
        admitted = st["Condition"]["ArnNotLikeIfExists"]["aws:PrincipalArn"]
        assert deploy_role in admitted, "the deploy role must not be locked out"
        # The platform's role path, written out: a wider path (role/*) would admit every role of the account.
        assert f"arn:aws:iam::{account}:role/aiplatform/*" in admitted
        assert f"arn:aws:iam::{account}:role/aws-service-role/*" in admitted, "Macie's service-linked role reads the lake"


def test_every_role_the_data_and_processing_layers_create_is_admitted_by_the_perimeter(workload):
    roles = [r for r in workload.of_type("aws:iam/role:Role")
             if any(a.type.startswith(("aiplatform:data:", "aiplatform:processing:")) for a in workload.ancestors(r))]
    assert len(roles) >= 5  # ingest + crawler, ETL, DataBrew, Lake Formation location (+ replication, Redshift in prod)
    for role in roles:
        assert role.inputs.get("path") == "/aiplatform/", f"{role.name} would be denied by the lake perimeter"


def test_zone_buckets_log_to_the_access_log_bucket_of_their_region(workload):
    buckets = lake_buckets(workload)
    log_targets = {region_of(workload, b): b for b in buckets.values() if zone_of(b) == "access-logs"}
    for bucket in buckets.values():
        logging = attached(workload, bucket, "aws:s3/bucketLogging:BucketLogging")
        if zone_of(bucket) == "access-logs":
            assert not logging
            assert not attached(workload, bucket, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
            continue
        target = log_targets[region_of(workload, bucket)]
        assert target.urn in only(logging).property_dependencies["targetBucket"], bucket.name


def test_lifecycle_follows_the_stack_knobs(workload):
    knobs = workload.config["aiplatform:knobs"]
    for bucket in lake_buckets(workload).values():
        (rule,) = only(attached(workload, bucket, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")).inputs["rules"]
        assert rule["status"] == "Enabled"
        assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == knobs["noncurrentVersionExpirationDays"]
        transitions = {t["storageClass"]: t["days"] for t in rule.get("transitions", [])}
        assert transitions["STANDARD_IA"] == knobs["lakeIaTransitionDays"], bucket.name
        if zone_of(bucket) == "raw":
            assert transitions["GLACIER"] == knobs["lakeGlacierTransitionDays"]
        elif zone_of(bucket) in ("curated", "artifacts"):
            assert "GLACIER" not in transitions, "training and serving read these without a restore"


def test_stateful_data_resources_are_protected_only_in_prod(workload):
    stateful = [*lake_buckets(workload).values(), *workload.of_type("aws:redshiftserverless/namespace:Namespace"),
                *[g for g in workload.of_type("aws:cloudwatch/logGroup:LogGroup") if in_layer(workload, g, LAKE)]]
    assert stateful
    prod = workload.stack == "prod"
    for record in stateful:
        assert (record.protect, record.retain_on_delete) == (prod, prod), record.name


# -- replication ------------------------------------------------------------------------------------------------


REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"


def test_dev_replicates_nothing(snapshots):
    assert not snapshots["dev"].of_type(REPLICATION)


def test_prod_replicates_every_zone_to_the_dr_region_with_dr_keys(snapshots):
    prod = snapshots["prod"]
    regions = prod.config["aiplatform:regions"]
    buckets = lake_buckets(prod)
    by_arn = {b.outputs["arn"]: b for b in buckets.values()}
    sources = [b for b in buckets.values() if region_of(prod, b) == regions["primary"] and zone_of(b) in ZONES]
    assert len(sources) == 3
    for source in sources:
        config_ = only(attached(prod, source, REPLICATION))
        assert region_of(prod, config_) == regions["primary"]
        (rule,) = config_.inputs["rules"]
        assert rule["status"] == "Enabled"
        assert rule["sourceSelectionCriteria"]["sseKmsEncryptedObjects"]["status"] == "Enabled"
        assert rule["deleteMarkerReplication"]["status"] == "Disabled"
        destination = by_arn[rule["destination"]["bucket"]]
        assert destination.urn in config_.property_dependencies["rules"]
        assert region_of(prod, destination) == regions["dr"]
        assert zone_of(destination) == zone_of(source)
        replica_key = key_behind(prod, config_, "rules")
        assert region_of(prod, replica_key) == regions["dr"]
        assert rule["destination"]["encryptionConfiguration"]["replicaKmsKeyId"] == replica_key.outputs["arn"]
        assert replica_key.name.endswith(f"-{ZONE_DOMAIN[zone_of(source)]}-key")
        # S3 refuses replication until both sides are versioned: the config must wait for both.
        versionings = {workload_versioning.urn for b in (source, destination)
                       for workload_versioning in attached(prod, b, "aws:s3/bucketVersioning:BucketVersioning")}
        deps = {u for v in config_.property_dependencies.values() for u in v}
        assert versionings <= deps


def test_replication_role_touches_only_the_lake_buckets_and_keys(snapshots):
    prod = snapshots["prod"]
    config_ = prod.of_type(REPLICATION)[0]
    role = only([prod.by_urn[u] for u in config_.property_dependencies["role"]])
    assert role.inputs["path"] == "/aiplatform/"
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "s3.amazonaws.com"}
    policy = json.loads(only(attached(prod, role, "aws:iam/rolePolicy:RolePolicy", "role")).inputs["policy"])
    bucket_arns = {b.outputs["arn"] for b in lake_buckets(prod).values()}
    key_arns = {k.outputs["arn"] for k in prod.of_type(KEY)}
    for st in policy["Statement"]:
        for resource in as_list(st["Resource"]):
            assert resource.removesuffix("/*") in bucket_arns | key_arns, resource
        if any(a.startswith("kms:") for a in as_list(st["Action"])):
            assert "kms:ViaService" in st["Condition"]["StringEquals"]
    actions = {a for st in policy["Statement"] for a in as_list(st["Action"])}
    assert "s3:ReplicateDelete" not in actions, "delete markers are not replicated, so the role needs no delete"


# -- ingestion and Macie ----------------------------------------------------------------------------------------


FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"


def primary_zone(snap, zone: str):
    primary = snap.config["aiplatform:regions"]["primary"]
    return only([b for b in lake_buckets(snap).values() if zone_of(b) == zone and region_of(snap, b) == primary])


def test_firehose_writes_date_partitioned_raw_data_encrypted_with_the_data_key(workload):
    stream = only(workload.of_type(FIREHOSE))
    raw = primary_zone(workload, "raw")
    s3 = stream.inputs["extendedS3Configuration"]
    assert raw.urn in stream.property_dependencies["extendedS3Configuration"]
    assert s3["bucketArn"] == raw.outputs["arn"]
    assert s3["prefix"].startswith("ingest/") and "!{timestamp:yyyy}" in s3["prefix"]
    assert s3["errorOutputPrefix"].startswith("ingest-errors/") and "!{firehose:error-output-type}" in s3["errorOutputPrefix"]
    sse = stream.inputs["serverSideEncryption"]
    assert sse["enabled"] is True and sse["keyType"] == "CUSTOMER_MANAGED_CMK"
    key = key_behind(workload, stream, "serverSideEncryption")
    assert key.name.endswith("-data-key") and sse["keyArn"] == key.outputs["arn"]
    assert s3["cloudwatchLoggingOptions"]["enabled"] is True


def test_firehose_role_writes_only_under_the_ingest_prefixes(workload):
    stream = only(workload.of_type(FIREHOSE))
    raw_arn = primary_zone(workload, "raw").outputs["arn"]
    role = only([workload.by_urn[u] for u in stream.property_dependencies["extendedS3Configuration"]
                 if workload.by_urn[u].type == "aws:iam/role:Role"])
    policy = json.loads(only(attached(workload, role, "aws:iam/rolePolicy:RolePolicy", "role")).inputs["policy"])
    writes = [st for st in policy["Statement"] if "s3:PutObject" in as_list(st["Action"])]
    assert writes
    for st in writes:
        for resource in as_list(st["Resource"]):
            assert resource.startswith((f"{raw_arn}/ingest/", f"{raw_arn}/ingest-errors/")), resource
    s3_resources = {r for st in policy["Statement"] if any(a.startswith("s3:") for a in as_list(st["Action"]))
                    for r in as_list(st["Resource"])}
    assert all(r.startswith(raw_arn) for r in s3_resources)


def test_macie_classifies_raw_and_curated_weekly_after_macie_is_enabled(workload):
    job = only(workload.of_type("aws:macie2/classificationJob:ClassificationJob"))
    assert job.inputs["jobType"] == "SCHEDULED" and job.inputs["scheduleFrequency"]
    (definition,) = job.inputs["s3JobDefinition"]["bucketDefinitions"]
    assert definition["accountId"] == workload.config["aiplatform:accounts"]["workload"]["id"]
    assert sorted(definition["buckets"]) == sorted(primary_zone(workload, z).outputs["bucket"] for z in ("raw", "curated"))
    macie = [workload.by_urn[u] for u in job.dependencies if workload.by_urn[u].type == "aws:macie2/account:Account"]
    assert region_of(workload, only(macie)) == region_of(workload, job)


# -- Redshift ---------------------------------------------------------------------------------------------------


def test_dev_has_no_warehouse(snapshots):
    dev = snapshots["dev"]
    assert not [r for r in dev.resources if r.type.startswith("aws:redshiftserverless/")]


def test_prod_warehouse_is_private_encrypted_audited_and_in_the_isolated_subnets(snapshots):
    prod = snapshots["prod"]
    namespace = only(prod.of_type("aws:redshiftserverless/namespace:Namespace"))
    workgroup = only(prod.of_type("aws:redshiftserverless/workgroup:Workgroup"))
    assert namespace.inputs["manageAdminPassword"] is True
    assert not namespace.inputs.get("adminUserPassword") and not namespace.inputs.get("adminUserPasswordWo")
    assert key_behind(prod, namespace, "kmsKeyId").name.endswith("-data-key")
    assert key_behind(prod, namespace, "adminPasswordSecretKmsKeyId").name.endswith("-data-key")
    assert {"connectionlog", "userlog", "useractivitylog"} <= set(namespace.inputs["logExports"])
    assert workgroup.inputs["publiclyAccessible"] is False
    assert workgroup.inputs["enhancedVpcRouting"] is True
    params = {p["parameterKey"]: p["parameterValue"] for p in workgroup.inputs["configParameters"]}
    assert params["enable_user_activity_logging"] == "true" and params["require_ssl"] == "true"
    (vpc,) = [prod.by_urn[u] for u in workgroup.property_dependencies["subnetIds"]]
    assert workgroup.inputs["subnetIds"] == vpc.outputs["isolatedSubnetIds"] and len(workgroup.inputs["subnetIds"]) >= 3
    assert region_of(prod, vpc) == region_of(prod, workgroup)


def test_warehouse_security_group_admits_no_open_ingress(snapshots):
    prod = snapshots["prod"]
    workgroup = only(prod.of_type("aws:redshiftserverless/workgroup:Workgroup"))
    (sg_urn,) = workgroup.property_dependencies["securityGroupIds"]
    ingress = [r for r in prod.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if sg_urn in r.property_dependencies.get("securityGroupId", [])]
    assert ingress
    for rule in ingress:
        assert not rule.inputs.get("cidrIpv4") and not rule.inputs.get("cidrIpv6"), rule.name
        assert rule.inputs["referencedSecurityGroupId"] and rule.inputs["fromPort"] == rule.inputs["toPort"] == 5439


def test_redshift_needs_three_azs(snapshots):
    raw = {k.removeprefix("aiplatform:"): decoded(v) for k, v in snapshots["dev"].config.items() if k.startswith("aiplatform:")}
    raw["features"] = {**raw["features"], "redshift": True}
    with pytest.raises(config.ConfigError) as err:
        config.validate(raw, "dev", "aiplatform")
    assert [p.key for p in err.value.problems] == ["network.azCount"]


def test_no_bucket_is_emptied_on_delete(snapshots):
    # forceDestroy makes a delete (a rename, a replaced bucket, a destroyed stack) erase every object and version
    # first; S3 refuses to delete a non-empty bucket otherwise, and that refusal is the last guard of the data.
    buckets = [r for snap in snapshots.values() for r in snap.resources
               if r.type in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")]
    assert len(buckets) >= 5
    for bucket in buckets:
        assert not bucket.inputs.get("forceDestroy"), bucket.urn


def test_every_lifecycle_rule_aborts_incomplete_uploads_within_a_week(stack):
    """Parts of an abandoned multipart upload are stored (and billed) until aborted; docs/data.md promises 7 days."""
    rules = [rule for config in stack.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
             for rule in config.inputs["rules"]]
    assert rules
    assert all(rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7 for rule in rules)


def test_every_lifecycle_rule_orders_its_days_as_s3_requires(snapshots):
    """PutBucketLifecycleConfiguration rejects a STANDARD_IA transition before day 30, a GLACIER transition sooner
    than 30 days after STANDARD_IA, and an Expiration not after every Transition of its rule."""
    rules = [rule for snap in snapshots.values()
             for config in snap.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
             for rule in config.inputs["rules"]]
    assert any(rule.get("expiration") for rule in rules) and any(rule.get("transitions") for rule in rules)
    for rule in rules:
        days = {t["storageClass"]: t["days"] for t in rule.get("transitions") or []}
        assert days.get("STANDARD_IA", 30) >= 30, rule
        if "STANDARD_IA" in days and "GLACIER" in days:
            assert days["GLACIER"] >= days["STANDARD_IA"] + 30, rule
        if rule.get("expiration"):
            assert all(rule["expiration"]["days"] > d for d in days.values()), rule


@pytest.mark.parametrize("retention", [1, 30, 60, 90, 91, 120, 365, 3653])
def test_access_logs_of_every_allowed_retention_make_a_rule_s3_accepts(retention):
    lifecycle = Lifecycle.access_logs(retention)
    assert lifecycle.expiration_days == retention
    # Glacier only for logs that outlive the 90-day transition; a shorter retention would be refused.
    assert lifecycle.glacier_days == (90 if retention > 90 else None)


@pytest.mark.parametrize(("days", "words"), [
    ({"ia_days": 29, "glacier_days": None}, "STANDARD_IA transition at 29 days"),
    ({"ia_days": 30, "glacier_days": 59}, "30 days after STANDARD_IA"),
    ({"ia_days": None, "glacier_days": 90, "expiration_days": 90}, "after every transition (90)"),
    ({"ia_days": 60, "glacier_days": None, "expiration_days": 45}, "after every transition (60)"),
])
def test_a_lifecycle_s3_would_refuse_is_refused_at_construction(days, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        Lifecycle(noncurrent_expiration_days=30, **days)


def test_server_access_logs_of_the_shared_stack_expire_after_the_configured_retention(snapshots):
    """The log archive's and the CI/CD account's access logs are kept logRetentionDays (365 in Pulumi.shared.yaml)."""
    shared = snapshots["shared"]
    expiring = {config.name: rule["expiration"]["days"]
                for config in shared.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
                for rule in config.inputs["rules"] if rule.get("expiration")}
    assert any("log-archive" in name for name in expiring) and any("model-delivery" in name for name in expiring), sorted(expiring)
    assert set(expiring.values()) == {365}, expiring
