"""AWS Backup: KMS vaults, the tag-based daily plan, prod's DR copy and compliance vault lock, none of it in dev."""

from __future__ import annotations

import json

import pytest

from config import ConfigError, Settings, validate
from platformctl.offline.records import ResourceRecord, Snapshot

VAULT = "aws:backup/vault:Vault"
PLAN = "aws:backup/plan:Plan"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
SELECTION = "aws:backup/selection:Selection"
KEY = "aws:kms/key:Key"


def config_of(snap: Snapshot) -> dict:
    """The stack's namespace values, as the program received them."""
    ns = "aiplatform:"
    return {k[len(ns):]: v for k, v in snap.config.items() if k.startswith(ns)}


def settings_of(snap: Snapshot) -> Settings:
    return validate(config_of(snap), snap.stack, snap.project)


def region_of(snap: Snapshot, record: ResourceRecord) -> str:
    provider = snap.provider_of(record)
    assert provider is not None, f"{record.name} has no explicit provider"
    return provider.inputs["region"]


def depends_on(record: ResourceRecord, prop: str, target: ResourceRecord) -> bool:
    return target.urn in record.property_dependencies.get(prop, [])


def plan_rule(snap: Snapshot) -> dict:
    (rule,) = snap.one(PLAN).inputs["rules"]
    return rule


def test_every_vault_is_encrypted_with_its_regions_backup_key(workload):
    vaults = workload.of_type(VAULT)
    assert vaults
    for vault in vaults:
        key = next(k for k in workload.of_type(KEY) if depends_on(vault, "kmsKeyArn", k))
        assert key.name.endswith("-backup-key"), f"{vault.name} is encrypted with {key.name}"
        assert region_of(workload, key) == region_of(workload, vault)
        assert vault.inputs["forceDestroy"] is False


def test_daily_plan_keeps_backups_for_the_configured_retention(workload):
    s = settings_of(workload)
    rule = plan_rule(workload)
    assert rule["lifecycle"]["deleteAfter"] == s.knobs.backup_retention_days
    assert rule["schedule"].startswith("cron(")
    primary = next(v for v in workload.of_type(VAULT) if region_of(workload, v) == s.primary_region)
    assert depends_on(workload.one(PLAN), "rules", primary)
    assert rule["targetVaultName"] == primary.inputs["name"]


def test_selection_picks_resources_by_the_backup_tag_with_the_backup_role(workload):
    selection = workload.one(SELECTION)
    assert selection.inputs["selectionTags"] == [{"type": "STRINGEQUALS", "key": "backup", "value": "true"}]
    role = next(r for r in workload.of_type("aws:iam/role:Role") if depends_on(selection, "iamRoleArn", r))
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert [st["Principal"]["Service"] for st in trust["Statement"]] == ["backup.amazonaws.com"]
    attached = {a.inputs["policyArn"] for a in workload.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if depends_on(a, "role", role)}
    assert {p.rsplit("/", 1)[1] for p in attached} == {
        "AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores",
        "AWSBackupServiceRolePolicyForS3Backup", "AWSBackupServiceRolePolicyForS3Restore"}
    # The lake's bucket policy only admits platform roles by path: S3 backups need the role under it.
    assert role.inputs["path"] == "/aiplatform/"


def test_prod_copies_every_recovery_point_to_a_vault_in_the_dr_region(snapshots):
    prod = snapshots["prod"]
    s = settings_of(prod)
    (copy,) = plan_rule(prod)["copyActions"]
    dr_vault = next(v for v in prod.of_type(VAULT) if region_of(prod, v) == s.dr_region)
    assert copy["destinationVaultArn"].split(":")[3] == s.dr_region
    assert depends_on(prod.one(PLAN), "rules", dr_vault)
    assert copy["lifecycle"]["deleteAfter"] == s.knobs.backup_retention_days


def test_dev_has_one_vault_no_copy_and_no_lock(snapshots):
    snap = snapshots["dev"]
    assert len(snap.of_type(VAULT)) == 1
    assert not plan_rule(snap).get("copyActions")
    assert snap.of_type(LOCK) == []


def test_prod_vaults_are_locked_in_compliance_mode_within_the_retention(snapshots):
    prod = snapshots["prod"]
    s = settings_of(prod)
    vaults = prod.of_type(VAULT)
    locks = prod.of_type(LOCK)
    assert len(locks) == len(vaults) == 2
    for vault in vaults:
        (lock,) = [lk for lk in locks if depends_on(lk, "backupVaultName", vault)]
        # changeableForDays set = compliance mode (governance mode omits it); AWS's minimum grace is 3 days.
        assert lock.inputs["changeableForDays"] >= 3
        assert lock.inputs["minRetentionDays"] <= s.knobs.backup_retention_days <= lock.inputs["maxRetentionDays"]
        assert lock.protect and lock.retain_on_delete


def test_vaults_are_protected_in_prod_only(snapshots):
    assert all(v.protect and v.retain_on_delete for v in snapshots["prod"].of_type(VAULT))
    assert not any(v.protect for v in snapshots["dev"].of_type(VAULT))


def test_failed_backup_and_copy_jobs_reach_the_alerts_topic(workload):
    rule = workload.one("aws:cloudwatch/eventRule:EventRule", "backup-job-failures")
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern["source"] == ["aws.backup"]
    assert set(pattern["detail"]["state"]) >= {"FAILED", "ABORTED"}
    target = workload.one("aws:cloudwatch/eventTarget:EventTarget", "backup-job-failures")
    topic = next(t for t in workload.of_type("aws:sns/topic:Topic") if depends_on(target, "arn", t))
    assert region_of(workload, topic) == settings_of(workload).primary_region


def test_prod_lock_must_allow_the_retention(snapshots):
    raw = config_of(snapshots["prod"])
    raw["knobs"] = {**raw["knobs"], "backupMaxRetentionDays": 7}
    with pytest.raises(ConfigError) as info:
        validate(raw, "prod", "aiplatform")
    assert [p.key for p in info.value.problems] == ["knobs.backupMaxRetentionDays"]
    assert "backupRetentionDays" in info.value.problems[0].fix


def test_the_backup_plan_selects_the_primary_lake_buckets(workload):
    (selection,) = workload.of_type("aws:backup/selection:Selection")
    (tag,) = selection.inputs["selectionTags"]
    primary = workload.config["aiplatform:regions"]["primary"]
    lake = [b for b in workload.of_type("aws:s3/bucket:Bucket") if "-lake-" in b.name and "access-logs" not in b.name]
    selected = {b.name for b in lake if (b.inputs.get("tags") or {}).get(tag["key"]) == tag["value"]}
    in_primary = {b.name for b in lake if workload.provider_of(b).inputs["region"] == primary}
    assert selected == in_primary and len(selected) == 3  # raw, curated, artifacts; DR replicas are the second copy
