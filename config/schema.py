"""Typed shape of a stack's configuration.

Each model forbids unknown keys so a typo (``azcount`` for ``azCount``) is an
error instead of a silently ignored setting. Field aliases are the camelCase
keys users write in ``Pulumi.<stack>.yaml``.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from config.compute import Compute
from config.cost import CostSettings
from config.regions import AWS_REGIONS

ACCOUNT_ID = re.compile(r"^\d{12}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")

# Tags every resource must carry; stack files may require more.
MANDATORY_TAGS = ("owner", "cost-center", "environment", "data-classification")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def _account_id(value: str) -> str:
    if not ACCOUNT_ID.match(value):
        raise ValueError(f"'{value}' is not a 12-digit AWS account id | fix: write all 12 digits in quotes, e.g. \"012345678901\"")
    return value


def _region(value: str) -> str:
    if value not in AWS_REGIONS:
        raise ValueError(f"'{value}' is not an AWS region this platform supports | fix: use one of {', '.join(sorted(AWS_REGIONS))}")
    return value


AccountId = Annotated[str, AfterValidator(_account_id)]
RegionName = Annotated[str, AfterValidator(_region)]


class Environment(StrEnum):
    shared = "shared"
    dev = "dev"
    prod = "prod"


# A self-managed backend's one virtual organization (config/backend.py checks sharedStack against it).
SELF_MANAGED_ORGANIZATION = "organization"


class StateBackend(StrEnum):
    """Where the stacks' state lives: self-managed (s3://, bootstrap/state-backend.yaml) or Pulumi Cloud."""

    self_managed = "self-managed"
    cloud = "cloud"


_CIDR_FIX = "use a private range such as 10.20.0.0/16 (between /16 and /24) that no other VPC uses"


class Account(Model):
    """One AWS account the stack deploys into."""

    id: AccountId
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}$", description="short lowercase alias used in resource names")
    role: str | None = Field(default=None, description="role to assume here (name or ARN); defaults to deployRole.name")
    vpc_cidrs: dict[RegionName, str] = Field(default_factory=dict, alias="vpcCidrs")

    @field_validator("vpc_cidrs")
    @classmethod
    def _cidrs(cls, value: dict[str, str]) -> dict[str, str]:
        for region, cidr in value.items():
            try:
                net = ipaddress.ip_network(cidr, strict=True)
            except ValueError as exc:
                raise ValueError(f"{region}: '{cidr}' is not a valid network CIDR ({exc}) | fix: {_CIDR_FIX}") from None
            if not net.is_private or net.version != 4:
                raise ValueError(f"{region}: '{cidr}' must be a private (RFC 1918) IPv4 range | fix: {_CIDR_FIX}")
            if not 16 <= net.prefixlen <= 24:
                raise ValueError(f"{region}: '{cidr}' must be between /16 and /24 to fit one subnet per AZ | fix: {_CIDR_FIX}")
        return value


class Accounts(Model):
    security: Account
    shared_services: Account = Field(alias="sharedServices")
    workload: Account | None = None
    additional_workloads: list[Account] = Field(default_factory=list, alias="additionalWorkloads")
    # Workload accounts of every environment; the shared stack grants them the
    # central trail bucket, the registries and the CI/CD deploy roles.
    members: list[AccountId] = Field(default_factory=list)


class Regions(Model):
    primary: RegionName
    dr: RegionName | None = None
    additional: list[RegionName] = Field(default_factory=list)


class DeployRole(Model):
    name: str = Field(default="PlatformDeployer")
    external_id: str | None = Field(default=None, alias="externalId")
    session_name: str = Field(default="pulumi-aiplatform", alias="sessionName", pattern=r"^[\w+=,.@-]{2,64}$")


class TagPolicy(Model):
    required: list[str] = Field(default_factory=lambda: list(MANDATORY_TAGS))
    allowed: dict[str, list[str]] = Field(default_factory=dict)


class Network(Model):
    az_count: int = Field(default=2, ge=2, le=6, alias="azCount")
    flow_log_retention_days: int = Field(default=365, alias="flowLogRetentionDays")


