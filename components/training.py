"""Training layer of one workload account x region: SageMaker Studio and the training pipeline.

* Studio domain in ``VpcOnly`` mode on the isolated subnets (no direct internet:
  every AWS call goes through the VPC's endpoints), its home EFS and app volumes
  encrypted with the ML key, the workload security group on the domain, its users
  and its spaces (VPC-only apps do not start without one), Docker access off,
  idle shutdown of JupyterLab and Code Editor apps, notebook-output sharing off,
  and the user profile name recorded as the STS source identity (per-person
  CloudTrail attribution on a shared execution role). The home EFS is retained in
  prod and deleted with the domain elsewhere (a retained EFS keeps mount targets
  that block deleting the subnets).
* Execution roles (under the data lake's platform role path): the Studio role
  and the pipeline role, least privilege (curated read, artifacts read/write,
  this account's keys, the shared images, the shared model registry), plus the
  run-time guardrails of ``sagemaker_iam`` that deny any create-job request from
  Studio or the pipeline that is not in our VPC, isolated and encrypted.
* The SageMaker Pipeline of ``sagemaker_pipeline`` (processing, training, tuning,
  evaluation, conditional registration, optional Autopilot).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import iam
from components import sagemaker_iam as smi
from components.conventions import PLATFORM_ROLE_PATH
from components.model_monitor import model_monitor_image, model_monitor_repository_arn
from components.naming import fit
from components.providers import Target
from components.sagemaker_pipeline import PipelineSpec, definition
from config.instance_types import has_local_nvme

# Shipped in the repo and uploaded next to the pipeline: PrepareFeatures and EvaluateModel run them.
PIPELINE_SCRIPTS = tuple(Path(__file__).resolve().parents[1].joinpath("ml_code", n) for n in ("prepare.py", "evaluate.py"))

Input = pulumi.Input


@dataclass
class TrainingLayerArgs:
    target: Target
    org: str
    vpc_id: Input[str]
    subnet_ids: Input[Sequence[str]]  # the isolated tier
    security_group_id: Input[str]  # the workload security group
    ml_key_arn: Input[str]  # Studio EFS/EBS, job volumes and outputs
    data_key_arn: Input[str]  # reads the curated zone
    curated_bucket_arn: Input[str]
    curated_bucket_name: Input[str]
    artifacts_bucket_arn: Input[str]
    artifacts_bucket_name: Input[str]
    training_image: Input[str]  # image URIs in the shared registry
    inference_image: Input[str]
    image_repository_arns: Sequence[Input[str]]
    registry_key_arns: Sequence[Input[str]]  # shared-services artifacts keys (ECR encryption)
    model_package_group_arn: Input[str]
    training_instance_type: str
    processing_instance_type: str
    inference_instance_types: Sequence[str]
    retain_home_efs: bool  # prod: keep users' home directories if the domain goes
    protect: bool
    studio_users: Sequence[str] = field(default_factory=list)
    idle_timeout_minutes: int = 120
    publish_models: bool = True  # register pipeline outputs in the shared registry (dev); prod only consumes it
    autopilot: bool = False
    # The curated zone's catalog database: Studio users query it (e.g. with Athena) through Lake Formation grants.
    curated_database_name: Input[str] | None = None


class TrainingLayer(pulumi.ComponentResource):
    def __init__(self, name: str, args: TrainingLayerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:training:TrainingLayer", name, None, opts)
        t = args.target
        region, account = t.region, t.account_id
        sgs = [args.security_group_id]

        self.studio_role = self._role(t, "studio", "SageMaker Studio apps and the jobs data scientists start from them")
        self.pipeline_role = self._role(t, "pipeline", "SageMaker Pipelines and the jobs it runs")
        guardrails = aws.iam.Policy(
            f"{t.key}-sagemaker-guardrails", path=PLATFORM_ROLE_PATH,
            description="Deny SageMaker jobs outside the VPC, without network isolation or without the ML key",
            policy=iam.document(smi.guardrail_statements(args.subnet_ids, sgs, args.ml_key_arn)), opts=t.opts(self))
        for kind, role in (("studio", self.studio_role), ("pipeline", self.pipeline_role)):
            aws.iam.RolePolicyAttachment(f"{t.key}-{kind}-guardrails", role=role.name, policy_arn=guardrails.arn, opts=t.opts(self))

        self.domain = aws.sagemaker.Domain(
            f"{t.key}-studio",
            domain_name=fit(f"{args.org}-{t.key}-studio", "sagemaker"),
            auth_mode="IAM",
            vpc_id=args.vpc_id,
            subnet_ids=args.subnet_ids,
            app_network_access_type="VpcOnly",
            kms_key_id=args.ml_key_arn,
            default_user_settings=self._user_settings(args, self.studio_role.arn, sgs),
            default_space_settings={
                "execution_role": self.studio_role.arn,
                "security_groups": sgs,
                "jupyter_lab_app_settings": {"app_lifecycle_management": self._idle(args)},
            },
            domain_settings={
                "security_group_ids": sgs,
                "docker_settings": {"enable_docker_access": "DISABLED"},
                "execution_role_identity_config": "USER_PROFILE_NAME",
            },
            retention_policy={"home_efs_file_system": "Retain" if args.retain_home_efs else "Delete"},
            tag_propagation="ENABLED",
            opts=t.stateful(self, args.protect))

        self.user_profiles = {
            user: aws.sagemaker.UserProfile(
                f"{t.key}-studio-user-{user}", domain_id=self.domain.id, user_profile_name=user,
                user_settings={"execution_role": self.studio_role.arn, "security_groups": sgs},
                opts=t.opts(self))
            for user in args.studio_users
        }

        nvme = sorted({it for it in (args.training_instance_type, args.processing_instance_type) if has_local_nvme(it)})
        if nvme:
            pulumi.log.warn(f"{t.key}: {', '.join(nvme)} have local NVMe storage; AWS rejects a volume KMS key there, so the "
                            "pipeline's jobs on them carry none (their instance store is hardware-encrypted); outputs stay on the ML key",
                            resource=self)
        self.pipeline_name = fit(f"{args.org}-{t.key}-training", "sagemaker")
        spec = PipelineSpec(
            name=self.pipeline_name, role_arn=self.pipeline_role.arn, subnet_ids=args.subnet_ids, security_group_ids=sgs,
            kms_key_arn=args.ml_key_arn, curated_bucket=args.curated_bucket_name, artifacts_bucket=args.artifacts_bucket_name,
            training_image=args.training_image, inference_image=args.inference_image,
            training_instance_type=args.training_instance_type, processing_instance_type=args.processing_instance_type,
            inference_instance_types=args.inference_instance_types,
            model_package_group=args.model_package_group_arn if args.publish_models else None, autopilot=args.autopilot,
            monitor_image=model_monitor_image(region))
        # The processing steps' scripts, where processing_job() points its code channel.
        code = [aws.s3.BucketObjectv2(
            f"{t.key}-pipeline-code-{script.stem}", bucket=args.artifacts_bucket_name,
            key=pulumi.Output.concat("pipelines/", self.pipeline_name, "/code/", script.name),
            source=pulumi.FileAsset(str(script)), server_side_encryption="aws:kms", kms_key_id=args.ml_key_arn,
            opts=t.opts(self)) for script in PIPELINE_SCRIPTS]
        self.pipeline = aws.sagemaker.Pipeline(
            f"{t.key}-training-pipeline", pipeline_name=self.pipeline_name, pipeline_display_name=self.pipeline_name,
            pipeline_description="Features -> baseline + tuned training -> evaluation -> register for approval",
            role_arn=self.pipeline_role.arn, pipeline_definition=pulumi.Output.json_dumps(definition(spec)),
            parallelism_configuration={"max_parallel_execution_steps": 4},
            opts=t.opts(self, depends_on=code))

        pipeline_arn = smi.sagemaker_arn(region, account, f"pipeline/{self.pipeline_name}")
        common = [
            *smi.read_statements(region, account),
            *smi.job_statements(region, account),
            *smi.bucket_statements([args.curated_bucket_arn], [args.artifacts_bucket_arn]),
            *smi.key_statements([args.ml_key_arn, args.data_key_arn]),
            *smi.image_statements([*args.image_repository_arns, model_monitor_repository_arn(region)], args.registry_key_arns, [region]),
            *smi.telemetry_statements(region, account),
            *smi.vpc_statements(region, account, args.vpc_id),
            *smi.registry_statements(args.model_package_group_arn, publish=args.publish_models),
        ]
        domain_arns = self.domain.id.apply(lambda d: [smi.sagemaker_arn(region, account, f"{kind}/{d}/*")
                                                      for kind in ("app", "space", "user-profile")])
        aws.iam.RolePolicy(f"{t.key}-studio-access", role=self.studio_role.id, policy=iam.document([
            *common,
            iam.allow(["sagemaker:CreateApp", "sagemaker:DeleteApp", "sagemaker:CreateSpace", "sagemaker:UpdateSpace",
                       "sagemaker:DeleteSpace", "sagemaker:CreatePresignedDomainUrl"], domain_arns, sid="OwnStudioApps"),
            iam.allow(["sagemaker:StartPipelineExecution", "sagemaker:StopPipelineExecution", "sagemaker:RetryPipelineExecution"],
                      [pipeline_arn, f"{pipeline_arn}/execution/*"], sid="RunTrainingPipeline"),
            smi.pass_role_statement([self.studio_role.arn, self.pipeline_role.arn]),
            *(catalog_read_statements(region, account, args.curated_database_name) if args.curated_database_name else []),
        ]), opts=t.opts(self))
        aws.iam.RolePolicy(f"{t.key}-pipeline-access", role=self.pipeline_role.id, policy=iam.document([
            *common, smi.pass_role_statement([self.pipeline_role.arn]),
        ]), opts=t.opts(self))

        self.domain_id = self.domain.id
        self.pipeline_arn = self.pipeline.arn
        self.register_outputs({
            "domainId": self.domain_id, "studioRoleArn": self.studio_role.arn, "pipelineRoleArn": self.pipeline_role.arn,
            "pipelineName": self.pipeline_name, "pipelineArn": self.pipeline_arn,
            "userProfiles": list(self.user_profiles),
        })

    def _role(self, t: Target, kind: str, description: str) -> aws.iam.Role:
        return aws.iam.Role(
            f"{t.key}-sagemaker-{kind}", path=PLATFORM_ROLE_PATH,
            assume_role_policy=smi.execution_role_trust(t.account_id),
            description=description, max_session_duration=3600, opts=t.opts(self))

    @staticmethod
    def _idle(args: TrainingLayerArgs) -> dict:
        """Idle shutdown: apps stop after the configured idle time; users may shorten it but not exceed 4x."""
        timeout = args.idle_timeout_minutes
        return {"idle_settings": {"lifecycle_management": "ENABLED", "idle_timeout_in_minutes": timeout,
                                  "min_idle_timeout_in_minutes": 60, "max_idle_timeout_in_minutes": min(timeout * 4, 525600)}}

    def _user_settings(self, args: TrainingLayerArgs, role_arn: Input[str], sgs: list) -> dict:
        return {
            "execution_role": role_arn,
            "security_groups": sgs,
            "studio_web_portal": "ENABLED",
            "default_landing_uri": "studio::",
            "jupyter_lab_app_settings": {"app_lifecycle_management": self._idle(args)},
            "code_editor_app_settings": {"app_lifecycle_management": self._idle(args)},
            # Shared notebooks would copy cell outputs (data) to S3 outside the lake's controls.
            "sharing_settings": {"notebook_output_option": "Disabled"},
            "space_storage_settings": {"default_ebs_storage_settings": {"default_ebs_volume_size_in_gb": 5,
                                                                        "maximum_ebs_volume_size_in_gb": 100}},
        }


def catalog_read_statements(region: str, account: str, database: Input[str]) -> list[dict]:
    """Read the curated catalog; Lake Formation vends the data (the grant itself lives with the processing layer)."""
    arns = pulumi.Output.from_input(database).apply(lambda db: [
        f"arn:aws:glue:{region}:{account}:catalog", f"arn:aws:glue:{region}:{account}:database/{db}",
        f"arn:aws:glue:{region}:{account}:table/{db}/*"])
    return [
        iam.allow(["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition",
                   "glue:GetPartitions"], arns, sid="ReadCuratedCatalog"),
        # GetDataAccess has no resource-level permissions; Lake Formation grants decide what is vended.
        iam.allow(["lakeformation:GetDataAccess"], "*", sid="LakeFormationCredentials"),
    ]
