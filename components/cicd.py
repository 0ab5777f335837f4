"""Model delivery: the CodePipeline in the shared-services account that builds, tests, packages and
deploys models and their containers to the workload accounts' SageMaker endpoints.

Source (GitHub via a CodeStar connection, or CodeCommit) -> Build (unit tests + model package,
static analysis) -> Evaluate (metric vs threshold) -> Image (docker build, push, ECR scan gate) ->
per environment in order: [manual approval] -> Deploy (CodeBuild assumes that account's deploy role).

Every build runs in the shared-services build VPC, encrypts with the ``artifacts`` key and logs to
a KMS-encrypted log group. Each CodeBuild project has its own role with only what its step needs;
only the deploy project's role can assume the workload deploy roles. Infrastructure changes do not
go through this pipeline (see docs/cicd.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components.conventions import PLATFORM_ROLE_PATH
from components.deploy_target import deploy_role_arn, execution_role_arn, target_parameter_name
from components.naming import fit
from components.promotion import PROMOTED_PREFIX
from components.providers import Target
from components.secure_bucket import Lifecycle, SecureBucket, SecureBucketArgs

BUILDSPECS = Path(__file__).resolve().parents[1] / "buildspecs"
BUILD_IMAGE = "aws/codebuild/standard:7.0"
SOURCE_VARIABLES = "SourceVariables"
PIPELINE_EVENTS = [
    "codepipeline-pipeline-pipeline-execution-failed",
    "codepipeline-pipeline-pipeline-execution-succeeded",
    "codepipeline-pipeline-manual-approval-needed",
    "codepipeline-pipeline-manual-approval-failed",
]


@dataclass(frozen=True)
class BuildStep:
    """One CodeBuild project of the pipeline."""

    key: str
    buildspec: str  # file in buildspecs/
    description: str
    writes_artifacts: bool = False
    privileged: bool = False
    compute_type: str = "BUILD_GENERAL1_SMALL"
    timeout_minutes: int = 30


STEPS = {
    s.key: s for s in (
        BuildStep("test", "test_and_package.yml", "Unit tests, evaluation report and model package", writes_artifacts=True),
        BuildStep("static-analysis", "static_analysis.yml", "Static analysis of the model code (bandit, pip-audit)"),
        BuildStep("evaluate", "evaluate.yml", "Model evaluation gate: metric against threshold"),
        # Privileged: docker build/push needs the Docker daemon, which CodeBuild only runs in privileged mode.
        # It is the one project with it; its role can push to one repository and read its scan, nothing more.
        BuildStep("image", "image_build.yml", "Inference image build, push and ECR scan gate (blocks CRITICAL)",
                  writes_artifacts=True, privileged=True, compute_type="BUILD_GENERAL1_MEDIUM", timeout_minutes=60),
        # Long enough for SageMaker to bring a new endpoint config in service.
        BuildStep("deploy", "deploy.yml", "Deploy the model to one workload account's SageMaker endpoint", timeout_minutes=90),
    )
}


def read_buildspec(file: str) -> str:
    return (BUILDSPECS / file).read_text()


@dataclass
class DeliveryStage:
    """A deploy stage: one workload account (and region) in pipeline order."""

    name: str
    account_id: str
    region: str
    approval: bool = False


@dataclass
class ModelDeliveryArgs:
    target: Target  # shared-services account, primary region
    org: str
    artifacts_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    alerts_key_arn: pulumi.Input[str]
    build_vpc_id: pulumi.Input[str]
    build_subnet_ids: pulumi.Input[list[str]]
    build_security_group_id: pulumi.Input[str]
    source_provider: str  # "github" or "codecommit"
    repository: str
    branch: str
    stages: list[DeliveryStage]
    image_repository_url: pulumi.Input[str]
    image_repository_arn: pulumi.Input[str]
    evaluation_metric: str
    evaluation_threshold: float
    higher_is_better: bool
    log_retention_days: int
    protect: bool
    notification_emails: list[str] = field(default_factory=list)
    # Promotion (components/promotion.py): who may copy approved versions in, and which accounts serve them.
    promoter_role_arns: list[str] = field(default_factory=list)
    serving_accounts: list[str] = field(default_factory=list)


class ModelDelivery(pulumi.ComponentResource):
    pipeline: aws.codepipeline.Pipeline
    pipeline_role_arn: pulumi.Output[str]
    deployer_role_arn: pulumi.Output[str]
    artifact_bucket_arn: pulumi.Output[str]
    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ModelDeliveryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:cicd:ModelDelivery", name, None, opts)
        t = args.target
        self.args = args
        self.pipeline_name = fit(f"{args.org}-model-delivery", "generic")
        pipeline_arn = t.arn("codepipeline", self.pipeline_name)

        self.bucket = self._artifact_bucket(name)
        self.topic = self._topic(name)
        self.connection_arn: pulumi.Output[str] | None = None
        if args.source_provider == "github":
            # Created PENDING: an administrator completes the GitHub handshake once in the console.
            conn = aws.codestarconnections.Connection(
                f"{name}-github", name=fit(f"{args.org}-model-source", "generic")[:32], provider_type="GitHub", opts=t.opts(self))
            self.connection_arn = conn.arn

        self.roles: dict[str, aws.iam.Role] = {}
        self.projects = {key: self._project(name, step) for key, step in STEPS.items()}

        pipeline_role = aws.iam.Role(
            f"{name}-pipeline", name=fit(f"{args.org}-model-delivery-pipeline", "iam"),
            assume_role_policy=iam.service_trust("codepipeline.amazonaws.com", t.account_id, pipeline_arn),
            description="CodePipeline service role of the model delivery pipeline", opts=t.opts(self))
        aws.iam.RolePolicy(f"{name}-pipeline", role=pipeline_role.id, policy=iam.document(self._pipeline_statements()),
                           opts=t.opts(self))

        self.pipeline = aws.codepipeline.Pipeline(
            f"{name}-pipeline",
            name=self.pipeline_name,
            pipeline_type="V2",
            role_arn=pipeline_role.arn,
            artifact_stores=[aws.codepipeline.PipelineArtifactStoreArgs(
                location=self.bucket.name, type="S3",
                encryption_key=aws.codepipeline.PipelineArtifactStoreEncryptionKeyArgs(id=args.artifacts_key_arn, type="KMS"))],
            stages=self._stages(),
            triggers=[aws.codepipeline.PipelineTriggerArgs(
                provider_type="CodeStarSourceConnection",
                git_configuration=aws.codepipeline.PipelineTriggerGitConfigurationArgs(
                    source_action_name="Source",
                    pushes=[aws.codepipeline.PipelineTriggerGitConfigurationPushArgs(
                        branches=aws.codepipeline.PipelineTriggerGitConfigurationPushBranchesArgs(includes=[args.branch]))]),
            )] if args.source_provider == "github" else None,
            # The role's policy must exist before the first (automatic) execution starts.
            opts=t.opts(self, depends_on=[pipeline_role]),
        )
        if args.source_provider == "codecommit":
            self._codecommit_trigger(name)

        aws.codestarnotifications.NotificationRule(
            f"{name}-notifications", name=fit(f"{args.org}-model-delivery", "generic"), detail_type="FULL",
            event_type_ids=PIPELINE_EVENTS, resource=self.pipeline.arn,
            targets=[aws.codestarnotifications.NotificationRuleTargetArgs(address=self.topic.arn, type="SNS")],
            opts=t.opts(self))

        self.pipeline_role_arn = pipeline_role.arn
        self.deployer_role_arn = self.roles["deploy"].arn
        self.artifact_bucket_arn = self.bucket.arn
        self.topic_arn = self.topic.arn
        self.register_outputs({
            "pipelineName": self.pipeline_name, "pipelineRoleArn": self.pipeline_role_arn, "deployerRoleArn": self.deployer_role_arn,
            "artifactBucketArn": self.artifact_bucket_arn, "notificationTopicArn": self.topic_arn,
        })

    # -- storage and notifications ---------------------------------------------------------------
    def _artifact_bucket(self, name: str) -> SecureBucket:
        a, t = self.args, self.args.target
        access_logs = SecureBucket(f"{name}-access-logs", SecureBucketArgs(
            target=t, bucket_name=fit(f"{a.org}-cicd-access-logs-{t.account_id}-{t.region}", "s3"), kms_key_arn=None,
            protect=a.protect, is_log_target=True,
            lifecycle=Lifecycle.access_logs(a.log_retention_days)),
            opts=pulumi.ResourceOptions(parent=self))
        accounts = sorted({s.account_id for s in a.stages})

        def model_readers(arn: pulumi.Output[str]) -> list[dict[str, Any]]:
            # Principals named by condition, not by ARN: S3 rejects a policy naming roles that do not exist yet,
            # and the workload stacks create these roles after this stack.
            return [{
                "Sid": "WorkloadModelExecutionRead",
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::{acct}:root" for acct in accounts]},
                "Action": "s3:GetObject",
                "Resource": arn.apply(lambda v: f"{v}/models/*"),
                "Condition": {"ArnEquals": {"aws:PrincipalArn": [execution_role_arn(a.org, acct) for acct in accounts]}},
            }, *promotion_statements(arn)]

        def promotion_statements(arn: pulumi.Output[str]) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            promoted = arn.apply(lambda v: f"{v}/{PROMOTED_PREFIX}/*")
            if a.promoter_role_arns:
                out.append({
                    "Sid": "PublishersCopyApprovedVersions", "Effect": "Allow",
                    "Principal": {"AWS": sorted({f"arn:aws:iam::{r.split(':')[4]}:root" for r in a.promoter_role_arns})},
                    "Action": "s3:PutObject", "Resource": promoted,
                    "Condition": {"ArnEquals": {"aws:PrincipalArn": sorted(a.promoter_role_arns)},
                                  "StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
                })
            if a.serving_accounts:
                # The serving layer's model roles (platform path, generated names) read promoted versions only.
                out.append({
                    "Sid": "ServingModelsReadPromotedVersions", "Effect": "Allow",
                    "Principal": {"AWS": [f"arn:aws:iam::{acct}:root" for acct in sorted(a.serving_accounts)]},
                    "Action": "s3:GetObject", "Resource": promoted,
                    "Condition": {"ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{acct}:role{PLATFORM_ROLE_PATH}*"
                                                                   for acct in sorted(a.serving_accounts)]}},
                })
            return out

        return SecureBucket(f"{name}-artifacts", SecureBucketArgs(
            target=t, bucket_name=fit(f"{a.org}-model-delivery-{t.account_id}-{t.region}", "s3"), kms_key_arn=a.artifacts_key_arn,
            protect=a.protect, access_log_bucket=access_logs.name, policy_statements=model_readers,
            # No Glacier transition and no expiry: SageMaker re-reads models/* whenever an endpoint scales out.
            lifecycle=Lifecycle(ia_days=30, glacier_days=None, noncurrent_expiration_days=30)),
            opts=pulumi.ResourceOptions(parent=self))

    def _topic(self, name: str) -> aws.sns.Topic:
        a, t = self.args, self.args.target
        topic = aws.sns.Topic(f"{name}-events", kms_master_key_id=a.alerts_key_arn, opts=t.opts(self))
        aws.sns.TopicPolicy(f"{name}-events", arn=topic.arn, policy=iam.document([
            {
                "Sid": "CodeStarNotificationsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "codestar-notifications.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic.arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": t.account_id}},
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sns:Publish",
                "Resource": topic.arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ]), opts=t.opts(self))
        for i, email in enumerate(a.notification_emails):
            aws.sns.TopicSubscription(f"{name}-events-email-{i}", topic=topic.arn, protocol="email", endpoint=email, opts=t.opts(self))
        return topic

    # -- builds ----------------------------------------------------------------------------------
    def _project(self, name: str, step: BuildStep) -> aws.codebuild.Project:
        a, t = self.args, self.args.target
        project_name = fit(f"{a.org}-model-{step.key}", "generic")
        project_arn = t.arn("codebuild", f"project/{project_name}")
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-{step.key}-logs", name=f"/aws/codebuild/{project_name}", kms_key_id=a.logs_key_arn,
            retention_in_days=a.log_retention_days, opts=t.stateful(self, a.protect))
        role = aws.iam.Role(
            f"{name}-{step.key}", name=fit(f"{a.org}-model-{step.key}-build", "iam"),
            assume_role_policy=iam.service_trust("codebuild.amazonaws.com", t.account_id, project_arn),
            description=f"CodeBuild: {step.description}", opts=t.opts(self))
        policy = aws.iam.RolePolicy(f"{name}-{step.key}", role=role.id, policy=iam.document(
            [*self._build_statements(step, log_group.arn), *self._step_statements(step)]), opts=t.opts(self))
        self.roles[step.key] = role
        return aws.codebuild.Project(
            f"{name}-{step.key}",
            name=project_name,
            description=step.description,
            service_role=role.arn,
            encryption_key=a.artifacts_key_arn,
            build_timeout=step.timeout_minutes,
            queued_timeout=60,
            source=aws.codebuild.ProjectSourceArgs(type="CODEPIPELINE", buildspec=read_buildspec(step.buildspec)),
            artifacts=aws.codebuild.ProjectArtifactsArgs(type="CODEPIPELINE"),
            environment=aws.codebuild.ProjectEnvironmentArgs(
                compute_type=step.compute_type, image=BUILD_IMAGE, type="LINUX_CONTAINER",
                image_pull_credentials_type="CODEBUILD", privileged_mode=step.privileged,
                environment_variables=self._project_variables(step)),
            vpc_config=aws.codebuild.ProjectVpcConfigArgs(
                vpc_id=a.build_vpc_id, subnets=a.build_subnet_ids, security_group_ids=[a.build_security_group_id]),
            logs_config=aws.codebuild.ProjectLogsConfigArgs(
                cloudwatch_logs=aws.codebuild.ProjectLogsConfigCloudwatchLogsArgs(status="ENABLED", group_name=log_group.name),
                s3_logs=aws.codebuild.ProjectLogsConfigS3LogsArgs(status="DISABLED")),
            # CodeBuild validates the role's VPC permissions when the project is created.
            opts=t.opts(self, depends_on=[policy]),
        )

    def _project_variables(self, step: BuildStep) -> list[aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs]:
        a = self.args
        values: dict[str, pulumi.Input[str]] = {
            "test": {"ARTIFACT_BUCKET": self.bucket.name, "ARTIFACT_KEY_ARN": a.artifacts_key_arn},
            "evaluate": {"METRIC_PATH": a.evaluation_metric, "THRESHOLD": str(a.evaluation_threshold),
                         "HIGHER_IS_BETTER": str(a.higher_is_better).lower()},
            "image": {"IMAGE_REPOSITORY_URI": a.image_repository_url, "SCAN_MAX_ATTEMPTS": "60", "SCAN_POLL_SECONDS": "10"},
            "deploy": {"TARGET_PARAMETER": target_parameter_name(a.org)},
        }.get(step.key, {})
        return [aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs(name=k, value=v, type="PLAINTEXT") for k, v in values.items()]

    def _build_statements(self, step: BuildStep, log_group_arn: pulumi.Output[str]) -> list[dict[str, Any]]:
        """What every build needs: its log group, the pipeline's artifacts, and ENIs in the build VPC."""
        a, t = self.args, self.args.target
        bucket = self.bucket.arn
        s3_actions = ["s3:GetObject", "s3:GetObjectVersion", *(["s3:PutObject"] if step.writes_artifacts else [])]
        kms_actions = ["kms:Decrypt", "kms:DescribeKey", *(["kms:GenerateDataKey", "kms:Encrypt"] if step.writes_artifacts else [])]
        subnet_arns = pulumi.Output.from_input(a.build_subnet_ids).apply(lambda ids: [t.arn("ec2", f"subnet/{i}") for i in ids])
        return [
            iam.allow(["logs:CreateLogStream", "logs:PutLogEvents"], log_group_arn.apply(lambda g: [g, f"{g}:log-stream:*"]), "BuildLogs"),
            iam.allow(s3_actions, bucket.apply(lambda b: f"{b}/*"), "PipelineArtifacts"),
            iam.allow(["s3:GetBucketLocation", "s3:GetBucketAcl"], bucket, "PipelineArtifactBucket"),
            iam.allow(kms_actions, a.artifacts_key_arn, "ArtifactsKey"),
            # The Describe calls have no resource-level permissions.
            iam.allow(["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                       "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"], "*", "DescribeBuildNetwork"),
            iam.allow(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
                      [t.arn("ec2", "network-interface/*"), t.arn("ec2", "subnet/*"), t.arn("ec2", "security-group/*")],
                      "BuildNetworkInterfaces"),
            iam.allow(["ec2:CreateNetworkInterfacePermission"], t.arn("ec2", "network-interface/*"), "AttachToBuildSubnets",
                      {"StringEquals": {"ec2:AuthorizedService": "codebuild.amazonaws.com"}, "ArnEquals": {"ec2:Subnet": subnet_arns}}),
        ]

    def _step_statements(self, step: BuildStep) -> list[dict[str, Any]]:
        a = self.args
        if step.key == "image":
            return [
                # GetAuthorizationToken has no resource-level permissions; every other call names the repository.
                iam.allow(["ecr:GetAuthorizationToken"], "*", "RegistryLogin"),
                iam.allow(["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                           "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                           "ecr:DescribeImages", "ecr:DescribeImageScanFindings"], a.image_repository_arn, "PushAndScanModelImage"),
            ]
        if step.key == "deploy":
            return [iam.allow(["sts:AssumeRole"], self.deploy_role_arns, "AssumeWorkloadDeployRoles")]
        return []

    @property
    def deploy_role_arns(self) -> list[str]:
        """The named deploy role of each target account, and nothing else."""
        return sorted({deploy_role_arn(self.args.org, s.account_id) for s in self.args.stages})

    # -- pipeline --------------------------------------------------------------------------------
    def _pipeline_statements(self) -> list[dict[str, Any]]:
        a, t = self.args, self.args.target
        bucket = self.bucket.arn
        statements = [
            iam.allow(["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], bucket.apply(lambda b: f"{b}/*"), "PipelineArtifacts"),
            iam.allow(["s3:GetBucketVersioning", "s3:GetBucketLocation"], bucket, "PipelineArtifactBucket"),
            iam.allow(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], a.artifacts_key_arn, "ArtifactsKey"),
            iam.allow(["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"],
                      [p.arn for p in self.projects.values()], "RunBuilds"),
            # Approval actions notify through the encrypted topic.
            iam.allow(["sns:Publish"], self.topic.arn, "NotifyApprovers"),
            iam.allow(["kms:GenerateDataKey", "kms:Decrypt"], a.alerts_key_arn, "EncryptApprovalNotifications"),
        ]
        if self.connection_arn is not None:
            statements.append(iam.allow(["codestar-connections:UseConnection"], self.connection_arn, "ReadSource"))
        else:
            statements.append(iam.allow(
                ["codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository", "codecommit:UploadArchive",
                 "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive"],
                t.arn("codecommit", a.repository), "ReadSource"))
        return statements

    def _stages(self) -> list[aws.codepipeline.PipelineStageArgs]:
        a = self.args
        action = aws.codepipeline.PipelineStageActionArgs
        stage = aws.codepipeline.PipelineStageArgs
        commit = [{"name": "SOURCE_VERSION", "value": f"#{{{SOURCE_VARIABLES}.CommitId}}", "type": "PLAINTEXT"}]

        def build(name: str, step: str, inputs: list[str], outputs: list[str] | None = None,
                  variables: list[dict[str, str]] | None = None, extra: dict[str, str] | None = None) -> aws.codepipeline.PipelineStageActionArgs:
            config: dict[str, pulumi.Input[str]] = {"ProjectName": self.projects[step].name, **(extra or {})}
            if variables:
                config["EnvironmentVariables"] = json.dumps(variables)
            return action(name=name, category="Build", owner="AWS", provider="CodeBuild", version="1",
                          input_artifacts=inputs, output_artifacts=outputs, configuration=config)

        if a.source_provider == "github":
            source = action(name="Source", category="Source", owner="AWS", provider="CodeStarSourceConnection", version="1",
                            namespace=SOURCE_VARIABLES, output_artifacts=["SourceOutput"], configuration={
                                "ConnectionArn": self.connection_arn, "FullRepositoryId": a.repository, "BranchName": a.branch,
                                "OutputArtifactFormat": "CODE_ZIP"})
        else:
            source = action(name="Source", category="Source", owner="AWS", provider="CodeCommit", version="1",
                            namespace=SOURCE_VARIABLES, output_artifacts=["SourceOutput"], configuration={
                                "RepositoryName": a.repository, "BranchName": a.branch, "OutputArtifactFormat": "CODE_ZIP",
                                "PollForSourceChanges": "false"})
        stages = [
            stage(name="Source", actions=[source]),
            stage(name="Build", actions=[
                build("UnitTestsAndPackage", "test", ["SourceOutput"], ["BuildOutput"], commit),
                build("StaticAnalysis", "static-analysis", ["SourceOutput"]),
            ]),
            # Before the image: a model that misses its threshold never reaches the registry.
            stage(name="Evaluate", actions=[build("EvaluateModel", "evaluate", ["BuildOutput"])]),
            stage(name="Image", actions=[build("BuildAndScanImage", "image", ["SourceOutput"], ["ImageOutput"], commit)]),
        ]
        for env in a.stages:
            if env.approval:
                stages.append(stage(name=f"Approve-{env.name}", actions=[action(
                    name="ManualApproval", category="Approval", owner="AWS", provider="Manual", version="1",
                    configuration={"NotificationArn": self.topic.arn,
                                   "CustomData": f"Approve deploying this model version to {env.name} (account {env.account_id})"})]))
            stages.append(stage(name=f"Deploy-{env.name}", actions=[build(
                "DeployModel", "deploy", ["BuildOutput", "ImageOutput"],
                variables=[
                    {"name": "TARGET_ROLE_ARN", "value": deploy_role_arn(a.org, env.account_id), "type": "PLAINTEXT"},
                    {"name": "TARGET_REGION", "value": env.region, "type": "PLAINTEXT"},
                    {"name": "ENVIRONMENT_NAME", "value": env.name, "type": "PLAINTEXT"},
                ],
                extra={"PrimarySource": "BuildOutput"})]))
        return stages

    def _codecommit_trigger(self, name: str) -> None:
        """CodeCommit sources start the pipeline through EventBridge (no polling)."""
        a, t = self.args, self.args.target
        rule = aws.cloudwatch.EventRule(
            f"{name}-source-push", description="Start model delivery on pushes to the tracked branch",
            event_pattern=json.dumps({
                "source": ["aws.codecommit"], "detail-type": ["CodeCommit Repository State Change"],
                "resources": [t.arn("codecommit", a.repository)],
                "detail": {"event": ["referenceCreated", "referenceUpdated"], "referenceType": ["branch"], "referenceName": [a.branch]},
            }),
            opts=t.opts(self))
        role = aws.iam.Role(
            f"{name}-source-push", assume_role_policy=iam.service_trust("events.amazonaws.com", t.account_id, rule.arn),
            description="EventBridge starts the model delivery pipeline", opts=t.opts(self))
        aws.iam.RolePolicy(f"{name}-source-push", role=role.id, policy=iam.document([
            iam.allow(["codepipeline:StartPipelineExecution"], self.pipeline.arn, "StartPipeline")]), opts=t.opts(self))
        aws.cloudwatch.EventTarget(f"{name}-source-push", rule=rule.name, arn=self.pipeline.arn, role_arn=role.arn, opts=t.opts(self))
