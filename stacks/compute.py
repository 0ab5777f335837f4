"""Container compute of a workload account (primary region), each behind its flag: Fargate model service, EKS."""

from __future__ import annotations

import re

import pulumi

from components.alerts import AlertTopic
from components.compute.eks.cluster import EksCluster, EksClusterArgs
from components.compute.eks.nodes import NodeGroupSpec
from components.compute.fargate.api import ContainerApi, ContainerApiArgs
from components.compute.fargate.monitoring import ServiceWatch, ServiceWatchArgs
from components.compute.fargate.service import FargateModelService, FargateModelServiceArgs
from components.data import DataLake
from components.inference import Route
from components.network import Network
from components.providers import ProviderRegistry
from components.registry import image_uri
from components.security import RegionalBaseline
from config import Settings
from config.schema import Account

# Access entries take IAM roles and users; assumed-role session ARNs (sts) cannot have one.
IAM_IDENTITY = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/")


def compute_layers(s: Settings, providers: ProviderRegistry, account: Account, keys: RegionalBaseline, network: Network,
                   lake: DataLake, shared: pulumi.StackReference, ml: dict, alerts: AlertTopic) -> dict:
    """What the stack exports for each enabled option; nothing is registered while both flags are off."""
    f, k = s.features, s.knobs
    if not (f.fargate_service or f.eks):
        return {}
    region = s.primary_region
    t = providers.target(account, region)
    key, artifacts = keys.keys, lake.buckets["artifacts"]
    registry_id, repos = shared.require_output("ecrRegistryId"), shared.require_output("ecrRepositoryNames")
    repo_arns = [pulumi.Output.all(registry_id, repos).apply(lambda v: f"arn:aws:ecr:{region}:{v[0]}:repository/{v[1]['inference']}")]
    registry_keys = [shared.require_output("registryKeyArns").apply(lambda m: m[region])]
    out: dict = {}

    if f.fargate_service:
        fg = k.compute.fargate
        service = FargateModelService(f"{t.key}-model-service", FargateModelServiceArgs(
            target=t, org=s.config.org, vpc_id=network.vpc_id, vpc_cidr=account.vpc_cidrs[region], subnet_ids=network.subnet_ids,
            s3_prefix_list_id=network.s3_endpoint.prefix_list_id,
            image=pulumi.Output.all(registry_id, repos).apply(lambda v: image_uri(v[0], region, v[1]["inference"], k.endpoint.image_tag)),
            image_repository_arns=repo_arns, registry_key_arns=registry_keys, artifacts_bucket_arn=artifacts.arn,
            artifacts_bucket_name=artifacts.name, ml_key_arn=key["ml"].arn, logs_key_arn=key["logs"].arn,
            log_retention_days=k.log_retention_days, certificate_arn=fg.certificate_arn or "", cpu=fg.cpu, memory=fg.memory,
            access_log_bucket=lake.access_logs.name, deletion_window_days=k.kms_deletion_window_days,
            container_port=fg.container_port, min_tasks=fg.min_tasks, max_tasks=fg.max_tasks,
            cpu_target_percent=fg.cpu_target_percent, memory_target_percent=fg.memory_target_percent, protect=s.protect_stateful))
        api = ContainerApi(f"{t.key}-model-service-api", ContainerApiArgs(
            target=t, org=s.config.org, load_balancer_arn=service.load_balancer.arn, hostname=fg.hostname or "",
            routes=[Route(r.path, r.auth.value, r.api_key) for r in k.api.routes], web_acl_arn=ml["webAclArn"], rate_limit=k.api.rate_limit,
            burst_limit=k.api.burst_limit, quota_per_day=k.api.quota_per_day, logs_key_arn=key["logs"].arn,
            log_retention_days=k.log_retention_days, protect=s.protect_stateful, user_pool_id=ml.get("userPoolId"),
            cognito_scope=f"{ml['apiName']}/invoke", api_key_id=ml.get("apiKeyId"), after_stage_name=ml["apiStageName"]))
        watch = ServiceWatch(f"{t.key}-model-service-watch", ServiceWatchArgs(
            target=t, org=s.config.org, alerts_topic_arn=alerts.topic_arn, thresholds=k.alarms,
            cluster_name=service.cluster_name, service_name=service.service_name, api_name=api.api_name, stage_name=api.stage_name,
            load_balancer_arn_suffix=service.load_balancer.arn_suffix, target_group_arn_suffix=service.target_group.arn_suffix,
            scale_out_policy_arn=service.scale_out_policy.arn))
        out["fargate"] = {"clusterName": service.cluster_name, "serviceName": service.service_name, "invokeUrl": api.invoke_url,
                          "routeUrls": api.route_urls, "alarmNames": [a.name for a in watch.alarms.values()]}

    if f.eks:
        e = k.compute.eks
        accel = e.accelerator_instance_type
        cluster = EksCluster(f"{t.key}-eks", EksClusterArgs(
            target=t, org=s.config.org, vpc_id=network.vpc_id, vpc_cidr=account.vpc_cidrs[region], subnet_ids=network.subnet_ids,
            version=e.version, logs_key_arn=key["logs"].arn, log_retention_days=k.log_retention_days,
            deletion_window_days=k.kms_deletion_window_days, protect=s.protect_stateful,
            admin_principal_arns=list(dict.fromkeys([s.role_arn(account), *filter(IAM_IDENTITY.match, s.config.operator_principals)])),
            namespace_editor_arns=[ml["modelDeployRoleArn"]] if ml.get("modelDeployRoleArn") else [],
            namespace=e.namespace, service_account=e.service_account,
            cpu=NodeGroupSpec("cpu", e.cpu_instance_type, e.cpu_min_nodes, e.cpu_max_nodes),
            accelerator=NodeGroupSpec("accelerator", accel, e.accelerator_min_nodes, e.accelerator_max_nodes) if accel else None,
            node_volume_gib=e.node_volume_gib, image_repository_arns=repo_arns, registry_key_arns=registry_keys,
            artifacts_bucket_arn=artifacts.arn, ml_key_arn=key["ml"].arn))
        out["eks"] = {"clusterName": cluster.cluster_name, "modelServerRoleArn": cluster.model_role.arn,
                      "namespace": e.namespace, "serviceAccount": e.service_account}
    return out
