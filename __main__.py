"""Wiring: config -> providers -> layers, per account x region.

The config is validated before anything else runs, so a bad stack file fails
with one message and registers nothing. Every layer receives its provider
through its Args; none can fall back to a default provider.
"""

import pulumi

from components.alerts import AlertTopic, AlertTopicArgs
from components.backup import Backup, BackupArgs, DrCopy
from components.cicd import DeliveryStage, ModelDelivery, ModelDeliveryArgs
from components.cost import CostControls, CostControlsArgs
from components.data import DataLake, DataLakeArgs, LakeLifecycle, LakeReplication, LakeReplicationArgs, ReplicatedZone
from components.deploy_target import DeployTarget, DeployTargetArgs
from components.deployment import DATA_CAPTURE_PREFIX, DeploymentLayer, DeploymentLayerArgs, Variant
from components.inference import InferenceLayer, InferenceLayerArgs, Route
from components.kms import domain_specs
from components.log_archive import LogArchive, LogArchiveArgs
from components.model_monitor import ModelMonitor, ModelMonitorArgs, ModelQualitySpec
from components.monitoring import ApiWatch, EndpointWatch, Monitoring, MonitoringArgs
from components.network import BUILD_INTERFACE_SERVICES, Network, NetworkArgs
from components.processing import Processing, ProcessingArgs, Zone
from components.providers import ProviderRegistry, Target
from components.redshift import Warehouse, WarehouseArgs
from components.registry import IMAGE_KINDS, Registries, RegistriesArgs, image_uri
from components.remediation import Remediation, RemediationArgs, RetrainingTrigger, RetrainingTriggerArgs
from components.security import (
    AccountBaseline,
    AccountBaselineArgs,
    CentralLogging,
    ConfigRecording,
    ConfigRecordingArgs,
    RegionalBaseline,
    RegionalBaselineArgs,
)
from components.training import TrainingLayer, TrainingLayerArgs
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
            target=t, org=s.config.org, key_specs=domain_specs(role, t, s.config.accounts.members), deletion_window_days=s.knobs.kms_deletion_window_days,
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

    # Container images and the model registry: pulled and read by the workload accounts.
    dr = s.dr_region
    registries = Registries(f"{services.key}-registries", RegistriesArgs(
        target=services, org=s.config.org, artifacts_key_arn=services_keys[s.primary_region].keys["artifacts"].arn,
        member_accounts=list(accts.members), protect=s.protect_stateful,
        dr_target=providers.target(accts.shared_services, dr) if dr else None,
        dr_artifacts_key_arn=services_keys[dr].keys["artifacts"].arn if dr else None,
        publishers=list(s.knobs.model_registry.publishers), consumers=list(s.knobs.model_registry.consumers)))
    pulumi.export("ecrRegistryId", registries.registry_id)
    pulumi.export("ecrRepositoryNames", registries.repository_names)
    pulumi.export("ecrRepositoryArns", registries.repository_arns)
    pulumi.export("ecrRepositoryUrls", registries.repository_urls)
    pulumi.export("registryKeyArns", {region: services_keys[region].keys["artifacts"].arn for region in s.regions})
    pulumi.export("modelPackageGroupName", registries.model_package_group_name)
    pulumi.export("modelPackageGroupArn", registries.model_package_group_arn)
    pulumi.export("modelDelivery", model_delivery(s, services, services_keys[s.primary_region], build, registries))


