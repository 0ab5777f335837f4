"""Data layers of a workload account: catalog, governance, Glue, DataBrew and the optional warehouse."""


from components.data import DataLake
from components.network import Network
from components.processing import Processing, ProcessingArgs, Zone
from components.providers import ProviderRegistry
from components.redshift import Warehouse, WarehouseArgs
from components.security import (
    RegionalBaseline,
)
from config import Settings
from config.schema import Account


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
