"""AWS Backup for one workload account: a KMS-encrypted vault, a daily plan, a tag-based selection.

Anything tagged ``backup=true`` in the primary region is backed up daily and kept
``knobs.backupRetentionDays``. In prod each recovery point is also copied to a vault
in the DR region (encrypted with that region's backup key), and both vaults carry a
compliance-mode vault lock: once its grace period ends nobody, not even the account
root, can delete a recovery point before its retention ends or shorten the lock.
Failed, aborted and expired backup and copy jobs are reported to the alerts topic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam
from components.conventions import BACKUP_TAG, PLATFORM_ROLE_PATH
from components.naming import fit
from components.providers import Target

DAILY_AT_05_UTC = "cron(0 5 ? * * *)"
# Compliance mode: the lock can still be changed or removed for this many days after it is set (the
# minimum AWS allows), then it is immutable.
LOCK_GRACE_DAYS = 3
# AWS managed policies for the Backup service role: backing up and restoring every supported service,
# plus S3, which has its own pair. Accepted instead of an inline policy because the set of resource types a
# tag selection can pick up is open-ended.
MANAGED_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
)
FAILED_JOB_STATES = ["FAILED", "ABORTED", "EXPIRED"]


@dataclass
class DrCopy:
    """Where prod copies every recovery point: the DR region and its backup key."""

    target: Target
    backup_key_arn: pulumi.Input[str]


@dataclass
class BackupArgs:
    target: Target  # the primary region
    org: str
    backup_key_arn: pulumi.Input[str]
    retention_days: int
    alerts_topic_arn: pulumi.Input[str]
    protect: bool
    dr: DrCopy | None = None
    # Compliance-mode lock with this maximum retention (prod); None leaves the vault unlocked (dev).
    lock_max_retention_days: int | None = None


def vault_name(org: str, t: Target) -> str:
    # Backup vault names: 2-50 letters, digits, '-' and '_'.
    name = fit(f"{org}-{t.key}-vault", "generic")
    if len(name) > 50:
        raise ValueError(f"backup vault name '{name}' is longer than 50 characters; shorten aiplatform:org or the account name")
    return name


class Backup(pulumi.ComponentResource):
    vault_arn: pulumi.Output[str]
    dr_vault_arn: pulumi.Output[str] | None

    def __init__(self, name: str, args: BackupArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:backup:Backup", name, None, opts)
        t = args.target
        self.vault = self._vault(f"{name}-vault", t, args.org, args.backup_key_arn, args)
        self.vault_arn = self.vault.arn
        self.dr_vault_arn = None
        copy_actions = []
        if args.dr is not None:
            dr_vault = self._vault(f"{name}-dr-vault", args.dr.target, args.org, args.dr.backup_key_arn, args)
            self.dr_vault_arn = dr_vault.arn
            copy_actions = [aws.backup.PlanRuleCopyActionArgs(
                destination_vault_arn=dr_vault.arn,
                lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(delete_after=args.retention_days))]

        self.plan = aws.backup.Plan(
            f"{name}-plan",
            name=fit(f"{args.org}-{t.account.name}-daily", "generic"),
            rules=[aws.backup.PlanRuleArgs(
                rule_name="daily",
                target_vault_name=self.vault.name,
                schedule=DAILY_AT_05_UTC,
                start_window=60,
                completion_window=8 * 60,
                lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=args.retention_days),
                copy_actions=copy_actions,
                recovery_point_tags={"backup-plan": "platform-daily"},
            )],
            opts=t.opts(self))

        role = aws.iam.Role(
            f"{name}-role", path=PLATFORM_ROLE_PATH,  # the lake's perimeter admits platform roles by path
            assume_role_policy=iam.service_trust("backup.amazonaws.com", t.account_id),
            description="AWS Backup: back up and restore resources tagged backup=true", opts=t.opts(self))
        attachments = [
            aws.iam.RolePolicyAttachment(f"{name}-role-{arn.rsplit('/', 1)[1]}", role=role.name, policy_arn=arn, opts=t.opts(self))
            for arn in MANAGED_POLICIES
        ]
        key, value = BACKUP_TAG
        self.selection = aws.backup.Selection(
            f"{name}-selection", name=f"tagged-{key}-{value}", plan_id=self.plan.id, iam_role_arn=role.arn,
            selection_tags=[aws.backup.SelectionSelectionTagArgs(type="STRINGEQUALS", key=key, value=value)],
            opts=t.opts(self, depends_on=attachments))

        # Backup and copy jobs that fail surface on the alerts topic (through EventBridge, whose
        # publishing the topic policy and the alerts key already allow).
        failures = aws.cloudwatch.EventRule(
            f"{name}-job-failures", description="AWS Backup jobs that failed, were aborted or expired",
            event_pattern=json.dumps({"source": ["aws.backup"],
                                      "detail-type": ["Backup Job State Change", "Copy Job State Change"],
                                      "detail": {"state": FAILED_JOB_STATES}}),
            opts=t.opts(self))
        aws.cloudwatch.EventTarget(f"{name}-job-failures", rule=failures.name, arn=args.alerts_topic_arn, opts=t.opts(self))

        self.register_outputs({"vaultArn": self.vault_arn, "drVaultArn": self.dr_vault_arn, "planId": self.plan.id})

    def _vault(self, name: str, t: Target, org: str, key_arn: pulumi.Input[str], args: BackupArgs) -> aws.backup.Vault:
        vault = aws.backup.Vault(
            name, name=vault_name(org, t), kms_key_arn=key_arn, force_destroy=False,
            opts=t.stateful(self, args.protect))
        if args.lock_max_retention_days is not None:
            aws.backup.VaultLockConfiguration(
                f"{name}-lock", backup_vault_name=vault.name, changeable_for_days=LOCK_GRACE_DAYS,
                min_retention_days=args.retention_days, max_retention_days=args.lock_max_retention_days,
                opts=t.stateful(self, args.protect))
        return vault
