"""API Gateway v2 (HTTP and WebSocket APIs): every route that can take an authorizer has one."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, checkov, fsbp, stack_rule
from crossguard_aws.resources import Res, Stack
from crossguard_aws.values import is_unknown

APIS = ("aws:apigatewayv2/api:Api", "aws-native:apigatewayv2:Api")
ROUTES = ("aws:apigatewayv2/route:Route", "aws-native:apigatewayv2:Route")


def _api_of(route: Res, stack: Stack) -> Res | None:
    for api in stack.of_types(APIS):
        if route.depends_on(api.urn, "apiId"):
            return api
        if isinstance(route.get("apiId"), str) and route.get("apiId") in (api.get("id"), api.get("apiId")):
            return api
    return None


@stack_rule(
    id="aws-apigatewayv2-route-require-authorization", pack="network", types=(*APIS, *ROUTES), severity=Severity.HIGH,
    description="HTTP API routes (and WebSocket $connect routes) must name an authorization type other than NONE; "
                "quick-create HTTP APIs (target on the API) create an unauthorized $default route.",
    remediation="Set authorization_type to AWS_IAM, JWT or CUSTOM (with authorizer_id) on every route; declare routes "
                "explicitly instead of quick-create. CORS preflight OPTIONS routes are not judged.",
    controls=(*fsbp("APIGateway.8"), *checkov("CKV_AWS_309"), *cdk_nag("APIG4")), tags=("api", "authn"),
)
def route_authorization(res: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    if res.type in APIS:
        protocol = res.get("protocolType")
        if protocol == "HTTP" and (is_unknown(res.get("target")) or res.get("target")):
            yield "is a quick-create HTTP API (target is set): its $default route has no authorization."
        return
    key = res.get("routeKey")
    api = _api_of(res, stack)
    websocket = api is not None and api.get("protocolType") == "WEBSOCKET"
    if str(key).upper().startswith("OPTIONS "):
        return
    if (websocket or (str(key).startswith("$") and key != "$default")) and key != "$connect":
        return  # WebSocket routes other than $connect cannot have an authorizer
    kind = res.get("authorizationType", "NONE")
    if kind == "NONE":
        yield f"route {key!r} has authorization type NONE; anyone can call it."
