"""Lint IAM documents with parliament (it knows every IAM action, resource and condition key)."""

from __future__ import annotations

import json
from typing import Any

import parliament

# Findings that parliament reports for identity policies but that are required by the
# document's kind: resource policies (keys, buckets, topics) grant on Resource "*" meaning
# "this resource", and trust policies have no Resource at all.
EXEMPT = {
    "identity": set(),
    "resource": {"RESOURCE_STAR"},
    "trust": {"MALFORMED"},
    "ecr": {"RESOURCE_STAR", "MALFORMED"},
}
TRUST_INPUTS = {"assumeRolePolicy"}
# ECR rejects a Resource element in repository policies: the repository is implied.
IMPLIED_RESOURCE_TYPES = {"aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"}


def kind_of(input_name: str, doc: dict[str, Any], resource_type: str = "") -> str:
    if resource_type in IMPLIED_RESOURCE_TYPES:
        return "ecr"
    if input_name in TRUST_INPUTS:
        return "trust"
    if any("Principal" in st or "NotPrincipal" in st for st in doc.get("Statement", [])):
        return "resource"
    return "identity"


def lint(doc: dict[str, Any], kind: str = "identity") -> list[str]:
    """Findings AWS (or a reviewer) would object to, as 'ISSUE: detail' strings."""
    policy = parliament.analyze_policy_string(json.dumps(doc))
    findings = [f for f in policy.findings if f.issue not in EXEMPT[kind]]
    if kind in ("trust", "ecr"):  # the only MALFORMED finding these may carry is the missing Resource
        findings += [f for f in policy.findings if f.issue == "MALFORMED" and "Resource" not in str(f.detail)]
    return [f"{f.issue}: {f.detail}" for f in findings]
