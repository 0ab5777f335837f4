"""``pulumi import`` commands for the account/region singletons a stack would otherwise try to create a second time.

GuardDuty (one detector per account and region), Security Hub, Macie, AWS Config (one recorder and one delivery
channel per region), the Config service-linked role and the platform trail exist at most once. When an account
already has one (enabled by hand, by Control Tower, or left behind by ``destroy``, which retains trails), ``up``
fails on it; importing adopts it instead. The commands are derived from a synthesized snapshot, so type, logical
name, parent and provider are exactly what the program registers.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import asdict, dataclass

from platformctl.offline.records import ResourceRecord, Snapshot


@dataclass(frozen=True)
class Singleton:
    what: str
    feature: str  # the config key that turns it off when someone else (an org delegated admin) owns it
    import_id: Callable[[ResourceRecord, str, str], str]  # (record, account, region) -> id or a shell lookup
    lookup: bool = False  # the id must be looked up in the account (shell command substitution)


def _name(record: ResourceRecord, account: str, region: str) -> str:
    return str(record.inputs.get("name", ""))


SINGLETONS: dict[str, Singleton] = {
    "aws:guardduty/detector:Detector": Singleton(
        "GuardDuty detector (one per account and region)", "features.guardDuty",
        lambda r, account, region: f"$(aws guardduty list-detectors --region {region} --query 'DetectorIds[0]' --output text)",
        lookup=True),
    "aws:securityhub/account:Account": Singleton(
        "Security Hub (enabled once per account and region)", "features.securityHub", lambda r, account, region: account),
    "aws:securityhub/standardsSubscription:StandardsSubscription": Singleton(
        "Security Hub standard subscription", "features.securityHub",
        lambda r, account, region: str(r.inputs.get("standardsArn", "")).replace("::standards/", f":{account}:subscription/", 1)),
    "aws:macie2/account:Account": Singleton(
        "Macie (enabled once per account and region)", "features.macie", lambda r, account, region: account),
    "aws:cfg/recorder:Recorder": Singleton("AWS Config recorder (one per region)", "features.awsConfig", _name),
    "aws:cfg/deliveryChannel:DeliveryChannel": Singleton("AWS Config delivery channel (one per region)", "features.awsConfig", _name),
    "aws:cfg/recorderStatus:RecorderStatus": Singleton("AWS Config recorder status", "features.awsConfig", _name),
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": Singleton(
        "service-linked role (one per account)", "features.awsConfig",
        lambda r, account, region: f"arn:aws:iam::{account}:role/aws-service-role/{r.inputs.get('awsServiceName', '')}/"
                                   f"AWSServiceRoleFor{_slr_suffix(str(r.inputs.get('awsServiceName', '')))}"),
    "aws:cloudtrail/trail:Trail": Singleton(
        "platform trail (retained by destroy)", "-",
        lambda r, account, region: f"arn:aws:cloudtrail:{region}:{account}:trail/{r.inputs.get('name', '')}"),
}

# Role names AWS gives service-linked roles (IAM User Guide, "AWS services that work with IAM").
_SLR_SUFFIX = {"config.amazonaws.com": "Config"}


def _slr_suffix(service: str) -> str:
    return _SLR_SUFFIX.get(service, service.split(".", 1)[0].capitalize())


@dataclass(frozen=True)
class ImportHint:
    type: str
    name: str
    id: str
    lookup: bool
    parent: str
    provider: str
    account: str
    region: str
    what: str
    feature: str
    protect: bool

    def command(self, stack: str) -> str:
        resource_id = f'"{self.id}"' if self.lookup else shlex.quote(self.id)
        parts = ["pulumi", "import", "--stack", shlex.quote(stack), "--yes", "--generate-code=false",
                 f"--protect={'true' if self.protect else 'false'}"]
        if self.parent:
            parts += ["--parent", shlex.quote(f"parent={self.parent}")]
        if self.provider:
            parts += ["--provider", shlex.quote(f"provider={self.provider}")]
        parts += [self.type, shlex.quote(self.name), resource_id]
        return " ".join(parts)

    def to_json(self) -> dict:
        return asdict(self)


def _account_region(snapshot: Snapshot, record: ResourceRecord) -> tuple[str, str]:
    account, region = snapshot.placement(record) or ("", "")
    return account or "", region


def import_hints(snapshot: Snapshot) -> list[ImportHint]:
    hints = []
    for record in snapshot.resources:
        singleton = SINGLETONS.get(record.type)
        if singleton is None or not record.custom or record.read:
            continue
        account, region = _account_region(snapshot, record)
        parent = snapshot.by_urn.get(record.parent)
        hints.append(ImportHint(
            type=record.type, name=record.name, id=singleton.import_id(record, account, region), lookup=singleton.lookup,
            parent=record.parent if parent is not None and parent.type != "pulumi:pulumi:Stack" else "",
            provider=record.provider_urn, account=account, region=region, what=singleton.what, feature=singleton.feature,
            protect=record.protect))
    return hints


PREAMBLE = """\
# Import what already exists instead of creating a second one. Before running these:
#  - Services an organization's delegated administrator (or Control Tower) manages for the account: do NOT
#    import them; turn the feature off in Pulumi.{stack}.yaml instead (the key is named on each command).
#  - pulumi import needs each command's provider and parent in the stack's state already (the engine cannot
#    import providers, pulumi/pulumi#14596): on a stack never deployed, run `pulumi up --stack {stack}` once
#    with those features off, turn them back on, then run the commands below and `pulumi up` again.
#  - $(aws ...) look-ups run with credentials for the account named above each command.
"""


def render(stack: str, hints: list[ImportHint]) -> str:
    lines = [PREAMBLE.format(stack=stack)]
    for hint in hints:
        feature = f"; turn off with {hint.feature}: false" if hint.feature != "-" else ""
        lines.append(f"# account {hint.account}, {hint.region}: {hint.what}{feature}")
        lines.append(hint.command(stack))
        lines.append("")
    return "\n".join(lines)
