"""Physical names that satisfy AWS's length and character rules.

Pulumi auto-names most resources; the names built here are the ones that must
be stable or globally unique (S3 buckets, aliases, roles other accounts trust).
Every builder truncates deterministically with a hash suffix instead of letting
AWS reject the name at deploy time.
"""

from __future__ import annotations

import hashlib
import re

_DIRECTIONS = {
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
    "north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
}

# (max length, allowed characters) per kind of name, from the AWS API references.
LIMITS: dict[str, tuple[int, str]] = {
    # At least 3; dots (allowed by AWS) break virtual-host TLS; AWS reserves some prefixes and suffixes.
    "s3": (63, r"(?!xn--|sthree-|amzn-s3-demo-)[a-z0-9][a-z0-9-]+[a-z0-9](?<!-s3alias)(?<!--ol-s3)(?<!--x-s3)(?<!--table-s3)"),
    "iam": (64, r"[A-Za-z0-9_+=,.@-]+"),  # ASCII only (Python's \w also matches other letters)
    "kms-alias": (256, r"alias/[a-zA-Z0-9/_-]+"),
    "sagemaker": (63, r"[a-zA-Z0-9](-*[a-zA-Z0-9])*"),
    "lambda": (64, r"[a-zA-Z0-9-_]+"),
    "log-group": (512, r"[\.\-_/#A-Za-z0-9]+"),
    "trail": (128, r"[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9]"),
    "generic": (64, r"[a-zA-Z0-9][a-zA-Z0-9-]*"),
    "elb": (32, r"[a-zA-Z0-9](-*[a-zA-Z0-9])*"),  # load balancers and target groups
}


def region_code(region: str) -> str:
    """'us-east-1' -> 'use1', 'ap-southeast-2' -> 'apse2'."""
    geo, direction, number = region.split("-")
    return f"{geo}{_DIRECTIONS.get(direction, direction[:2])}{number}"


def fit(name: str, kind: str) -> str:
    """Return ``name`` within the limits of ``kind``, shortened with a stable hash if needed."""
    max_len, pattern = LIMITS[kind]
    if kind == "s3":
        name = re.sub(r"[^a-z0-9-]", "-", name.lower())
    if len(name) > max_len:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = f"{name[: max_len - 9].rstrip('-_.')}-{digest}"
    if not re.fullmatch(pattern, name):
        raise ValueError(f"'{name}' is not a valid {kind} name (pattern {pattern})")
    return name


def is_valid(name: str, kind: str) -> bool:
    max_len, pattern = LIMITS[kind]
    return len(name) <= max_len and re.fullmatch(pattern, name) is not None
