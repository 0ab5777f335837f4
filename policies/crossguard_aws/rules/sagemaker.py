"""SageMaker: KMS on domains, endpoints, notebooks, jobs and pipelines; VPC-only networking and isolation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.instance_storage import has_local_nvme
from crossguard_aws.model import fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import Unknown, dig, items, maybe_json, truthy

DOMAINS = ("aws:sagemaker/domain:Domain", "aws-native:sagemaker:Domain")
ENDPOINT_CONFIGS = ("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "aws-native:sagemaker:EndpointConfig")
NOTEBOOKS = ("aws:sagemaker/notebookInstance:NotebookInstance", "aws-native:sagemaker:NotebookInstance")
MODELS = ("aws:sagemaker/model:Model", "aws-native:sagemaker:Model")
PIPELINES = ("aws:sagemaker/pipeline:Pipeline", "aws-native:sagemaker:Pipeline")

_MONITOR_INLINE = "monitoringScheduleConfig.monitoringJobDefinition"
# Job-like types: where their KMS keys and network settings live. A ``None`` network path means the type has no
# network settings of its own. Monitoring schedules are judged only when they define their job inline.
JOBS: dict[str, dict[str, Any]] = {
    "aws:sagemaker/trainingJob:TrainingJob": {
        "keys": ("outputDataConfig.kmsKeyId", "resourceConfig.volumeKmsKeyId"),
        "isolation": "enableNetworkIsolation", "vpc": "vpcConfig", "traffic": "enableInterContainerTrafficEncryption"},
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": {
        "keys": ("jobResources.clusterConfig.volumeKmsKeyId", "dataQualityJobOutputConfig.kmsKeyId"),
        "isolation": "networkConfig.enableNetworkIsolation", "vpc": "networkConfig.vpcConfig",
        "traffic": "networkConfig.enableInterContainerTrafficEncryption"},
    "aws-native:sagemaker:ProcessingJob": {
        "keys": ("processingResources.clusterConfig.volumeKmsKeyId", "processingOutputConfig.kmsKeyId"),
        "isolation": "networkConfig.enableNetworkIsolation", "vpc": "networkConfig.vpcConfig",
        "traffic": "networkConfig.enableInterContainerTrafficEncryption"},
    "aws-native:sagemaker:MonitoringSchedule": {
        "inline": _MONITOR_INLINE,
        "keys": (f"{_MONITOR_INLINE}.monitoringResources.clusterConfig.volumeKmsKeyId",
                 f"{_MONITOR_INLINE}.monitoringOutputConfig.kmsKeyId"),
        "isolation": f"{_MONITOR_INLINE}.networkConfig.enableNetworkIsolation",
        "vpc": f"{_MONITOR_INLINE}.networkConfig.vpcConfig",
        "traffic": f"{_MONITOR_INLINE}.networkConfig.enableInterContainerTrafficEncryption"},
    **{
        f"aws-native:sagemaker:{kind}JobDefinition": {
            "keys": ("jobResources.clusterConfig.volumeKmsKeyId", f"{output}JobOutputConfig.kmsKeyId"),
            "isolation": "networkConfig.enableNetworkIsolation", "vpc": "networkConfig.vpcConfig",
            "traffic": "networkConfig.enableInterContainerTrafficEncryption"}
        for kind, output in (("DataQuality", "dataQuality"), ("ModelQuality", "modelQuality"),
                             ("ModelBias", "modelBias"), ("ModelExplainability", "modelExplainability"))
    },
}


def _keys(res: Res, paths: tuple[str, ...]) -> Iterator[str]:
    for path in paths:
        if _volume_key_rejected(path, lambda p: res.get(p)):
            continue
        problem = key_problem(res.get(path), path)
        if problem:
            yield problem


def _volume_key_rejected(path: str, get: Any) -> bool:
    """A volume-key path beside an instance type with local NVMe storage: AWS rejects a key there."""
    head, _, leaf = path.rpartition(".")
    if leaf not in ("volumeKmsKeyId", "VolumeKmsKeyId"):
        return False
    instance = f"{head}.{'instanceType' if leaf[0] == 'v' else 'InstanceType'}" if head else "instanceType"
    return has_local_nvme(get(instance))


def _has_vpc(vpc: Any) -> bool:
    subnets = dig(vpc, "subnets")
    if subnets is None:
        subnets = dig(vpc, "subnetIds")
    return bool(subnets)


@resource_rule(
    id="aws-sagemaker-domain-enforce-kms", pack="encryption", types=DOMAINS, severity=Severity.HIGH,
    description="SageMaker domains must encrypt their EFS home volumes with a customer-managed KMS key.",
    remediation="Set kms_key_id on the domain to your key ARN (it cannot be changed after creation).",
    tags=("kms", "ml"),
)
def sagemaker_domain_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    yield from _keys(res, ("kmsKeyId",))


@resource_rule(
    id="aws-sagemaker-domain-enforce-vpc-only", pack="network", types=DOMAINS, severity=Severity.HIGH,
    description="SageMaker domains must use VpcOnly network access, not PublicInternetOnly.",
    remediation="Set app_network_access_type='VpcOnly' with subnet_ids in private subnets and VPC endpoints for SageMaker APIs.",
    tags=("vpc", "ml"),
)
def sagemaker_domain_vpc_only(res: Res, ctx: RuleContext) -> Iterator[str]:
    mode = res.get("appNetworkAccessType", "PublicInternetOnly")
    if mode != "VpcOnly":
        yield f"appNetworkAccessType is {mode!r}; set it to 'VpcOnly'."


@resource_rule(
    id="aws-sagemaker-endpointconfig-enforce-kms", pack="encryption", types=ENDPOINT_CONFIGS, severity=Severity.HIGH,
    description="SageMaker endpoint configurations must encrypt volumes, async outputs and captured data with customer-managed keys.",
    remediation="Set kms_key_arn (storage volumes), async_inference_config.output_config.kms_key_id and "
                "data_capture_config.kms_key_id to your key ARN.",
    tags=("kms", "ml"),
)
def sagemaker_endpoint_config_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    volume_key = "kmsKeyArn" if res.package == "aws" else "kmsKeyId"
    variants = items(res.get("productionVariants"))
    # Serverless variants have no storage volume, and AWS rejects a volume key for them; it also rejects one when
    # any variant runs on an instance type with local NVMe storage (hardware-encrypted).
    serverless = bool(variants) and all(dig(v, "serverlessConfig") is not None for v in variants)
    if not serverless and not any(has_local_nvme(dig(v, "instanceType")) for v in variants):
        yield from _keys(res, (volume_key,))
    if res.get("asyncInferenceConfig") is not None:
        yield from _keys(res, ("asyncInferenceConfig.outputConfig.kmsKeyId",))
    if res.get("dataCaptureConfig") is not None:
        yield from _keys(res, ("dataCaptureConfig.kmsKeyId",))


@resource_rule(
    id="aws-sagemaker-notebookinstance-enforce-kms", pack="encryption", types=NOTEBOOKS, severity=Severity.HIGH,
    description="SageMaker notebook instances must encrypt their storage with a customer-managed KMS key.",
    remediation="Set kms_key_id on the notebook instance to your key ARN.",
    tags=("kms", "ml"),
)
def sagemaker_notebook_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    yield from _keys(res, ("kmsKeyId",))


@resource_rule(
    id="aws-sagemaker-notebookinstance-deny-direct-internet", pack="network", types=NOTEBOOKS, severity=Severity.HIGH,
    description="SageMaker notebook instances must run in a VPC subnet without direct internet access.",
    remediation="Set direct_internet_access='Disabled' and subnet_id/security_groups to a private subnet; reach AWS via VPC endpoints.",
    controls=fsbp("SageMaker.1", "SageMaker.2"), tags=("vpc", "ml"),
)
def sagemaker_notebook_no_internet(res: Res, ctx: RuleContext) -> Iterator[str]:
    def subnet() -> Iterator[str]:
        if not res.get("subnetId"):
            yield "subnetId is not set, so the instance runs outside your VPC; set a private subnet."

    def internet() -> Iterator[str]:
        access = res.get("directInternetAccess", "Enabled")
        if access != "Disabled":
            yield f"directInternetAccess is {access!r}; set it to 'Disabled'."

    yield from ctx.aspects(subnet, internet)


@resource_rule(
    id="aws-sagemaker-notebookinstance-deny-root-access", pack="network", types=NOTEBOOKS, severity=Severity.MEDIUM,
    description="SageMaker notebook instances must not give users root access.",
    remediation="Set root_access='Disabled' (lifecycle configurations still run as root).",
    controls=fsbp("SageMaker.3"), tags=("ml",),
)
def sagemaker_notebook_no_root(res: Res, ctx: RuleContext) -> Iterator[str]:
    root = res.get("rootAccess", "Enabled")
    if root != "Disabled":
        yield f"rootAccess is {root!r}; set it to 'Disabled'."


@resource_rule(
    id="aws-sagemaker-model-enforce-network-isolation", pack="network", types=MODELS, severity=Severity.HIGH,
    description="SageMaker models must run with network isolation inside your VPC.",
    remediation="Set enable_network_isolation=True and vpc_config (private subnets, security groups) on the model.",
    tags=("vpc", "ml"),
)
def sagemaker_model_isolation(res: Res, ctx: RuleContext) -> Iterator[str]:
    def isolation() -> Iterator[str]:
        if not truthy(res.get("enableNetworkIsolation", False)):
            yield "enableNetworkIsolation is not true; containers could reach the internet."

    def vpc() -> Iterator[str]:
        if not _has_vpc(res.get("vpcConfig")):
            yield "vpcConfig with subnets is not set; the model would run outside your VPC."

    yield from ctx.aspects(isolation, vpc)


@resource_rule(
    id="aws-sagemaker-job-enforce-kms", pack="encryption", types=tuple(JOBS), severity=Severity.HIGH,
    description="SageMaker training, processing and monitoring jobs must encrypt volumes and outputs with customer-managed keys.",
    remediation="Set the job's output KMS key (output_data_config / *_job_output_config kms_key_id) and volume KMS key "
                "(resource_config / cluster_config volume_kms_key_id) to your key ARN.",
    tags=("kms", "ml"),
)
def sagemaker_job_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    spec = JOBS[res.type]
    if "inline" in spec and res.get(spec["inline"]) is None:
        return  # the schedule points at a named job definition, judged on its own
    yield from _keys(res, spec["keys"])


@resource_rule(
    id="aws-sagemaker-job-enforce-network-isolation", pack="network", types=tuple(JOBS), severity=Severity.HIGH,
    description="SageMaker training, processing and monitoring jobs must run network-isolated in your VPC with encrypted inter-container traffic.",
    remediation="Set enable_network_isolation=True, a vpc_config with private subnets, and "
                "enable_inter_container_traffic_encryption=True (network_config on job definitions).",
    tags=("vpc", "ml"),
)
def sagemaker_job_isolation(res: Res, ctx: RuleContext) -> Iterator[str]:
    spec = JOBS[res.type]
    if "inline" in spec and res.get(spec["inline"]) is None:
        return

    def flag(path: str) -> Iterator[str]:
        if not truthy(res.get(path, False)):
            yield f"{path} is not true."

    def vpc() -> Iterator[str]:
        if not _has_vpc(res.get(spec["vpc"])):
            yield f"{spec['vpc']} with subnets is not set."

    yield from ctx.aspects(lambda: flag(spec["isolation"]), vpc, lambda: flag(spec["traffic"]))


# Pipeline steps: the request fields each step type carries (SageMaker API names, as in the definition JSON).
_STEP_KEYS = {
    "Training": ("OutputDataConfig.KmsKeyId", "ResourceConfig.VolumeKmsKeyId"),
    "Processing": ("ProcessingOutputConfig.KmsKeyId", "ProcessingResources.ClusterConfig.VolumeKmsKeyId"),
    "Transform": ("TransformOutput.KmsKeyId", "TransformResources.VolumeKmsKeyId"),
    "Tuning": ("TrainingJobDefinition.OutputDataConfig.KmsKeyId", "TrainingJobDefinition.ResourceConfig.VolumeKmsKeyId"),
}
_STEP_NETWORK = {
    "Training": ("EnableNetworkIsolation", "VpcConfig"),
    "Processing": ("NetworkConfig.EnableNetworkIsolation", "NetworkConfig.VpcConfig"),
    "Tuning": ("TrainingJobDefinition.EnableNetworkIsolation", "TrainingJobDefinition.VpcConfig"),
}


def pipeline_steps(res: Res) -> list[dict[str, Any]] | None:
    """Steps of an inline pipeline definition (condition branches included); None when not inspectable."""
    body = res.get("pipelineDefinition")
    if res.type.startswith("aws-native:"):
        body = dig(body, "pipelineDefinitionBody")
    if body is None:
        return None  # defined in S3: not visible to policy
    definition = maybe_json(body)
    if isinstance(definition, Unknown):
        definition._judge()
    if not isinstance(definition, dict):
        return None
    found: list[dict[str, Any]] = []
    pending = list(definition.get("Steps") or [])
    while pending:
        step = pending.pop(0)
        if not isinstance(step, dict):
            continue
        found.append(step)
        args = step.get("Arguments") or {}
        if isinstance(args, dict):
            pending += list(args.get("IfSteps") or []) + list(args.get("ElseSteps") or [])
    return found


def _parameter_defaults(res: Res) -> dict[str, Any]:
    """Default values of an inline pipeline definition's parameters, by name."""
    body = res.get("pipelineDefinition")
    if res.type.startswith("aws-native:"):
        body = dig(body, "pipelineDefinitionBody")
    definition = maybe_json(body)
    params = definition.get("Parameters") if isinstance(definition, dict) else None
    return {str(p.get("Name")): p.get("DefaultValue") for p in params or [] if isinstance(p, dict)}


