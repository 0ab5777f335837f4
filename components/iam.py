"""IAM policy documents as Python dicts, rendered with ``Output.json_dumps``.

Building documents as data (never as hand-written JSON strings) lets Outputs such
as ARNs flow in, and lets the tests parse and lint every document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pulumi

Statement = Mapping[str, Any]


def document(statements: Iterable[Statement]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions: Sequence[str], resources: Any, sid: str | None = None, condition: dict | None = None) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Action": list(actions), "Resource": resources}
    if sid:
        st["Sid"] = sid
    if condition:
        st["Condition"] = condition
    return st


def service_trust(services: Sequence[str] | str, account_id: str, source_arn: Any = None) -> pulumi.Output[str]:
    """Trust policy for AWS services, pinned to this account (confused-deputy protection)."""
    services = [services] if isinstance(services, str) else list(services)
    condition: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account_id}}
    if source_arn is not None:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    return document([{
        "Effect": "Allow",
        "Principal": {"Service": services if len(services) > 1 else services[0]},
        "Action": "sts:AssumeRole",
        "Condition": condition,
    }])


def account_trust(principal_arns: Sequence[Any], external_id: str | None = None) -> pulumi.Output[str]:
    """Trust policy for named IAM principals (never a whole account's root)."""
    st: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": list(principal_arns)}, "Action": "sts:AssumeRole"}
    if external_id:
        st["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return document([st])


def deny_insecure_transport(resources: Sequence[Any]) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": list(resources),
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
