"""Operations layers of a workload account: alerts, backup, cost and monitoring."""


from components.alerts import AlertTopic, AlertTopicArgs
from components.backup import Backup, BackupArgs, DrCopy
from components.cost import CostControls, CostControlsArgs
from components.data import DataLake
from components.deployment import DATA_CAPTURE_PREFIX
from components.model_monitor import ModelMonitor, ModelMonitorArgs, ModelQualitySpec
from components.monitoring import ApiWatch, EndpointWatch, Monitoring, MonitoringArgs
from components.network import Network
from components.processing import Processing
from components.providers import ProviderRegistry, Target
from components.remediation import Remediation, RemediationArgs, RetrainingTrigger, RetrainingTriggerArgs
from components.security import (
    RegionalBaseline,
)
from config import Settings
from config.schema import Account


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
    if "endpointName" not in ml:
        # No approved model yet, so no endpoint: nothing to capture, monitor or remediate; the data layer is watched.
        monitoring = Monitoring(f"{t.key}-monitoring", MonitoringArgs(
            target=t, org=s.config.org, alerts_topic_arn=topic, thresholds=k.alarms, glue_job_names=[processing.job.name]))
        return {"dashboardName": monitoring.dashboard.dashboard_name}
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
            security_group_id=network.workload_sg_id, reserved_concurrency=k.remediation_concurrency,
            protect=s.protect_stateful))
        out["remediationFunctionName"] = remediation.function_name
    return out
