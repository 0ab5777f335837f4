"""Inference layer: the REST API, its authentication, logging and throttling, and its web ACL, from the records."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest

from components.inference import waf_rules
from config import ConfigError, validate
from platformctl.offline.project import load_stack_config
from platformctl.offline.records import ResourceRecord, Snapshot
from tests.conftest import ROOT

AUTHORIZATION = {"iam": "AWS_IAM", "cognito": "COGNITO_USER_POOLS", "none": "NONE"}
# The AWS managed rule groups the web ACL runs, in priority order (names as the AWS WAF Developer Guide's
# "AWS Managed Rules rule groups list" spells them). Written out: a group dropped from the code must fail here.
WAF_MANAGED_RULE_GROUPS = [
    "AWSManagedRulesCommonRuleSet",  # baseline: OWASP-style protections, size limits, bad bots
    "AWSManagedRulesKnownBadInputsRuleSet",  # Log4j/Java deserialization and other known-exploit patterns
    "AWSManagedRulesAmazonIpReputationList",  # Amazon threat intelligence: IPs known for bots and reconnaissance
    "AWSManagedRulesSQLiRuleSet",  # SQL injection in query string, body, URI, cookies
]


def knobs(snap: Snapshot) -> dict[str, Any]:
    return snap.config["aiplatform:knobs"]


def deps(snap: Snapshot, record: ResourceRecord, prop: str, type_: str | None = None) -> list[ResourceRecord]:
    return [snap.by_urn[u] for u in record.property_dependencies.get(prop, []) if type_ is None or snap.by_urn[u].type == type_]


LAYER = "aiplatform:inference:InferenceLayer"


def only(snap: Snapshot, type_: str) -> ResourceRecord:
    """The one record of ``type_`` this layer registered."""
    (record,) = [r for r in snap.of_type(type_) if snap.layer_of(r) == LAYER]
    return record


def mine(snap: Snapshot, type_: str) -> list[ResourceRecord]:
    return [r for r in snap.of_type(type_) if snap.layer_of(r) == LAYER]


def routes(snap: Snapshot) -> dict[str, str]:
    return {r["path"]: r["auth"] for r in knobs(snap)["api"]["routes"]}


def metered(snap: Snapshot) -> dict[str, bool]:
    """Routes whose config asks for an API key (usage plan), on top of their authentication."""
    return {r["path"]: bool(r.get("apiKey")) for r in knobs(snap)["api"]["routes"]}


def method_for(snap: Snapshot, path: str) -> ResourceRecord:
    (resource,) = [r for r in mine(snap, "aws:apigateway/resource:Resource") if r.inputs["pathPart"] == path]
    (method,) = [m for m in mine(snap, "aws:apigateway/method:Method") if resource.urn in m.property_dependencies["resourceId"]]
    return method


def test_every_configured_route_exists_with_its_authentication(workload):
    methods = mine(workload, "aws:apigateway/method:Method")
    assert len(methods) == len(routes(workload)) >= 3
    for path, auth in routes(workload).items():
        method = method_for(workload, path)
        assert method.inputs["httpMethod"] == "POST"
        assert method.inputs["authorization"] == AUTHORIZATION[auth]
        assert bool(method.inputs.get("apiKeyRequired")) is metered(workload)[path]


def test_no_method_without_authorization(workload):
    """An API key is not authentication (AWS: usage plans): only IAM or Cognito counts."""
    for method in mine(workload, "aws:apigateway/method:Method"):
        assert method.inputs["authorization"] in ("AWS_IAM", "COGNITO_USER_POOLS"), f"{method.name} is open to anyone"
        # An authorizer belongs to Cognito routes only: API Gateway rejects an authorizer id beside AWS_IAM.
        assert bool(method.inputs.get("authorizerId")) == (method.inputs["authorization"] == "COGNITO_USER_POOLS"), method.name


def test_cognito_routes_need_an_access_token_with_the_invoke_scope(workload):
    authorizer = only(workload, "aws:apigateway/authorizer:Authorizer")
    pool = only(workload, "aws:cognito/userPool:UserPool")
    assert authorizer.inputs["type"] == "COGNITO_USER_POOLS"
    assert deps(workload, authorizer, "providerArns") == [pool]
    client = only(workload, "aws:cognito/userPoolClient:UserPoolClient")
    assert client.inputs["allowedOauthFlows"] == ["client_credentials"] and client.inputs["generateSecret"] is True
    for path, auth in routes(workload).items():
        if auth == "cognito":
            method = method_for(workload, path)
            assert authorizer.urn in method.property_dependencies["authorizerId"]
            assert method.inputs["authorizationScopes"] == client.inputs["allowedOauthScopes"]
    # A client may only be given scopes its resource server defines ("<identifier>/<scope name>"); Cognito refuses others.
    server = only(workload, "aws:cognito/resourceServer:ResourceServer")
    defined = {f"{server.inputs['identifier']}/{scope['scopeName']}" for scope in server.inputs["scopes"]}
    assert client.inputs["allowedOauthScopes"] and set(client.inputs["allowedOauthScopes"]) <= defined
    assert pool.inputs["adminCreateUserConfig"]["allowAdminCreateUserOnly"] is True
    assert pool.inputs["mfaConfiguration"] == "ON"


def test_api_key_routes_have_a_usage_plan_with_quota_and_throttle(workload):
    plan = only(workload, "aws:apigateway/usagePlan:UsagePlan")
    api = knobs(workload)["api"]
    assert plan.inputs["quotaSettings"] == {"limit": api["quotaPerDay"], "period": "DAY"}
    assert plan.inputs["throttleSettings"] == {"rateLimit": api["rateLimit"], "burstLimit": api["burstLimit"]}
    stage = only(workload, "aws:apigateway/stage:Stage")
    assert stage.urn in plan.property_dependencies["apiStages"]
    link = only(workload, "aws:apigateway/usagePlanKey:UsagePlanKey")
    assert deps(workload, link, "usagePlanId") == [plan]
    assert deps(workload, link, "keyId") == [only(workload, "aws:apigateway/apiKey:ApiKey")]


def test_requests_are_validated_against_a_model(workload):
    validator = only(workload, "aws:apigateway/requestValidator:RequestValidator")
    assert validator.inputs["validateRequestBody"] is True
    model = only(workload, "aws:apigateway/model:Model")
    schema = json.loads(model.inputs["schema"])
    assert schema["required"] == ["instances"] and schema["additionalProperties"] is False
    for method in mine(workload, "aws:apigateway/method:Method"):
        assert validator.urn in method.property_dependencies["requestValidatorId"]
        assert method.inputs["requestModels"] == {"application/json": model.inputs["name"]}


def test_routes_invoke_the_inference_lambda_with_a_scoped_permission(workload):
    fn = workload.one("aws:lambda/function:Function", "use1-invoke-endpoint")
    for integration in mine(workload, "aws:apigateway/integration:Integration"):
        assert integration.inputs["type"] == "AWS_PROXY"
        assert fn.urn in integration.property_dependencies["uri"]
    permissions = [p for p in workload.of_type("aws:lambda/permission:Permission")
                   if workload.layer_of(p) == LAYER]
    assert {p.inputs["sourceArn"].rsplit("/POST/", 1)[1] for p in permissions if fn.urn in p.property_dependencies["function"]} == set(
        routes(workload))
    for permission in permissions:
        assert permission.inputs["principal"] == "apigateway.amazonaws.com"
        assert "/*/POST/" in permission.inputs["sourceArn"], "never the whole API"


def test_stage_traces_and_logs_to_an_encrypted_group(workload):
    stage = only(workload, "aws:apigateway/stage:Stage")
    assert stage.inputs["xrayTracingEnabled"] is True
    (group,) = deps(workload, stage, "accessLogSettings", "aws:cloudwatch/logGroup:LogGroup")
    assert deps(workload, group, "kmsKeyId", "aws:kms/key:Key") == [workload.one("aws:kms/key:Key", "use1-logs-key")]
    fields = json.loads(stage.inputs["accessLogSettings"]["format"])
    assert "requestId" in fields and "status" in fields
    # Every field is one $context variable: anything else is logged as literal text, not the request's value.
    assert all(re.fullmatch(r"\$context\.[A-Za-z][A-Za-z0-9_.]*", v) for v in fields.values()), fields
    account = only(workload, "aws:apigateway/account:Account")
    assert account.urn in stage.dependencies, "execution logging needs the account's CloudWatch role first"


def test_execution_logging_without_bodies_and_stage_throttling(workload):
    settings = only(workload, "aws:apigateway/methodSettings:MethodSettings")
    s = settings.inputs["settings"]
    assert settings.inputs["methodPath"] == "*/*"
    assert s["loggingLevel"] == "INFO" and s["metricsEnabled"] is True and s["dataTraceEnabled"] is False
    api = knobs(workload)["api"]
    assert (s["throttlingRateLimit"], s["throttlingBurstLimit"]) == (api["rateLimit"], api["burstLimit"])


def test_account_cloudwatch_role_has_the_documented_managed_policy(workload):
    """UpdateAccount validates the role by writing to a log group of its choosing; AWS documents the managed policy."""
    account = only(workload, "aws:apigateway/account:Account")
    (role,) = deps(workload, account, "cloudwatchRoleArn", "aws:iam/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "apigateway.amazonaws.com"}
    (attachment,) = [a for a in workload.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                     if role.urn in a.property_dependencies.get("role", [])]
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    assert not [p for p in workload.of_type("aws:iam/rolePolicy:RolePolicy") if role.urn in p.property_dependencies.get("role", [])]
    assert attachment.urn in account.dependencies


def test_waf_protects_the_stage(workload):
    acl = only(workload, "aws:wafv2/webAcl:WebAcl")
    stage = only(workload, "aws:apigateway/stage:Stage")
    association = only(workload, "aws:wafv2/webAclAssociation:WebAclAssociation")
    assert acl.inputs["scope"] == "REGIONAL"
    assert deps(workload, association, "resourceArn") == [stage]
    assert deps(workload, association, "webAclArn") == [acl]


def test_waf_rules(workload):
    acl = only(workload, "aws:wafv2/webAcl:WebAcl")
    rules = acl.inputs["rules"]
    managed = {r["statement"]["managedRuleGroupStatement"]["name"] for r in rules if "managedRuleGroupStatement" in r["statement"]}
    assert managed == set(WAF_MANAGED_RULE_GROUPS)
    (rate,) = [r for r in rules if "rateBasedStatement" in r["statement"]]
    assert rate["statement"]["rateBasedStatement"]["limit"] == knobs(workload)["api"]["wafRateLimit"]
    assert rate["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"
    assert "block" in rate["action"]
    assert len({r["priority"] for r in rules}) == len(rules), "WAF requires unique priorities"


def test_waf_logs_to_an_encrypted_aws_waf_logs_group(workload):
    logging = only(workload, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    (group,) = deps(workload, logging, "logDestinationConfigs", "aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["name"].startswith("aws-waf-logs-")
    assert deps(workload, group, "kmsKeyId", "aws:kms/key:Key") == [workload.one("aws:kms/key:Key", "use1-logs-key")]
    redacted = {f["singleHeader"]["name"] for f in logging.inputs["redactedFields"]}
    assert {"authorization", "x-api-key"} <= redacted, "credentials never reach the WAF logs"
    assert deps(workload, logging, "resourceArn") == [only(workload, "aws:wafv2/webAcl:WebAcl")]


def test_invoke_url_is_exported(workload):
    (account,) = workload.outputs["workloads"].values()
    ml = account["us-east-1"]["ml"]
    assert ml["invokeUrl"].startswith("https://") and set(ml["routeUrls"]) == set(routes(workload))


def test_api_key_value_is_never_exported(workload):
    key = only(workload, "aws:apigateway/apiKey:ApiKey")
    assert key.inputs.get("value") is None, "AWS generates the key; the program never sets or sees it"
    assert "apiKeyValue" not in json.dumps(workload.outputs)


@pytest.mark.parametrize("limit", [100, 2000])
def test_waf_rules_units(limit):
    rules = waf_rules(limit)
    assert [r["name"] for r in rules[:-1]] == WAF_MANAGED_RULE_GROUPS
    assert [r["statement"]["managed_rule_group_statement"] for r in rules[:-1]] == [
        {"vendor_name": "AWS", "name": name} for name in WAF_MANAGED_RULE_GROUPS]
    assert rules[-1]["statement"]["rate_based_statement"]["limit"] == limit
    assert all("none" in r["override_action"] for r in rules[:-1]), "managed groups keep their own block actions"


def api_problems(**values) -> dict[str, str]:
    data = {k.split(":", 1)[1]: json.loads(json.dumps(v)) for k, v in load_stack_config(ROOT, "dev").raw.items()
            if k.startswith("aiplatform:")}
    data["knobs"]["api"].update(values)
    with pytest.raises(ConfigError) as info:
        validate(data, "dev", "aiplatform")
    return {p.key: p.fix for p in info.value.problems}


@pytest.mark.parametrize(("values", "key"), [
    ({"routes": [{"path": "predict", "auth": "anonymous"}]}, "knobs.api.routes[0].auth"),
    ({"routes": [{"path": "predict", "auth": "apiKey"}]}, "knobs.api.routes[0].auth"),
    ({"routes": [{"path": "predict", "auth": "iam"}, {"path": "predict", "auth": "apiKey"}]}, "knobs.api.routes[1].path"),
    ({"routes": []}, "knobs.api.routes"),
    ({"routes": [{"path": "Predict/All", "auth": "iam"}]}, "knobs.api.routes[0].path"),
    ({"rateLimit": 100, "burstLimit": 10}, "knobs.api.burstLimit"),
    ({"wafRateLimit": 5}, "knobs.api.wafRateLimit"),
])
def test_bad_api_config_is_named(values, key):
    found = api_problems(**values)
    assert key in found and found[key], found


def test_every_user_pool_client_hides_whether_a_user_exists(snapshots):
    # PreventUserExistenceErrors: ENABLED answers a wrong user like a wrong password; LEGACY (the other value the
    # Cognito API accepts) lets anyone probe which user names exist.
    clients = [r for snap in snapshots.values() for r in snap.resources if r.type == "aws:cognito/userPoolClient:UserPoolClient"]
    assert clients
    for client in clients:
        assert client.inputs["preventUserExistenceErrors"] == "ENABLED", client.urn
        assert client.inputs["enableTokenRevocation"] is True, client.urn


def test_every_api_model_is_a_valid_draft_4_schema_that_accepts_a_prediction(snapshots):
    # API Gateway models are JSON Schema draft 4: an invalid schema fails the deployment, and one that rejects a
    # well-formed request would turn every prediction away.
    models = [r for snap in snapshots.values() for r in snap.resources if r.type == "aws:apigateway/model:Model"]
    assert models
    for model in models:
        assert model.inputs["contentType"] == "application/json"
        schema = json.loads(model.inputs["schema"])
        assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"  # the draft API Gateway models use
        jsonschema.Draft4Validator.check_schema(schema)
        validator = jsonschema.Draft4Validator(schema)
        assert validator.is_valid({"instances": [[1.0, 2.5], [0, -3]]}), model.urn
        assert validator.is_valid({"instances": [[0.5]]}), "a model of one feature gets rows of one number"
        # Rows of numbers only: the invoke Lambda sends each row on as a CSV line of features.
        for bad in ({"instances": []}, {"rows": [[1]]}, {"instances": [1, 2]}, {"instances": [[]]}, {"instances": [["a"]]},
                    {"instances": [[1]], "extra": 1}, {"instances": [[1]] * 101}):
            assert not validator.is_valid(bad), (model.urn, bad)


def test_an_unauthenticated_route_is_an_explicit_none_and_is_warned_about(options_dev):
    # API Gateway's authorizationType is one of NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS: the opt-out must be NONE.
    assert method_for(options_dev, "predict-open").inputs["authorization"] == "NONE"
    assert method_for(options_dev, "predict").inputs["authorization"] == "COGNITO_USER_POOLS"
    assert any("predict-open" in w and "unauthenticated" in w for w in options_dev.warnings)

def test_user_pool_deletion_protection_follows_protection(snapshots):
    # A protected (prod) pool holds the API's client credentials: Cognito's own deletion protection is on exactly
    # where Pulumi's protect is, so dev stays disposable.
    pools = [r for snap in snapshots.values() for r in snap.resources if r.type == "aws:cognito/userPool:UserPool"]
    assert {p.protect for p in pools} == {True, False}
    for pool in pools:
        assert pool.inputs["deletionProtection"] == ("ACTIVE" if pool.protect else "INACTIVE"), pool.urn


def test_every_web_acl_lets_through_what_no_rule_blocks(snapshots):
    # A web ACL's default action is exactly one of allow or block; the API's rules block the bad traffic, so its
    # default must allow (a block default would turn every prediction away).
    acls = [r for snap in snapshots.values() for r in snap.resources if r.type == "aws:wafv2/webAcl:WebAcl"]
    assert acls
    for acl in acls:
        assert list(acl.inputs["defaultAction"]) == ["allow"], acl.urn


# AWS WAF accepts only these evaluation windows for a rate-based rule (AWS WAF Developer Guide, rate-based rule
# high-level settings); the default is 300.
WAF_EVALUATION_WINDOWS = {60, 120, 300, 600}


def test_every_rate_based_rule_uses_an_evaluation_window_waf_accepts(snapshots):
    windows = [rule["statement"]["rateBasedStatement"].get("evaluationWindowSec", 300)
               for snap in snapshots.values() for acl in snap.of_type("aws:wafv2/webAcl:WebAcl")
               for rule in acl.inputs["rules"] if "rateBasedStatement" in rule["statement"]]
    assert windows and set(windows) <= WAF_EVALUATION_WINDOWS, windows


def test_every_web_acl_and_rule_keeps_metrics_and_sampled_requests(snapshots):
    """Sampled requests are the only record of what a rule blocked before logs are searched: on for every rule."""
    acls = [acl for snap in snapshots.values() for acl in snap.of_type("aws:wafv2/webAcl:WebAcl")]
    assert acls
    for acl in acls:
        for config in [acl.inputs["visibilityConfig"], *(r["visibilityConfig"] for r in acl.inputs["rules"])]:
            assert (config["cloudwatchMetricsEnabled"], config["sampledRequestsEnabled"]) == (True, True), acl.urn
            assert config["metricName"]


def test_every_rest_api_is_regional(snapshots):
    """A REGIONAL endpoint is what the REGIONAL web ACL and the VPC's DNS (no execute-api endpoint) assume."""
    apis = [api for snap in snapshots.values() for api in snap.of_type("aws:apigateway/restApi:RestApi")]
    assert apis and all(api.inputs["endpointConfiguration"] == {"types": "REGIONAL"} for api in apis)