def model_delivery(s: Settings, services: Target, keys: RegionalBaseline, build: Network, registries: Registries) -> dict:
    """The model/container delivery pipeline; returns what the workload stacks' deploy targets read."""
    md = s.knobs.model_delivery
    delivery = ModelDelivery(f"{services.key}-model-delivery", ModelDeliveryArgs(
        target=services, org=s.config.org, artifacts_key_arn=keys.keys["artifacts"].arn, logs_key_arn=keys.keys["logs"].arn,
        alerts_key_arn=keys.keys["alerts"].arn, build_vpc_id=build.vpc_id, build_subnet_ids=build.subnet_ids,
        build_security_group_id=build.workload_sg_id, source_provider=md.source_provider.value, repository=md.repository,
        branch=md.branch, stages=[DeliveryStage(e.name, e.account_id, e.region or s.primary_region, e.approval) for e in md.environments],
        image_repository_url=registries.repository_urls["inference"], image_repository_arn=registries.repository_arns["inference"],
        evaluation_metric=md.evaluation_metric, evaluation_threshold=md.evaluation_threshold, higher_is_better=md.higher_is_better,
        log_retention_days=s.knobs.log_retention_days, protect=s.protect_stateful, notification_emails=list(s.knobs.alert_emails)))
    return {
        "pipelineName": delivery.pipeline_name, "pipelineRoleArn": delivery.pipeline_role_arn,
        # The only principals the workload deploy roles trust.
        "deployerRoleArns": [delivery.deployer_role_arn], "artifactBucketArn": delivery.artifact_bucket_arn,
        "artifactKeyArn": keys.keys["artifacts"].arn, "imageRepositoryArns": [registries.repository_arns["inference"]],
        "notificationTopicArn": delivery.topic_arn, "sourceConnectionArn": delivery.connection_arn,
    }


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
    ml = ml_layers(s, providers, account, keys, networks, lakes, shared)
    for region, values in ml.items():
        exports[region]["ml"] = values
    exports[s.primary_region].update(lakeDatabases=processing.databases_by_zone, ingestStreamArn=lakes[s.primary_region].ingest_stream_arn)
    exports[s.primary_region]["modelDeployRoleArn"] = deploy_target(
        s, providers.target(account, s.primary_region), keys[s.primary_region], networks[s.primary_region], shared).deploy_role_arn
    alerts = account_operations(s, providers, account, keys)
    for region, topic in alerts.items():
        exports[region]["alertsTopicArn"] = topic.topic_arn
    exports[s.primary_region]["monitoring"] = monitoring_layers(
        s, providers.target(account, s.primary_region), keys[s.primary_region], networks[s.primary_region],
        lakes[s.primary_region], alerts[s.primary_region], ml[s.primary_region], processing)
    return exports


