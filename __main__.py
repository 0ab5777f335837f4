"""Wiring: config -> providers -> layers, per account x region.

The config is validated before anything else runs, so a bad stack file fails
with one message and registers nothing. Every layer receives its provider
through its Args; none can fall back to a default provider.
"""

import pulumi

from components.alerts import AlertTopic, AlertTopicArgs
from components.backup import Backup, BackupArgs, DrCopy
from components.cost import CostControls, CostControlsArgs
from components.data import DataLake, DataLakeArgs, LakeLifecycle, LakeReplication, LakeReplicationArgs, ReplicatedZone
from components.kms import domain_specs
from components.log_archive import LogArchive, LogArchiveArgs
from components.network import BUILD_INTERFACE_SERVICES, Network, NetworkArgs
from components.processing import Processing, ProcessingArgs, Zone
from components.providers import ProviderRegistry
from components.redshift import Warehouse, WarehouseArgs
from components.security import (
    AccountBaseline,
    AccountBaselineArgs,
    CentralLogging,
    ConfigRecording,
    ConfigRecordingArgs,
    RegionalBaseline,
    RegionalBaselineArgs,
)
from config import Settings, load_settings
from config.schema import Account


def security_baseline(s: Settings, providers: ProviderRegistry, account: Account, role: str,
                      central: CentralLogging | pulumi.Output, keys: dict[str, RegionalBaseline] | None = None) -> dict[str, RegionalBaseline]:
    """The StackSet-style baseline of one account: regional part per region, account part once."""
    f = s.features
    keys = dict(keys or {})
    for region in s.regions:
        if region in keys:
            continue
        t = providers.target(account, region)
        keys[region] = RegionalBaseline(f"{t.key}-baseline", RegionalBaselineArgs(
            target=t, org=s.config.org, key_specs=domain_specs(role, t), deletion_window_days=s.knobs.kms_deletion_window_days,
            protect=s.protect_stateful, is_primary=region == s.primary_region, macie=f.macie, security_hub=f.security_hub,
            guard_duty=f.guard_duty))
    primary = providers.target(account, s.primary_region)
    auditors = [] if account.id == s.config.accounts.security.id else [s.role_arn(s.config.accounts.security)]
    account_part = AccountBaseline(f"{account.name}-account-baseline", AccountBaselineArgs(
        target=primary, org=s.config.org, central_logging=central, logs_key_arn=keys[s.primary_region].keys["logs"].arn,
        log_retention_days=s.knobs.log_retention_days, protect=s.protect_stateful, audit_principals=auditors, aws_config=f.aws_config))
    if account_part.config_role_arn is not None:
        for region in s.regions:
            t = providers.target(account, region)
            ConfigRecording(f"{t.key}-config", ConfigRecordingArgs(
                target=t, role_arn=account_part.config_role_arn, central_logging=central, is_primary=region == s.primary_region))
    return keys


def shared_stack(s: Settings, providers: ProviderRegistry) -> None:
    accts = s.config.accounts
    security = providers.target(accts.security, s.primary_region)
    # The archive's own access logs need the security account's logs key before the rest of its baseline.
    security_primary = RegionalBaseline(f"{security.key}-baseline", RegionalBaselineArgs(
        target=security, org=s.config.org, key_specs=domain_specs("security", security),
        deletion_window_days=s.knobs.kms_deletion_window_days, protect=s.protect_stateful, is_primary=True,
        macie=s.features.macie, security_hub=s.features.security_hub, guard_duty=s.features.guard_duty))
    archive = LogArchive("log-archive", LogArchiveArgs(
        target=security, org=s.config.org, source_accounts=[*accts.members, accts.security.id, accts.shared_services.id],
        logs_key_arn=security_primary.keys["logs"].arn, deletion_window_days=30, retention_days=s.knobs.log_retention_days))
    central = CentralLogging(archive.bucket_name, archive.key_arn)
    security_baseline(s, providers, accts.security, "security", central, {s.primary_region: security_primary})
    services_keys = security_baseline(s, providers, accts.shared_services, "shared-services", central)

    services = providers.target(accts.shared_services, s.primary_region)
    build = Network(f"{services.key}-build-network", NetworkArgs(
        target=services, cidr=accts.shared_services.vpc_cidrs[s.primary_region], az_count=s.config.network.az_count,
        logs_key_arn=services_keys[s.primary_region].keys["logs"].arn, flow_log_retention_days=s.config.network.flow_log_retention_days,
        protect=s.protect_stateful, tier="build", interface_services=BUILD_INTERFACE_SERVICES))

    pulumi.export("logArchiveBucketName", archive.bucket_name)
    pulumi.export("logArchiveBucketArn", archive.bucket_arn)
    pulumi.export("logArchiveKeyArn", archive.key_arn)
    pulumi.export("buildVpcId", build.vpc_id)


