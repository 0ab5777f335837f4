"""Cross-field rules pydantic cannot express: accounts and roles, regions, networks, tags, knobs."""

from __future__ import annotations

import ipaddress
import itertools
import re

from config.compute_rules import compute_problems
from config.errors import Problem
from config.instance_types import INFERENCE_INSTANCE_TYPES, TRAINING_INSTANCE_TYPES, has_local_nvme
from config.organization_rules import organization_problems
from config.schema import (
    EXTERNAL_ID,
    LOG_RETENTION_DAYS,
    MANDATORY_TAGS,
    ROLE_ARN,
    ROLE_NAME,
    S3_IA_BEFORE_GLACIER_DAYS,
    ApiAuth,
    Environment,
    PlatformConfig,
)


def semantic_problems(cfg: PlatformConfig, stack: str) -> list[Problem]:
    problems: list[Problem] = []
    add = lambda key, message, fix: problems.append(Problem(key, message, fix))  # noqa: E731
    env = cfg.environment
    accts = cfg.accounts

    # Accounts and their roles.
    if env is Environment.shared:
        if accts.workload is not None:
            add("accounts.workload", "the shared stack owns no workload account", "move the workload account to the dev or prod stack and list its id under accounts.members")
        if not accts.members:
            add("accounts.members", "the shared stack must know the workload accounts it serves", "list every dev and prod workload account id")
    else:
        if accts.workload is None:
            add("accounts.workload", f"the {env.value} stack needs its workload account", "add accounts.workload with id, name and vpcCidrs")
        if not cfg.shared_stack:
            add("sharedStack", "dev and prod read the log archive and registries from the shared stack", "set it to the shared stack's name, e.g. organization/aiplatform/shared")

    roles = {"accounts.security": accts.security, "accounts.sharedServices": accts.shared_services}
    if accts.workload:
        roles["accounts.workload"] = accts.workload
    roles.update({f"accounts.additionalWorkloads[{i}]": a for i, a in enumerate(accts.additional_workloads)})
    for (k1, a1), (k2, a2) in itertools.combinations(roles.items(), 2):
        if a1.id == a2.id:
            add(f"{k2}.id", f"account {a2.id} is also {k1}; each role needs its own account", "use a separate AWS account for each role")
        if a1.name == a2.name:
            add(f"{k2}.name", f"name '{a2.name}' is also used by {k1}", "give every account a distinct short name")
    for key, account in roles.items():
        if account.role is None:
            continue
        m = ROLE_ARN.match(account.role)
        if account.role.startswith("arn:"):
            if not m:
                add(f"{key}.role", f"'{account.role}' is not an IAM role ARN", "use arn:aws:iam::<account>:role/<name> or just the role name")
            elif m.group(1) != account.id:
                add(f"{key}.role", f"role ARN is in account {m.group(1)}, not {account.id}", "name a role inside the account it deploys")
        elif not ROLE_NAME.match(account.role):
            add(f"{key}.role", f"'{account.role}' is not a valid IAM role name", "use up to 64 letters, digits and +=,.@_-")
    if not ROLE_NAME.match(cfg.deploy_role.name):
        add("deployRole.name", f"'{cfg.deploy_role.name}' is not a valid IAM role name", "use up to 64 letters, digits and +=,.@_-")
    if cfg.deploy_role.external_id is not None and not EXTERNAL_ID.match(cfg.deploy_role.external_id):
        add("deployRole.externalId", "external id must be 2-1224 characters of letters, digits and +=,.@:/-", "set it with `pulumi config set --secret` to the id the role trusts")

    # Regions.
    regions = cfg.regions
    if env is Environment.prod and regions.dr is None:
        add("regions.dr", "prod needs a disaster-recovery region", "set regions.dr to a region other than regions.primary")
    if regions.dr is not None and regions.dr == regions.primary:
        add("regions.dr", f"DR region equals the primary region ({regions.primary})", "choose a different region for DR, or omit regions.dr outside prod")
    all_regions = [regions.primary, *([regions.dr] if regions.dr else []), *regions.additional]
    if len(set(all_regions)) != len(all_regions):
        add("regions.additional", "a region is listed twice", "list each region once across primary, dr and additional")

    # Networks: every workload account needs a CIDR in every region; none may overlap.
    networks: list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    vpc_accounts = {"accounts.sharedServices": accts.shared_services} if env is Environment.shared else {k: a for k, a in roles.items() if k.startswith(("accounts.workload", "accounts.additional"))}
    needed_regions = [regions.primary] if env is Environment.shared else all_regions
    for key, account in vpc_accounts.items():
        for region in needed_regions:
            if region not in account.vpc_cidrs:
                add(f"{key}.vpcCidrs.{region}", "no VPC CIDR for this region", f"add a private /16-/24 range for {region} that overlaps no other VPC")
        for region, cidr in account.vpc_cidrs.items():
            try:
                networks.append((f"{key}.vpcCidrs.{region}", ipaddress.ip_network(cidr)))
            except ValueError:
                pass  # already reported by the schema
    for (k1, n1), (k2, n2) in itertools.combinations(networks, 2):
        if n1.overlaps(n2):
            add(k2, f"{n2} overlaps {n1} ({k1})", "give every account/region VPC a disjoint range so they can later be peered")
    if cfg.features.security_hub and not cfg.features.aws_config:
        add("features.awsConfig", "Security Hub's FSBP standard evaluates most of its controls through AWS Config rules; without AWS Config "
            "recording they never produce findings", "set features.awsConfig: true, or features.securityHub: false")
    if cfg.features.redshift and cfg.network.az_count < 3:
        add("network.azCount", "Redshift Serverless needs subnets in at least three AZs", "set network.azCount to 3 or more, or turn features.redshift off")

    # Tags.
    required = dict.fromkeys([*MANDATORY_TAGS, *cfg.tag_policy.required])
    for key in required:
        if not cfg.tags.get(key, "").strip():
            add(f"tags.{key}", "mandatory tag is missing", f"add tags.{key} to Pulumi.{stack}.yaml")
    for key, allowed in cfg.tag_policy.allowed.items():
        value = cfg.tags.get(key)
        if value is not None and value not in allowed:
            add(f"tags.{key}", f"'{value}' is not an allowed value", f"use one of: {', '.join(allowed)}")
    if cfg.tags.get("environment") not in (None, env.value):
        add("tags.environment", f"tag says '{cfg.tags['environment']}' but environment is '{env.value}'", "make tags.environment equal environment")
    for key, value in cfg.tags.items():
        if len(key) > 128 or len(value) > 256 or key.lower().startswith("aws:"):
            add(f"tags.{key}", "tag key must be <= 128 characters and not start with 'aws:', value <= 256", "shorten or rename the tag")

    # Knobs.
    knobs = cfg.knobs
    if env is Environment.prod and knobs.kms_deletion_window_days < 30:
        add("knobs.kmsDeletionWindowDays", f"{knobs.kms_deletion_window_days} days is too short for prod keys", "use 30 (the longest AWS allows)")
    for name, days in (("logRetentionDays", knobs.log_retention_days), ("flowLogRetentionDays", cfg.network.flow_log_retention_days)):
        if days not in LOG_RETENTION_DAYS:
            key = f"network.{name}" if name.startswith("flow") else f"knobs.{name}"
            add(key, f"CloudWatch Logs does not accept a retention of {days} days", f"use one of {sorted(LOG_RETENTION_DAYS)}")
    earliest_glacier = knobs.lake_ia_transition_days + S3_IA_BEFORE_GLACIER_DAYS
    if knobs.lake_glacier_transition_days < earliest_glacier:
        add("knobs.lakeGlacierTransitionDays", f"S3 moves objects to Glacier no sooner than {S3_IA_BEFORE_GLACIER_DAYS} days after the Infrequent Access transition",
            f"make it at least knobs.lakeIaTransitionDays + {S3_IA_BEFORE_GLACIER_DAYS} ({earliest_glacier})")
    for name, value in (("trainingInstanceType", knobs.training_instance_type), ("inferenceInstanceType", knobs.inference_instance_type)):
        if not re.match(r"^ml\.[a-z0-9]+\.[a-z0-9]+$", value):
            add(f"knobs.{name}", f"'{value}' is not a SageMaker instance type", "use a type such as ml.m5.xlarge")
    for i, email in enumerate(knobs.alert_emails):
        if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            add(f"knobs.alertEmails[{i}]", f"'{email}' is not an e-mail address", "use name@example.com")
    for i, arn in enumerate(cfg.operator_principals):
        if not re.match(r"^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/-]+$", arn):
            add(f"operatorPrincipals[{i}]", f"'{arn}' is not an IAM principal ARN", "use arn:aws:iam::<account>:role/<name>")
    problems += _operations_problems(cfg)
    problems += _delivery_problems(cfg)
    problems += _ml_problems(cfg)
    problems += compute_problems(cfg)
    problems += organization_problems(cfg)
    return problems


