"""The dev and prod stacks: every layer of every workload account, region by region."""

import pulumi

from components.compute.eks.cluster import VPC_ENDPOINTS as EKS_VPC_ENDPOINTS
from components.data import DataLake, DataLakeArgs, LakeLifecycle, LakeReplication, LakeReplicationArgs, ReplicatedZone
from components.network import Network, NetworkArgs, available_zones
from components.providers import ProviderRegistry
from components.security import (
    CentralLogging,
)
from config import Settings
from config.schema import Account
from stacks.baseline import security_baseline
from stacks.compute import compute_layers
from stacks.data import data_and_processing
from stacks.ml import ml_layers
from stacks.operations import account_operations, monitoring_layers


def workload_stack(s: Settings, providers: ProviderRegistry) -> None:
    shared = pulumi.StackReference("shared", stack_name=s.config.shared_stack)
    central = CentralLogging(shared.require_output("logArchiveBucketName"), shared.require_output("logArchiveKeyArn"))
    # Every network's zones before any layer registers, while the event loop holds little (see available_zones).
    zones = {(a.id, region): available_zones(providers.target(a, region), s.config.network.az_count)
             for a in s.workload_accounts for region in s.regions}
    pulumi.export("workloads", {a.name: workload_account(s, providers, a, central, shared, zones) for a in s.workload_accounts})


def workload_account(s: Settings, providers: ProviderRegistry, account: Account, central: CentralLogging,
                     shared: pulumi.StackReference, zones: dict[tuple[str, str], list[str]]) -> dict:
    """Every layer of one workload account; returns what the stack exports for it."""
    keys = security_baseline(s, providers, account, "workload", central)
    exports: dict = {}
    networks: dict[str, Network] = {}
    lakes: dict[str, DataLake] = {}
    for region in s.regions:
        t = providers.target(account, region)
        network = networks[region] = Network(f"{t.key}-network", NetworkArgs(
            target=t, cidr=account.vpc_cidrs[region], zones=zones[account.id, region],
            logs_key_arn=keys[region].keys["logs"].arn, flow_log_retention_days=s.config.network.flow_log_retention_days,
            protect=s.protect_stateful, s3_resource_accounts=[account.id, s.config.accounts.shared_services.id],
            extra_interface_services=EKS_VPC_ENDPOINTS if s.features.eks and region == s.primary_region else ()))
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
    processing = data_and_processing(s, providers, account, keys[s.primary_region], networks[s.primary_region], lakes[s.primary_region])
    exports[s.primary_region].update(lakeDatabases=processing.databases_by_zone, ingestStreamArn=lakes[s.primary_region].ingest_stream_arn)
    ml = ml_layers(s, providers, account, keys, networks, lakes, shared, processing)
    for region, values in ml.items():
        exports[region]["ml"] = values
    alerts = account_operations(s, providers, account, keys)
    for region, topic in alerts.items():
        exports[region]["alertsTopicArn"] = topic.topic_arn
    exports[s.primary_region]["monitoring"] = monitoring_layers(
        s, providers.target(account, s.primary_region), keys[s.primary_region], networks[s.primary_region],
        lakes[s.primary_region], alerts[s.primary_region], ml[s.primary_region], processing)
    compute = compute_layers(s, providers, account, keys[s.primary_region], networks[s.primary_region], lakes[s.primary_region],
                             shared, ml[s.primary_region], alerts[s.primary_region])
    if compute:
        exports[s.primary_region]["compute"] = compute
    return exports
