"""The shared stack: log archive (security account), registries, model delivery and build VPC (shared services)."""

import pulumi

from components.cicd import DeliveryStage, ModelDelivery, ModelDeliveryArgs
from components.log_archive import LogArchive, LogArchiveArgs
from components.network import BUILD_INTERFACE_SERVICES, Network, NetworkArgs, available_zones
from components.providers import ProviderRegistry, Target
from components.registry import Registries, RegistriesArgs
from components.security import (
    CentralLogging,
    RegionalBaseline,
)
from config import Settings
from config.schema import Account
from stacks.baseline import regional_baseline, security_baseline
from stacks.organization import organization_layer, organization_trail_source


def shared_stack(s: Settings, providers: ProviderRegistry) -> None:
    accts = s.config.accounts
    security = providers.target(accts.security, s.primary_region)
    security_primary = regional_baseline(s, security, "security")
    archive = LogArchive("log-archive", LogArchiveArgs(
        target=security, org=s.config.org, source_accounts=[*accts.members, accts.security.id, accts.shared_services.id],
        retention_days=s.knobs.log_retention_days, organization_trail=organization_trail_source(s)))
    central = CentralLogging(archive.bucket_name, archive.key_arn, ready=[archive.archive.policy])
    security_keys = security_baseline(s, providers, accts.security, "security", central, {s.primary_region: security_primary})
    services_keys = security_baseline(s, providers, accts.shared_services, "shared-services", central)
    if s.config.security_services.organization:
        organization_layer(s, providers, security_keys, central, archive)

    services = providers.target(accts.shared_services, s.primary_region)
    build = Network(f"{services.key}-build-network", NetworkArgs(
        target=services, cidr=accts.shared_services.vpc_cidrs[s.primary_region],
        zones=available_zones(services, s.config.network.az_count),
        logs_key_arn=services_keys[s.primary_region].keys["logs"].arn, flow_log_retention_days=s.config.network.flow_log_retention_days,
        protect=s.protect_stateful, tier="build", interface_services=BUILD_INTERFACE_SERVICES,
        principal_accounts=accts.members))  # deploy jobs act with the workload accounts' deploy roles

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
        log_retention_days=s.knobs.log_retention_days, protect=s.protect_stateful, notification_emails=list(s.knobs.alert_emails),
        # Dev's deploy role copies approved versions in (README, "From Studio to a deployed endpoint").
        promoter_role_arns=[s.role_arn(Account(id=a, name="publisher")) for a in s.knobs.model_registry.publishers],
        serving_accounts=list(s.config.accounts.members)))
    return {
        "pipelineName": delivery.pipeline_name, "pipelineRoleArn": delivery.pipeline_role_arn,
        # The only principals the workload deploy roles trust.
        "deployerRoleArns": [delivery.deployer_role_arn], "artifactBucketArn": delivery.artifact_bucket_arn,
        "artifactKeyArn": keys.keys["artifacts"].arn, "imageRepositoryArns": [registries.repository_arns["inference"]],
        "notificationTopicArn": delivery.topic_arn, "sourceConnectionArn": delivery.connection_arn,
    }
