"""Processing layer of one workload account (primary region): catalog, governance, Glue and DataBrew.

- Glue Data Catalog: one database per zone, catalog metadata and connection passwords KMS-encrypted.
- Lake Formation governs the catalog: platform admins only, no IAMAllowedPrincipals defaults, the raw and
  curated buckets registered with a dedicated role, and grants per role (``grant_curated_read`` for others).
- Glue: one security configuration (S3, CloudWatch Logs, job bookmarks all KMS) used by every crawler and
  job; scheduled crawlers; a PySpark job (glue_scripts/) that reads raw through the catalog and writes
  curated, running in the VPC through a NETWORK connection.
- DataBrew (aws-native): a dataset over the raw ingest prefix, a recipe, a project and a KMS-encrypted job
  writing into the curated zone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native

from components import iam
from components.conventions import PLATFORM_ROLE_PATH
from components.naming import fit
from components.providers import Target

SCRIPT = Path(__file__).resolve().parents[1] / "glue_scripts" / "raw_to_curated.py"
SCRIPT_KEY = "glue-scripts/raw_to_curated.py"
GLUE_VERSION = "4.0"
# The raw crawler crawls the Firehose prefix, so its table is named after it.
RAW_TABLE = "ingest"
CURATED_TABLE = "events"
CURATED_READ = ["SELECT", "DESCRIBE"]


@dataclass
class Zone:
    """A lake bucket as the processing layer needs it."""

    name: pulumi.Input[str]
    arn: pulumi.Input[str]


@dataclass
class ProcessingArgs:
    target: Target  # the primary region: the catalog and governance live where the lake does
    org: str
    raw: Zone
    curated: Zone
    artifacts: Zone
    data_key_arn: pulumi.Input[str]  # lake data, catalog, bookmarks, DataBrew output
    ml_key_arn: pulumi.Input[str]  # the artifacts bucket (the ETL script)
    logs_key_arn: pulumi.Input[str]  # Glue's CloudWatch Logs
    subnet_id: pulumi.Input[str]  # an isolated subnet for the Glue connection
    availability_zone: str  # that subnet's AZ
    security_group_id: pulumi.Input[str]  # the workload group (self-referencing, S3 + endpoints egress)
    lake_admins: Sequence[pulumi.Input[str]]  # Lake Formation admins; must include the deploy role
    curated_readers: Sequence[pulumi.Input[str]] = field(default_factory=list)  # granted SELECT on curated tables
    crawler_schedule: str = "cron(0 1 * * ? *)"
    job_schedule: str = "cron(0 3 * * ? *)"
    glue_workers: int = 2


class Processing(pulumi.ComponentResource):
    def __init__(self, name: str, args: ProcessingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:processing:Processing", name, None, opts)
        self._name = name
        self._grants: list[aws.lakeformation.Permissions] = []
        t = self._t = args.target
        db_prefix = f"{args.org}_{t.account.name}".replace("-", "_")

        # -- governance first: every later grant needs the deployer to be a Lake Formation admin -------------
        self.lake_settings = aws.lakeformation.DataLakeSettings(
            f"{name}-lake-settings",
            admins=list(args.lake_admins),
            # Empty: new databases and tables get no IAMAllowedPrincipals grant, so Lake Formation grants govern.
            create_database_default_permissions=[],
            create_table_default_permissions=[],
            opts=t.opts(self))
        self.catalog_encryption = aws.glue.DataCatalogEncryptionSettings(
            f"{name}-catalog-encryption",
            data_catalog_encryption_settings={
                "encryption_at_rest": {"catalog_encryption_mode": "SSE-KMS", "sse_aws_kms_key_id": args.data_key_arn},
                "connection_password_encryption": {"return_connection_password_encrypted": True, "aws_kms_key_id": args.data_key_arn},
            },
            opts=t.opts(self))
        governed = [self.lake_settings, self.catalog_encryption]
        self.databases = {
            zone: aws.glue.CatalogDatabase(
                f"{name}-{zone}-db", name=f"{db_prefix}_{zone}", description=f"{zone} zone of the {t.account.name} data lake",
                location_uri=pulumi.Output.concat("s3://", bucket.name, "/"), opts=t.opts(self, depends_on=governed))
            for zone, bucket in (("raw", args.raw), ("curated", args.curated))
        }

        # -- roles ---------------------------------------------------------------------------------------
        # AWS's requirements for a user-defined registration role: trust lakeformation AND glue
        # (docs: lake-formation/latest/dg/registration-role.html).
        location_role = self._role("lake-location", ["lakeformation.amazonaws.com", "glue.amazonaws.com"],
                                   "Lake Formation access to the registered raw and curated locations",
                                   pulumi.Output.all(args.raw.arn, args.curated.arn, args.data_key_arn).apply(
                                       lambda v: location_statements(t.region, v[:2], v[2])))
        crawler_role = self._role("glue-crawler", "glue.amazonaws.com", "Glue crawlers (data through Lake Formation)",
                                  pulumi.Output.all(args.data_key_arn, *[db.name for db in self.databases.values()]).apply(
                                      lambda v: crawler_statements(t, v[0], v[1:])))
        self.connection = aws.glue.Connection(
            f"{name}-vpc", name=fit(f"{name}-vpc", "generic"), connection_type="NETWORK",
            description="Runs Glue jobs in the isolated subnets (S3 gateway and glue interface endpoints)",
            physical_connection_requirements={"availability_zone": args.availability_zone, "subnet_id": args.subnet_id,
                                              "security_group_id_lists": [args.security_group_id]},
            opts=t.opts(self))
        etl_role = self._role("glue-etl", "glue.amazonaws.com", "Glue ETL: raw (through Lake Formation) to curated",
                              pulumi.Output.all(args.curated.arn, args.artifacts.arn, args.data_key_arn, args.ml_key_arn,
                                                self.databases["raw"].name, self.databases["curated"].name,
                                                self.connection.name).apply(lambda v: etl_statements(t, *v)))
        brew_role = self._role("databrew", "databrew.amazonaws.com", "DataBrew: raw ingest prefix to curated databrew/",
                               pulumi.Output.all(args.raw.arn, args.curated.arn, args.data_key_arn).apply(
                                   lambda v: databrew_statements(t, *v)))

        # -- Lake Formation: locations and grants ----------------------------------------------------------
        after_settings = t.opts(self, depends_on=[self.lake_settings])
        self.locations = {
            zone: aws.lakeformation.Resource(f"{name}-{zone}-location", arn=bucket.arn, role_arn=location_role.arn,
                                             use_service_linked_role=False, hybrid_access_enabled=False, opts=after_settings)
            for zone, bucket in (("raw", args.raw), ("curated", args.curated))
        }
        for zone in ("raw", "curated"):
            self._grant(f"crawler-{zone}-location", crawler_role.arn, ["DATA_LOCATION_ACCESS"], data_location={"arn": self.locations[zone].arn})
            self._grant(f"crawler-{zone}-db", crawler_role.arn, ["CREATE_TABLE", "ALTER", "DESCRIBE"], database={"name": self.databases[zone].name})
            self._grant(f"crawler-{zone}-tables", crawler_role.arn, ["SELECT", "ALTER", "DROP", "DESCRIBE", "INSERT"],
                        table={"database_name": self.databases[zone].name, "wildcard": True})
        self._grant("etl-raw-db", etl_role.arn, ["DESCRIBE"], database={"name": self.databases["raw"].name})
        self._grant("etl-raw-tables", etl_role.arn, CURATED_READ, table={"database_name": self.databases["raw"].name, "wildcard": True})
        self._grant("etl-curated-location", etl_role.arn, ["DATA_LOCATION_ACCESS"], data_location={"arn": self.locations["curated"].arn})
        self._grant("etl-curated-db", etl_role.arn, ["CREATE_TABLE", "ALTER", "DESCRIBE"], database={"name": self.databases["curated"].name})
        self._grant("etl-curated-tables", etl_role.arn, ["SELECT", "INSERT", "ALTER", "DESCRIBE"],
                    table={"database_name": self.databases["curated"].name, "wildcard": True})
        for i, reader in enumerate(args.curated_readers):
            self.grant_curated_read(f"reader-{i}", reader)

        # -- Glue ----------------------------------------------------------------------------------------
        self.security_configuration = aws.glue.SecurityConfiguration(
            f"{name}-security", name=fit(f"{name}-security", "generic"),
            encryption_configuration={
                "s3_encryption": {"s3_encryption_mode": "SSE-KMS", "kms_key_arn": args.data_key_arn},
                "cloudwatch_encryption": {"cloudwatch_encryption_mode": "SSE-KMS", "kms_key_arn": args.logs_key_arn},
                "job_bookmarks_encryption": {"job_bookmarks_encryption_mode": "CSE-KMS", "kms_key_arn": args.data_key_arn},
            },
            opts=t.opts(self))
        grants = list(self._grants)
        self.crawlers = {
            zone: aws.glue.Crawler(
                f"{name}-{zone}-crawler", name=fit(f"{name}-{zone}", "generic"), role=crawler_role.arn,
                database_name=self.databases[zone].name, schedule=args.crawler_schedule,
                security_configuration=self.security_configuration.name,
                s3_targets=[{"path": pulumi.Output.concat("s3://", bucket.name, prefix)} for prefix in prefixes],
                # S3 reads use credentials Lake Formation vends for the registered location, not the role's own.
                lake_formation_configuration={"use_lake_formation_credentials": True},
                recrawl_policy={"recrawl_behavior": "CRAWL_NEW_FOLDERS_ONLY"},
                schema_change_policy={"update_behavior": "LOG", "delete_behavior": "LOG"},
                configuration=json.dumps({"Version": 1.0, "CrawlerOutput": {"Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}}}),
                opts=t.opts(self, depends_on=grants))
            # Curated: the ETL job's tables (it also updates them itself) and DataBrew's output, so training finds both.
            for zone, bucket, prefixes in (("raw", args.raw, [f"/{RAW_TABLE}/"]),
                                           ("curated", args.curated, ["/tables/", "/databrew/prepared/"]))
        }
        # Relative to the project directory (Pulumi's working directory), so state holds no machine-specific path;
        # the engine hashes the asset, so editing the script re-uploads it.
        self.script = aws.s3.BucketObjectv2(
            f"{name}-etl-script", bucket=args.artifacts.name, key=SCRIPT_KEY, source=pulumi.FileAsset(os.path.relpath(SCRIPT)),
            content_type="text/x-python", server_side_encryption="aws:kms", kms_key_id=args.ml_key_arn, opts=t.opts(self))
        self.job = aws.glue.Job(
            f"{name}-etl", name=fit(f"{name}-raw-to-curated", "generic"), role_arn=etl_role.arn, glue_version=GLUE_VERSION,
            description="raw ingest -> curated Parquet (glue_scripts/raw_to_curated.py)",
            command={"name": "glueetl", "python_version": "3",
                     "script_location": pulumi.Output.concat("s3://", self.script.bucket, "/", self.script.key)},
            connections=[self.connection.name], security_configuration=self.security_configuration.name,
            worker_type="G.1X", number_of_workers=args.glue_workers, timeout=60, max_retries=0,
            execution_property={"max_concurrent_runs": 1},
            default_arguments={
                "--job-language": "python",
                "--job-bookmark-option": "job-bookmark-enable",
                "--enable-continuous-cloudwatch-log": "true",
                "--enable-metrics": "true",
                "--enable-glue-datacatalog": "true",
                "--TempDir": pulumi.Output.concat("s3://", args.artifacts.name, "/glue-temp/"),
                "--source_database": self.databases["raw"].name,
                "--source_table": RAW_TABLE,
                "--target_database": self.databases["curated"].name,
                "--target_table": CURATED_TABLE,
                "--target_path": pulumi.Output.concat("s3://", args.curated.name, f"/tables/{CURATED_TABLE}/"),
            },
            opts=t.opts(self, depends_on=grants))
        aws.glue.Trigger(
            f"{name}-etl-schedule", name=fit(f"{name}-raw-to-curated-nightly", "generic"), type="SCHEDULED",
            schedule=args.job_schedule, start_on_creation=True, actions=[{"job_name": self.job.name}], opts=t.opts(self))

        # -- DataBrew (aws-native: pulumi_aws has no DataBrew resources) -------------------------------------
        native = pulumi.ResourceOptions(parent=self, provider=t.native())
        dataset = aws_native.databrew.Dataset(
            f"{name}-raw-ingest", name=fit(f"{name}-raw-ingest", "generic"), format=aws_native.databrew.DatasetFormat.JSON,
            input={"s3_input_definition": {"bucket": args.raw.name, "key": f"{RAW_TABLE}/"}}, opts=native)
        recipe = aws_native.databrew.Recipe(
            f"{name}-dedupe", name=fit(f"{name}-dedupe", "generic"), description="Drop exact duplicate records",
            steps=[{"action": {"operation": "DELETE_DUPLICATE_ROWS"}}], opts=native)
        self.databrew_project = aws_native.databrew.Project(
            f"{name}-prep", name=fit(f"{name}-prep", "generic"), dataset_name=dataset.name, recipe_name=recipe.name,
            role_arn=brew_role.arn, opts=native)
        # Bound to the project, the job runs the project's recipe: no separate published recipe version to manage.
        self.databrew_job = aws_native.databrew.Job(
            f"{name}-prep-job", name=fit(f"{name}-prep-job", "generic"), type=aws_native.databrew.JobType.RECIPE,
            project_name=self.databrew_project.name, role_arn=brew_role.arn,
            encryption_mode=aws_native.databrew.JobEncryptionMode.SSE_KMS, encryption_key_arn=args.data_key_arn,
            log_subscription=aws_native.databrew.JobLogSubscription.ENABLE, max_capacity=2, timeout=60,
            outputs=[{"location": {"bucket": args.curated.name, "key": "databrew/prepared/"},
                      "format": aws_native.databrew.JobOutputFormat.PARQUET, "overwrite": True}],
            opts=native)

        self.databases_by_zone = {zone: db.name for zone, db in self.databases.items()}
        self.role_arns = {"crawler": crawler_role.arn, "etl": etl_role.arn, "databrew": brew_role.arn, "lakeLocation": location_role.arn}
        self.register_outputs({"databases": self.databases_by_zone, "jobName": self.job.name, "roleArns": self.role_arns,
                               "securityConfiguration": self.security_configuration.name})

    # -- helpers -----------------------------------------------------------------------------------------------
    def _role(self, suffix: str, service: str | list[str], description: str, statements: pulumi.Output[list[dict[str, Any]]]) -> aws.iam.Role:
        t = self._t
        role = aws.iam.Role(f"{self._name}-{suffix}", path=PLATFORM_ROLE_PATH, description=description,
                            assume_role_policy=iam.service_trust(service, t.account_id), opts=t.opts(self))
        aws.iam.RolePolicy(f"{self._name}-{suffix}", role=role.id, policy=statements.apply(iam.document), opts=t.opts(self))
        return role

    def _grant(self, suffix: str, principal: pulumi.Input[str], permissions: list[str], **resource: Any) -> aws.lakeformation.Permissions:
        grant = aws.lakeformation.Permissions(
            f"{self._name}-{suffix}", principal=principal, permissions=permissions, **resource,
            opts=self._t.opts(self, depends_on=[self.lake_settings]))
        self._grants.append(grant)
        return grant

    def grant_curated_read(self, suffix: str, principal: pulumi.Input[str]) -> list[aws.lakeformation.Permissions]:
        """Let ``principal`` (e.g. a SageMaker execution role) read every curated table through Lake Formation.

        The principal still needs lakeformation:GetDataAccess, glue:Get* on the curated database and tables
        and kms:Decrypt on the data key in its own IAM policy; no S3 permission on the lake is needed.
        """
        db = self.databases["curated"].name
        return [self._grant(f"{suffix}-curated-db", principal, ["DESCRIBE"], database={"name": db}),
                self._grant(f"{suffix}-curated-tables", principal, CURATED_READ, table={"database_name": db, "wildcard": True})]


# -- IAM documents (plain data, so tests and parliament can read them) -----------------------------------------

def glue_catalog_arns(t: Target, databases: Sequence[str]) -> list[str]:
    return [t.arn("glue", "catalog"), *[t.arn("glue", f"database/{db}") for db in databases],
            *[t.arn("glue", f"table/{db}/*") for db in databases]]


def glue_logs(t: Target) -> dict[str, Any]:
    # AssociateKmsKey: Glue ties its log groups to the security configuration's CloudWatch key.
    return iam.allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
                     t.arn("logs", "log-group:/aws-glue/*"), "GlueLogs")


def location_statements(region: str, bucket_arns: Sequence[str], data_key_arn: str) -> list[dict[str, Any]]:
    """What Lake Formation's vended credentials can do: the registered buckets, the data key through S3."""
    return [
        iam.allow(["s3:ListBucket", "s3:GetBucketLocation"], list(bucket_arns), "LocationBuckets"),
        iam.allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [f"{a}/*" for a in bucket_arns], "LocationObjects"),
        iam.allow(["kms:Decrypt", "kms:GenerateDataKey"], data_key_arn, "DataKeyThroughS3",
                  {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}),
    ]


