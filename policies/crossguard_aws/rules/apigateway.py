"""API Gateway: stages behind WAF, methods behind an authorizer (an API key alone is not one)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, checkov, fsbp, resource_rule, stack_rule
from crossguard_aws.resources import Res, Stack
from crossguard_aws.values import truthy

STAGES = ("aws:apigateway/stage:Stage", "aws-native:apigateway:Stage")
WAF_ASSOCIATIONS = ("aws:wafv2/webAclAssociation:WebAclAssociation", "aws-native:wafv2:WebAclAssociation")
METHODS = ("aws:apigateway/method:Method", "aws-native:apigateway:Method")


@stack_rule(
    id="aws-apigateway-stage-require-waf", pack="network", types=STAGES, severity=Severity.MEDIUM,
    description="Every API Gateway REST stage must be associated with a WAFv2 web ACL.",
    remediation="Add an aws.wafv2.WebAclAssociation with resource_arn=stage.arn and a regional web ACL.",
    controls=fsbp("APIGateway.4"), tags=("waf", "api"),
)
def stage_waf(stage: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    # webAclArn is an output only (what AWS reports once associated), so only an association in the program counts.
    if not stack.attached(stage, WAF_ASSOCIATIONS, "resourceArn", match_values=("arn",)):
        yield "has no WAFv2 web ACL association."


@resource_rule(
    id="aws-apigateway-method-require-authorization", pack="network", types=METHODS, severity=Severity.HIGH,
    description="API Gateway methods must require an authorizer (IAM, Cognito, Lambda); an API key alone is not authorization.",
    remediation="Set authorization to AWS_IAM, COGNITO_USER_POOLS or CUSTOM (with authorizer_id). API keys identify callers "
                "for usage plans only (AWS: do not use them for authorization). CORS preflight OPTIONS methods are not judged.",
    tags=("api", "authn"),
)
def method_authorization(res: Res, ctx: RuleContext) -> Iterator[str]:
    if str(res.get("httpMethod", "")).upper() == "OPTIONS":
        return
    kind = res.get("authorization" if res.package == "aws" else "authorizationType", "NONE")
    if kind == "NONE":
        if truthy(res.get("apiKeyRequired", False)):
            yield "authorization is NONE: an API key alone is not authorization (keys are for usage plans); add IAM, Cognito or a Lambda authorizer."
        else:
            yield "authorization is NONE and no API key either; anyone can call it."



ALL_STAGES = (*STAGES, "aws:apigatewayv2/stage:Stage", "aws-native:apigatewayv2:Stage")


@resource_rule(
    id="aws-apigateway-stage-enable-access-logs", pack="data-protection", types=ALL_STAGES, severity=Severity.MEDIUM,
    description="API Gateway stages (REST, HTTP and WebSocket) must write access logs.",
    remediation="Set access_log_settings={destination_arn: <log group ARN>, format: ...} on the stage (aws-native REST "
                "stages: access_log_setting).",
    controls=(*fsbp("APIGateway.9"), *checkov("CKV_AWS_76"), *cdk_nag("APIG1")), tags=("api", "logging"),
)
def stage_access_logs(res: Res, ctx: RuleContext) -> Iterator[str]:
    block = "accessLogSetting" if res.type == "aws-native:apigateway:Stage" else "accessLogSettings"
    if res.get(f"{block}.destinationArn") is None:
        yield f"{block}.destinationArn is not set; the stage keeps no access log."