def test_cognito_access_tokens_and_temporary_passwords_are_short_lived(snapshots):
    pools = [p for snap in snapshots.values() for p in snap.of_type("aws:cognito/userPool:UserPool")]
    clients = [c for snap in snapshots.values() for c in snap.of_type("aws:cognito/userPoolClient:UserPoolClient")]
    assert pools and clients
    for pool in pools:
        policy = pool.inputs["passwordPolicy"]
        assert policy["temporaryPasswordValidityDays"] == 1, "an unused invitation expires in a day"
        assert policy["minimumLength"] >= 14 and all(policy[k] for k in (
            "requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols")), policy
    for client in clients:
        assert client.inputs["tokenValidityUnits"]["accessToken"] == "minutes"
        assert 5 <= client.inputs["accessTokenValidity"] <= 60, "access tokens live at most an hour (Cognito's minimum is 5 minutes)"


# The access log's fields, by name: a renamed field silently breaks every saved Logs Insights query that reads it.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "caller": "$context.identity.caller",
    "user": "$context.identity.user", "apiKeyId": "$context.identity.apiKeyId",
    "clientId": "$context.authorizer.claims.client_id", "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod", "resourcePath": "$context.resourcePath", "status": "$context.status",
    "protocol": "$context.protocol", "responseLength": "$context.responseLength",
    "integrationLatency": "$context.integrationLatency", "wafResponseCode": "$context.wafResponseCode",
    "xrayTraceId": "$context.xrayTraceId",
}


def test_the_access_log_schema_is_the_documented_one(workload):
    stage = only(workload, "aws:apigateway/stage:Stage")
    assert json.loads(stage.inputs["accessLogSettings"]["format"]) == ACCESS_LOG_FIELDS
