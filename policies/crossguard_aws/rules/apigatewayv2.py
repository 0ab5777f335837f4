"""API Gateway v2 (HTTP and WebSocket APIs): every route that can take an authorizer has one."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, checkov, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import is_unknown

APIS = ("aws:apigatewayv2/api:Api", "aws-native:apigatewayv2:Api")
ROUTES = ("aws:apigatewayv2/route:Route", "aws-native:apigatewayv2:Route")


@resource_rule(
    id="aws-apigatewayv2-api-deny-quick-create", pack="network", types=APIS, severity=Severity.HIGH,
    description="HTTP APIs must not be quick-created (target set on the API): quick create adds a $default route with "
                "no authorization.",
    remediation="Remove target/route_key from the API and declare aws.apigatewayv2.Route resources with "
                "authorization_type AWS_IAM, JWT or CUSTOM, an Integration and a Stage.",
    controls=(*fsbp("APIGateway.8"), *checkov("CKV_AWS_309")), tags=("api", "authn"),
)
def api_quick_create(res: Res, ctx: RuleContext) -> Iterator[str]:
    target = res.get("target")
    if res.get("protocolType") == "HTTP" and (is_unknown(target) or target):
        yield "is a quick-create HTTP API (target is set): its $default route has no authorization."


# HTTP API route keys are "<METHOD> /path" (or ANY); WebSocket route keys are $connect, $disconnect, $default or an
# action name, and only $connect can take an authorizer. "$default" exists in both kinds and is not judged.
_HTTP_ROUTE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|ANY) /")


@resource_rule(
    id="aws-apigatewayv2-route-require-authorization", pack="network", types=ROUTES, severity=Severity.HIGH,
    description="HTTP API routes (and WebSocket $connect routes) must name an authorization type other than NONE.",
    remediation="Set authorization_type to AWS_IAM, JWT or CUSTOM (with authorizer_id) on every route. CORS preflight "
                "OPTIONS routes, $default and WebSocket routes other than $connect (which cannot take an authorizer) are "
                "not judged.",
    controls=(*fsbp("APIGateway.8"), *checkov("CKV_AWS_309"), *cdk_nag("APIG4")), tags=("api", "authn"),
)
def route_authorization(res: Res, ctx: RuleContext) -> Iterator[str]:
    key = res.get("routeKey")
    if not (key == "$connect" or _HTTP_ROUTE.match(str(key))):
        return
    if res.get("authorizationType", "NONE") == "NONE":
        yield f"route {key!r} has authorization type NONE; anyone can call it."