class Features(Model):
    redshift: bool = False
    security_hub: bool = Field(default=True, alias="securityHub")
    guard_duty: bool = Field(default=True, alias="guardDuty")
    # On by default: Security Hub's FSBP controls evaluate through AWS Config (validation rejects hub without it).
    aws_config: bool = Field(default=True, alias="awsConfig")
    macie: bool = True
    autopilot: bool = False
    standby_endpoint: bool = Field(default=False, alias="standbyEndpoint")
    cost_allocation_tags: bool = Field(default=False, alias="costAllocationTags")
    # Model-quality monitoring needs ground-truth labels merged with captured predictions; off until labels exist.
    model_quality_monitor: bool = Field(default=False, alias="modelQualityMonitor")
    # Automatic scale-out of the endpoint when its latency or 5xx alarms fire.
    remediation: bool = True
    # Container compute beside SageMaker (knobs.compute): nothing of either exists while its flag is off.
    fargate_service: bool = Field(default=False, alias="fargateService")
    eks: bool = False


class SourceProvider(StrEnum):
    github = "github"
    codecommit = "codecommit"


class DeliveryEnvironment(Model):
    """One deploy stage of the model delivery pipeline, in pipeline order."""

    name: str = Field(pattern=r"^[a-z][a-z0-9]{1,15}$", description="stage label, e.g. dev or prod")
    account_id: AccountId = Field(alias="accountId", description="a workload account listed in accounts.members")
    region: RegionName | None = Field(default=None, description="where its endpoint runs; defaults to regions.primary")
    approval: bool = Field(default=False, description="a manual approval (notified by SNS) must pass before this stage")


