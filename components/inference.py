"""Inference layer of one workload account x region: a REST API in front of the inference Lambda.

* REST API (regional; WAF cannot protect HTTP APIs) with one POST route per
  configured path, each with its own authentication: IAM (SigV4) or an OAuth access
  token from a Cognito user pool (client-credentials flow, scope ``<api>/invoke``).
  An API key (usage plan and quota) only meters a route: AWS says keys are not
  authentication. No route is unauthenticated unless its config says ``auth: none``.
* Request validation (body against a JSON-schema model), stage throttling,
  access logs to a KMS-encrypted log group, execution logging (without bodies)
  and X-Ray tracing; the account's API Gateway CloudWatch role makes execution
  logs possible (one per account x region, owned here).
* WAFv2 web ACL on the stage: AWS managed rule groups (common, known bad inputs,
  IP reputation, SQL injection) and a per-IP rate rule, logged to a KMS-encrypted
  ``aws-waf-logs-`` log group with credentials redacted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components.naming import fit
from components.providers import Target

Input = pulumi.Input
STAGE = "v1"
MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                       "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesSQLiRuleSet")
# API Gateway access log fields (no request bodies, no credentials).
ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "caller": "$context.identity.caller",
    "user": "$context.identity.user", "apiKeyId": "$context.identity.apiKeyId", "clientId": "$context.authorizer.claims.client_id",
    "requestTime": "$context.requestTime", "httpMethod": "$context.httpMethod", "resourcePath": "$context.resourcePath",
    "status": "$context.status", "protocol": "$context.protocol", "responseLength": "$context.responseLength",
    "integrationLatency": "$context.integrationLatency", "wafResponseCode": "$context.wafResponseCode",
    "xrayTraceId": "$context.xrayTraceId",
})
# What a prediction request must look like before it reaches the Lambda.
REQUEST_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "PredictRequest",
    "type": "object",
    "required": ["instances"],
    # Feature rows in the training column order: the invoke Lambda sends them on as CSV (see lambda_src/invoke_endpoint).
    "properties": {"instances": {"type": "array", "minItems": 1, "maxItems": 100,
                                 "items": {"type": "array", "minItems": 1, "items": {"type": "number"}}}},
    "additionalProperties": False,
}
APIGATEWAY_CLOUDWATCH_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
AUTHORIZATION = {"iam": "AWS_IAM", "cognito": "COGNITO_USER_POOLS", "none": "NONE"}


@dataclass
class Route:
    path: str
    auth: str  # "iam" | "cognito" | "none" (the explicit opt-out)
    api_key: bool = False  # usage-plan metering; never a substitute for auth


@dataclass
class InferenceLayerArgs:
    target: Target
    org: str
    function_name: Input[str]  # the serverless inference Lambda
    function_arn: Input[str]
    routes: Sequence[Route]
    rate_limit: float
    burst_limit: int
    quota_per_day: int
    waf_rate_limit: int
    logs_key_arn: Input[str]
    log_retention_days: int
    protect: bool


def visibility(metric: str) -> dict[str, Any]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


def waf_rules(rate_limit: int) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = [{
        "name": group, "priority": i,
        "override_action": {"none": {}},
        "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
        "visibility_config": visibility(group),
    } for i, group in enumerate(MANAGED_RULE_GROUPS)]
    rules.append({
        "name": "RatePerClientIp", "priority": len(rules),
        "action": {"block": {}},
        "statement": {"rate_based_statement": {"limit": rate_limit, "aggregate_key_type": "IP", "evaluation_window_sec": 300}},
        "visibility_config": visibility("RatePerClientIp"),
    })
    return rules


class InferenceLayer(pulumi.ComponentResource):
    def __init__(self, name: str, args: InferenceLayerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:inference:InferenceLayer", name, None, opts)
        t = args.target
        auths = {r.auth for r in args.routes}
        unauthenticated = [r.path for r in args.routes if r.auth == "none"]
        if unauthenticated:
            pulumi.log.warn(f"{t.key}: routes {unauthenticated} are unauthenticated (auth: none, an explicit opt-out)", resource=self)
        self.api_name = fit(f"{args.org}-{t.key}-inference", "generic")
        stateful = t.stateful(self, args.protect)

        account_settings = self._cloudwatch_role(t)
        self.api = aws.apigateway.RestApi(
            f"{t.key}-inference-api", name=self.api_name, description="Model predictions (WAF, validated, authenticated)",
            endpoint_configuration={"types": "REGIONAL"}, api_key_source="HEADER", opts=t.opts(self))
        validator = aws.apigateway.RequestValidator(
            f"{t.key}-inference-validator", rest_api=self.api.id, name="body-and-parameters",
            validate_request_body=True, validate_request_parameters=True, opts=t.opts(self))
        model = aws.apigateway.Model(
            f"{t.key}-inference-request-model", rest_api=self.api.id, name="PredictRequest", content_type="application/json",
            schema=json.dumps(REQUEST_SCHEMA), opts=t.opts(self))

        self.user_pool_id: pulumi.Output[str] | None = None
        self.token_url: pulumi.Output[str] | None = None
        authorizer, scopes = self._cognito(t, args) if "cognito" in auths else (None, [])

        route_resources: list[pulumi.Resource] = []
        for route in args.routes:
            resource = aws.apigateway.Resource(
                f"{t.key}-route-{route.path}", rest_api=self.api.id, parent_id=self.api.root_resource_id, path_part=route.path,
                opts=t.opts(self))
            method = aws.apigateway.Method(
                f"{t.key}-route-{route.path}-post", rest_api=self.api.id, resource_id=resource.id, http_method="POST",
                authorization=AUTHORIZATION[route.auth],
                authorizer_id=authorizer.id if route.auth == "cognito" and authorizer else None,
                authorization_scopes=scopes if route.auth == "cognito" else None,
                api_key_required=route.api_key,
                request_validator_id=validator.id, request_models={"application/json": model.name},
                opts=t.opts(self))
            integration = aws.apigateway.Integration(
                f"{t.key}-route-{route.path}-lambda", rest_api=self.api.id, resource_id=resource.id, http_method=method.http_method,
                type="AWS_PROXY", integration_http_method="POST", timeout_milliseconds=29000,
                uri=pulumi.Output.concat(f"arn:aws:apigateway:{t.region}:lambda:path/2015-03-31/functions/", args.function_arn,
                                         "/invocations"),
                opts=t.opts(self))
            aws.lambda_.Permission(
                f"{t.key}-route-{route.path}-invoke", action="lambda:InvokeFunction", function=args.function_name,
                principal="apigateway.amazonaws.com",
                source_arn=pulumi.Output.concat(self.api.execution_arn, f"/*/POST/{route.path}"), opts=t.opts(self))
            route_resources += [method, integration]

        fingerprint = hashlib.sha256(json.dumps([[r.path, r.auth] for r in args.routes] + [REQUEST_SCHEMA]).encode()).hexdigest()
        # API Gateway serves a snapshot: redeploy when routes, validation or the integrated function change.
        deployment = aws.apigateway.Deployment(
            f"{t.key}-inference-deployment", rest_api=self.api.id, triggers={"routes": fingerprint, "function": args.function_arn},
            opts=t.opts(self, depends_on=route_resources))
        self.access_logs = aws.cloudwatch.LogGroup(
            f"{t.key}-inference-access-logs", name=f"/aws/apigateway/{self.api_name}/access", kms_key_id=args.logs_key_arn,
            retention_in_days=args.log_retention_days, opts=stateful)
        self.stage = aws.apigateway.Stage(
            f"{t.key}-inference-stage", rest_api=self.api.id, deployment=deployment.id, stage_name=STAGE,
            xray_tracing_enabled=True,
            access_log_settings={"destination_arn": self.access_logs.arn, "format": ACCESS_LOG_FORMAT},
            opts=t.opts(self, depends_on=[account_settings]))
        aws.apigateway.MethodSettings(
            f"{t.key}-inference-method-settings", rest_api=self.api.id, stage_name=self.stage.stage_name, method_path="*/*",
            settings={"logging_level": "INFO", "metrics_enabled": True, "data_trace_enabled": False,
                      "throttling_rate_limit": args.rate_limit, "throttling_burst_limit": args.burst_limit},
            opts=t.opts(self, depends_on=[account_settings]))

        self.api_key_id: pulumi.Output[str] | None = None
        if any(r.api_key for r in args.routes):
            self._usage_plan(t, args)
        self._web_acl(t, args)

        self.api_id = self.api.id
        self.stage_name = self.stage.stage_name
        self.invoke_url = self.stage.invoke_url
        self.route_urls = {r.path: pulumi.Output.concat(self.stage.invoke_url, "/", r.path) for r in args.routes}
        self.register_outputs({
            "apiId": self.api_id, "apiName": self.api_name, "stageName": self.stage_name, "invokeUrl": self.invoke_url,
            "routeUrls": self.route_urls, "webAclArn": self.web_acl.arn, "webAclName": self.web_acl.name,
            "accessLogGroup": self.access_logs.name, "wafLogGroup": self.waf_logs.name,
            "userPoolId": self.user_pool_id, "tokenUrl": self.token_url, "apiKeyId": self.api_key_id,
        })

    def _cloudwatch_role(self, t: Target) -> aws.apigateway.Account:
        """API Gateway writes execution logs through one role per account x region (an account setting)."""
        role = aws.iam.Role(
            f"{t.key}-apigateway-cloudwatch", assume_role_policy=iam.service_trust("apigateway.amazonaws.com", t.account_id),
            description="API Gateway execution and access logging", max_session_duration=3600, opts=t.opts(self))
        # The account setting validates the role by writing to a log group of its own choosing (not only
        # API-Gateway-Execution-Logs_*), and access logs go to /aws/apigateway/...: a narrower inline policy
        # makes UpdateAccount fail. AWS's documented policy for this role is the managed one.
        policy = aws.iam.RolePolicyAttachment(
            f"{t.key}-apigateway-cloudwatch", role=role.name, policy_arn=APIGATEWAY_CLOUDWATCH_POLICY, opts=t.opts(self))
        return aws.apigateway.Account(f"{t.key}-apigateway-account", cloudwatch_role_arn=role.arn,
                                      opts=t.opts(self, depends_on=[policy]))

    def _cognito(self, t: Target, args: InferenceLayerArgs) -> tuple[aws.apigateway.Authorizer, list[pulumi.Output[str]]]:
        """OAuth access tokens (client credentials) from a user pool; admins create clients, nobody signs up."""
        pool = aws.cognito.UserPool(
            f"{t.key}-inference-users", name=self.api_name, mfa_configuration="ON",
            software_token_mfa_configuration={"enabled": True},
            admin_create_user_config={"allow_admin_create_user_only": True},
            password_policy={"minimum_length": 14, "require_lowercase": True, "require_uppercase": True, "require_numbers": True,
                             "require_symbols": True, "temporary_password_validity_days": 1},
            deletion_protection="ACTIVE" if args.protect else "INACTIVE",
            opts=t.stateful(self, args.protect))
        server = aws.cognito.ResourceServer(
            f"{t.key}-inference-resource-server", user_pool_id=pool.id, identifier=self.api_name, name=self.api_name,
            scopes=[{"scope_name": "invoke", "scope_description": "call the prediction routes"}], opts=t.opts(self))
        scope = pulumi.Output.concat(server.identifier, "/invoke")
        aws.cognito.UserPoolClient(
            f"{t.key}-inference-client", user_pool_id=pool.id, name=f"{self.api_name}-client", generate_secret=True,
            allowed_oauth_flows=["client_credentials"], allowed_oauth_flows_user_pool_client=True, allowed_oauth_scopes=[scope],
            supported_identity_providers=["COGNITO"], access_token_validity=60,
            token_validity_units={"access_token": "minutes"}, prevent_user_existence_errors="ENABLED", enable_token_revocation=True,
            opts=t.opts(self))
        domain = aws.cognito.UserPoolDomain(
            f"{t.key}-inference-auth-domain", user_pool_id=pool.id,
            domain=fit(f"{args.org}-{t.account_id}-{t.region}-inference", "generic").lower(), opts=t.opts(self))
        authorizer = aws.apigateway.Authorizer(
            f"{t.key}-inference-cognito", rest_api=self.api.id, name="cognito", type="COGNITO_USER_POOLS",
            provider_arns=[pool.arn], identity_source="method.request.header.Authorization", opts=t.opts(self))
        self.user_pool_id = pool.id
        self.token_url = pulumi.Output.concat("https://", domain.domain, f".auth.{t.region}.amazoncognito.com/oauth2/token")
        return authorizer, [scope]

    def _usage_plan(self, t: Target, args: InferenceLayerArgs) -> None:
        plan = aws.apigateway.UsagePlan(
            f"{t.key}-inference-usage-plan", name=f"{self.api_name}-clients",
            api_stages=[{"api_id": self.api.id, "stage": self.stage.stage_name}],
            throttle_settings={"rate_limit": args.rate_limit, "burst_limit": args.burst_limit},
            quota_settings={"limit": args.quota_per_day, "period": "DAY"}, opts=t.opts(self))
        # The key's value is generated by AWS and never leaves it through this program (read it with the CLI).
        key = aws.apigateway.ApiKey(f"{t.key}-inference-api-key", name=f"{self.api_name}-default", enabled=True, opts=t.opts(self))
        aws.apigateway.UsagePlanKey(f"{t.key}-inference-api-key-plan", key_id=key.id, key_type="API_KEY", usage_plan_id=plan.id,
                                    opts=t.opts(self))
        self.api_key_id = key.id

    def _web_acl(self, t: Target, args: InferenceLayerArgs) -> None:
        self.web_acl = aws.wafv2.WebAcl(
            f"{t.key}-inference-waf", name=self.api_name, scope="REGIONAL", description="Inference API protection",
            default_action={"allow": {}}, rules=waf_rules(args.waf_rate_limit), visibility_config=visibility(self.api_name),
            opts=t.opts(self))
        # WAF only delivers to log groups whose name starts with "aws-waf-logs-".
        self.waf_logs = aws.cloudwatch.LogGroup(
            f"{t.key}-inference-waf-logs", name=f"aws-waf-logs-{self.api_name}", kms_key_id=args.logs_key_arn,
            retention_in_days=args.log_retention_days, opts=t.stateful(self, args.protect))
        aws.wafv2.WebAclLoggingConfiguration(
            f"{t.key}-inference-waf-logging", resource_arn=self.web_acl.arn, log_destination_configs=[self.waf_logs.arn],
            redacted_fields=[{"single_header": {"name": "authorization"}}, {"single_header": {"name": "x-api-key"}}],
            opts=t.opts(self))
        aws.wafv2.WebAclAssociation(
            f"{t.key}-inference-waf-stage", resource_arn=self.stage.arn, web_acl_arn=self.web_acl.arn, opts=t.opts(self))