def _resolved(value: Any, defaults: dict[str, Any]) -> Any:
    """A {"Get": "Parameters.X"} reference resolved to X's default value (what an execution without overrides uses)."""
    if isinstance(value, dict) and isinstance(value.get("Get"), str) and value["Get"].startswith("Parameters."):
        return defaults.get(value["Get"].removeprefix("Parameters."))
    return value


def _expression(value: Any) -> bool:
    """Pipeline values such as {"Get": "Parameters.KmsKey"} are resolved at execution time."""
    return isinstance(value, dict) and any(k == "Get" or k.startswith("Std:") for k in value)


@resource_rule(
    id="aws-sagemaker-pipeline-enforce-kms", pack="encryption", types=PIPELINES, severity=Severity.HIGH,
    description="SageMaker pipeline training, processing, transform and tuning steps must set customer-managed KMS keys.",
    remediation="In each step's arguments set the output KmsKeyId and the VolumeKmsKeyId (with the SageMaker SDK: "
                "output_kms_key and volume_kms_key on estimators/processors/transformers), or pass them as pipeline parameters.",
    tags=("kms", "ml"),
)
def sagemaker_pipeline_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    defaults = _parameter_defaults(res)
    for step in pipeline_steps(res) or []:
        args = step.get("Arguments") or {}
        for path in _STEP_KEYS.get(str(step.get("Type")), ()):
            if _volume_key_rejected(path, lambda p, a=args: _resolved(dig(a, p), defaults)):
                continue
            value = dig(args, path)
            if _expression(value):
                continue
            problem = key_problem(value, f"step {step.get('Name')!r} Arguments.{path}")
            if problem:
                yield problem


