"""Find the local policy packs that every preview and update must run."""

from __future__ import annotations

from pathlib import Path

POLICY_MANIFEST = "PulumiPolicy.yaml"


def discover_policy_packs(policies_dir: Path) -> list[Path]:
    """Every direct subdirectory of ``policies_dir`` that holds a PulumiPolicy.yaml, sorted by name.

    Discovered at run time (not listed in code) so a pack added to ``policies/`` gates scripted
    deployments exactly as it gates the pull-request check.
    """
    if not policies_dir.is_dir():
        return []
    return sorted(p.resolve() for p in policies_dir.iterdir() if p.is_dir() and (p / POLICY_MANIFEST).is_file())
