"""Pass/violate cases for mutation-testing survivors (bench/mutation.py) in the services rules: alternative
spellings, each provider's property names, each branch. Same shape as ``cases.CASES``; type tokens and property
names are written out, never taken from the rules."""

from __future__ import annotations

from tests.policies.cases import KEY, PROD_ENV, Case, bad, ok
from tests.policies.harness import R

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
]