@resource_rule(
    id="aws-sagemaker-pipeline-enforce-network-isolation", pack="network", types=PIPELINES, severity=Severity.HIGH,
    description="SageMaker pipeline training, processing and tuning steps must run network-isolated in your VPC.",
    remediation="In each step set EnableNetworkIsolation true and a VpcConfig (SageMaker SDK: enable_network_isolation, "
                "subnets and security_group_ids on estimators/processors, or a NetworkConfig).",
    tags=("vpc", "ml"),
)
def sagemaker_pipeline_isolation(res: Res, ctx: RuleContext) -> Iterator[str]:
    for step in pipeline_steps(res) or []:
        paths = _STEP_NETWORK.get(str(step.get("Type")))
        if not paths:
            continue
        args = step.get("Arguments") or {}
        isolation, vpc = dig(args, paths[0]), dig(args, paths[1])
        if not (_expression(isolation) or truthy(isolation if isolation is not None else False)):
            yield f"step {step.get('Name')!r}: Arguments.{paths[0]} is not true."
        if not (_expression(vpc) or dig(vpc, "Subnets")):
            yield f"step {step.get('Name')!r}: Arguments.{paths[1]} with Subnets is not set."


FEATURE_GROUPS = ("aws:sagemaker/featureGroup:FeatureGroup", "aws-native:sagemaker:FeatureGroup")


