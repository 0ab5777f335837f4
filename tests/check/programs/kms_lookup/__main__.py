"""A third-party style program that looks its key up instead of naming it: the topic's key is then a plain key ARN."""

import pulumi
import pulumi_aws as aws

alias = pulumi.Config().require("alias")
# Which lookups run: each one alone must be enough for the gate to recognise an AWS-managed key.
lookups = (pulumi.Config().get("lookups") or "alias key").split()
tags = {"owner": "team", "cost-center": "cc-1", "environment": "dev", "data-classification": "internal"}

if "alias" in lookups:
    by_alias = aws.kms.get_alias(name=alias)
    aws.sns.Topic("by-alias", kms_master_key_id=by_alias.target_key_arn, tags=tags)

if "key" in lookups:
    by_key = aws.kms.get_key_output(key_id=alias)
    aws.sns.Topic("by-key", kms_master_key_id=by_key.arn, tags=tags)

# A key the policy config declares AWS-managed (awsManagedKeys), named as a plain ARN.
declared = pulumi.Config().get("declaredKey")
if declared:
    aws.sns.Topic("declared", kms_master_key_id=declared, tags=tags)
