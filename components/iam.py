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


# A positive condition on a key the caller does not send never matches, so pinning a trust policy to
# aws:SourceAccount locks the service out where it does not send the key. CloudTrail's CloudWatch Logs
# delivery is known not to (pinning it stops delivery); its role is only usable through the trail's
# own configuration in this account, which needs iam:PassRole here.
SERVICES_WITHOUT_SOURCE_CONTEXT = frozenset({"cloudtrail.amazonaws.com"})


def service_trust(services: Sequence[str] | str, account_id: str, source_arn: Any = None,
                  actions: Sequence[str] = ("sts:AssumeRole",)) -> pulumi.Output[str]:
    """Trust policy for AWS services, pinned to this account (confused-deputy protection) where the service allows."""
    services = [services] if isinstance(services, str) else list(services)
    st: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": services if len(services) > 1 else services[0]},
                          "Action": actions[0] if len(actions) == 1 else list(actions)}
    if not SERVICES_WITHOUT_SOURCE_CONTEXT.intersection(services):
        st["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
        if source_arn is not None:
            st["Condition"]["ArnLike"] = {"aws:SourceArn": source_arn}
    return document([st])


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