def ml_layers(s: Settings, providers: ProviderRegistry, account: Account, keys: dict[str, RegionalBaseline],
              networks: dict[str, Network], lakes: dict[str, DataLake], shared: pulumi.StackReference) -> dict[str, dict]:
    """Training, deployment and inference in the primary region; a standby endpoint in the DR region if enabled.

    Returns, per region, what monitoring and operators need (endpoint, variants, pipeline, API, functions).
    """
    k = s.knobs
    registry_id = shared.require_output("ecrRegistryId")
    repo_names = shared.require_output("ecrRepositoryNames")
    registry_keys = shared.require_output("registryKeyArns")

    def images(region: str) -> tuple[dict[str, pulumi.Output[str]], list[pulumi.Output[str]], list[pulumi.Output[str]]]:
        """Image URIs (the region's replica in DR), repository ARNs and the registry key of ``region``."""
        uris = {kind: pulumi.Output.all(registry_id, repo_names).apply(
            lambda v, kind=kind: image_uri(v[0], region, v[1][kind], k.endpoint.image_tag)) for kind in IMAGE_KINDS}
        arns = [pulumi.Output.all(registry_id, repo_names).apply(
            lambda v, kind=kind: f"arn:aws:ecr:{region}:{v[0]}:repository/{v[1][kind]}") for kind in IMAGE_KINDS]
        return uris, arns, [registry_keys.apply(lambda m: m[region])]

    variants = [Variant(v.name, v.instance_type or k.inference_instance_type, v.weight, v.min_instances, v.max_instances)
                for v in k.endpoint.variants]
    out: dict[str, dict] = {}
    for region in [s.primary_region, *([s.dr_region] if s.dr_region and s.features.standby_endpoint else [])]:
        t = providers.target(account, region)
        standby = region != s.primary_region
        net, lake, key = networks[region], lakes[region], keys[region].keys
        uris, repo_arns, registry_key_arns = images(region)
        if not standby:
            training = TrainingLayer(f"{t.key}-training", TrainingLayerArgs(
                target=t, org=s.config.org, vpc_id=net.vpc_id, subnet_ids=net.subnet_ids,
                security_group_id=net.workload_sg_id, ml_key_arn=key["ml"].arn, data_key_arn=key["data"].arn,
                curated_bucket_arn=lake.buckets["curated"].arn, curated_bucket_name=lake.buckets["curated"].name,
                artifacts_bucket_arn=lake.buckets["artifacts"].arn, artifacts_bucket_name=lake.buckets["artifacts"].name,
                training_image=uris["training"], inference_image=uris["inference"], image_repository_arns=repo_arns,
                registry_key_arns=registry_key_arns, model_package_group_arn=shared.require_output("modelPackageGroupArn"),
                training_instance_type=k.training_instance_type, processing_instance_type=k.processing_instance_type,
                inference_instance_types=sorted({v.instance_type for v in variants}), retain_home_efs=s.is_prod,
                protect=s.protect_stateful, studio_users=list(k.studio_users), idle_timeout_minutes=k.studio_idle_timeout_minutes,
                autopilot=s.features.autopilot, publish_models=not s.is_prod))
        deployment = DeploymentLayer(f"{t.key}-deployment", DeploymentLayerArgs(
            target=t, org=s.config.org, vpc_id=net.vpc_id, subnet_ids=net.subnet_ids, security_group_id=net.workload_sg_id,
            ml_key_arn=key["ml"].arn, data_key_arn=key["data"].arn, logs_key_arn=key["logs"].arn,
            artifacts_bucket_arn=lake.buckets["artifacts"].arn, artifacts_bucket_name=lake.buckets["artifacts"].name,
            curated_bucket_arn=lake.buckets["curated"].arn, curated_bucket_name=lake.buckets["curated"].name,
            inference_image=uris["inference"], image_repository_arns=repo_arns, registry_key_arns=registry_key_arns,
            variants=variants, invocations_per_instance_target=k.endpoint.invocations_per_instance_target,
            data_capture_percent=k.endpoint.data_capture_sampling_percent, log_retention_days=k.log_retention_days,
            protect=s.protect_stateful, model_package_arn=k.endpoint.model_package_arn, batch_schedule=k.endpoint.batch_schedule,
            reserved_concurrency=k.api.lambda_reserved_concurrency, standby=standby))
        out[region] = {"endpointName": deployment.endpoint.name, "variantNames": deployment.variant_names,
                       "modelName": deployment.model.name}
        if standby:
            continue
        api = InferenceLayer(f"{t.key}-inference", InferenceLayerArgs(
            target=t, org=s.config.org, function_name=deployment.invoke_function_name, function_arn=deployment.invoke_function_arn,
            routes=[Route(r.path, r.auth.value) for r in k.api.routes], rate_limit=k.api.rate_limit, burst_limit=k.api.burst_limit,
            quota_per_day=k.api.quota_per_day, waf_rate_limit=k.api.waf_rate_limit, logs_key_arn=key["logs"].arn,
            log_retention_days=k.log_retention_days, protect=s.protect_stateful))
        out[region].update({
            "studioDomainId": training.domain_id, "pipelineName": training.pipeline_name, "pipelineArn": training.pipeline_arn,
            "invokeFunctionName": deployment.invoke_function_name, "batchFunctionName": deployment.batch_function_name,
            "batchScheduleName": deployment.batch_schedule_name, "batchOutputUri": deployment.batch_output_uri,
            "deadLetterQueueName": deployment.dlq.name, "apiId": api.api_id, "apiName": api.api_name, "apiStageName": api.stage_name,
            "invokeUrl": api.invoke_url, "routeUrls": api.route_urls, "webAclName": api.web_acl.name,
        })
    return out