@resource_rule(
    id="aws-sagemaker-featuregroup-enforce-kms", pack="encryption", types=FEATURE_GROUPS, severity=Severity.HIGH,
    description="SageMaker Feature Store feature groups must encrypt the online store and the offline store's S3 data "
                "with customer-managed KMS keys.",
    remediation="Set online_store_config.security_config.kms_key_id and offline_store_config.s3_storage_config.kms_key_id "
                "to your key ARN.",
    tags=("kms", "ml"),
)
def feature_group_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    online = res.get("onlineStoreConfig")
    if online is not None and truthy(res.get("onlineStoreConfig.enableOnlineStore", False)):
        problem = key_problem(res.get("onlineStoreConfig.securityConfig.kmsKeyId"), "onlineStoreConfig.securityConfig.kmsKeyId")
        if problem:
            yield problem
    if res.get("offlineStoreConfig") is not None:
        where = "offlineStoreConfig.s3StorageConfig.kmsKeyId"
        problem = key_problem(res.get(where), where)
        if problem:
            yield problem


@resource_rule(
    id="aws-sagemaker-notebookinstance-enforce-imdsv2", pack="network", types=NOTEBOOKS, severity=Severity.MEDIUM,
    description="SageMaker notebook instances must accept only IMDSv2 (session-token) metadata requests.",
    remediation="Set instance_metadata_service_configuration={minimum_instance_metadata_service_version: '2'}.",
    tags=("ml", "imds"),
)
def notebook_imdsv2(res: Res, ctx: RuleContext) -> Iterator[str]:
    version = res.get("instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion", "1")
    if str(version) != "2":
        yield f"minimumInstanceMetadataServiceVersion is {version!r}; IMDSv1 lets SSRF bugs read the role's credentials."


@resource_rule(
    id="aws-sagemaker-pipeline-require-inline-definition", pack="encryption", types=PIPELINES, severity=Severity.MEDIUM,
    description="A SageMaker pipeline whose definition lives in S3 cannot be judged (KMS keys, network isolation of its "
                "steps): the gate says so instead of passing it silently.",
    remediation="Pass the definition inline (pipeline_definition=json), or exempt the pipeline in policy config with a "
                "reason once its S3 definition has been reviewed.",
    tags=("ml",),
)
def pipeline_inline_definition(res: Res, ctx: RuleContext) -> Iterator[str]:
    # pulumi_aws: pipelineDefinitionS3Location; aws-native: inside pipelineDefinition (the definition's S3 variant).
    where = "pipelineDefinitionS3Location" if res.package == "aws" else "pipelineDefinition.pipelineDefinitionS3Location"
    if res.get(where) is not None:
        yield (f"its definition is read from S3 ({where}), which policies cannot see: the KMS and "
               "network-isolation rules for its steps were not judged.")
