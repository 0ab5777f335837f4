"""ML layers of a workload account: training, deployment, inference and the model delivery deploy target."""

import pulumi

from components.data import DataLake
from components.deploy_target import DeployTarget, DeployTargetArgs
from components.deployment import DeploymentLayer, DeploymentLayerArgs, Variant, endpoint_name
from components.inference import InferenceLayer, InferenceLayerArgs, Route
from components.network import Network
from components.processing import Processing
from components.promotion import bucket_name_of, promoted_model_key
from components.providers import ProviderRegistry, Target
from components.registry import IMAGE_KINDS, image_uri
from components.security import (
    RegionalBaseline,
)
from components.training import TrainingLayer, TrainingLayerArgs
from config import Settings
from config.schema import Account


def ml_layers(s: Settings, providers: ProviderRegistry, account: Account, keys: dict[str, RegionalBaseline],
              networks: dict[str, Network], lakes: dict[str, DataLake], shared: pulumi.StackReference,
              processing: Processing) -> dict[str, dict]:
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
    # Serving exists once a version is approved and promoted: before that there is no model to create, so a
    # fresh organization's first run has no endpoint, API or monitor (README, "From Studio to a deployed endpoint").
    package = k.endpoint.model_package_arn
    delivery = shared.require_output("modelDelivery")
    promoted = promoted_model_key(package) if package else None
    out: dict[str, dict] = {}
    standby_regions = [s.dr_region] if s.dr_region and s.features.standby_endpoint and package else []
    for region in [s.primary_region, *standby_regions]:
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
                autopilot=s.features.autopilot, publish_models=not s.is_prod,
                curated_database_name=processing.databases["curated"].name))
            processing.grant_curated_read("studio", training.studio_role.arn)
            out[region] = {"studioDomainId": training.domain_id, "pipelineName": training.pipeline_name,
                           "pipelineArn": training.pipeline_arn}
        if promoted is None:
            out[region]["modelDeployRoleArn"] = deploy_target(s, t, keys[region], net, shared, None).deploy_role_arn
            continue
        deployment = DeploymentLayer(f"{t.key}-deployment", DeploymentLayerArgs(
            target=t, org=s.config.org, vpc_id=net.vpc_id, subnet_ids=net.subnet_ids, security_group_id=net.workload_sg_id,
            ml_key_arn=key["ml"].arn, data_key_arn=key["data"].arn, logs_key_arn=key["logs"].arn,
            artifacts_bucket_arn=lake.buckets["artifacts"].arn, artifacts_bucket_name=lake.buckets["artifacts"].name,
            curated_bucket_arn=lake.buckets["curated"].arn, curated_bucket_name=lake.buckets["curated"].name,
            inference_image=uris["inference"], image_repository_arns=repo_arns, registry_key_arns=registry_key_arns,
            variants=variants, invocations_per_instance_target=k.endpoint.invocations_per_instance_target,
            data_capture_percent=k.endpoint.data_capture_sampling_percent, log_retention_days=k.log_retention_days,
            protect=s.protect_stateful, batch_schedule=k.endpoint.batch_schedule,
            model_data_url=delivery["artifactBucketArn"].apply(lambda arn: f"s3://{bucket_name_of(arn)}/{promoted}"),
            model_data_object_arn=delivery["artifactBucketArn"].apply(lambda arn: f"{arn}/{promoted}"),
            model_data_key_arn=delivery["artifactKeyArn"],
            reserved_concurrency=k.api.lambda_reserved_concurrency, standby=standby))
        out.setdefault(region, {}).update({"endpointName": deployment.endpoint.name, "variantNames": deployment.variant_names,
                                           "modelName": deployment.model.name})
        if not standby:
            out[region]["modelDeployRoleArn"] = deploy_target(s, t, keys[region], net, shared, deployment).deploy_role_arn
        if standby:
            continue
        api = InferenceLayer(f"{t.key}-inference", InferenceLayerArgs(
            target=t, org=s.config.org, function_name=deployment.invoke_function_name, function_arn=deployment.invoke_function_arn,
            routes=[Route(r.path, r.auth.value, r.api_key) for r in k.api.routes], rate_limit=k.api.rate_limit, burst_limit=k.api.burst_limit,
            quota_per_day=k.api.quota_per_day, waf_rate_limit=k.api.waf_rate_limit, logs_key_arn=key["logs"].arn,
            log_retention_days=k.log_retention_days, protect=s.protect_stateful))
        out[region].update({
            "invokeFunctionName": deployment.invoke_function_name, "batchFunctionName": deployment.batch_function_name,
            "batchScheduleName": deployment.batch_schedule_name, "batchOutputUri": deployment.batch_output_uri,
            "deadLetterQueueName": deployment.dlq.name, "apiId": api.api_id, "apiName": api.api_name, "apiStageName": api.stage_name,
            "invokeUrl": api.invoke_url, "routeUrls": api.route_urls, "webAclName": api.web_acl.name,
            # The container path (stacks/compute.py) reuses the same web ACL, user pool and API key.
            "webAclArn": api.web_acl.arn, "userPoolId": api.user_pool_id, "apiKeyId": api.api_key_id,
        })
    return out


def deploy_target(s: Settings, t: Target, keys: RegionalBaseline, network: Network, shared: pulumi.StackReference,
                  serving: DeploymentLayer | None) -> DeployTarget:
    """The role the shared model delivery pipeline assumes here to update ``serving``'s endpoint.

    Without a serving layer (nothing approved yet) the role already exists, but a delivery into this account
    would create the endpoint outside Pulumi under the name Pulumi uses later: serve first (README, step 9).
    """
    delivery = shared.require_output("modelDelivery")
    return DeployTarget(f"{t.key}-deploy-target", DeployTargetArgs(
        target=t, org=s.config.org, trusted_principal_arns=delivery["deployerRoleArns"],
        artifact_bucket_arn=delivery["artifactBucketArn"], artifact_key_arn=delivery["artifactKeyArn"],
        image_repository_arns=delivery["imageRepositoryArns"], ml_key_arn=keys.keys["ml"].arn, logs_key_arn=keys.keys["logs"].arn,
        subnet_ids=network.subnet_ids, security_group_id=network.workload_sg_id, instance_type=s.knobs.inference_instance_type,
        log_retention_days=s.knobs.log_retention_days, protect=s.protect_stateful, initial_instance_count=2 if s.is_prod else 1,
        endpoint_name=serving.endpoint_name if serving else endpoint_name(s.config.org, t.key, standby=False),
        base_endpoint_config_name=serving.endpoint_config.name if serving else None,
        serving_statements=serving.model_statements if serving else None))
