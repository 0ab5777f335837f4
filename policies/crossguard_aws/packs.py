"""The packs: which rules each serves, and the arguments its ``PolicyPack`` is built with."""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel, PolicyPack

from crossguard_aws import sdk
from crossguard_aws.model import PACKS, rules_of
from crossguard_aws.runtime import to_policy


def pack_name(pack: str) -> str:
    return f"aws-{pack}"


def pack_arguments(pack: str) -> dict[str, Any]:
    """Keyword arguments for ``PolicyPack`` (also used by tests to build the same analyzer in-process)."""
    if pack not in PACKS:
        raise SystemExit(f"unknown policy pack {pack!r}; choose one of: {', '.join(PACKS)}")
    return dict(
        name=pack_name(pack),
        policies=[to_policy(rule) for rule in rules_of(pack)],
        enforcement_level=EnforcementLevel.ADVISORY,
        description=PACKS[pack],
        display_name=f"AWS {pack.replace('-', ' ')} guardrails",
        provider="aws",
        tags=["aws", pack],
    )


def serve(pack: str) -> None:
    """Start the analyzer for ``pack``: prints its gRPC port and serves until the engine stops it."""
    sdk.install()  # per-request instead of per-policy work in pulumi_policy (see crossguard_aws/sdk.py)
    PolicyPack(**pack_arguments(pack))
