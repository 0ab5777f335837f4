"""KMS keys: rotation, deletion window and the key-policy lockout safety check."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import public_policy_problems
from crossguard_aws.context import RuleContext
from crossguard_aws.knobs import PRODUCTION_KNOBS
from crossguard_aws.model import checkov, cis, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import truthy

KEYS = ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws-native:kms:Key", "aws-native:kms:ReplicaKey")


@resource_rule(
    id="aws-kms-key-enable-rotation", pack="encryption", types=("aws:kms/key:Key", "aws-native:kms:Key"),
    severity=Severity.MEDIUM,
    description="Symmetric customer-managed KMS keys must rotate automatically.",
    remediation="Set enable_key_rotation=True (optionally rotation_period_in_days).",
    controls=(*fsbp("KMS.4"), *cis("3.6")), tags=("kms",),
)
def kms_rotation(res: Res, ctx: RuleContext) -> Iterator[str]:
    spec = res.get("customerMasterKeySpec" if res.package == "aws" else "keySpec", "SYMMETRIC_DEFAULT")
    usage = res.get("keyUsage", "ENCRYPT_DECRYPT")
    if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT":
        return  # AWS rotates only symmetric encryption keys
    if not truthy(res.get("enableKeyRotation", False)):
        yield "enableKeyRotation is not true."


@resource_rule(
    id="aws-kms-key-enforce-deletion-window", pack="encryption", types=KEYS, severity=Severity.MEDIUM,
    description="KMS keys must wait at least the configured number of days before deletion (longer in production).",
    remediation="Set deletion_window_in_days (aws-native: pending_window_in_days) to at least the minimum: policy config "
                "minDeletionWindowDaysProduction (default 30) in production, minDeletionWindowDays (default 7) elsewhere.",
    tags=("kms", "recoverability"), knobs=("minDeletionWindowDays", "minDeletionWindowDaysProduction", *PRODUCTION_KNOBS),
)
def kms_deletion_window(res: Res, ctx: RuleContext) -> Iterator[str]:
    days = res.get("deletionWindowInDays" if res.package == "aws" else "pendingWindowInDays", 30)  # AWS default: 30
    minimum = ctx["minDeletionWindowDaysProduction"] if ctx.production else ctx["minDeletionWindowDays"]
    if int(days) < minimum:
        where = "production" if ctx.production else "this stack"
        yield f"deletion window is {int(days)} days; {where} requires at least {minimum} ({ctx.production_reason})."


@resource_rule(
    id="aws-kms-key-deny-lockout-bypass", pack="encryption", types=(*KEYS, "aws:kms/keyPolicy:KeyPolicy"), severity=Severity.HIGH,
    description="KMS keys must not bypass the key policy lockout safety check.",
    remediation="Remove bypass_policy_lockout_safety_check (leave it false) and make sure the key policy keeps an admin principal.",
    tags=("kms",),
)
def kms_lockout(res: Res, ctx: RuleContext) -> Iterator[str]:
    if truthy(res.get("bypassPolicyLockoutSafetyCheck", False)):
        yield "bypassPolicyLockoutSafetyCheck is true; a bad key policy could make the key unmanageable."


KEY_POLICIES = ("aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy", "aws:kms/replicaKey:ReplicaKey", "aws-native:kms:Key",
                "aws-native:kms:ReplicaKey")


@resource_rule(
    id="aws-kms-keypolicy-deny-public", pack="encryption", types=KEY_POLICIES, severity=Severity.CRITICAL,
    description="KMS key policies must not grant everyone ('*') without a condition that scopes the caller.",
    remediation="Grant the account root or named roles; when '*' is needed, add kms:CallerAccount, aws:PrincipalOrgID "
                "or aws:SourceAccount conditions.",
    controls=(*fsbp("KMS.5"), *checkov("CKV_AWS_33")), tags=("kms", "public-access"),
)
def kms_key_policy_public(res: Res, ctx: RuleContext) -> Iterator[str]:
    # No policy at all means the default key policy, which trusts the account only.
    yield from public_policy_problems(res.get("policy", res.get("keyPolicy")))
