"""API Gateway in front of the Fargate model service: the SageMaker path's protections, reaching the NLB privately.

Why a REST API with a VPC link to an NLB (and not an HTTP API with an ALB): WAF web ACLs attach to REST API
stages, not to HTTP APIs, and API keys with usage plans exist only on REST APIs; a REST API's private
integration goes through a VPC link to a Network Load Balancer. So this front door keeps exactly what the
SageMaker path has (``components/inference.py``):

* the same routes with the same authentication per route: IAM (SigV4); Cognito access tokens from the
  *same* user pool and ``<api>/invoke`` scope, so callers use one token for both paths; the *same* API key,
  added to this API's own usage plan with the same throttling and quota;
* the *same* WAF web ACL, associated with this stage too;
* request validation with the same body schema, stage throttling, access logs to a KMS-encrypted log group,
  execution logs without bodies, X-Ray tracing.

Each route proxies ``POST /<route>`` to ``https://<hostname>/invocations`` on the NLB's TLS listener; API
Gateway verifies the certificate against ``hostname``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.inference import ACCESS_LOG_FORMAT, AUTHORIZATION, REQUEST_SCHEMA, STAGE, Route
from components.naming import fit
from components.providers import Target


@dataclass
class ContainerApiArgs:
    target: Target
    org: str
    load_balancer_arn: pulumi.Input[str]
    hostname: str
    routes: Sequence[Route]
    web_acl_arn: pulumi.Input[str]
    rate_limit: float
    burst_limit: int
    quota_per_day: int
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    protect: bool
    # The SageMaker path's user pool and scope (cognito routes) and API key (metered routes, apiKey: true).
    user_pool_id: pulumi.Input[str] | None = None
    cognito_scope: str | None = None
    api_key_id: pulumi.Input[str] | None = None
    # The SageMaker path's stage: created after the account's API Gateway CloudWatch role (owned by that layer),
    # which execution logs need. Naming it in this stage's description orders this stage after it.
    after_stage_name: pulumi.Input[str] = ""


class ContainerApi(pulumi.ComponentResource):
    def __init__(self, name: str, args: ContainerApiArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:compute:ContainerApi", name, None, opts)
        t = args.target
        self.api_name = fit(f"{args.org}-{t.key}-containers", "generic")
        auths = {r.auth for r in args.routes}

        self.vpc_link = aws.apigateway.VpcLink(
            f"{name}-vpc-link", name=self.api_name, target_arn=args.load_balancer_arn,
            description="Private path to the model service's internal NLB", opts=t.opts(self))
        self.api = aws.apigateway.RestApi(
            f"{name}-api", name=self.api_name, description="Model predictions from the Fargate service (WAF, validated, authenticated)",
            endpoint_configuration={"types": "REGIONAL"}, api_key_source="HEADER", opts=t.opts(self))
        validator = aws.apigateway.RequestValidator(
            f"{name}-validator", rest_api=self.api.id, name="body-and-parameters", validate_request_body=True,
            validate_request_parameters=True, opts=t.opts(self))
        model = aws.apigateway.Model(
            f"{name}-request-model", rest_api=self.api.id, name="PredictRequest", content_type="application/json",
            schema=json.dumps(REQUEST_SCHEMA), opts=t.opts(self))
        authorizer = None
        if "cognito" in auths:
            if args.user_pool_id is None or args.cognito_scope is None:
                raise ValueError("cognito routes need the SageMaker path's user pool and scope")
            pool_arn = pulumi.Output.concat(f"arn:aws:cognito-idp:{t.region}:{t.account_id}:userpool/", args.user_pool_id)
            authorizer = aws.apigateway.Authorizer(
                f"{name}-cognito", rest_api=self.api.id, name="cognito", type="COGNITO_USER_POOLS", provider_arns=[pool_arn],
                identity_source="method.request.header.Authorization", opts=t.opts(self))

        parts: list[pulumi.Resource] = []
        for route in args.routes:
            resource = aws.apigateway.Resource(
                f"{name}-route-{route.path}", rest_api=self.api.id, parent_id=self.api.root_resource_id, path_part=route.path,
                opts=t.opts(self))
            method = aws.apigateway.Method(
                f"{name}-route-{route.path}-post", rest_api=self.api.id, resource_id=resource.id, http_method="POST",
                authorization=AUTHORIZATION[route.auth], authorizer_id=authorizer.id if route.auth == "cognito" and authorizer else None,
                authorization_scopes=[args.cognito_scope] if route.auth == "cognito" else None,
                api_key_required=route.api_key, request_validator_id=validator.id,
                request_models={"application/json": model.name}, opts=t.opts(self))
            integration = aws.apigateway.Integration(
                f"{name}-route-{route.path}-service", rest_api=self.api.id, resource_id=resource.id, http_method=method.http_method,
                type="HTTP_PROXY", integration_http_method="POST", uri=f"https://{args.hostname}/invocations",
                connection_type="VPC_LINK", connection_id=self.vpc_link.id, timeout_milliseconds=29000,
                tls_config={"insecure_skip_verification": False}, opts=t.opts(self))
            parts += [method, integration]

        fingerprint = hashlib.sha256(json.dumps([[r.path, r.auth, r.api_key] for r in args.routes] + [REQUEST_SCHEMA, args.hostname]).encode())
        deployment = aws.apigateway.Deployment(
            f"{name}-deployment", rest_api=self.api.id, triggers={"routes": fingerprint.hexdigest()},
            opts=t.opts(self, depends_on=parts))
        self.access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access-logs", name=f"/aws/apigateway/{self.api_name}/access", kms_key_id=args.logs_key_arn,
            retention_in_days=args.log_retention_days, opts=t.stateful(self, args.protect))
        self.stage = aws.apigateway.Stage(
            f"{name}-stage", rest_api=self.api.id, deployment=deployment.id, stage_name=STAGE, xray_tracing_enabled=True,
            description=pulumi.Output.concat("Fargate model service; same protections as the SageMaker path's stage ",
                                             args.after_stage_name),
            access_log_settings={"destination_arn": self.access_logs.arn, "format": ACCESS_LOG_FORMAT},
            opts=t.opts(self))
        aws.apigateway.MethodSettings(
            f"{name}-method-settings", rest_api=self.api.id, stage_name=self.stage.stage_name, method_path="*/*",
            settings={"logging_level": "INFO", "metrics_enabled": True, "data_trace_enabled": False,
                      "throttling_rate_limit": args.rate_limit, "throttling_burst_limit": args.burst_limit},
            opts=t.opts(self))
        aws.wafv2.WebAclAssociation(f"{name}-waf", resource_arn=self.stage.arn, web_acl_arn=args.web_acl_arn, opts=t.opts(self))
        if any(r.api_key for r in args.routes):
            if args.api_key_id is None:
                raise ValueError("metered routes (apiKey: true) need the SageMaker path's API key")
            plan = aws.apigateway.UsagePlan(
                f"{name}-usage-plan", name=f"{self.api_name}-clients", api_stages=[{"api_id": self.api.id, "stage": self.stage.stage_name}],
                throttle_settings={"rate_limit": args.rate_limit, "burst_limit": args.burst_limit},
                quota_settings={"limit": args.quota_per_day, "period": "DAY"}, opts=t.opts(self))
            aws.apigateway.UsagePlanKey(f"{name}-api-key-plan", key_id=args.api_key_id, key_type="API_KEY", usage_plan_id=plan.id,
                                        opts=t.opts(self))

        self.stage_name = self.stage.stage_name
        self.invoke_url = self.stage.invoke_url
        self.route_urls = {r.path: pulumi.Output.concat(self.stage.invoke_url, "/", r.path) for r in args.routes}
        self.register_outputs({"apiName": self.api_name, "invokeUrl": self.invoke_url, "routeUrls": self.route_urls})
