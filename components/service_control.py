"""The platform's service control policies (scp/), created and attached from the management account.

Attached only to the OUs named in config. Never to the management account: AWS does not apply SCPs
to the management account's users and roles (nor to service-linked roles), so an attachment there
would look like protection and be none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.providers import Target
from config.organization import OrganizationalUnit
from scp import render


@dataclass
class ServiceControlPoliciesArgs:
    target: Target  # management account (Organizations is global; the primary region's provider)
    org: str
    documents: dict[str, dict[str, Any]]  # short name -> SCP document (scp.documents)
    organizational_units: list[OrganizationalUnit]


class ServiceControlPolicies(pulumi.ComponentResource):
    def __init__(self, name: str, args: ServiceControlPoliciesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:organization:ServiceControlPolicies", name, None, opts)
        t = args.target
        self.policies: dict[str, aws.organizations.Policy] = {}
        for short, document in args.documents.items():
            policy = self.policies[short] = aws.organizations.Policy(
                f"{name}-{short}", name=f"{args.org}-platform-{short}", type="SERVICE_CONTROL_POLICY", content=render(document),
                description=f"{args.org} platform guardrails: {short} (managed by Pulumi, scp/)", opts=t.opts(self))
            for ou in args.organizational_units:
                aws.organizations.PolicyAttachment(f"{name}-{short}-{ou.name}", policy_id=policy.id, target_id=ou.id,
                                                   opts=t.opts(self))
        self.register_outputs({"policyIds": {k: p.id for k, p in self.policies.items()}})
