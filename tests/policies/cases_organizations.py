"""Pass/violate cases of the AWS Organizations (SCP) and organization-trail rules."""

from __future__ import annotations

import json

from tests.policies.cases import KEY, Case, bad, ok
from tests.policies.harness import R

POLICY = "aws:organizations/policy:Policy"
NATIVE_POLICY = "aws-native:organizations:Policy"
TRAIL = "aws:cloudtrail/trail:Trail"


def scp(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, separators=(",", ":"))


LEAVE = {"Sid": "DenyLeave", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
REGIONS = {"Sid": "DenyRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
           "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}}
ALLOW_S3 = {"Sid": "AllowS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}
BIG = {"Sid": "DenyMany", "Effect": "Deny", "Action": [f"ec2:DescribeSomething{i:04d}" for i in range(250)], "Resource": "*"}
ORG_TRAIL = {"isOrganizationTrail": True, "isMultiRegionTrail": True, "includeGlobalServiceEvents": True,
             "enableLogFileValidation": True, "kmsKeyId": KEY}

ORGANIZATION_CASES: list[Case] = [
    ok("aws-organizations-scp-deny-allow-statement", "deny-only", R(POLICY, "scp", {"content": scp(LEAVE, REGIONS)})),
    ok("aws-organizations-scp-deny-allow-statement", "tag-policy-is-not-an-scp",
       R(POLICY, "tags", {"type": "TAG_POLICY", "content": json.dumps({"tags": {}})})),
    bad("aws-organizations-scp-deny-allow-statement", "allow", R(POLICY, "scp", {"content": scp(LEAVE, ALLOW_S3)}),
        "statement 'AllowS3' has Effect Allow"),
    bad("aws-organizations-scp-deny-allow-statement", "native-allow",
        R(NATIVE_POLICY, "scp", {"type": "SERVICE_CONTROL_POLICY", "name": "x", "content": json.loads(scp(ALLOW_S3))}),
        "has Effect Allow"),
    ok("aws-organizations-scp-enforce-size-limit", "small", R(POLICY, "scp", {"content": scp(LEAVE)})),
    bad("aws-organizations-scp-enforce-size-limit", "too-big", R(POLICY, "scp", {"content": scp(BIG)}),
        "AWS accepts at most 5120"),
    ok("aws-organizations-scp-deny-unconditional-lockout", "scoped", R(POLICY, "scp", {"content": scp(REGIONS, LEAVE)})),
    bad("aws-organizations-scp-deny-unconditional-lockout", "deny-all",
        R(POLICY, "scp", {"content": scp({"Sid": "Stop", "Effect": "Deny", "Action": "*", "Resource": "*"})}),
        "statement 'Stop' denies everything with no Condition"),
    bad("aws-organizations-scp-deny-unconditional-lockout", "notaction-without-region",
        R(POLICY, "scp", {"content": scp({**REGIONS, "Condition": {}})}), "'DenyRegions' denies everything"),
    ok("aws-cloudtrail-trail-organization-require-hardening", "hardened", R(TRAIL, "org", ORG_TRAIL)),
    ok("aws-cloudtrail-trail-organization-require-hardening", "account-trail-is-not-judged-here", R(TRAIL, "acct", {})),
    bad("aws-cloudtrail-trail-organization-require-hardening", "no-validation",
        R(TRAIL, "org", {**ORG_TRAIL, "enableLogFileValidation": False}), "organization trail: enableLogFileValidation is not true"),
    bad("aws-cloudtrail-trail-organization-require-hardening", "single-region",
        R(TRAIL, "org", {**ORG_TRAIL, "isMultiRegionTrail": False}), "organization trail: isMultiRegionTrail is not true"),
    bad("aws-cloudtrail-trail-organization-require-hardening", "aws-managed-key",
        R(TRAIL, "org", {**ORG_TRAIL, "kmsKeyId": "alias/aws/cloudtrail"}), "organization trail: kmsKeyId is the AWS-managed key"),
]
