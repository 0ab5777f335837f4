"""The StackSet-style baseline: keys, trail, detective controls and the central log archive."""

from __future__ import annotations

import json

import pytest

from tests.conftest import decoded

WORKLOAD_DOMAINS = {"data", "ml", "logs", "backup", "alerts"}


def key_policy(record) -> dict:
    return json.loads(record.inputs["policy"])


def account_and_region(snap, record) -> tuple[str, str]:
    provider = snap.provider_of(record)
    return decoded(provider.inputs["allowedAccountIds"])[0], provider.inputs["region"]


def test_every_key_rotates_and_keeps_its_lockout_check(stack):
    keys = stack.of_type("aws:kms/key:Key")
    assert keys
    for key in keys:
        assert key.inputs["enableKeyRotation"] is True, key.name
        # At least yearly (KMS's default period; AWS accepts 90-2560 days): a longer period keeps old material in use.
        assert 90 <= (key.inputs.get("rotationPeriodInDays") or 365) <= 365, key.name
        assert key.inputs.get("bypassPolicyLockoutSafetyCheck") in (None, False), key.name


def test_deletion_windows(stack):
    minimum = 7 if stack.stack == "dev" else 30
    for key in stack.of_type("aws:kms/key:Key"):
        assert key.inputs["deletionWindowInDays"] >= minimum, key.name


def test_key_policies_grant_services_only_under_conditions(stack):
    for key in stack.of_type("aws:kms/key:Key"):
        account, _ = account_and_region(stack, key)
        statements = key_policy(key)["Statement"]
        admin = [s for s in statements if s.get("Principal") == {"AWS": f"arn:aws:iam::{account}:root"}]
        assert admin, f"{key.name} does not let the account administer it"
        for st in statements:
            principal = st["Principal"]
            assert principal != "*" and principal.get("AWS") != "*", f"{key.name} grants everyone"
            if "Service" in principal:
                assert st.get("Condition"), f"{key.name}: {principal['Service']} is not pinned to a source"


def test_workload_accounts_have_every_domain_key_in_every_region(workload):
    found: dict[tuple[str, str], set[str]] = {}
    for key in workload.of_type("aws:kms/key:Key"):
        found.setdefault(account_and_region(workload, key), set()).add(key.name.rsplit("-", 2)[-2])
    regions = {"dev": {"us-east-1"}, "prod": {"us-east-1", "us-west-2"}}[workload.stack]
    assert {region for _, region in found} == regions  # the DR region gets its own keys
    for domains in found.values():
        assert WORKLOAD_DOMAINS <= domains


def test_alerts_key_lets_the_alert_publishers_encrypt(workload):
    for key in workload.of_type("aws:kms/key:Key"):
        if key.name.endswith("-alerts-key"):
            services = {s["Principal"].get("Service") for s in key_policy(key)["Statement"]}
            assert {"cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com"} <= services


def test_data_key_lets_macie_decrypt_through_its_service_linked_role(workload):
    for key in workload.of_type("aws:kms/key:Key"):
        if key.name.endswith("-data-key"):
            principals = [s["Principal"].get("AWS", "") for s in key_policy(key)["Statement"]]
            assert any(p.endswith("role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie") for p in principals)


MACIE_ROLE = "role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"


def test_exactly_the_keys_naming_macies_role_wait_for_macie(stack):
    # KMS rejects a key policy naming a principal that does not exist yet, and Macie's service-linked role exists
    # only once Macie is enabled: those keys must depend on the Macie account. No other key waits for it.
    macie = {r.urn for r in stack.of_type("aws:macie2/account:Account")}
    keys = stack.of_type("aws:kms/key:Key")
    assert keys
    for key in keys:
        names_role = MACIE_ROLE in json.dumps(key_policy(key))
        assert bool(macie & set(key.dependencies)) == names_role, key.urn


def test_one_multi_region_trail_per_account_into_the_log_archive(stack, snapshots):
    shared = snapshots["shared"].outputs
    trails = stack.of_type("aws:cloudtrail/trail:Trail")
    accounts = {account_and_region(stack, t)[0] for t in trails}
    assert len(trails) == len(accounts) == (2 if stack.stack == "shared" else 1)
    for trail in trails:
        i = trail.inputs
        assert i["isMultiRegionTrail"] and i["enableLogFileValidation"] and i["includeGlobalServiceEvents"]
        assert i["cloudWatchLogsGroupArn"].startswith("arn:aws:logs:") and i["cloudWatchLogsRoleArn"]
        assert i["s3BucketName"] == shared["logArchiveBucketName"]
        assert i["kmsKeyId"] == shared["logArchiveKeyArn"]


def test_trail_log_groups_are_encrypted(stack):
    for group in stack.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group.inputs.get("kmsKeyId"), f"{group.name} is not KMS-encrypted"
        assert group.inputs.get("retentionInDays"), f"{group.name} keeps logs forever without a decision"


