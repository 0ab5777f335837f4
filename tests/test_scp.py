"""The service control policies in scp/: what each request is decided, parliament, AWS's size and count limits."""

from __future__ import annotations

import json

import pytest

from config.regions import AWS_REGIONS
from scp import MAX_SCP_CHARS, MAX_SCPS_PER_TARGET, ScpInputs, documents, render
from tests.iam_eval import Request, evaluate, statement_applies
from tests.iam_lint import lint

INPUTS = ScpInputs(allowed_regions=["us-east-1", "us-west-2"], deploy_roles=["PlatformDeployer"],
                   platform_admin_roles=["AWSCloudFormationStackSetExecutionRole", "stacksets-exec-*"],
                   nvme_patterns=["ml.g5.*", "ml.p4d.*"])
DOCS = documents(INPUTS)
ALL = list(DOCS.values())
# AWS's default SCP, attached next to the deny-list SCPs: without it nothing would be allowed.
FULL_AWS_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def decide(action: str, resource: str, context: dict) -> str:
    return evaluate([FULL_AWS_ACCESS, *ALL], Request(action, resource, context))

USER = "arn:aws:iam::333333333333:role/DataScientist"
DEPLOYER = "arn:aws:iam::333333333333:role/PlatformDeployer"
STACKSET = "arn:aws:iam::333333333333:role/stacksets-exec-0123456789abcdef"
ROOT = "arn:aws:iam::333333333333:root"


def ctx(principal: str = USER, region: str = "us-east-1", **keys) -> dict:
    return {"aws:PrincipalARN": principal, "aws:RequestedRegion": region, **keys}


VPC = {"sagemaker:VpcSubnets": ["subnet-1"], "sagemaker:VpcSecurityGroupIds": ["sg-1"]}
ISOLATED = {**VPC, "sagemaker:NetworkIsolation": "true"}

# (why, action, resource, request context, expected decision)
TABLE = [
    ("leaving the organization", "organizations:LeaveOrganization", "*", ctx(), "deny"),
    ("stopping the trail", "cloudtrail:StopLogging", "*", ctx(), "deny"),
    ("deleting the trail, even as the deployer", "cloudtrail:DeleteTrail", "*", ctx(DEPLOYER), "deny"),
    ("deleting the detector", "guardduty:DeleteDetector", "*", ctx(), "deny"),
    ("leaving the GuardDuty administrator", "guardduty:DisassociateFromAdministratorAccount", "*", ctx(), "deny"),
    ("disabling Security Hub", "securityhub:DisableSecurityHub", "*", ctx(), "deny"),
    ("stopping the Config recorder", "config:StopConfigurationRecorder", "*", ctx(), "deny"),
    ("disabling Macie", "macie2:DisableMacie", "*", ctx(), "deny"),
    ("the platform's StackSet role may remove a detector (break glass)", "guardduty:DeleteDetector", "*", ctx(STACKSET), "allow"),
    ("a user turning a detector off", "guardduty:UpdateDetector", "*", ctx(), "deny"),
    ("the deployer updating its detector", "guardduty:UpdateDetector", "*", ctx(DEPLOYER), "allow"),
    ("reading findings", "guardduty:ListFindings", "*", ctx(), "allow"),
    ("an allowed region", "ec2:RunInstances", "*", ctx(region="us-west-2"), "allow"),
    ("a region outside the set", "ec2:RunInstances", "*", ctx(region="eu-west-1"), "deny"),
    ("IAM is global (us-east-1 endpoint) and exempt", "iam:CreateRole", "*", ctx(region="eu-west-1"), "allow"),
    ("STS global endpoint is exempt", "sts:AssumeRole", "*", ctx(region="aws-global"), "allow"),
    ("S3 listing of all buckets is exempt", "s3:ListAllMyBuckets", "*", ctx(region="eu-west-1"), "allow"),
    ("S3 put asking for SSE-S3", "s3:PutObject", "arn:aws:s3:::b/k", ctx(**{"s3:x-amz-server-side-encryption": "AES256"}), "deny"),
    ("S3 put asking for SSE-KMS", "s3:PutObject", "arn:aws:s3:::b/k", ctx(**{"s3:x-amz-server-side-encryption": "aws:kms"}), "allow"),
    ("S3 put asking for DSSE-KMS", "s3:PutObject", "arn:aws:s3:::b/k", ctx(**{"s3:x-amz-server-side-encryption": "aws:kms:dsse"}),
     "allow"),
    ("S3 put without the header (bucket default applies)", "s3:PutObject", "arn:aws:s3:::b/k", ctx(), "allow"),
    ("S3 put with a customer-provided key", "s3:PutObject", "arn:aws:s3:::b/k",
     ctx(**{"s3:x-amz-server-side-encryption-customer-algorithm": "AES256"}), "deny"),
    ("the root user", "s3:GetObject", "arn:aws:s3:::b/k", ctx(ROOT), "deny"),
    ("the root user, read-only call", "ec2:DescribeInstances", "*", ctx(ROOT), "deny"),
    ("a user attaching a policy to the deployer", "iam:AttachRolePolicy", "arn:aws:iam::333333333333:role/PlatformDeployer", ctx(),
     "deny"),
    ("the deployer widening its own trust", "iam:UpdateAssumeRolePolicy", "arn:aws:iam::333333333333:role/PlatformDeployer",
     ctx(DEPLOYER), "deny"),
    ("a user deleting the previewer", "iam:DeleteRole", "arn:aws:iam::333333333333:role/PlatformPreviewer", ctx(), "deny"),
    ("the StackSet updating the deployer", "iam:PutRolePolicy", "arn:aws:iam::333333333333:role/PlatformDeployer", ctx(STACKSET),
     "allow"),
    ("a user changing another role", "iam:AttachRolePolicy", "arn:aws:iam::333333333333:role/DataScientist", ctx(), "allow"),
    ("training job without a VPC", "sagemaker:CreateTrainingJob", "*", ctx(**{"sagemaker:VolumeKmsKey": "k",
                                                                               "sagemaker:NetworkIsolation": "true"}), "deny"),
    ("training job without isolation (key absent)", "sagemaker:CreateTrainingJob", "*", ctx(**VPC, **{"sagemaker:VolumeKmsKey": "k"}),
     "deny"),
    ("training job with isolation false", "sagemaker:CreateTrainingJob", "*",
     ctx(**VPC, **{"sagemaker:VolumeKmsKey": "k", "sagemaker:NetworkIsolation": "false"}), "deny"),
    ("training job on EBS without a volume key", "sagemaker:CreateTrainingJob", "*",
     ctx(**ISOLATED, **{"sagemaker:InstanceTypes": ["ml.m5.xlarge"]}), "deny"),
    ("training job on NVMe without a volume key (AWS rejects one there)", "sagemaker:CreateTrainingJob", "*",
     ctx(**ISOLATED, **{"sagemaker:InstanceTypes": ["ml.g5.2xlarge"]}), "allow"),
    ("compliant training job", "sagemaker:CreateTrainingJob", "*",
     ctx(**ISOLATED, **{"sagemaker:InstanceTypes": ["ml.m5.xlarge"], "sagemaker:VolumeKmsKey": "arn:aws:kms:us-east-1:3:key/k"}), "allow"),
    ("model without a VPC", "sagemaker:CreateModel", "*", ctx(**{"sagemaker:NetworkIsolation": "true"}), "deny"),
    ("compliant model", "sagemaker:CreateModel", "*", ctx(**ISOLATED), "allow"),
    ("AutoML without a volume key", "sagemaker:CreateAutoMLJobV2", "*", ctx(**VPC), "deny"),
    ("endpoint invocation is not a create call", "sagemaker:InvokeEndpoint", "*", ctx(), "allow"),
]


