"""Pass/violate cases for mutation-testing survivors (bench/mutation.py) in the services rules: alternative
spellings, each provider's property names, each branch. Same shape as ``cases.CASES``; type tokens and property
names are written out, never taken from the rules."""

from __future__ import annotations

from tests.policies.cases import KEY, PROD_ENV, Case, bad, ok
from tests.policies.harness import R, provider

LOG_GROUP_ARN = "arn:aws:logs:us-east-1:333333333333:log-group:api"

EDGES: list[Case] = [
    # ---- API Gateway access logs: the aws-native REST stage names its block accessLogSetting (singular) -----------
    ok("aws-apigateway-stage-enable-access-logs", "native-rest", R("aws-native:apigateway:Stage", "s", {
        "stageName": "v1", "accessLogSetting": {"destinationArn": LOG_GROUP_ARN, "format": "$context.requestId"}})),
    bad("aws-apigateway-stage-enable-access-logs", "native-rest-none", R("aws-native:apigateway:Stage", "s", {"stageName": "v1"}),
        "accessLogSetting.destinationArn is not set"),
    # ---- Backup vault lock: only an aws-native vault can carry its own lockConfiguration ----------------------------
    ok("aws-backup-vault-require-lock", "native-lock-configuration", R("aws-native:backup:BackupVault", "v", {
        "backupVaultName": "v", "encryptionKeyArn": KEY, "lockConfiguration": {"minRetentionDays": 7}}), env=PROD_ENV),
    bad("aws-backup-vault-require-lock", "native-unlocked-prod", R("aws-native:backup:BackupVault", "v", {
        "backupVaultName": "v", "encryptionKeyArn": KEY}), "has no vault lock", env=PROD_ENV),
    # ---- Default providers: aws-native and awsx resources count as AWS resources too ---------------------------------
    bad("aws-stack-resource-deny-default-provider", "awsx-default", [R("awsx:ec2:Vpc", "net", {"cidrBlock": "10.1.0.0/16"},
        provider=provider("default_2_21_0", package="awsx"))], "uses the default awsx provider"),
    bad("aws-stack-resource-deny-default-provider", "native-default", [R("aws-native:s3:Bucket", "b",
        provider=provider("default_1_30_0", package="aws-native"))], "uses the default aws-native provider"),
    ok("aws-stack-resource-deny-default-provider", "other-package-default", [R("random:index/randomPet:RandomPet", "pet",
        provider=provider("default_4_16_0", package="random"))]),
]