def test_account_settings_in_every_owned_account_and_region(stack):
    pab = stack.of_type("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")
    for r in pab:
        assert all(r.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    providers = {account_and_region(stack, r) for r in stack.of_type("aws:kms/key:Key")}
    assert {account_and_region(stack, r)[0] for r in pab} == {a for a, _ in providers}
    for token in ("aws:ebs/encryptionByDefault:EncryptionByDefault", "aws:macie2/account:Account",
                  "aws:securityhub/account:Account", "aws:guardduty/detector:Detector"):
        assert {account_and_region(stack, r) for r in stack.of_type(token)} == providers, token


def test_security_hub_subscribes_to_foundational_best_practices(stack):
    for sub in stack.of_type("aws:securityhub/standardsSubscription:StandardsSubscription"):
        _, region = account_and_region(stack, sub)
        assert sub.inputs["standardsArn"] == f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"


def test_aws_config_records_where_enabled(snapshots):
    prod = snapshots["prod"]
    assert prod.config["aiplatform:features"]["awsConfig"] is True
    recorders = prod.of_type("aws:cfg/recorder:Recorder")
    assert len(recorders) == 2
    assert sum(r.inputs["recordingGroup"]["includeGlobalResourceTypes"] for r in recorders) == 1
    for channel in prod.of_type("aws:cfg/deliveryChannel:DeliveryChannel"):
        assert channel.inputs["s3BucketName"] == snapshots["shared"].outputs["logArchiveBucketName"]
        assert channel.inputs["s3KmsKeyArn"] == snapshots["shared"].outputs["logArchiveKeyArn"]
    # Security Hub's FSBP standard needs AWS Config: every stack with the hub records (validation enforces it).
    for name in ("shared", "dev"):
        assert snapshots[name].config["aiplatform:features"]["securityHub"] is True
        assert snapshots[name].of_type("aws:cfg/recorder:Recorder"), name


@pytest.fixture(scope="module")
def shared(snapshots):
    return snapshots["shared"]


@pytest.fixture(scope="module")
def bucket(shared):
    return next(b for b in shared.of_type("aws:s3/bucket:Bucket") if b.inputs["bucket"] == shared.outputs["logArchiveBucketName"])


class TestLogArchive:
    def attached(self, shared, bucket, token):
        return [r for r in shared.of_type(token) if bucket.urn in r.property_dependencies.get("bucket", [])]

    def test_lives_in_the_security_account(self, shared, bucket):
        assert account_and_region(shared, bucket) == ("111111111111", "us-east-1")

    def test_is_encrypted_with_the_archive_key(self, shared, bucket):
        (sse,) = self.attached(shared, bucket, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        rule = sse.inputs["rules"][0]
        assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": shared.outputs["logArchiveKeyArn"]}
        assert rule["bucketKeyEnabled"] is True

    def test_is_versioned_locked_private_and_logged(self, shared, bucket):
        (versioning,) = self.attached(shared, bucket, "aws:s3/bucketVersioning:BucketVersioning")
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
        assert bucket.inputs["objectLockEnabled"] is True
        (lock,) = self.attached(shared, bucket, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
        assert lock.inputs["objectLockEnabled"] == "Enabled"  # the only value S3 accepts
        assert lock.inputs["rule"]["defaultRetention"]["days"] >= 365
        (pab,) = self.attached(shared, bucket, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
        assert all(pab.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        (logging,) = self.attached(shared, bucket, "aws:s3/bucketLogging:BucketLogging")
        assert logging.inputs["targetBucket"] != bucket.inputs["bucket"]

    def test_policy_is_tls_only_and_names_every_source_account(self, shared, bucket):
        (policy,) = self.attached(shared, bucket, "aws:s3/bucketPolicy:BucketPolicy")
        statements = {s.get("Sid"): s for s in json.loads(policy.inputs["policy"])["Statement"]}
        deny = statements["DenyInsecureTransport"]
        assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        write = statements["CloudTrailWrite"]
        members = shared.config["aiplatform:accounts"]["members"]
        for account in [*members, "111111111111", "222222222222"]:
            assert any(f"/AWSLogs/{account}/*" in res for res in write["Resource"])
            assert any(f":{account}:trail/" in arn for arn in write["Condition"]["ArnLike"]["aws:SourceArn"])

    def test_key_lets_only_the_platform_trails_encrypt(self, shared):
        key = next(k for k in shared.of_type("aws:kms/key:Key") if k.outputs["arn"] == shared.outputs["logArchiveKeyArn"])
        st = next(s for s in key_policy(key)["Statement"] if s.get("Sid") == "CloudTrailEncrypt")
        contexts = st["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"]
        assert sorted(c.split(":")[4] for c in contexts) == sorted({*shared.config["aiplatform:accounts"]["members"], "111111111111", "222222222222"})
        assert key.protect and key.retain_on_delete


@pytest.mark.parametrize("token", ["aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:cloudtrail/trail:Trail"])
def test_stateful_resources_are_protected_outside_dev(snapshots, token):
    for name in ("shared", "prod"):
        for r in snapshots[name].of_type(token):
            assert r.protect and r.retain_on_delete, f"{name}: {r.urn} is not protected"
    for r in snapshots["dev"].of_type(token):
        assert not r.protect, f"dev: {r.urn} is protected; dev stays disposable"


def test_every_notification_rule_may_use_its_topics_key(snapshots):
    """CodeStar Notifications publishes to an encrypted topic with the topic's key as itself: without
    kms:GenerateDataKey* and kms:Decrypt for codestar-notifications.amazonaws.com in that key's policy, every
    notification is dropped (CodeStar Notifications User Guide, encrypted topics)."""
    shared = snapshots["shared"]
    rules = shared.of_type("aws:codestarnotifications/notificationRule:NotificationRule")
    assert rules
    for rule in rules:
        for topic_urn in rule.property_dependencies["targets"]:
            (key_urn,) = shared.by_urn[topic_urn].property_dependencies["kmsMasterKeyId"]
            statements = json.loads(shared.by_urn[key_urn].inputs["policy"])["Statement"]
            granted = {action for st in statements if st["Effect"] == "Allow"
                       and "codestar-notifications.amazonaws.com" in str(st["Principal"].get("Service"))
                       for action in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])}
            assert {"kms:GenerateDataKey*", "kms:Decrypt"} <= granted, (rule.name, granted)