def workload_account(s: Settings, providers: ProviderRegistry, account: Account, central: CentralLogging,
                     shared: pulumi.StackReference) -> dict:
    """Every layer of one workload account; returns what the stack exports for it."""
    keys = security_baseline(s, providers, account, "workload", central)
    exports: dict = {}
    networks: dict[str, Network] = {}
    lakes: dict[str, DataLake] = {}
    for region in s.regions:
        t = providers.target(account, region)
        network = networks[region] = Network(f"{t.key}-network", NetworkArgs(
            target=t, cidr=account.vpc_cidrs[region], az_count=s.config.network.az_count,
            logs_key_arn=keys[region].keys["logs"].arn, flow_log_retention_days=s.config.network.flow_log_retention_days,
            protect=s.protect_stateful))
        exports[region] = {"vpcId": network.vpc_id, "keys": keys[region].key_arns}
        # The primary region holds the lake; the DR region (prod) a lake of replicas.
        if region in (s.primary_region, s.dr_region):
            lakes[region] = DataLake(f"{t.key}-lake", DataLakeArgs(
                target=t, org=s.config.org, data_key_arn=keys[region].keys["data"].arn, ml_key_arn=keys[region].keys["ml"].arn,
                logs_key_arn=keys[region].keys["logs"].arn, s3_endpoint_id=network.s3_endpoint.id,
                lifecycle=LakeLifecycle(s.knobs.lake_ia_transition_days, s.knobs.lake_glacier_transition_days,
                                        s.knobs.noncurrent_version_expiration_days),
                protect=s.protect_stateful, trusted_principal_arns=[s.role_arn(account), *s.config.operator_principals],
                replica=region != s.primary_region, log_retention_days=s.knobs.log_retention_days, macie=s.features.macie,
                after=[keys[region].macie] if keys[region].macie else []))
            exports[region]["lakeBuckets"] = lakes[region].bucket_names
    if s.dr_region:
        # Every zone to its DR twin, re-encrypted with the DR region's key of the same domain.
        src, dst = lakes[s.primary_region], lakes[s.dr_region]
        domain = {"raw": "data", "curated": "data", "artifacts": "ml"}
        LakeReplication(f"{account.name}-lake-replication", LakeReplicationArgs(
            source=providers.target(account, s.primary_region), destination=providers.target(account, s.dr_region),
            zones=[ReplicatedZone(zone, src.versioned_names[zone], src.bucket_arns[zone], keys[s.primary_region].keys[domain[zone]].arn,
                                  dst.versioned_arns[zone], keys[s.dr_region].keys[domain[zone]].arn) for zone in src.buckets]))
    # Later layers grant their roles curated-table reads with processing.grant_curated_read(name, role_arn).
    processing = data_and_processing(s, providers, account, keys[s.primary_region], networks[s.primary_region], lakes[s.primary_region])
    exports[s.primary_region].update(lakeDatabases=processing.databases_by_zone, ingestStreamArn=lakes[s.primary_region].ingest_stream_arn)
    alerts = account_operations(s, providers, account, keys)
    for region, topic in alerts.items():
        exports[region]["alertsTopicArn"] = topic.topic_arn
    return exports


