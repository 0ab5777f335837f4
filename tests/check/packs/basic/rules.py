"""The fixture pack's policies, importable without serving them (tests call them directly too)."""

from __future__ import annotations

import pulumi
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
ENCRYPTION = ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
              "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
TAGGABLE = (*BUCKETS, "aws:lambda/function:Function", "aws:ec2/vpc:Vpc", "aws:ec2/securityGroup:SecurityGroup")


def _required_tags(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in TAGGABLE:
        return
    tags = args.props.get("tags") or {}
    missing = [t for t in (args.get_config() or {}).get("tags", ["owner"]) if t not in tags]
    if missing:
        report(f"missing tags: {', '.join(missing)}")


def _add_required_tags(args: ResourceValidationArgs):
    """Remediation: the missing required tags, added with a placeholder owner (run only at level remediate)."""
    if args.resource_type not in TAGGABLE:
        return None
    tags = dict(args.props.get("tags") or {})
    missing = [t for t in (args.get_config() or {}).get("tags", ["owner"]) if t not in tags]
    return {**args.props, "tags": {**tags, **{t: "unassigned" for t in missing}}} if missing else None


def _cannot_close_ingress(_args: ResourceValidationArgs):
    """Remediation that finds nothing it may change: the violation stands (and counts as mandatory)."""
    return None


def _buckets_encrypted(args: StackValidationArgs, report: ReportViolation) -> None:
    encrypted = {r.props.get("bucket") for r in args.resources if r.resource_type in ENCRYPTION}
    for r in args.resources:
        if r.resource_type in BUCKETS and r.props.get("bucket") not in encrypted:
            report(f"bucket {r.name} has no server-side encryption configuration", r.urn)


def _no_public_ingress(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != "aws:ec2/securityGroup:SecurityGroup":
        return
    for rule in args.props.get("ingress") or []:
        if "0.0.0.0/0" in (rule.get("cidrBlocks") or []):
            report(f"ingress on port {rule.get('fromPort')} is open to the internet")


def _prod_buckets_protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    # Stack-aware: reads the stack the engine passes in PULUMI_STACK.
    if pulumi.get_stack() == "prod" and args.resource_type in BUCKETS and not args.opts.protect:
        report("production buckets must set protect=True")


POLICIES = [
    ResourceValidationPolicy(
        name="required-tags", description="Taggable resources carry the required tags.", validate=_required_tags,
        remediate=_add_required_tags, enforcement_level=EnforcementLevel.MANDATORY, severity=Severity.MEDIUM,
        config_schema=PolicyConfigSchema(properties={"tags": {"type": "array", "items": {"type": "string"}, "default": ["owner"]}}),
        remediation_steps="Add the missing keys to the resource's tags.", url="https://example.com/policies/required-tags"),
    StackValidationPolicy(
        name="s3-encrypted", description="Every S3 bucket has a server-side encryption configuration.",
        validate=_buckets_encrypted, enforcement_level=EnforcementLevel.MANDATORY, severity=Severity.HIGH,
        remediation_steps="Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket (SSE-KMS)."),
    ResourceValidationPolicy(
        name="no-public-ingress", description="Security groups do not allow ingress from 0.0.0.0/0.",
        validate=_no_public_ingress, remediate=_cannot_close_ingress, enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW),
    ResourceValidationPolicy(
        name="prod-buckets-protected", description="Buckets of the prod stack are protected from deletion.",
        validate=_prod_buckets_protected, enforcement_level=EnforcementLevel.MANDATORY, severity=Severity.CRITICAL),
]