def crawler_statements(t: Target, data_key_arn: str, databases: Sequence[str]) -> list[dict[str, Any]]:
    return [
        iam.allow(["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable",
                   "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition", "glue:CreatePartition",
                   "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition"],
                  glue_catalog_arns(t, databases), "CatalogOfTheZones"),
        # Does not support resource-level permissions; the data it unlocks is bounded by Lake Formation grants.
        iam.allow(["lakeformation:GetDataAccess"], "*", "LakeFormationCredentials"),
        iam.allow(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], data_key_arn, "EncryptedCatalog",
                  {"StringEquals": {"kms:ViaService": f"glue.{t.region}.amazonaws.com"}}),
        glue_logs(t),
    ]


def etl_statements(t: Target, curated_arn: str, artifacts_arn: str, data_key_arn: str, ml_key_arn: str,
                   raw_db: str, curated_db: str, connection: str) -> list[dict[str, Any]]:
    """Raw is read through Lake Formation (no S3 grant); curated written under tables/; the script read from artifacts."""
    subnet_scope = [t.arn("ec2", "subnet/*"), t.arn("ec2", "security-group/*")]
    return [
        iam.allow(["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions",
                   "glue:BatchGetPartition"], glue_catalog_arns(t, [raw_db, curated_db]), "ReadCatalog"),
        iam.allow(["glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:BatchCreatePartition",
                   "glue:UpdatePartition"], glue_catalog_arns(t, [curated_db]), "WriteCuratedCatalog"),
        iam.allow(["glue:GetConnection"], [t.arn("glue", "catalog"), t.arn("glue", f"connection/{connection}")], "VpcConnection"),
        iam.allow(["lakeformation:GetDataAccess"], "*", "LakeFormationCredentials"),
        iam.allow(["s3:ListBucket"], [curated_arn, artifacts_arn], "ListZones"),
        iam.allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [f"{curated_arn}/tables/*", f"{artifacts_arn}/glue-temp/*"],
                  "WriteCuratedAndTemp"),
        iam.allow(["s3:GetObject"], f"{artifacts_arn}/glue-scripts/*", "ReadScripts"),
        # Job bookmarks are client-side encrypted (called directly), S3 output and catalog through their services.
        iam.allow(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], data_key_arn, "DataKey"),
        iam.allow(["kms:Decrypt"], ml_key_arn, "ArtifactsKeyThroughS3", {"StringEquals": {"kms:ViaService": f"s3.{t.region}.amazonaws.com"}}),
        # The NETWORK connection: Glue puts elastic network interfaces into the isolated subnet.
        iam.allow(["ec2:CreateNetworkInterface"], [t.arn("ec2", "network-interface/*"), *subnet_scope], "VpcInterfaces"),
        iam.allow(["ec2:DeleteNetworkInterface"], t.arn("ec2", "network-interface/*"), "VpcInterfacesCleanup"),
        # ForAllValues is TRUE without any tag key (a DeleteTags without keys deletes them all): require the key.
        iam.allow(["ec2:CreateTags", "ec2:DeleteTags"], t.arn("ec2", "network-interface/*"), "TagGlueInterfaces",
                  {"ForAllValues:StringEquals": {"aws:TagKeys": ["aws-glue-service-resource"]}, "Null": {"aws:TagKeys": "false"}}),
        iam.allow(["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs",
                   "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables"], "*", "DescribeNetwork"),
        iam.allow(["ec2:DescribeVpcAttribute"], t.arn("ec2", "vpc/*"), "VpcDnsSettings"),
        iam.allow(["cloudwatch:PutMetricData"], "*", "JobMetrics", {"StringEquals": {"cloudwatch:namespace": "Glue"}}),
        glue_logs(t),
    ]


def databrew_statements(t: Target, raw_arn: str, curated_arn: str, data_key_arn: str) -> list[dict[str, Any]]:
    """DataBrew reads S3 paths (not the catalog): the raw ingest prefix in, curated databrew/ out."""
    return [
        iam.allow(["s3:ListBucket"], [raw_arn, curated_arn], "ListZones"),
        iam.allow(["s3:GetObject"], f"{raw_arn}/ingest/*", "ReadIngest"),
        iam.allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], f"{curated_arn}/databrew/*", "WritePrepared"),
        iam.allow(["kms:Decrypt", "kms:GenerateDataKey"], data_key_arn, "DataKeyThroughS3",
                  {"StringEquals": {"kms:ViaService": f"s3.{t.region}.amazonaws.com"}}),
        iam.allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                  t.arn("logs", "log-group:/aws-glue-databrew/*"), "DataBrewLogs"),
    ]
