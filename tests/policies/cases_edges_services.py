"""Pass/violate cases for mutation-testing survivors (bench/mutation.py) in the services rules: alternative
spellings, each provider's property names, each branch. Same shape as ``cases.CASES``; type tokens and property
names are written out, never taken from the rules."""

from __future__ import annotations

import json

from tests.policies.cases import KEY, PROD_ENV, Case, bad, ok
from tests.policies.harness import UNKNOWN, R, provider

KMS_OPEN = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]})
OPEN_PULL = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "Pull", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]})
NATIVE_ACL = R("aws-native:wafv2:WebAcl", "acl", {"scope": "REGIONAL", "defaultAction": {"block": {}}})


def waf_rule(action: dict) -> dict:
    return {"name": "r", "priority": 1, "action": action, "statement": {"ipSetReferenceStatement": {"arn": "arn:ip"}},
            "visibilityConfig": {"cloudwatchMetricsEnabled": True, "metricName": "r", "sampledRequestsEnabled": True}}


SCP = "aws:organizations/policy:Policy"
NATIVE_SCP = "aws-native:organizations:Policy"


def scp_of_length(n: int) -> str:
    """A compact SCP document of exactly ``n`` characters (padded in a condition value)."""
    def doc(pad: str) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "DenyOutsideTeam", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": pad}}}]}, separators=(",", ":"))
    text = doc("x" * (n - len(doc(""))))
    assert len(text) == n
    return text


TRAIL = "aws:cloudtrail/trail:Trail"
NATIVE_TRAIL = "aws-native:cloudtrail:Trail"
STAGE_ARN = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/v1"
NATIVE_STAGE = R("aws-native:apigateway:Stage", "v1", {"stageName": "v1", "restApiId": UNKNOWN, "deploymentId": UNKNOWN})
ACL_ARN = "arn:aws:wafv2:us-east-1:333333333333:regional/webacl/api/1234"
LOG_GROUP_ARN = "arn:aws:logs:us-east-1:333333333333:log-group:api"

