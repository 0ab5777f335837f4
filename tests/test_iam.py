"""Every IAM and resource policy the stacks build: parliament-clean and least privilege."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import STACKS, policy_docs
from tests.iam_lint import kind_of, lint

# Service principals whose trust policies may go without aws:SourceAccount, each with why. Written out here, not
# read from components.iam: a trust the stacks build for a service the code newly exempts fails this test until the
# service is added here with its reason.
SERVICES_WITHOUT_SOURCE_ACCOUNT = {
    # CloudTrail's delivery to CloudWatch Logs assumes the role without sending aws:SourceAccount (a pinned trust stops
    # delivery); only the trail's own configuration in this account, which needs iam:PassRole here, can use the role.
    "cloudtrail.amazonaws.com",
}

# The STS actions whose resource is a role (Service Authorization Reference, "Actions defined by AWS Security Token
# Service"): all a trust policy can grant. Any other action in one is a typo that leaves the role unassumable.
ROLE_ACTIONS = {"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity", "sts:SetContext",
                "sts:SetSourceIdentity", "sts:TagSession"}
ASSUME_ACTIONS = {"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def documents(snap):
    for record in snap.resources:
        for key, doc in policy_docs(record):
            yield record, key, doc


def test_stacks_build_policy_documents(stack):
    assert sum(1 for _ in documents(stack)) >= 10


def test_every_document_passes_parliament(stack):
    failures = [f"{r.type} {r.name} ({key}): {finding}" for r, key, doc in documents(stack) for finding in lint(doc, kind_of(key, doc, r.type))]
    assert not failures, "\n".join(failures)


def test_no_allow_of_every_action_on_every_resource(stack):
    for r, _, doc in documents(stack):
        for st in as_list(doc["Statement"]):
            if st["Effect"] != "Allow" or "Principal" in st:
                continue
            actions = as_list(st.get("Action", []))
            resources = as_list(st.get("Resource", []))
            assert not ("*" in resources and any(a == "*" or a.endswith(":*") for a in actions)), f"{r.urn}: {st}"
            assert not ("*" in resources and any(a.lower() == "iam:passrole" for a in actions)), f"{r.urn}: PassRole on *"


def test_every_pass_role_names_its_roles_and_the_receiving_service(stack):
    passes = 0
    for r, _, doc in documents(stack):
        for st in as_list(doc["Statement"]):
            if st["Effect"] == "Allow" and "iam:passrole" in [a.lower() for a in as_list(st.get("Action", []))]:
                passes += 1
                assert all(":role/" in res for res in as_list(st["Resource"])), f"{r.urn}: {st}"
                assert "iam:PassedToService" in str(st.get("Condition")), f"{r.urn}: PassRole to any service"
    assert passes or stack.stack == "shared"  # the workload stacks pass roles to SageMaker, Glue, ...


def test_trust_policies_never_trust_a_whole_account_or_everyone(stack):
    for r, key, doc in documents(stack):
        if key != "assumeRolePolicy":
            continue
        for st in as_list(doc["Statement"]):
            principal = st["Principal"]
            assert principal != "*", r.urn
            for arn in as_list(principal.get("AWS", [])):
                assert not arn.endswith(":root"), f"{r.urn} trusts all of {arn}"
            services = set(as_list(principal.get("Service", [])))
            if services and not services & SERVICES_WITHOUT_SOURCE_ACCOUNT:
                assert "aws:SourceAccount" in str(st.get("Condition")), f"{r.urn}: service trust without aws:SourceAccount"


def test_lint_catches_what_aws_would_reject():
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"}]}
    assert any("UNKNOWN_ACTION" in f for f in lint(bad))
    wrong_condition = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
        "Condition": {"ArnLike": {"s3:prefix": "x"}}}]}
    assert lint(wrong_condition)


@pytest.mark.parametrize("name", STACKS)
def test_stack_exports_hold_no_secrets(snapshots, name):
    text = str(snapshots[name].outputs)
    assert "__secret__" not in text
    assert "offline-placeholder-secret" not in text


def test_trust_policies_grant_only_role_actions_and_let_someone_assume_the_role(stack):
    trusts = 0
    for r, key, doc in documents(stack):
        if key != "assumeRolePolicy":
            continue
        trusts += 1
        granted = set()
        for st in as_list(doc["Statement"]):
            actions = set(as_list(st["Action"]))
            assert actions <= ROLE_ACTIONS, f"{r.urn}: {sorted(actions - ROLE_ACTIONS)} in a trust policy"
            if st["Effect"] == "Allow":
                granted |= actions
        assert granted & ASSUME_ACTIONS, f"{r.urn}: nobody may assume the role"
    assert trusts >= 3


def condition_values(condition: dict) -> list:
    return [v for keys in condition.values() for value in keys.values() for v in as_list(value)]


def test_every_condition_compares_with_real_values(stack):
    # IAM refuses a null condition value (MalformedPolicyDocument), and an empty string matches no request: a
    # condition built from a missing setting (an external id that is not configured) must not be written at all.
    for r, _, doc in documents(stack):
        for st in as_list(doc["Statement"]):
            for value in condition_values(st.get("Condition", {})):
                assert isinstance(value, (str, bool, int)) and value != "", f"{r.urn}: {st['Condition']}"


def _resolved(build) -> dict:
    """The components.iam document ``build()`` returns (an Output, made on the loop that resolves it), outside a
    Pulumi run."""
    import asyncio
    import json

    async def resolve():
        return await build().future()

    return json.loads(asyncio.run(resolve()))


def _trust(*args, **kwargs) -> dict:
    from components import iam

    return _resolved(lambda: iam.service_trust(*args, **kwargs))


def test_an_account_trust_names_its_principals_and_requires_the_external_id_when_one_is_set():
    from components import iam

    operator = "arn:aws:iam::111122223333:role/platform-operator"
    [st] = _resolved(lambda: iam.account_trust([operator], external_id="ext-7f3a"))["Statement"]
    assert st == {"Effect": "Allow", "Principal": {"AWS": [operator]}, "Action": "sts:AssumeRole",
                  "Condition": {"StringEquals": {"sts:ExternalId": "ext-7f3a"}}}
    [plain] = _resolved(lambda: iam.account_trust([operator]))["Statement"]
    assert "Condition" not in plain


def test_a_service_trust_names_every_service_and_action_and_pins_account_and_source():
    [st] = _trust(["glue.amazonaws.com", "databrew.amazonaws.com"], "111122223333",
                  source_arn="arn:aws:glue:us-east-1:111122223333:job/*", actions=("sts:AssumeRole", "sts:TagSession"))["Statement"]
    assert st == {"Effect": "Allow", "Principal": {"Service": ["glue.amazonaws.com", "databrew.amazonaws.com"]},
                  "Action": ["sts:AssumeRole", "sts:TagSession"],
                  "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
                                "ArnLike": {"aws:SourceArn": "arn:aws:glue:us-east-1:111122223333:job/*"}}}
    [single] = _trust("lambda.amazonaws.com", "111122223333")["Statement"]
    assert (single["Principal"], single["Action"]) == ({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")
    assert single["Condition"] == {"StringEquals": {"aws:SourceAccount": "111122223333"}}
    # CloudTrail's log delivery sends no source context: a pinned trust would stop delivery.
    [trail] = _trust("cloudtrail.amazonaws.com", "111122223333", source_arn="arn:aws:cloudtrail:*")["Statement"]
    assert "Condition" not in trail


# Every service principal the stacks name, each one AWS documents for the use it has here. Written out: a misspelt
# principal is accepted by IAM and KMS at create time (a service principal is not validated), then silently
# denies the service it was meant for.
SERVICE_PRINCIPALS = {
    "apigateway.amazonaws.com", "backup.amazonaws.com", "budgets.amazonaws.com", "cloudtrail.amazonaws.com",
    "cloudwatch.amazonaws.com", "codebuild.amazonaws.com", "codepipeline.amazonaws.com",
    "codestar-notifications.amazonaws.com", "config.amazonaws.com", "costalerts.amazonaws.com",
    "databrew.amazonaws.com", "ecr.amazonaws.com", "events.amazonaws.com", "firehose.amazonaws.com",
    "glue.amazonaws.com", "lakeformation.amazonaws.com", "lambda.amazonaws.com", "logging.s3.amazonaws.com",
    "redshift-serverless.amazonaws.com", "redshift.amazonaws.com", "s3.amazonaws.com", "sagemaker.amazonaws.com",
    "scheduler.amazonaws.com", "vpc-flow-logs.amazonaws.com",
    # the compute options (EKS, Fargate): on in the options dev (tests/options_variant.py), checked below
    "ecs-tasks.amazonaws.com", "eks.amazonaws.com", "pods.eks.amazonaws.com", "ec2.amazonaws.com",
    "delivery.logs.amazonaws.com",
}


def _service_principals(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in (as_list(v) if k == "Service" else _service_principals(v))]
    return [p for item in value for p in _service_principals(item)] if isinstance(value, list) else []


def unknown_service_principals(snap) -> list[tuple[str, str]]:
    """(URN, principal) of every service principal a document or Lambda permission names that AWS does not define."""
    named = [(r.urn, p) for r, _, doc in documents(snap) for st in as_list(doc["Statement"])
             for p in _service_principals(st.get("Principal", {}))]
    named += [(r.urn, r.inputs["principal"]) for r in snap.of_type("aws:lambda/permission:Permission")
              if r.inputs["principal"].endswith(".amazonaws.com")]
    assert named
    regional_logs = [p for _, p in named if p.startswith("logs.")]
    assert all(p == f"logs.{p.split('.')[1]}.amazonaws.com" and p.split(".")[1].count("-") == 2 for p in regional_logs)
    return sorted({(urn, p) for urn, p in named if p not in SERVICE_PRINCIPALS and not p.startswith("logs.")})


def test_every_service_principal_is_one_aws_defines(stack):
    assert not unknown_service_principals(stack)


def test_every_service_principal_of_the_compute_options_is_one_aws_defines(options_dev):
    assert not unknown_service_principals(options_dev)



def test_every_lambda_permission_grants_an_action_add_permission_accepts(stack):
    """Lambda's AddPermission takes lambda:InvokeFunction (or InvokeFunctionUrl for function URLs) from a service."""
    permissions = stack.of_type("aws:lambda/permission:Permission")
    for permission in permissions:
        assert permission.inputs["action"] in ("lambda:InvokeFunction", "lambda:InvokeFunctionUrl"), permission.name
