"""One explicit provider per (account, region) the stack touches.

Every provider assumes the deploy role of its account and carries
``allowed_account_ids=[that account]``: even if the caller's credentials point
at another account, the provider refuses to act there. The stack files also set
``pulumi:disable-default-providers: ["*"]``, so a resource created without one of
these providers fails instead of landing in whatever account the shell is in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native
import pulumi_awsx as awsx

from components.naming import region_code
from config import Settings
from config.schema import Account


@dataclass(frozen=True)
class Target:
    """An (account, region) pair with the providers that deploy into it."""

    account: Account
    region: str
    aws: aws.Provider
    awsx: awsx.Provider
    registry: ProviderRegistry = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        """Unique, short prefix for logical names: '<account name>-<region code>'."""
        return f"{self.account.name}-{region_code(self.region)}"

    @property
    def account_id(self) -> str:
        return self.account.id

    def opts(self, parent: pulumi.Resource, **kwargs) -> pulumi.ResourceOptions:
        """Options for a plain AWS resource created by a component."""
        return pulumi.ResourceOptions(parent=parent, provider=self.aws, **kwargs)

    def stateful(self, parent: pulumi.Resource, protect: bool, **kwargs) -> pulumi.ResourceOptions:
        """Options for a stateful resource: protected and retained together, or neither (dev stays disposable)."""
        return self.opts(parent, protect=protect, retain_on_delete=protect, **kwargs)

    def invoke(self, parent: pulumi.Resource | None = None) -> pulumi.InvokeOptions:
        return pulumi.InvokeOptions(provider=self.aws, parent=parent)

    def native(self) -> aws_native.Provider:
        """The aws-native provider for this account/region (created on first use)."""
        return self.registry.native(self)

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:aws:{service}:{region}:{self.account.id}:{resource}"


class ProviderRegistry:
    """Creates providers on demand and hands out Targets."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._aws: dict[tuple[str, str], aws.Provider] = {}
        self._native: dict[tuple[str, str], aws_native.Provider] = {}
        # awsx components need an explicit provider once defaults are disabled; it holds no credentials.
        self._awsx = awsx.Provider("awsx")

    def _assume_role(self, account: Account) -> dict:
        role = self.settings.config.deploy_role
        args = {"role_arn": self.settings.role_arn(account), "session_name": role.session_name}
        if role.external_id:
            args["external_id"] = pulumi.Output.secret(role.external_id)
        return args

    def target(self, account: Account, region: str) -> Target:
        key = (account.id, region)
        if key not in self._aws:
            self._aws[key] = aws.Provider(
                f"aws-{account.name}-{region_code(region)}",
                region=region,
                allowed_account_ids=[account.id],
                assume_roles=[aws.ProviderAssumeRoleArgs(**self._assume_role(account))],
                default_tags=aws.ProviderDefaultTagsArgs(tags=self.settings.tags),
            )
        return Target(account=account, region=region, aws=self._aws[key], awsx=self._awsx, registry=self)

    def native(self, target: Target) -> aws_native.Provider:
        key = (target.account.id, target.region)
        if key not in self._native:
            role = self._assume_role(target.account)
            self._native[key] = aws_native.Provider(
                f"awsnative-{target.key}",
                region=target.region,
                allowed_account_ids=[target.account.id],
                assume_role=aws_native.ProviderAssumeRoleArgs(**role),
                default_tags=aws_native.ProviderDefaultTagsArgs(tags=self.settings.tags),
            )
        return self._native[key]
