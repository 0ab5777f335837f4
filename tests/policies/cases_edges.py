"""Pass/violate cases for the alternative spellings and paths that mutation testing (bench/mutation.py) found
unguarded: every resource type a rule reads, each provider's property names, each branch. Same shape as
``cases.CASES``; type tokens and property names are written out, never taken from the rules."""

from __future__ import annotations

import json

from tests.policies.cases import KEY, Case, bad, iam_doc, ok
from tests.policies.harness import UNKNOWN, R

ADMIN = iam_doc("*")
PASSROLE = iam_doc("iam:PassRole")


def _iam_documents() -> list[Case]:
    """Every IAM resource that carries a policy document, in each provider's spelling."""
    cases = []
    for token, field in (("aws:iam/policy:Policy", "policy"), ("aws:iam/rolePolicy:RolePolicy", "policy"),
                         ("aws:iam/userPolicy:UserPolicy", "policy"), ("aws:iam/groupPolicy:GroupPolicy", "policy"),
                         ("aws-native:iam:ManagedPolicy", "policyDocument"), ("aws-native:iam:RolePolicy", "policyDocument"),
                         ("aws-native:iam:UserPolicy", "policyDocument"), ("aws-native:iam:GroupPolicy", "policyDocument")):
        short = token.rsplit(":", 1)[1]
        document = ADMIN if token.startswith("aws:") else json.loads(ADMIN)  # aws-native takes the document as an object
        cases.append(bad("aws-iam-policy-deny-admin-wildcard", f"{token.split(':')[0]}-{short}", R(token, "p", {field: document}),
                         f"{field} statement 'S1' allows Action '*'"))
        cases.append(bad("aws-iam-policy-deny-passrole-wildcard", f"{token.split(':')[0]}-{short}",
                         R(token, "p", {field: PASSROLE if token.startswith("aws:") else json.loads(PASSROLE)}),
                         f"{field} statement 'S1' allows iam:PassRole"))
    cases += [
        bad("aws-iam-policy-deny-passrole-wildcard", "role-inline", R("aws:iam/role:Role", "r", {
            "assumeRolePolicy": "{}", "inlinePolicies": [{"name": "ok", "policy": iam_doc("s3:GetObject")},
                                                        {"name": "pass", "policy": PASSROLE}]}), "inlinePolicies[1] statement 'S1'"),
        bad("aws-iam-policy-deny-admin-wildcard", "native-role-inline", R("aws-native:iam:Role", "r", {
            "assumeRolePolicyDocument": {}, "policies": [{"policyName": "admin", "policyDocument": json.loads(ADMIN)}]}),
            "policies[0] statement 'S1'"),
        ok("aws-iam-policy-deny-admin-wildcard", "native-role-scoped", R("aws-native:iam:Role", "r", {
            "assumeRolePolicyDocument": {}, "policies": [{"policyName": "read", "policyDocument": json.loads(iam_doc("s3:GetObject"))}]})),
        ok("aws-iam-policy-deny-admin-wildcard", "no-document", R("aws:iam/rolePolicy:RolePolicy", "p", {"role": "r"})),
    ]
    return cases


FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
NATIVE_FIREHOSE = "aws-native:kinesisfirehose:DeliveryStream"

EDGES: list[Case] = [
    *_iam_documents(),
    # ---- Kinesis Data Streams: each provider's property names -----------------------------------------------
    bad("aws-kinesis-stream-enforce-kms", "aws-managed-key", R("aws:kinesis/stream:Stream", "s", {
        "encryptionType": "KMS", "kmsKeyId": "alias/aws/kinesis"}), "kmsKeyId"),
    ok("aws-kinesis-stream-enforce-kms", "native-cmk", R("aws-native:kinesis:Stream", "s", {
        "streamEncryption": {"encryptionType": "KMS", "keyId": KEY}})),
    bad("aws-kinesis-stream-enforce-kms", "native-none", R("aws-native:kinesis:Stream", "s", {"shardCount": 1}),
        "streamEncryption.encryptionType is 'NONE'"),
    bad("aws-kinesis-stream-enforce-kms", "native-empty-key", R("aws-native:kinesis:Stream", "s", {
        "streamEncryption": {"encryptionType": "KMS", "keyId": ""}}), "streamEncryption.keyId"),
    # ---- Firehose: sources that encrypt for it, per provider; the native encryption block ----------------------
    ok("aws-firehose-deliverystream-enforce-kms", "msk-source", R(FIREHOSE, "f", {
        "destination": "extended_s3", "mskSourceConfiguration": {"mskClusterArn": UNKNOWN}})),
    bad("aws-firehose-deliverystream-enforce-kms", "native-kinesis-source-named-as-terraform", R(NATIVE_FIREHOSE, "f", {
        "kinesisSourceConfiguration": {"kinesisStreamArn": "arn:aws:kinesis:us-east-1:1:stream/s"}}),
        "deliveryStreamEncryptionConfigurationInput is not set"),
    ok("aws-firehose-deliverystream-enforce-kms", "native-kinesis-source", R(NATIVE_FIREHOSE, "f", {
        "kinesisStreamSourceConfiguration": {"kinesisStreamArn": "arn:aws:kinesis:us-east-1:1:stream/s", "roleArn": "r"}})),
    ok("aws-firehose-deliverystream-enforce-kms", "native-msk-source", R(NATIVE_FIREHOSE, "f", {
        "mskSourceConfiguration": {"mskClusterArn": "arn:aws:kafka:us-east-1:1:cluster/c/1"}})),
    bad("aws-firehose-deliverystream-enforce-kms", "native-no-encryption", R(NATIVE_FIREHOSE, "f", {"deliveryStreamType": "DirectPut"}),
        "deliveryStreamEncryptionConfigurationInput is not set"),
    bad("aws-firehose-deliverystream-enforce-kms", "native-aws-owned", R(NATIVE_FIREHOSE, "f", {
        "deliveryStreamEncryptionConfigurationInput": {"keyType": "AWS_OWNED_CMK"}}),
        "deliveryStreamEncryptionConfigurationInput.keyType is 'AWS_OWNED_CMK'"),
    ok("aws-firehose-deliverystream-enforce-kms", "native-cmk", R(NATIVE_FIREHOSE, "f", {
        "deliveryStreamEncryptionConfigurationInput": {"keyType": "CUSTOMER_MANAGED_CMK", "keyArn": KEY}})),
    bad("aws-firehose-deliverystream-enforce-kms", "cmk-without-key", R(FIREHOSE, "f", {
        "destination": "extended_s3", "serverSideEncryption": {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK"}}),
        "serverSideEncryption.keyArn"),
]
