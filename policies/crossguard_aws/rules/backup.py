"""AWS Backup: vaults encrypted with customer-managed keys and, in production, locked."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import fsbp, resource_rule, stack_rule
from crossguard_aws.resources import Res, Stack

VAULTS = ("aws:backup/vault:Vault", "aws-native:backup:BackupVault")
LOCKS = ("aws:backup/vaultLockConfiguration:VaultLockConfiguration",)


@resource_rule(
    id="aws-backup-vault-enforce-kms", pack="encryption", types=VAULTS, severity=Severity.HIGH,
    description="Backup vaults must encrypt recovery points with a customer-managed KMS key.",
    remediation="Set kms_key_arn (aws-native: encryption_key_arn) to your key ARN.",
    controls=fsbp("Backup.1"), tags=("kms", "backup"),
)
def backup_vault_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    name = "kmsKeyArn" if res.package == "aws" else "encryptionKeyArn"
    problem = key_problem(res.get(name), name)
    if problem:
        yield problem


@stack_rule(
    id="aws-backup-vault-require-lock", pack="data-protection", types=VAULTS, severity=Severity.HIGH, production_only=True,
    description="In production, every Backup vault must have a vault lock so recovery points cannot be deleted early.",
    remediation="Add an aws.backup.VaultLockConfiguration (backup_vault_name=vault.name, min_retention_days, "
                "max_retention_days, changeable_for_days) or lock_configuration on aws-native vaults.",
    tags=("backup", "immutability"),
)
def backup_vault_lock(vault: Res, stack: Stack, ctx: RuleContext) -> Iterator[str]:
    if vault.type.startswith("aws-native:") and vault.declared("lockConfiguration") is not None:
        return
    if stack.attached(vault, LOCKS, "backupVaultName", match_values=("name", "id", "backupVaultName")):
        return
    yield "has no vault lock; add a VaultLockConfiguration for it."
