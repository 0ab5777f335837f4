"""Lambda: environment variables encrypted with a customer-managed key; functions attached to a VPC."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import fsbp, resource_rule
from crossguard_aws.resources import Res

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