def deploy_target(s: Settings, t: Target, keys: RegionalBaseline, network: Network, shared: pulumi.StackReference) -> DeployTarget:
    """The role the shared model delivery pipeline assumes here, trusting only the principals the shared stack exports."""
    delivery = shared.require_output("modelDelivery")
    return DeployTarget(f"{t.key}-deploy-target", DeployTargetArgs(
        target=t, org=s.config.org, trusted_principal_arns=delivery["deployerRoleArns"],
        artifact_bucket_arn=delivery["artifactBucketArn"], artifact_key_arn=delivery["artifactKeyArn"],
        image_repository_arns=delivery["imageRepositoryArns"], ml_key_arn=keys.keys["ml"].arn, logs_key_arn=keys.keys["logs"].arn,
        subnet_ids=network.subnet_ids, security_group_id=network.workload_sg_id, instance_type=s.knobs.inference_instance_type,
        log_retention_days=s.knobs.log_retention_days, protect=s.protect_stateful, initial_instance_count=2 if s.is_prod else 1))


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


def monitoring_layers(s: Settings, t: Target, keys: RegionalBaseline, network: Network, lake: DataLake, alerts: AlertTopic,
                      ml: dict, processing: Processing) -> dict:
    """Alarms and dashboard, Model Monitor with its drift alarm, drift -> retraining and endpoint remediation (primary region)."""
    k, key, topic = s.knobs, keys.keys, alerts.topic_arn
    mm = k.model_monitoring
    artifacts = lake.buckets["artifacts"]
    monitor = ModelMonitor(f"{t.key}-model-monitor", ModelMonitorArgs(
        target=t, org=s.config.org, endpoint_name=ml["endpointName"], artifacts_bucket_name=artifacts.name,
        artifacts_bucket_arn=artifacts.arn, data_capture_prefix=DATA_CAPTURE_PREFIX, ml_key_arn=key["ml"].arn,
        subnet_ids=network.subnet_ids, security_group_id=network.workload_sg_id, interval_hours=mm.interval_hours,
        instance_type=mm.instance_type, features=mm.features, drift_threshold=mm.drift_threshold, alerts_topic_arn=topic,
        model_quality=ModelQualitySpec(mm.problem_type, mm.inference_attribute, mm.probability_attribute)
        if s.features.model_quality_monitor else None))
    RetrainingTrigger(f"{t.key}-retraining", RetrainingTriggerArgs(
        target=t, org=s.config.org, drift_alarm_name=monitor.drift_alarm_name, pipeline_name=ml["pipelineName"],
        alerts_topic_arn=topic, alerts_key_arn=key["alerts"].arn))
    monitoring = Monitoring(f"{t.key}-monitoring", MonitoringArgs(
        target=t, org=s.config.org, alerts_topic_arn=topic, thresholds=k.alarms,
        endpoint=EndpointWatch(ml["endpointName"], ml["variantNames"]), api=ApiWatch("rest", ml["apiName"], ml["apiStageName"]),
        lambda_names=[ml["invokeFunctionName"], ml["batchFunctionName"]], glue_job_names=[processing.job.name],
        extra_alarm_arns=[monitor.drift_alarm.arn]))
    out = {"dashboardName": monitoring.dashboard.dashboard_name, "driftAlarmName": monitor.drift_alarm_name,
           "monitoringScheduleName": monitor.schedule_name}
    if s.features.remediation:
        remediation = Remediation(f"{t.key}-remediation", RemediationArgs(
            target=t, org=s.config.org, endpoint_name=ml["endpointName"], variant_names=ml["variantNames"],
            trigger_alarm_names=monitoring.remediation_alarm_names, alerts_topic_arn=topic, alerts_key_arn=key["alerts"].arn,
            logs_key_arn=key["logs"].arn, log_retention_days=k.log_retention_days, subnet_ids=network.subnet_ids,
            security_group_id=network.workload_sg_id, reserved_concurrency=k.remediation_concurrency))
        out["remediationFunctionName"] = remediation.function_name
    return out


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
