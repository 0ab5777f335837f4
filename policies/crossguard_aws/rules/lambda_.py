"""Lambda: environment variables encrypted with a customer-managed key; functions attached to a VPC."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import checkov, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import is_unknown

FUNCTIONS = ("aws:lambda/function:Function", "aws-native:lambda:Function")


@resource_rule(
    id="aws-lambda-function-enforce-kms", pack="encryption", types=FUNCTIONS, severity=Severity.MEDIUM,
    description="Lambda functions with environment variables must encrypt them with a customer-managed KMS key.",
    remediation="Set kms_key_arn to your key ARN (and keep secrets in Secrets Manager, not in environment variables).",
    tags=("kms", "serverless"),
)
def lambda_env_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not res.get("environment.variables"):
        return
    name = "kmsKeyArn"
    problem = key_problem(res.get(name), name)
    if problem:
        yield problem


@resource_rule(
    id="aws-lambda-function-require-vpc", pack="network", types=FUNCTIONS, severity=Severity.MEDIUM,
    description="Lambda functions must run attached to VPC subnets.",
    remediation="Set vpc_config with private subnet_ids and security_group_ids (the role needs AWSLambdaVPCAccessExecutionRole).",
    controls=fsbp("Lambda.3"), tags=("vpc", "serverless"),
)
def lambda_in_vpc(res: Res, ctx: RuleContext) -> Iterator[str]:
    if not res.get("vpcConfig.subnetIds"):
        yield "vpcConfig.subnetIds is not set; the function runs outside your VPC."


PERMISSIONS = ("aws:lambda/permission:Permission", "aws-native:lambda:Permission")
FUNCTION_URLS = ("aws:lambda/functionUrl:FunctionUrl", "aws-native:lambda:Url")


@resource_rule(
    id="aws-lambda-permission-deny-public", pack="network", types=PERMISSIONS, severity=Severity.CRITICAL,
    description="Lambda permissions must not let everyone ('*') invoke a function without a source condition.",
    remediation="Set principal to the calling service or account and pin it with source_arn (and source_account), or "
                "principal_org_id for an organization.",
    controls=fsbp("Lambda.1"), tags=("public-access", "serverless"),
)
def lambda_permission_public(res: Res, ctx: RuleContext) -> Iterator[str]:
    if res.get("principal") != "*":
        return
    if any(is_unknown(res.get(k)) or res.get(k) for k in ("sourceArn", "sourceAccount", "principalOrgId")):
        return  # an unknown value here is an ARN or account computed from another resource: a narrowing condition
    yield "principal is '*' and no sourceArn, sourceAccount or principalOrgId narrows it: anyone can invoke the function."


@resource_rule(
    id="aws-lambda-functionurl-require-iam-auth", pack="network", types=FUNCTION_URLS, severity=Severity.HIGH,
    description="Lambda function URLs must use AWS_IAM authorization, not NONE.",
    remediation="Set authorization_type='AWS_IAM' (aws-native: auth_type) and sign requests, or front the function "
                "with API Gateway and an authorizer.",
    controls=checkov("CKV_AWS_258"), tags=("public-access", "serverless", "authn"),
)
def lambda_function_url_auth(res: Res, ctx: RuleContext) -> Iterator[str]:
    kind = res.get("authorizationType" if res.package == "aws" else "authType")
    if kind != "AWS_IAM":
        yield f"authorization type is {kind!r}: the URL is callable by anyone on the internet."
