"""AWS's rules for the physical names the platform builds, written out from the AWS API references.

The tests check names against these, not against ``components.naming`` (whose own table they would otherwise
mirror: a limit loosened there would loosen the test with it). Each rule is a full-match regular expression,
length included.
"""

from __future__ import annotations

import re

AWS_NAME_RULES = {
    # S3 bucket: 3-63 characters; lowercase letters, numbers, '.' and '-'; begins and ends with a letter or number.
    # Reserved: prefixes xn--, sthree-, amzn-s3-demo-; suffixes -s3alias, --ol-s3, .mrap, --x-s3, --table-s3. No two
    # adjacent periods, and not formatted as an IP address (S3 User Guide, "General purpose bucket naming rules").
    "s3": (r"(?=.{3,63}$)(?!xn--|sthree-|amzn-s3-demo-)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)"
           r"[a-z0-9][a-z0-9.-]*[a-z0-9](?<!-s3alias)(?<!--ol-s3)(?<!\.mrap)(?<!--x-s3)(?<!--table-s3)"),
    # IAM role name: 1-64 characters; letters, numbers and +=,.@_-
    "iam": r"[A-Za-z0-9_+=,.@-]{1,64}",
    # KMS alias: 'alias/' then letters, numbers, '/', '_' and '-'; at most 256 characters in all.
    "kms-alias": r"(?=.{7,256}$)alias/[a-zA-Z0-9/_-]+",
    # CloudWatch Logs log group: 1-512 characters; letters, numbers, '_', '-', '/', '.' and '#'.
    "log-group": r"[A-Za-z0-9_\-/.#]{1,512}",
    # CloudTrail trail: 3-128 characters; letters, numbers, '.', '_' and '-'; begins and ends with a letter or number.
    "trail": r"(?=.{3,128}$)[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9]",
    # Lambda function name (the name form, not an ARN): 1-64 characters; letters, numbers, '-' and '_'.
    "lambda": r"[a-zA-Z0-9_-]{1,64}",
    # Load balancer and target group: 1-32 characters; letters, numbers and '-', not beginning or ending with '-'.
    "elb": r"(?=.{1,32}$)[a-zA-Z0-9](-*[a-zA-Z0-9])*",
    # API Gateway REST API: AWS documents no character rule; the platform's own conservative one (1-64, letters,
    # numbers and '-', beginning with a letter or number).
    "generic": r"[a-zA-Z0-9][a-zA-Z0-9-]{0,63}",
}


def meets_aws_rule(name: str, kind: str) -> bool:
    return re.fullmatch(AWS_NAME_RULES[kind], name) is not None