class ModelDelivery(Model):
    """The model/container delivery pipeline in the shared-services account (knobs.modelDelivery, shared stack)."""

    source_provider: SourceProvider = Field(default=SourceProvider.github, alias="sourceProvider")
    repository: str = Field(default="", description="'owner/name' on GitHub, or the CodeCommit repository name")
    branch: str = Field(default="main", max_length=255, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")
    environments: list[DeliveryEnvironment] = Field(default_factory=list)
    evaluation_metric: str = Field(default="metrics.accuracy.value", alias="evaluationMetric",
                                   pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$", description="dotted path into evaluation/report.json")
    evaluation_threshold: float = Field(default=0.8, alias="evaluationThreshold")
    higher_is_better: bool = Field(default=True, alias="higherIsBetter", description="false for error metrics such as RMSE")


class AlarmThresholds(Model):
    """Operational alarm thresholds (knobs.alarms); every alarm notifies the alerts topic."""

    endpoint_latency_ms: float = Field(default=500, gt=0, alias="endpointLatencyMs", description="p90 ModelLatency per 5 minutes")
    endpoint_5xx_errors: int = Field(default=5, ge=1, alias="endpoint5xxErrors", description="Invocation5XXErrors per 5 minutes")
    endpoint_4xx_errors: int = Field(default=50, ge=1, alias="endpoint4xxErrors", description="Invocation4XXErrors per 5 minutes")
    invocations_band_width: float = Field(default=3, gt=0, le=10, alias="invocationsBandWidth",
                                          description="standard deviations of the Invocations anomaly-detection band")
    api_latency_p99_ms: float = Field(default=3000, gt=0, alias="apiLatencyP99Ms")
    api_5xx_errors: int = Field(default=5, ge=1, alias="api5xxErrors", description="5XX responses per 5 minutes")
    lambda_errors: int = Field(default=5, ge=1, alias="lambdaErrors", description="function errors per 5 minutes")
    lambda_throttles: int = Field(default=1, ge=1, alias="lambdaThrottles", description="throttled invocations per 5 minutes")
    glue_failed_tasks: int = Field(default=1, ge=1, alias="glueFailedTasks", description="failed Spark tasks per job run")


class ModelMonitoring(Model):
    """SageMaker Model Monitor on the endpoint's data capture (knobs.modelMonitoring)."""

    interval_hours: int = Field(default=24, alias="intervalHours", description="how often the monitoring job runs")
    instance_type: str = Field(default="ml.m5.xlarge", alias="instanceType")
    drift_threshold: float = Field(default=0.2, gt=0, le=1, alias="driftThreshold",
                                   description="baseline drift distance above which a feature counts as drifted")
    features: list[str] = Field(default_factory=list, alias="features",
                                description="input features whose feature_baseline_drift_<name> metric the drift alarm watches")
    problem_type: str = Field(default="BinaryClassification", alias="problemType",
                              pattern=r"^(BinaryClassification|MulticlassClassification|Regression)$")
    inference_attribute: str = Field(default="prediction", alias="inferenceAttribute")
    probability_attribute: str | None = Field(default=None, alias="probabilityAttribute")


class EndpointVariant(Model):
    """One production variant of the real-time endpoint (knobs.endpoint.variants)."""

    name: str = Field(pattern=r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
    instance_type: str | None = Field(default=None, alias="instanceType", description="defaults to knobs.inferenceInstanceType")
    weight: float = Field(default=1.0, gt=0, description="share of traffic relative to the other variants")
    min_instances: int = Field(default=1, ge=1, alias="minInstances", description="autoscaling floor (and the initial count)")
    max_instances: int = Field(default=2, ge=1, alias="maxInstances", description="autoscaling ceiling")


class Endpoint(Model):
    """Real-time endpoint, data capture and batch transform (knobs.endpoint)."""

    variants: list[EndpointVariant] = Field(default_factory=lambda: [EndpointVariant(name="primary")])
    invocations_per_instance_target: int = Field(default=100, ge=1, alias="invocationsPerInstanceTarget",
                                                 description="target of the SageMakerVariantInvocationsPerInstance tracking policy")
    data_capture_sampling_percent: int = Field(default=20, ge=0, le=100, alias="dataCaptureSamplingPercent")
    # An approved version from the shared model registry; without it the endpoint serves the bootstrap image + artifact.
    model_package_arn: str | None = Field(default=None, alias="modelPackageArn")
    image_tag: str = Field(default="bootstrap", alias="imageTag", pattern=r"^[\w][\w.-]{0,127}$",
                           description="inference image tag (tags are immutable: deploy a new tag, never re-push one)")
    batch_schedule: str = Field(default="cron(0 3 * * ? *)", alias="batchSchedule",
                                description="EventBridge Scheduler expression of the nightly batch transform")


class ApiAuth(StrEnum):
    iam = "iam"
    cognito = "cognito"
    # The explicit, documented opt-out: no authentication at all (README, "Inference API authentication").
    none = "none"
    # Not authentication (AWS: API keys identify usage-plan clients); kept only to reject it with a fix.
    api_key = "apiKey"


class ApiRoute(Model):
    """One POST route of the inference API and how its callers authenticate."""

    path: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    auth: ApiAuth
    # Usage-plan metering and quota per client key, on top of the route's authentication.
    api_key: bool = Field(default=False, alias="apiKey")


class Api(Model):
    """Inference API, its throttling and its web ACL (knobs.api)."""

    routes: list[ApiRoute] = Field(default_factory=lambda: [ApiRoute(path="predict", auth=ApiAuth.iam)])
    rate_limit: float = Field(default=50, gt=0, alias="rateLimit", description="steady requests per second per stage")
    burst_limit: int = Field(default=100, ge=1, alias="burstLimit")
    quota_per_day: int = Field(default=10000, ge=1, alias="quotaPerDay", description="requests per API key per day")
    waf_rate_limit: int = Field(default=1000, ge=100, le=2000000000, alias="wafRateLimit",
                                description="requests per client IP per 5 minutes before WAF blocks")
    lambda_reserved_concurrency: int = Field(default=10, ge=1, alias="lambdaReservedConcurrency")


class ModelRegistry(Model):
    """Who may use the shared model registry (shared stack; ids from accounts.members)."""

    publishers: list[AccountId] = Field(default_factory=list, description="accounts that register versions (always pending approval)")
    consumers: list[AccountId] = Field(default_factory=list, description="accounts that read approved versions to deploy them")


# S3 lifecycle rules (S3 User Guide, "Constraints and considerations for transitions"): objects move to
# STANDARD_IA no earlier than 30 days after creation and stay there 30 days before GLACIER.
S3_IA_MIN_DAYS = 30
S3_IA_BEFORE_GLACIER_DAYS = 30


class Knobs(Model):
    """Per-environment settings the layers read."""

    kms_deletion_window_days: int = Field(default=30, ge=7, le=30, alias="kmsDeletionWindowDays")
    log_retention_days: int = Field(default=365, alias="logRetentionDays")
    training_instance_type: str = Field(default="ml.m5.xlarge", alias="trainingInstanceType")
    inference_instance_type: str = Field(default="ml.m5.large", alias="inferenceInstanceType")
    processing_instance_type: str = Field(default="ml.m5.xlarge", alias="processingInstanceType",
                                          description="feature preparation and evaluation jobs of the training pipeline")
    lake_ia_transition_days: int = Field(default=30, ge=S3_IA_MIN_DAYS, alias="lakeIaTransitionDays")
    lake_glacier_transition_days: int = Field(default=90, ge=S3_IA_MIN_DAYS + S3_IA_BEFORE_GLACIER_DAYS, alias="lakeGlacierTransitionDays")
    noncurrent_version_expiration_days: int = Field(default=90, ge=1, alias="noncurrentVersionExpirationDays")
    backup_retention_days: int = Field(default=35, ge=1, alias="backupRetentionDays")
    monthly_budget_usd: float = Field(default=1000, gt=0, alias="monthlyBudgetUsd")
    alert_emails: list[str] = Field(default_factory=list, alias="alertEmails")
    model_delivery: ModelDelivery = Field(default_factory=ModelDelivery, alias="modelDelivery")
    alarms: AlarmThresholds = Field(default_factory=AlarmThresholds)
    model_monitoring: ModelMonitoring = Field(default_factory=ModelMonitoring, alias="modelMonitoring")
    # Prod vault lock: no recovery point may be kept longer than this (must be >= backupRetentionDays).
    backup_max_retention_days: int = Field(default=365, ge=1, alias="backupMaxRetentionDays")
    cost_anomaly_threshold_usd: float = Field(default=100, gt=0, alias="costAnomalyThresholdUsd")
    remediation_concurrency: int = Field(default=1, ge=1, le=10, alias="remediationConcurrency")
    studio_users: list[str] = Field(default_factory=list, alias="studioUsers", description="SageMaker Studio user profiles")
    studio_idle_timeout_minutes: int = Field(default=120, ge=60, le=525600, alias="studioIdleTimeoutMinutes")
    endpoint: Endpoint = Field(default_factory=Endpoint)
    api: Api = Field(default_factory=Api)
    model_registry: ModelRegistry = Field(default_factory=ModelRegistry, alias="modelRegistry")
    compute: Compute = Field(default_factory=Compute)


# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}


class PlatformConfig(Model):
    """Everything under the ``aiplatform:`` namespace, as one object."""

    environment: Environment
    org: str = Field(default="acme", pattern=r"^[a-z][a-z0-9]{1,9}$")
    shared_stack: str | None = Field(default=None, alias="sharedStack")
    state_backend: StateBackend = Field(default=StateBackend.self_managed, alias="stateBackend")
    accounts: Accounts
    regions: Regions
    deploy_role: DeployRole = Field(default_factory=DeployRole, alias="deployRole")
    network: Network = Field(default_factory=Network)
    tags: dict[str, str]
    tag_policy: TagPolicy = Field(default_factory=TagPolicy, alias="tagPolicy")
    features: Features = Field(default_factory=Features)
    knobs: Knobs = Field(default_factory=Knobs)
    operator_principals: list[str] = Field(default_factory=list, alias="operatorPrincipals")
    cost: CostSettings = Field(default_factory=CostSettings, description="usage assumptions for `platformctl cost`")
    security_services: SecurityServices = Field(default_factory=lambda: SecurityServices(), alias="securityServices")


# securityServices builds on the models above (docs/organization.md).
from config.organization import SecurityServices  # noqa: E402

PlatformConfig.model_rebuild()