def data_and_processing(s: Settings, providers: ProviderRegistry, account: Account, keys: RegionalBaseline, network: Network,
                        lake: DataLake) -> Processing:
    """Catalog, governance, Glue and DataBrew over the primary lake; the optional warehouse beside it."""
    t = providers.target(account, s.primary_region)
    zone = {z: Zone(lake.buckets[z].name, lake.buckets[z].arn) for z in lake.buckets}
    processing = Processing(f"{t.key}-processing", ProcessingArgs(
        target=t, org=s.config.org, raw=zone["raw"], curated=zone["curated"], artifacts=zone["artifacts"],
        data_key_arn=keys.keys["data"].arn, ml_key_arn=keys.keys["ml"].arn, logs_key_arn=keys.keys["logs"].arn,
        subnet_id=network.subnet_ids.apply(lambda ids: ids[0]), availability_zone=network.az_names[0],
        security_group_id=network.workload_sg_id,
        lake_admins=list(dict.fromkeys([s.role_arn(account), *s.config.operator_principals]))))
    if s.features.redshift:
        Warehouse(f"{t.key}-warehouse", WarehouseArgs(
            target=t, org=s.config.org, data_key_arn=keys.keys["data"].arn, vpc_id=network.vpc_id,
            vpc_cidr=account.vpc_cidrs[s.primary_region], subnet_ids=network.subnet_ids, client_sg_id=network.workload_sg_id,
            s3_prefix_list_id=network.s3_endpoint.prefix_list_id, curated_bucket_arn=lake.buckets["curated"].arn,
            protect=s.protect_stateful))
    return processing


def account_operations(s: Settings, providers: ProviderRegistry, account: Account,
                       keys: dict[str, RegionalBaseline]) -> dict[str, AlertTopic]:
    """Alerts topic per region, backup (with the DR copy and vault lock in prod) and cost controls of one account."""
    alerts = {}
    for region in s.regions:
        t = providers.target(account, region)
        alerts[region] = AlertTopic(f"{t.key}-alerts", AlertTopicArgs(
            target=t, alerts_key_arn=keys[region].keys["alerts"].arn, emails=s.knobs.alert_emails))
    primary = providers.target(account, s.primary_region)
    dr = DrCopy(providers.target(account, s.dr_region), keys[s.dr_region].keys["backup"].arn) if s.is_prod and s.dr_region else None
    Backup(f"{account.name}-backup", BackupArgs(
        target=primary, org=s.config.org, backup_key_arn=keys[s.primary_region].keys["backup"].arn,
        retention_days=s.knobs.backup_retention_days, alerts_topic_arn=alerts[s.primary_region].topic_arn,
        protect=s.protect_stateful, dr=dr, lock_max_retention_days=s.knobs.backup_max_retention_days if s.is_prod else None))
    CostControls(f"{account.name}-cost", CostControlsArgs(
        target=primary, org=s.config.org, environment=s.environment, monthly_limit_usd=s.knobs.monthly_budget_usd,
        alerts_topic_arn=alerts[s.primary_region].topic_arn, anomaly_threshold_usd=s.knobs.cost_anomaly_threshold_usd,
        cost_allocation_tags=list(s.config.tag_policy.required) if s.features.cost_allocation_tags else []))
    return alerts


def workload_stack(s: Settings, providers: ProviderRegistry) -> None:
    shared = pulumi.StackReference("shared", stack_name=s.config.shared_stack)
    central = CentralLogging(shared.require_output("logArchiveBucketName"), shared.require_output("logArchiveKeyArn"))
    pulumi.export("workloads", {a.name: workload_account(s, providers, a, central, shared) for a in s.workload_accounts})


settings = load_settings()
registry = ProviderRegistry(settings)
if settings.is_shared:
    shared_stack(settings, registry)
else:
    workload_stack(settings, registry)