# SageMaker Model Monitor schedules run hourly or every N hours where N divides the day.
MONITORING_INTERVAL_HOURS = (1, 2, 3, 4, 6, 8, 12, 24)
# A metric-math alarm may reference at most 10 metrics.
MAX_DRIFT_FEATURES = 10


def _operations_problems(cfg: PlatformConfig) -> list[Problem]:
    """Monitoring, backup and cost knobs."""
    problems: list[Problem] = []
    add = lambda key, message, fix: problems.append(Problem(key, message, fix))  # noqa: E731
    knobs = cfg.knobs
    mm = knobs.model_monitoring
    if mm.interval_hours not in MONITORING_INTERVAL_HOURS:
        add("knobs.modelMonitoring.intervalHours", f"Model Monitor cannot run every {mm.interval_hours} hours",
            f"use one of {', '.join(map(str, MONITORING_INTERVAL_HOURS))}")
    if not re.match(r"^ml\.[a-z0-9]+\.[a-z0-9]+$", mm.instance_type):
        add("knobs.modelMonitoring.instanceType", f"'{mm.instance_type}' is not a SageMaker instance type", "use a type such as ml.m5.xlarge")
    if cfg.environment is not Environment.shared and not 1 <= len(mm.features) <= MAX_DRIFT_FEATURES:
        add("knobs.modelMonitoring.features", f"the drift alarm needs 1 to {MAX_DRIFT_FEATURES} features (got {len(mm.features)})",
            "list the model's most important input features, as named in the baseline statistics")
    for i, feature in enumerate(mm.features):
        if not re.match(r"^[A-Za-z0-9_.-]{1,200}$", feature):
            add(f"knobs.modelMonitoring.features[{i}]", f"'{feature}' cannot be part of a CloudWatch metric name",
                "use letters, digits, '_', '.' or '-' as in the baseline's column names")
        elif not re.match(r"^_c\d+$", feature):
            # The baseline and the captured requests are headerless CSV (ml_code/prepare.py): Model Monitor names the columns.
            add(f"knobs.modelMonitoring.features[{i}]", f"'{feature}' is not a column of the headerless CSV baseline",
                "name features by position as Model Monitor does: _c0 for the first feature, _c1 for the second, ...")
    if cfg.environment is Environment.prod and knobs.backup_max_retention_days < knobs.backup_retention_days:
        add("knobs.backupMaxRetentionDays", f"the prod vault lock would reject backups kept {knobs.backup_retention_days} days",
            "make it at least knobs.backupRetentionDays")
    return problems


