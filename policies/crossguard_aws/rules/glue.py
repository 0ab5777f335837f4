"""Glue and DataBrew: catalog and security-configuration encryption, jobs bound to a security configuration."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import dig, is_unknown, items, truthy

CATALOG_SETTINGS = ("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
                    "aws-native:glue:DataCatalogEncryptionSettings")
SECURITY_CONFIGS = ("aws:glue/securityConfiguration:SecurityConfiguration", "aws-native:glue:SecurityConfiguration")
JOBS = ("aws:glue/job:Job", "aws:glue/crawler:Crawler", "aws:glue/devEndpoint:DevEndpoint",
        "aws-native:glue:Job", "aws-native:glue:Crawler")
DATABREW_JOBS = ("aws-native:databrew:Job",)


@resource_rule(
    id="aws-glue-catalog-enforce-kms", pack="encryption", types=CATALOG_SETTINGS, severity=Severity.HIGH,
    description="The Glue Data Catalog must encrypt metadata and connection passwords with customer-managed KMS keys.",
    remediation="Set encryption_at_rest.catalog_encryption_mode='SSE-KMS' with sse_aws_kms_key_id, and "
                "connection_password_encryption.return_connection_password_encrypted=True with aws_kms_key_id.",
    tags=("kms", "data-lake"),
)
def glue_catalog_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    settings = res.get("dataCatalogEncryptionSettings")
    at_rest = dig(settings, "encryptionAtRest")
    mode = dig(at_rest, "catalogEncryptionMode") or "DISABLED"
    if not str(mode).startswith("SSE-KMS"):
        yield f"encryptionAtRest.catalogEncryptionMode is {mode!r}; set 'SSE-KMS' with a customer-managed key."
    else:
        problem = key_problem(dig(at_rest, "sseAwsKmsKeyId"), "encryptionAtRest.sseAwsKmsKeyId")
        if problem:
            yield problem
    passwords = dig(settings, "connectionPasswordEncryption")
    if not truthy(dig(passwords, "returnConnectionPasswordEncrypted") or False):
        yield "connectionPasswordEncryption.returnConnectionPasswordEncrypted is not true."
    key = dig(passwords, "awsKmsKeyId")
    problem = key_problem(key if key is not None else dig(passwords, "kmsKeyId"), "connectionPasswordEncryption.awsKmsKeyId")
    if problem:
        yield problem


# (block name in pulumi_aws, block name in aws-native, mode field in each, required mode)
_SECURITY_BLOCKS = (
    ("s3Encryption", "s3Encryptions", "s3EncryptionMode", "SSE-KMS"),
    ("cloudwatchEncryption", "cloudWatchEncryption", "cloudwatchEncryptionMode", "SSE-KMS"),
    ("jobBookmarksEncryption", "jobBookmarksEncryption", "jobBookmarksEncryptionMode", "CSE-KMS"),
)


@resource_rule(
    id="aws-glue-securityconfiguration-enforce-kms", pack="encryption", types=SECURITY_CONFIGS, severity=Severity.HIGH,
    description="Glue security configurations must encrypt S3 data, CloudWatch logs and job bookmarks with customer-managed KMS keys.",
    remediation="Set s3_encryption (SSE-KMS), cloudwatch_encryption (SSE-KMS) and job_bookmarks_encryption (CSE-KMS), "
                "each with kms_key_arn=<your key ARN>.",
    tags=("kms", "data-lake"),
)
def glue_security_configuration_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    config = res.get("encryptionConfiguration")
    for classic, native, mode_field, wanted in _SECURITY_BLOCKS:
        name = classic if res.package == "aws" else native
        blocks = items(dig(config, name)) or [None]
        for block in blocks:
            mode = dig(block, mode_field)
            if mode is None and res.package != "aws":
                mode = dig(block, mode_field.replace("cloudwatch", "cloudWatch"))
            if mode != wanted:
                yield f"{name}.{mode_field} is {mode!r}; set {wanted!r} with a customer-managed key."
                continue
            problem = key_problem(dig(block, "kmsKeyArn"), f"{name}.kmsKeyArn")
            if problem:
                yield problem


@resource_rule(
    id="aws-glue-job-require-security-configuration", pack="encryption", types=JOBS, severity=Severity.MEDIUM,
    description="Glue jobs, crawlers and dev endpoints must run with a security configuration (KMS for S3, logs, bookmarks).",
    remediation="Set security_configuration to the name of a Glue SecurityConfiguration that uses your KMS keys.",
    tags=("kms", "data-lake"),
)
def glue_job_security_configuration(res: Res, ctx: RuleContext) -> Iterator[str]:
    field = "crawlerSecurityConfiguration" if res.type == "aws-native:glue:Crawler" else "securityConfiguration"
    if not res.get(field):
        yield f"{field} is not set; jobs would write unencrypted or S3-managed-key data and logs."


@resource_rule(
    id="aws-databrew-job-enforce-kms", pack="encryption", types=DATABREW_JOBS, severity=Severity.HIGH,
    description="DataBrew jobs must encrypt their outputs with a customer-managed KMS key.",
    remediation="Set encryption_mode='SSE-KMS' and encryption_key_arn=<your key ARN> on the job.",
    tags=("kms", "data-lake"),
)
def databrew_job_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    mode = res.get("encryptionMode")
    if mode != "SSE-KMS":
        yield f"encryptionMode is {mode!r}; set 'SSE-KMS'."
        return
    problem = key_problem(res.get("encryptionKeyArn"), "encryptionKeyArn")
    if problem:
        yield problem


GLUE_JOBS = ("aws:glue/job:Job", "aws-native:glue:Job")


@resource_rule(
    id="aws-glue-job-require-vpc-connection", pack="network", types=GLUE_JOBS, severity=Severity.HIGH,
    description="Glue jobs must be attached to a connection (a NETWORK connection with VPC placement), so they run in "
                "your subnets and reach S3 and other services through your endpoints.",
    remediation="Create an aws.glue.Connection(connection_type='NETWORK', physical_connection_requirements={subnet_id, "
                "security_group_id_lists, availability_zone}) and list its name in the job's connections.",
    tags=("vpc", "etl"),
)
def glue_job_vpc_connection(res: Res, ctx: RuleContext) -> Iterator[str]:
    value = res.get("connections")
    if res.package == "aws-native":
        value = dig(value, "connections")
    if is_unknown(value):
        return  # names computed from connections the program creates
    if not items(value):
        yield "has no connections, so it runs outside your VPC; attach a NETWORK connection."