EDGES: list[Case] = [
    # ---- API Gateway access logs: the aws-native REST stage names its block accessLogSetting (singular) -----------
    ok("aws-apigateway-stage-enable-access-logs", "native-rest", R("aws-native:apigateway:Stage", "s", {
        "stageName": "v1", "accessLogSetting": {"destinationArn": LOG_GROUP_ARN, "format": "$context.requestId"}})),
    bad("aws-apigateway-stage-enable-access-logs", "native-rest-none", R("aws-native:apigateway:Stage", "s", {"stageName": "v1"}),
        "accessLogSetting.destinationArn is not set"),
    ok("aws-apigateway-stage-enable-access-logs", "http-stage", R("aws:apigatewayv2/stage:Stage", "s", {
        "apiId": UNKNOWN, "name": "$default", "accessLogSettings": {"destinationArn": LOG_GROUP_ARN, "format": "$context.requestId"}})),
    bad("aws-apigateway-stage-enable-access-logs", "http-stage-none", R("aws:apigatewayv2/stage:Stage", "s", {"apiId": UNKNOWN, "name": "$default"}),
        "accessLogSettings.destinationArn is not set"),
    ok("aws-apigateway-stage-enable-access-logs", "native-http-stage", R("aws-native:apigatewayv2:Stage", "s", {
        "apiId": UNKNOWN, "stageName": "$default", "accessLogSettings": {"destinationArn": LOG_GROUP_ARN, "format": "$context.requestId"}})),
    # ---- API Gateway REST: aws-native stages and methods, joins on known ARNs, lower-case OPTIONS ----------------------
    ok("aws-apigateway-stage-require-waf", "native-associated", [NATIVE_STAGE, R("aws-native:wafv2:WebAclAssociation", "waf", {
        "resourceArn": UNKNOWN, "webAclArn": UNKNOWN}, property_dependencies={"resourceArn": [NATIVE_STAGE]})]),
    bad("aws-apigateway-stage-require-waf", "native-bare", [NATIVE_STAGE], "has no WAFv2 web ACL association"),
    ok("aws-apigateway-stage-require-waf", "associated-by-known-arn", [
        R("aws:apigateway/stage:Stage", "v1", {"stageName": "v1", "arn": STAGE_ARN}),
        R("aws:wafv2/webAclAssociation:WebAclAssociation", "waf", {"resourceArn": STAGE_ARN, "webAclArn": "arn:aws:wafv2:acl"})]),
    bad("aws-apigateway-stage-require-waf", "association-of-another-stage", [
        R("aws:apigateway/stage:Stage", "v1", {"stageName": "v1", "arn": STAGE_ARN}),
        R("aws:wafv2/webAclAssociation:WebAclAssociation", "waf", {"resourceArn": STAGE_ARN + "-other", "webAclArn": "arn:aws:wafv2:acl"})],
        "has no WAFv2 web ACL association"),
    ok("aws-apigateway-method-require-authorization", "native-iam", R("aws-native:apigateway:Method", "m", {
        "httpMethod": "GET", "authorizationType": "AWS_IAM"})),
    bad("aws-apigateway-method-require-authorization", "aws-open", R("aws:apigateway/method:Method", "m", {
        "httpMethod": "GET", "authorization": "NONE"}), "authorization is NONE and no API key either"),
    bad("aws-apigateway-method-require-authorization", "aws-unset", R("aws:apigateway/method:Method", "m", {"httpMethod": "GET"}),
        "authorization is NONE and no API key either"),
    bad("aws-apigateway-method-require-authorization", "native-api-key-alone", R("aws-native:apigateway:Method", "m", {
        "httpMethod": "GET", "authorizationType": "NONE", "apiKeyRequired": True}),
        "authorization is NONE: an API key alone is not authorization (keys are for usage plans)"),
    # (the rule's description also says "an API key alone is not authorization": the fragment must reach the message)
    bad("aws-apigateway-method-require-authorization", "aws-api-key-alone", R("aws:apigateway/method:Method", "m", {
        "httpMethod": "POST", "authorization": "NONE", "apiKeyRequired": True}), "authorization is NONE: an API key alone"),
    ok("aws-apigateway-method-require-authorization", "cors-preflight-lower-case", R("aws:apigateway/method:Method", "m", {
        "httpMethod": "options", "authorization": "NONE"})),
    # ---- API Gateway v2: the aws-native API and route ---------------------------------------------------------------
    bad("aws-apigatewayv2-api-deny-quick-create", "native-quick-create", R("aws-native:apigatewayv2:Api", "qc", {
        "protocolType": "HTTP", "target": "arn:aws:lambda:us-east-1:333333333333:function:fn"}), "quick-create HTTP API"),
    ok("aws-apigatewayv2-api-deny-quick-create", "native-explicit-routes", R("aws-native:apigatewayv2:Api", "http", {"protocolType": "HTTP"})),
    bad("aws-apigatewayv2-route-require-authorization", "native-open-route", R("aws-native:apigatewayv2:Route", "r", {
        "apiId": "a1b2c3", "routeKey": "GET /items"}), "route 'GET /items' has authorization type NONE"),
    ok("aws-apigatewayv2-route-require-authorization", "native-jwt-route", R("aws-native:apigatewayv2:Route", "r", {
        "apiId": "a1b2c3", "routeKey": "GET /items", "authorizationType": "JWT", "authorizerId": "auth1"})),
    # ---- Backup vault lock: only an aws-native vault can carry its own lockConfiguration ----------------------------
    ok("aws-backup-vault-require-lock", "native-lock-configuration", R("aws-native:backup:BackupVault", "v", {
        "backupVaultName": "v", "encryptionKeyArn": KEY, "lockConfiguration": {"minRetentionDays": 7}}), env=PROD_ENV),
    bad("aws-backup-vault-require-lock", "native-unlocked-prod", R("aws-native:backup:BackupVault", "v", {
        "backupVaultName": "v", "encryptionKeyArn": KEY}), "has no vault lock", env=PROD_ENV),
    ok("aws-backup-vault-require-lock", "lock-names-the-vault", [R("aws:backup/vault:Vault", "v", {"name": "vault-a", "kmsKeyArn": KEY}),
        R("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "lock", {"backupVaultName": "vault-a", "minRetentionDays": 7})],
        env=PROD_ENV),
    ok("aws-backup-vault-require-lock", "lock-names-the-vault-id", [R("aws:backup/vault:Vault", "v", {"id": "vault-b", "kmsKeyArn": KEY}),
        R("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "lock", {"backupVaultName": "vault-b", "minRetentionDays": 7})],
        env=PROD_ENV),
    ok("aws-backup-vault-require-lock", "lock-names-the-native-vault", [R("aws-native:backup:BackupVault", "v", {
        "backupVaultName": "vault-c", "encryptionKeyArn": KEY}),
        R("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "lock", {"backupVaultName": "vault-c", "minRetentionDays": 7})],
        env=PROD_ENV),
    bad("aws-backup-vault-require-lock", "lock-names-another-vault", [R("aws:backup/vault:Vault", "v", {"name": "vault-a", "kmsKeyArn": KEY}),
        R("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "lock", {"backupVaultName": "vault-z", "minRetentionDays": 7})],
        "has no vault lock", env=PROD_ENV),
    # ---- Default providers: aws-native and awsx resources count as AWS resources too ---------------------------------
    bad("aws-stack-resource-deny-default-provider", "awsx-default", [R("awsx:ec2:Vpc", "net", {"cidrBlock": "10.1.0.0/16"},
        provider=provider("default_2_21_0", package="awsx"))], "uses the default awsx provider"),
    bad("aws-stack-resource-deny-default-provider", "native-default", [R("aws-native:s3:Bucket", "b",
        provider=provider("default_1_30_0", package="aws-native"))], "uses the default aws-native provider"),
    ok("aws-stack-resource-deny-default-provider", "other-package-default", [R("random:index/randomPet:RandomPet", "pet",
        provider=provider("default_4_16_0", package="random"))]),
    # ---- CodeBuild / CodePipeline: secondary artifacts, aws-native shapes and names -----------------------------------
    bad("aws-codebuild-project-enforce-kms", "secondary-artifact-disabled", R("aws:codebuild/project:Project", "cb", {
        "encryptionKey": KEY, "artifacts": {"type": "NO_ARTIFACTS"},
        "secondaryArtifacts": [{"type": "S3", "artifactIdentifier": "out", "encryptionDisabled": True}]}), "artifact #1 sets encryptionDisabled"),
    ok("aws-codebuild-project-enforce-kms", "native-key", R("aws-native:codebuild:Project", "cb", {
        "encryptionKey": KEY, "artifacts": {"type": "S3", "location": "b"}, "secondaryArtifacts": [{"type": "S3", "location": "b2"}]})),
    bad("aws-codebuild-project-enforce-kms", "native-no-key", R("aws-native:codebuild:Project", "cb", {
        "artifacts": {"type": "NO_ARTIFACTS"}}), "encryptionKey is not set"),
    ok("aws-codepipeline-pipeline-enforce-kms", "native-store-key", R("aws-native:codepipeline:Pipeline", "cp", {
        "artifactStore": {"location": "b", "type": "S3", "encryptionKey": {"id": KEY, "type": "KMS"}}})),
    bad("aws-codepipeline-pipeline-enforce-kms", "native-store-default-key", R("aws-native:codepipeline:Pipeline", "cp", {
        "artifactStore": {"location": "b", "type": "S3"}}), "artifact store #0 encryptionKey.id is not set"),
    bad("aws-codepipeline-pipeline-enforce-kms", "native-regional-store-default-key", R("aws-native:codepipeline:Pipeline", "cp", {
        "artifactStores": [{"region": "us-east-1", "artifactStore": {"location": "b", "type": "S3", "encryptionKey": {"id": KEY, "type": "KMS"}}},
                           {"region": "us-west-2", "artifactStore": {"location": "b2", "type": "S3"}}]}),
        "artifact store #1 encryptionKey.id is not set"),
    ok("aws-codepipeline-pipeline-enforce-kms", "native-regional-stores-key", R("aws-native:codepipeline:Pipeline", "cp", {
        "artifactStores": [{"region": "us-east-1", "artifactStore": {"location": "b", "type": "S3", "encryptionKey": {"id": KEY, "type": "KMS"}}}]})),
    ok("aws-codebuild-project-deny-privileged-mode", "native-image-build", R("aws-native:codebuild:Project", "cb", {
        "environment": {"privilegedMode": True}, "source": {"type": "NO_SOURCE", "buildSpec": "phases:\n  build:\n    commands:\n      - podman build ."}})),
    bad("aws-codebuild-project-deny-privileged-mode", "aws-buildspec-named-as-native", R("aws:codebuild/project:Project", "cb", {
        "environment": {"privilegedMode": True}, "source": {"type": "NO_SOURCE", "buildSpec": "phases:\n  build:\n    commands:\n      - docker build ."}}),
        "builds no container image"),
    ok("aws-codebuild-project-deny-privileged-mode", "buildx", R("aws:codebuild/project:Project", "cb", {
        "environment": {"privilegedMode": True}, "source": {"type": "NO_SOURCE", "buildspec": "phases:\n  build:\n    commands:\n      - docker  buildx build ."}})),
    ok("aws-codebuild-project-deny-privileged-mode", "buildah", R("aws:codebuild/project:Project", "cb", {
        "environment": {"privilegedMode": True}, "source": {"type": "NO_SOURCE", "buildspec": "phases:\n  build:\n    commands:\n      - buildah bud -t app ."}})),
    bad("aws-codebuild-project-deny-privileged-mode", "no-buildspec", R("aws:codebuild/project:Project", "cb", {
        "environment": {"privilegedMode": True}, "source": {"type": "CODECOMMIT", "location": "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/r"}}),
        "builds no container image"),
    # ---- ECR: the aws-native repository's names ------------------------------------------------------------------------
    ok("aws-ecr-repository-enforce-kms", "native-kms", R("aws-native:ecr:Repository", "r", {
        "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": KEY}})),
    bad("aws-ecr-repository-enforce-kms", "native-kms-without-key", R("aws-native:ecr:Repository", "r", {
        "encryptionConfiguration": {"encryptionType": "KMS"}}), "encryptionConfiguration.kmsKey is not set"),
    bad("aws-ecr-repository-enforce-kms", "aws-block-named-as-native", R("aws:ecr/repository:Repository", "r", {
        "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": KEY}}), "encryptionConfigurations.encryptionType is 'AES256'"),
    ok("aws-ecr-repository-enable-scan-on-push", "native-on", R("aws-native:ecr:Repository", "r", {"imageScanningConfiguration": {"scanOnPush": True}})),
    bad("aws-ecr-repository-enable-scan-on-push", "native-off", R("aws-native:ecr:Repository", "r", {
        "imageScanningConfiguration": {"scanOnPush": False}}), "imageScanningConfiguration.scanOnPush is not true"),
    ok("aws-ecr-repository-enforce-immutable-tags", "immutable-with-exclusion", R("aws:ecr/repository:Repository", "r", {
        "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION", "imageTagMutabilityExclusionFilters": [{"filter": "latest*", "filterType": "WILDCARD"}]})),
    ok("aws-ecr-repository-enforce-immutable-tags", "native-immutable", R("aws-native:ecr:Repository", "r", {"imageTagMutability": "IMMUTABLE"})),
    bad("aws-ecr-repository-enforce-immutable-tags", "native-mutable", R("aws-native:ecr:Repository", "r", {"imageTagMutability": "MUTABLE"}),
        "imageTagMutability is 'MUTABLE'"),
    bad("aws-ecr-repositorypolicy-deny-public", "native-open", R("aws-native:ecr:Repository", "r", {
        "repositoryPolicyText": json.loads(OPEN_PULL)}), "allows Principal '*'"),
    ok("aws-ecr-repositorypolicy-deny-public", "native-no-policy", R("aws-native:ecr:Repository", "r", {"imageTagMutability": "IMMUTABLE"})),
    # ---- Lambda: aws-native functions, permissions and URLs; each narrowing condition ---------------------------------
    ok("aws-lambda-function-enforce-kms", "native-key", R("aws-native:lambda:Function", "fn", {
        "environment": {"variables": {"A": "1"}}, "kmsKeyArn": KEY})),
    bad("aws-lambda-function-enforce-kms", "native-variables-no-key", R("aws-native:lambda:Function", "fn", {
        "environment": {"variables": {"A": "1"}}}), "kmsKeyArn is not set"),
    ok("aws-lambda-function-require-vpc", "aws-vpc", R("aws:lambda/function:Function", "fn", {
        "vpcConfig": {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}})),
    bad("aws-lambda-function-require-vpc", "native-no-vpc", R("aws-native:lambda:Function", "fn", {"role": "r"}), "vpcConfig.subnetIds is not set"),
    ok("aws-lambda-permission-deny-public", "star-with-source-arn", R("aws:lambda/permission:Permission", "p", {
        "action": "lambda:InvokeFunction", "function": "fn", "principal": "*", "sourceArn": "arn:aws:s3:::uploads"})),
    ok("aws-lambda-permission-deny-public", "star-with-source-account", R("aws:lambda/permission:Permission", "p", {
        "action": "lambda:InvokeFunction", "function": "fn", "principal": "*", "sourceAccount": "333333333333"})),
    ok("aws-lambda-permission-deny-public", "star-with-source-arn-unknown", R("aws:lambda/permission:Permission", "p", {
        "action": "lambda:InvokeFunction", "function": "fn", "principal": "*", "sourceArn": UNKNOWN})),
    bad("aws-lambda-permission-deny-public", "native-star", R("aws-native:lambda:Permission", "p", {
        "action": "lambda:InvokeFunction", "functionName": "fn", "principal": "*"}), "anyone can invoke"),
    ok("aws-lambda-permission-deny-public", "native-star-with-org", R("aws-native:lambda:Permission", "p", {
        "action": "lambda:InvokeFunction", "functionName": "fn", "principal": "*", "principalOrgId": "o-abc123"})),
    bad("aws-lambda-functionurl-require-iam-auth", "aws-none", R("aws:lambda/functionUrl:FunctionUrl", "u", {
        "functionName": "fn", "authorizationType": "NONE"}), "authorization type is 'NONE'"),
    ok("aws-lambda-functionurl-require-iam-auth", "native-iam", R("aws-native:lambda:Url", "u", {"targetFunctionArn": "fn", "authType": "AWS_IAM"})),
    # ---- CloudWatch Logs: aws-native log groups, retention 0 (never expires) and the minimum's boundary ---------------
    ok("aws-cloudwatch-loggroup-enforce-kms", "native-key", R("aws-native:logs:LogGroup", "lg", {"kmsKeyId": KEY})),
    ok("aws-cloudwatch-loggroup-enforce-retention", "zero-never-expires", R("aws:cloudwatch/logGroup:LogGroup", "lg", {"retentionInDays": 0})),
    bad("aws-cloudwatch-loggroup-enforce-retention", "one-day", R("aws:cloudwatch/logGroup:LogGroup", "lg", {"retentionInDays": 1}),
        "retentionInDays is 1; keep logs at least 90 days"),
    ok("aws-cloudwatch-loggroup-enforce-retention", "at-minimum", R("aws:cloudwatch/logGroup:LogGroup", "lg", {"retentionInDays": 90})),
    bad("aws-cloudwatch-loggroup-enforce-retention", "native-month", R("aws-native:logs:LogGroup", "lg", {"retentionInDays": 30}),
        "retentionInDays is 30"),
    # ---- WAFv2: every acting action, rules and ruleJson together, aws-native ACLs and logging ------------------------
    ok("aws-wafv2-webacl-require-blocking-rules", "captcha-rule", R("aws:wafv2/webAcl:WebAcl", "acl", {
        "defaultAction": {"allow": {}}, "rules": [waf_rule({"captcha": {}})]})),
    ok("aws-wafv2-webacl-require-blocking-rules", "challenge-rule", R("aws:wafv2/webAcl:WebAcl", "acl", {
        "defaultAction": {"allow": {}}, "rules": [waf_rule({"challenge": {}})]})),
    bad("aws-wafv2-webacl-require-blocking-rules", "count-action-rule", R("aws:wafv2/webAcl:WebAcl", "acl", {
        "defaultAction": {"allow": {}}, "rules": [waf_rule({"count": {}})]}), "no rule blocks"),
    ok("aws-wafv2-webacl-require-blocking-rules", "count-rule-and-rule-json-captcha", R("aws:wafv2/webAcl:WebAcl", "acl", {
        "defaultAction": {"allow": {}}, "rules": [waf_rule({"count": {}})], "ruleJson": json.dumps([{
            "Name": "bots", "Priority": 2, "Action": {"Captcha": {}}, "Statement": {"IPSetReferenceStatement": {"ARN": "arn:ip"}}}])})),
    bad("aws-wafv2-webacl-require-blocking-rules", "rule-json-count-only", R("aws:wafv2/webAcl:WebAcl", "acl", {
        "defaultAction": {"allow": {}}, "ruleJson": json.dumps([{
            "Name": "common", "Priority": 1, "OverrideAction": {"Count": {}},
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}}}])}), "no rule blocks"),
    ok("aws-wafv2-webacl-require-blocking-rules", "rule-json-managed-group-own-actions", R("aws:wafv2/webAcl:WebAcl", "acl", {
        "defaultAction": {"allow": {}}, "ruleJson": json.dumps([{
            "Name": "common", "Priority": 1, "OverrideAction": {"None": {}},
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}}}])})),
    bad("aws-wafv2-webacl-require-blocking-rules", "rule-json-not-json", R("aws:wafv2/webAcl:WebAcl", "acl", {
        "defaultAction": {"allow": {}}, "ruleJson": "Block everything"}), "default action allows and no rule blocks"),
    bad("aws-wafv2-webacl-require-blocking-rules", "rule-json-empty", R("aws:wafv2/webAcl:WebAcl", "acl", {
        "defaultAction": {"allow": {}}, "ruleJson": "[]"}), "has no rules"),
    ok("aws-wafv2-webacl-require-blocking-rules", "native-default-block", R("aws-native:wafv2:WebAcl", "acl", {
        "scope": "REGIONAL", "defaultAction": {"block": {}}, "visibilityConfig": {}})),
    ok("aws-wafv2-webacl-enable-logging", "native-logged", [NATIVE_ACL, R("aws-native:wafv2:LoggingConfiguration", "log", {
        "resourceArn": UNKNOWN, "logDestinationConfigs": [UNKNOWN]}, property_dependencies={"resourceArn": [NATIVE_ACL]})]),
    bad("aws-wafv2-webacl-enable-logging", "native-unlogged", [NATIVE_ACL], "has no logging configuration"),
    ok("aws-wafv2-webacl-enable-logging", "logged-by-known-arn", [
        R("aws:wafv2/webAcl:WebAcl", "acl", {"scope": "REGIONAL", "defaultAction": {"block": {}}, "arn": ACL_ARN}),
        R("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "log", {
            "resourceArn": ACL_ARN, "logDestinationConfigs": ["arn:aws:logs:us-east-1:333333333333:log-group:aws-waf-logs-api"]})]),
    # ---- CloudTrail: aws-native's log group property; organization-trail defaults ------------------------------------
    ok("aws-cloudtrail-trail-require-cloudwatch-delivery", "native-on", R(NATIVE_TRAIL, "ct", {
        "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:1:log-group:trail:*", "cloudWatchLogsRoleArn": "arn:aws:iam::1:role/ct"})),
    bad("aws-cloudtrail-trail-require-cloudwatch-delivery", "aws-with-native-name", R(TRAIL, "ct", {
        "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:1:log-group:trail:*", "cloudWatchLogsRoleArn": "arn:aws:iam::1:role/ct"}),
        "cloudWatchLogsGroupArn not set"),
    ok("aws-cloudtrail-trail-organization-require-hardening", "global-events-by-default", R(TRAIL, "org", {
        "isOrganizationTrail": True, "isMultiRegionTrail": True, "enableLogFileValidation": True, "kmsKeyId": KEY})),
    bad("aws-cloudtrail-trail-organization-require-hardening", "no-global-events", R(TRAIL, "org", {
        "isOrganizationTrail": True, "isMultiRegionTrail": True, "includeGlobalServiceEvents": False, "enableLogFileValidation": True,
        "kmsKeyId": KEY}), "organization trail: includeGlobalServiceEvents is not true"),
    bad("aws-cloudtrail-trail-organization-require-hardening", "native-defaults", R(NATIVE_TRAIL, "org", {
        "isOrganizationTrail": True, "isLogging": True, "s3BucketName": "trail"}), "organization trail: isMultiRegionTrail is not true"),
    bad("aws-cloudtrail-trail-organization-require-hardening", "native-defaults-validation", R(NATIVE_TRAIL, "org", {
        "isOrganizationTrail": True, "isLogging": True, "s3BucketName": "trail"}), "organization trail: enableLogFileValidation is not true"),
    bad("aws-cloudtrail-trail-organization-require-hardening", "no-key", R(TRAIL, "org", {
        "isOrganizationTrail": True, "isMultiRegionTrail": True, "enableLogFileValidation": True}), "organization trail: kmsKeyId is not set"),
    # ---- KMS: each key type and provider spelling ---------------------------------------------------------------------
    ok("aws-kms-key-enable-rotation", "rsa-encrypt-cannot-rotate", R("aws:kms/key:Key", "k", {"customerMasterKeySpec": "RSA_2048"})),
    ok("aws-kms-key-enable-rotation", "native-rsa-cannot-rotate", R("aws-native:kms:Key", "k", {"keySpec": "RSA_2048"})),
    bad("aws-kms-key-enable-rotation", "native-symmetric-spec-named-as-terraform", R("aws-native:kms:Key", "k", {
        "customerMasterKeySpec": "RSA_2048"}), "enableKeyRotation is not true"),
    ok("aws-kms-key-enable-rotation", "mac-usage-not-judged", R("aws:kms/key:Key", "k", {"keyUsage": "GENERATE_VERIFY_MAC"})),
    bad("aws-kms-key-enable-rotation", "aws-off", R("aws:kms/key:Key", "k", {"enableKeyRotation": False}), "enableKeyRotation is not true"),
    ok("aws-kms-key-enable-rotation", "native-on", R("aws-native:kms:Key", "k", {"enableKeyRotation": True})),
    bad("aws-kms-key-enforce-deletion-window", "dev-five", R("aws:kms/key:Key", "k", {"deletionWindowInDays": 5}),
        "deletion window is 5 days; this stack requires at least 7"),
    bad("aws-kms-key-enforce-deletion-window", "replica-prod-seven", R("aws:kms/replicaKey:ReplicaKey", "k", {
        "primaryKeyArn": KEY, "deletionWindowInDays": 7}), "deletion window is 7 days; production requires at least 30", env=PROD_ENV),
    bad("aws-kms-key-enforce-deletion-window", "native-replica-prod-seven", R("aws-native:kms:ReplicaKey", "k", {
        "primaryKeyId": KEY, "keyPolicy": {}, "pendingWindowInDays": 7}), "deletion window is 7 days", env=PROD_ENV),
    bad("aws-kms-key-enforce-deletion-window", "native-window-named-as-terraform", R("aws-native:kms:Key", "k", {
        "deletionWindowInDays": 30, "pendingWindowInDays": 7}), "deletion window is 7 days", env=PROD_ENV),
    # KMS's longest pending window is 30 days: a minimum above it can never be met, and is refused as config.
    bad("aws-kms-key-enforce-deletion-window", "minimum-above-the-kms-maximum", R("aws:kms/key:Key", "k", {}),
        "'minDeletionWindowDaysProduction' must be at most 30, got 31", config={"minDeletionWindowDaysProduction": 31}, env=PROD_ENV),
    bad("aws-kms-key-deny-lockout-bypass", "replica", R("aws:kms/replicaKey:ReplicaKey", "k", {
        "primaryKeyArn": KEY, "bypassPolicyLockoutSafetyCheck": True}), "bypassPolicyLockoutSafetyCheck is true"),
    bad("aws-kms-key-deny-lockout-bypass", "native", R("aws-native:kms:Key", "k", {"bypassPolicyLockoutSafetyCheck": True}),
        "bypassPolicyLockoutSafetyCheck is true"),
    bad("aws-kms-key-deny-lockout-bypass", "native-replica", R("aws-native:kms:ReplicaKey", "k", {
        "primaryKeyId": KEY, "bypassPolicyLockoutSafetyCheck": True}), "bypassPolicyLockoutSafetyCheck is true"),
    bad("aws-kms-keypolicy-deny-public", "key-open", R("aws:kms/key:Key", "k", {"policy": KMS_OPEN}), "allows Principal '*'"),
    bad("aws-kms-keypolicy-deny-public", "replica-open", R("aws:kms/replicaKey:ReplicaKey", "k", {"primaryKeyArn": KEY, "policy": KMS_OPEN}),
        "allows Principal '*'"),
    bad("aws-kms-keypolicy-deny-public", "native-open", R("aws-native:kms:Key", "k", {"keyPolicy": json.loads(KMS_OPEN)}),
        "allows Principal '*'"),
    bad("aws-kms-keypolicy-deny-public", "native-replica-open", R("aws-native:kms:ReplicaKey", "k", {
        "primaryKeyId": KEY, "keyPolicy": json.loads(KMS_OPEN)}), "allows Principal '*'"),
    ok("aws-kms-keypolicy-deny-public", "native-default-policy", R("aws-native:kms:Key", "k", {"enableKeyRotation": True})),
    # ---- Organizations: the SCP size limit at its boundary, as JSON text and as an aws-native object -----------------
    ok("aws-organizations-scp-enforce-size-limit", "text-at-limit", R(SCP, "scp", {"content": scp_of_length(5120)})),
    bad("aws-organizations-scp-enforce-size-limit", "text-over-limit", R(SCP, "scp", {"content": scp_of_length(5121)}),
        "content is 5121 characters; AWS accepts at most 5120"),
    ok("aws-organizations-scp-enforce-size-limit", "native-at-limit", R(NATIVE_SCP, "scp", {
        "type": "SERVICE_CONTROL_POLICY", "name": "x", "content": json.loads(scp_of_length(5120))})),
    bad("aws-organizations-scp-enforce-size-limit", "native-over-limit", R(NATIVE_SCP, "scp", {
        "type": "SERVICE_CONTROL_POLICY", "name": "x", "content": json.loads(scp_of_length(5121))}), "content is 5121 characters"),
    ok("aws-organizations-scp-deny-allow-statement", "resource-control-policy-is-not-an-scp", R(SCP, "rcp", {
        "type": "RESOURCE_CONTROL_POLICY", "content": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})})),
    ok("aws-organizations-scp-deny-unconditional-lockout", "native-resource-control-policy-is-not-an-scp", R(NATIVE_SCP, "rcp", {
        "type": "RESOURCE_CONTROL_POLICY", "name": "x", "content": {"Version": "2012-10-17", "Statement": [
            {"Sid": "Stop", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}})),
    ok("aws-organizations-scp-deny-unconditional-lockout", "deny-all-actions-on-one-resource", R(SCP, "scp", {"content": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "KeepTrail", "Effect": "Deny", "Action": "*",
                                                 "Resource": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}]})})),
    ok("aws-organizations-scp-deny-unconditional-lockout", "allow-everything-is-no-deny", R(SCP, "scp", {"content": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "FullAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]})})),
    # ---- Tagging: AWS's length limits at their boundaries, an empty key, the reserved prefix in any case -------------
    ok("aws-tagging-resource-enforce-length-limits", "at-limits", R("aws:s3/bucket:Bucket", "b", {"tags": {"k" * 128: "v" * 256}})),
    ok("aws-tagging-resource-enforce-length-limits", "one-character-key", R("aws:s3/bucket:Bucket", "b", {"tags": {"k": "v"}})),
    bad("aws-tagging-resource-enforce-length-limits", "key-over-limit", R("aws:s3/bucket:Bucket", "b", {"tags": {"k" * 129: "v"}}),
        "tag key '" + "k" * 40 + "'... is 129 characters; the limit is 128"),
    ok("aws-tagging-resource-enforce-allowed-values", "untagged-is-not-judged-here", R("aws:s3/bucket:Bucket", "b", {})),
    bad("aws-tagging-resource-enforce-length-limits", "empty-key", R("aws:s3/bucket:Bucket", "b", {"tags": {"": "v"}}),
        "is 0 characters; the limit is 128"),
    bad("aws-tagging-resource-enforce-length-limits", "value-over-limit", R("aws:s3/bucket:Bucket", "b", {"tags": {"note": "v" * 257}}),
        "tag 'note' value is 257 characters; the limit is 256"),
    bad("aws-tagging-resource-enforce-length-limits", "reserved-prefix-upper-case", R("aws:s3/bucket:Bucket", "b", {
        "tags": {"AWS:owner": "me"}}), "tag key 'AWS:owner' uses the reserved 'aws:' prefix"),
]