# Where each allow-list lives, named in the error so users know what to extend.
_ALLOW_LIST = {True: "TRAINING_INSTANCE_TYPES", False: "INFERENCE_INSTANCE_TYPES"}
SCHEDULE_EXPRESSION = re.compile(r"^(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$")
MODEL_PACKAGE_ARN = re.compile(r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package/[\w-]{1,63}/\d+$")
STUDIO_USER = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


def _ml_problems(cfg: PlatformConfig) -> list[Problem]:
    """Training, deployment and inference knobs (instance types, endpoint, API, registry)."""
    problems: list[Problem] = []
    add = lambda key, message, fix: problems.append(Problem(key, message, fix))  # noqa: E731
    knobs = cfg.knobs
    for key, value, allowed in (("knobs.trainingInstanceType", knobs.training_instance_type, TRAINING_INSTANCE_TYPES),
                                ("knobs.inferenceInstanceType", knobs.inference_instance_type, INFERENCE_INSTANCE_TYPES),
                                ("knobs.processingInstanceType", knobs.processing_instance_type, TRAINING_INSTANCE_TYPES),
                                *((f"knobs.endpoint.variants[{i}].instanceType", v.instance_type, INFERENCE_INSTANCE_TYPES)
                                  for i, v in enumerate(knobs.endpoint.variants) if v.instance_type)):
        # Malformed training/inference types were reported above; report each problem once.
        malformed_reported = key in ("knobs.trainingInstanceType", "knobs.inferenceInstanceType") and not re.match(
            r"^ml\.[a-z0-9]+\.[a-z0-9]+$", value)
        if value not in allowed and not malformed_reported:
            add(key, f"'{value}' is not an instance type the platform allows here",
                f"use one of: {', '.join(allowed)}; to allow another type, add it to {_ALLOW_LIST[allowed is TRAINING_INSTANCE_TYPES]} "
                "in config/instance_types.py (and to NVME_FAMILIES there if it has local NVMe storage)")
    endpoint = knobs.endpoint
    if not endpoint.variants:
        add("knobs.endpoint.variants", "the endpoint needs at least one production variant", "add a variant with a name, e.g. primary")
    names = [v.name for v in endpoint.variants]
    for i, v in enumerate(endpoint.variants):
        if names.index(v.name) != i:
            add(f"knobs.endpoint.variants[{i}].name", f"variant name '{v.name}' is used twice", "give every variant its own name")
        if v.min_instances > v.max_instances:
            add(f"knobs.endpoint.variants[{i}].maxInstances", f"maxInstances ({v.max_instances}) is below minInstances ({v.min_instances})",
                "make maxInstances at least minInstances")
    # One endpoint config carries one volume key: AWS rejects it if any variant has local NVMe storage.
    types = {v.instance_type or knobs.inference_instance_type for v in endpoint.variants}
    if len({has_local_nvme(t) for t in types if re.match(r"^ml\.[a-z0-9]+\.[a-z0-9]+$", t)}) > 1:
        add("knobs.endpoint.variants", "variants mix NVMe instance types (no volume key allowed) with EBS types (volume key required)",
            "use instance types of one kind for all variants, e.g. all ml.m5.* or all ml.g5.*")
    if not SCHEDULE_EXPRESSION.match(endpoint.batch_schedule):
        add("knobs.endpoint.batchSchedule", f"'{endpoint.batch_schedule}' is not an EventBridge Scheduler expression",
            "use cron(<min> <hour> <day> <month> <weekday> <year>) or rate(<n> hours)")
    if endpoint.model_package_arn is not None and not MODEL_PACKAGE_ARN.match(endpoint.model_package_arn):
        add("knobs.endpoint.modelPackageArn", f"'{endpoint.model_package_arn}' is not a model package version ARN",
            "use arn:aws:sagemaker:<region>:<shared-services account>:model-package/<group>/<version> of an approved version")
    elif endpoint.model_package_arn is not None and endpoint.model_package_arn.split(":")[4] != cfg.accounts.shared_services.id:
        add("knobs.endpoint.modelPackageArn", f"the version is not in the shared model registry (account {cfg.accounts.shared_services.id})",
            "use an approved version of the shared registry, promoted as README 'From Studio to a deployed endpoint' shows")
    for i, route in enumerate(knobs.api.routes):
        if route.auth is ApiAuth.api_key:
            add(f"knobs.api.routes[{i}].auth", "an API key is not authentication: anyone holding the key calls the route as nobody",
                "use auth: iam or cognito and add apiKey: true for the usage plan; auth: none (with apiKey: true) is the explicit opt-out")
    routes = [r.path for r in knobs.api.routes]
    if not routes and cfg.environment is not Environment.shared:
        add("knobs.api.routes", "the inference API needs at least one route", "add a route with a path and auth (iam, apiKey or cognito)")
    for i, path in enumerate(routes):
        if routes.index(path) != i:
            add(f"knobs.api.routes[{i}].path", f"route '{path}' is listed twice", "give every route its own path")
    if knobs.api.burst_limit < knobs.api.rate_limit:
        add("knobs.api.burstLimit", "the burst limit is below the steady rate limit", "make burstLimit at least rateLimit")
    for i, user in enumerate(knobs.studio_users):
        if not STUDIO_USER.match(user):
            add(f"knobs.studioUsers[{i}]", f"'{user}' is not a valid Studio user profile name", "use up to 63 letters, digits and '-'")
        elif knobs.studio_users.index(user) != i:
            add(f"knobs.studioUsers[{i}]", f"user '{user}' is listed twice", "list each user once")
    if cfg.features.standby_endpoint and cfg.regions.dr is None:
        add("features.standbyEndpoint", "a standby endpoint lives in the DR region, and this stack has none", "set regions.dr or turn the feature off")
    registry = knobs.model_registry
    for kind, ids in (("publishers", registry.publishers), ("consumers", registry.consumers)):
        for i, account_id in enumerate(ids):
            if account_id not in cfg.accounts.members:
                add(f"knobs.modelRegistry.{kind}[{i}]", f"account {account_id} is not one of accounts.members",
                    "list only workload accounts this stack serves (accounts.members)")
    return problems


GITHUB_REPOSITORY = re.compile(r"^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$")
CODECOMMIT_REPOSITORY = re.compile(r"^[\w.-]{1,100}$")


def _delivery_problems(cfg: PlatformConfig) -> list[Problem]:
    """The model delivery pipeline (knobs.modelDelivery): the shared stack builds it, so only there is it required."""
    problems: list[Problem] = []
    add = lambda key, message, fix: problems.append(Problem(key, message, fix))  # noqa: E731
    md = cfg.knobs.model_delivery
    key = "knobs.modelDelivery"
    if cfg.environment is not Environment.shared:
        if md != type(md)():
            add(key, "only the shared stack builds the model delivery pipeline; this setting would be ignored",
                "move knobs.modelDelivery to Pulumi.shared.yaml")
        return problems
    github = md.source_provider.value == "github"
    if not md.repository:
        add(f"{key}.repository", "the pipeline needs the model repository it builds",
            "set it to 'owner/name' (GitHub) or the CodeCommit repository name")
    elif not (GITHUB_REPOSITORY if github else CODECOMMIT_REPOSITORY).match(md.repository):
        add(f"{key}.repository", f"'{md.repository}' is not a {md.source_provider.value} repository name",
            "use 'owner/name' for GitHub" if github else "use up to 100 letters, digits, '.', '_' or '-'")
    if not md.environments:
        add(f"{key}.environments", "the pipeline has nowhere to deploy",
            "list the deploy stages in order, e.g. dev then prod (approval: true), each with its accountId")
    names = [e.name for e in md.environments]
    for i, env in enumerate(md.environments):
        if names.index(env.name) != i:
            add(f"{key}.environments[{i}].name", f"stage '{env.name}' is listed twice", "give every deploy stage its own name")
        if env.account_id not in cfg.accounts.members:
            add(f"{key}.environments[{i}].accountId", f"account {env.account_id} is not one of accounts.members",
                "deploy only to workload accounts this stack serves (accounts.members)")
    # The last stage is the one serving real traffic: nothing reaches it without a person's approval.
    if md.environments and not md.environments[-1].approval:
        last = len(md.environments) - 1
        add(f"{key}.environments[{last}].approval", f"the last deploy stage ('{md.environments[-1].name}') has no manual approval",
            "set approval: true on it")
    return problems