@pytest.mark.parametrize("why, action, resource, context, expected", TABLE, ids=[row[0] for row in TABLE])
def test_evaluation_table(why, action, resource, context, expected):
    assert decide(action, resource, context) == expected


def test_the_table_exercises_every_statement():
    """Each statement denies at least one row, so none is dead."""
    for name, doc in DOCS.items():
        for st in doc["Statement"]:
            assert any(statement_applies(st, Request(a, r, c)) for _, a, r, c, _ in TABLE), f"{name}:{st['Sid']} denies nothing"


def test_every_statement_is_a_deny_in_scp_grammar():
    for doc in ALL:
        assert doc["Version"] == "2012-10-17"
        assert {st["Effect"] for st in doc["Statement"]} == {"Deny"}
        sids = [st["Sid"] for st in doc["Statement"]]
        assert len(sids) == len(set(sids))
        for st in doc["Statement"]:
            # SCPs name no principal (they govern every principal of the target) and need a Resource.
            assert not {"Principal", "NotPrincipal"} & set(st) and "Resource" in st


@pytest.mark.parametrize("name", sorted(DOCS))
def test_parliament_finds_nothing(name):
    assert lint(DOCS[name]) == []


def test_each_document_fits_the_size_limit_even_with_every_region_and_many_roles():
    worst = ScpInputs(allowed_regions=sorted(AWS_REGIONS), deploy_roles=[f"PlatformDeployer{i}" for i in range(10)],
                      platform_admin_roles=["AWSCloudFormationStackSetExecutionRole", "stacksets-exec-*", *(f"BreakGlass{i}" for i in range(5))],
                      nvme_patterns=INPUTS.nvme_patterns)
    for name, doc in documents(worst).items():
        assert len(render(doc)) <= MAX_SCP_CHARS, name
        assert json.loads(render(doc)) == doc


def test_fewer_documents_than_the_per_target_limit_leaves_room_for_full_aws_access():
    assert len(DOCS) <= MAX_SCPS_PER_TARGET - 1
    assert MAX_SCP_CHARS == 5120 and MAX_SCPS_PER_TARGET == 5


def test_region_exceptions_are_aws_documented_global_services():
    (st,) = DOCS["regions"]["Statement"]
    assert {"iam:*", "organizations:*", "route53:*", "sts:*", "support:*", "cloudfront:*", "budgets:*"} <= set(st["NotAction"])
    assert st["Condition"] == {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}

