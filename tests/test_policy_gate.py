"""The policy packs over this project's own stacks, through the analyzer protocol the engine uses.

Each stack passes with no mandatory violation; breaking the program's output the way a careless
change would (one breakage per pack) makes the rule that guards it fire on the broken resource.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack

import pytest

from platformctl.offline.records import ResourceRecord, Snapshot
from platformctl.policy_host.gate import policy_gate
from tests.conftest import ROOT, STACKS

pytestmark = pytest.mark.heavy


@pytest.fixture(scope="module")
def judges():
    """Every pack started once per stack (the packs read the stack's name and config at start)."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(policy_gate(name, ROOT)) for name in STACKS}


@pytest.fixture(scope="module")
def verdict(snapshots, judges) -> Callable[[str], list]:
    """What the packs find on a stack's own (unmodified) records over the plain protocol (each resource sent to
    each pack): judged once per module, not once per test that compares against it."""
    found: dict[str, list] = {}

    def of(name: str) -> list:
        if name not in found:
            found[name] = judges[name](snapshots[name], per_pack=True)
        return found[name]

    return of


def copy(snap: Snapshot) -> Snapshot:
    return Snapshot.from_json(json.loads(json.dumps(snap.to_json())))


def lake_bucket(snap: Snapshot) -> ResourceRecord:
    return next(b for b in snap.of_type("aws:s3/bucket:Bucket") if b.name.endswith("-lake-curated"))


def attached(snap: Snapshot, bucket: ResourceRecord, token: str) -> ResourceRecord:
    return next(r for r in snap.of_type(token) if bucket.urn in r.property_dependencies.get("bucket", []))


# Each breakage changes one resource of a copy of prod and returns the rule that must fire and the URN of the
# resource it must name (None: any resource, as for a provider whose resources lose their tags).
Breakage = Callable[[Snapshot], tuple[str, str | None]]


def strip_encryption(snap: Snapshot) -> tuple[str, str | None]:
    sse = attached(snap, lake_bucket(snap), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    for record in (sse.inputs, sse.outputs):
        record["rules"] = [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    return "aws-encryption/aws-s3-bucket-enforce-kms", sse.urn


def open_security_group(snap: Snapshot) -> tuple[str, str | None]:
    rule = next(r for r in snap.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"))
    for record in (rule.inputs, rule.outputs):
        record.pop("referencedSecurityGroupId", None)
        record.update(cidrIpv4="0.0.0.0/0", ipProtocol="tcp", fromPort=22, toPort=22)
    return "aws-network/aws-ec2-securitygroup-deny-public-ingress", rule.urn


def untag_provider(snap: Snapshot) -> tuple[str, str | None]:
    provider = next(r for r in snap.resources if r.type == "pulumi:providers:aws")
    provider.inputs.pop("defaultTags")
    return "aws-tagging/aws-tagging-resource-require-tags", None


def drop_tls_policy(snap: Snapshot) -> tuple[str, str | None]:
    policy = attached(snap, lake_bucket(snap), "aws:s3/bucketPolicy:BucketPolicy")
    snap.resources.remove(policy)
    return "aws-data-protection/aws-s3-bucket-require-tls-policy", lake_bucket(snap).urn


def unprotect_bucket(snap: Snapshot) -> tuple[str, str | None]:
    lake_bucket(snap).protect = False
    return "aws-operations/aws-stack-stateful-require-protect", lake_bucket(snap).urn


BREAKAGES: list[Breakage] = [strip_encryption, open_security_group, untag_provider, drop_tls_policy, unprotect_bucket]


@pytest.fixture(scope="module")
def broken_prod(snapshots, judges) -> tuple[dict[str, tuple[str, str | None]], set[tuple[str, str]]]:
    """One copy of prod with every breakage (each on a different resource and guarded by a different rule),
    judged once: judging prod takes seconds. What each breakage expects, and the (rule, resource) pairs found."""
    broken = copy(snapshots["prod"])
    expected = {breakage.__name__: breakage(broken) for breakage in BREAKAGES}
    return expected, {(v.policy_id, v.urn) for v in judges["prod"](broken)}


@pytest.mark.parametrize("name", STACKS)
def test_own_stacks_have_no_mandatory_violation(verdict, name):
    violations = verdict(name)
    assert [v for v in violations if v.enforcement == "mandatory"] == []


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__)
def test_breaking_the_program_fires_the_guarding_rule(broken_prod, verdict, breakage: Breakage):
    expected, found = broken_prod
    rule, resource = expected[breakage.__name__]
    assert any(policy == rule and resource in (None, urn) for policy, urn in found)
    assert rule not in {v.policy_id for v in verdict("prod")}


def _findings(violations) -> list[tuple]:
    return sorted((v.policy_id, v.urn, v.enforcement, v.severity, v.message, v.source_file, v.source_line) for v in violations)


@pytest.mark.parametrize("name", STACKS)
def test_the_fast_path_finds_exactly_what_the_plain_protocol_path_finds(snapshots, judges, verdict, name, monkeypatch):
    """check's path (each resource streamed to the packs as it is registered) vs every resource after the run.

    dev runs live, its program streaming as it registers; shared and prod replay the synth cache's records through
    the same stream. (The SDK patch the packs run with is compared with the stock SDK in tests/policies.)
    """
    if name == "dev":
        monkeypatch.delenv("PLATFORMCTL_SYNTH_CACHE", raising=False)
    snapshot, fast = judges[name].run()
    assert [r.urn for r in snapshot.resources] == [r.urn for r in snapshots[name].resources]
    assert _findings(fast) == _findings(verdict(name))


def test_the_default_provider_house_rule_is_mandatory_for_own_stacks(snapshots, judges):
    broken = copy(snapshots["dev"])
    lake_bucket(broken).provider = ""  # registered without an explicit provider: the engine's default provider
    found = [v for v in judges["dev"](broken) if v.policy_id == "aws-operations/aws-stack-resource-deny-default-provider"]
    assert [(v.resource_name, v.enforcement) for v in found] == [(lake_bucket(broken).name, "mandatory")]


def test_a_preview_of_a_workload_stack_is_judged_without_noise():
    """Computed outputs stay unknown (a real preview); StackReferences still read the deployed shared outputs."""
    from platformctl.policy_host import check_stack

    outcome = check_stack("dev", ROOT, preview=True)
    assert outcome.mandatory == []
    # What a preview cannot judge is reported apart, never as a violation, with the packs' real version.
    assert outcome.not_judged and all(v.not_judged for v in outcome.not_judged)
    assert not any(v.not_judged or "during preview" in v.message for v in outcome.violations)
    versions = {p.name: p.version for p in outcome.packs}
    assert all(f"from policy pack '{v.policy_pack}@v{versions[v.policy_pack]}'" in v.message for v in outcome.not_judged)
    assert set(versions.values()) == {"0.1.0"}


@pytest.mark.parametrize("name", ["dev"])
def test_state_check_finds_what_the_offline_check_finds(snapshots, judges, verdict, name, tmp_path):
    """The project's own records, written as `pulumi stack export` would, judged again: the same findings."""
    from platformctl.policy_host.state import export_from_snapshot, snapshot_from_export

    def findings(violations) -> list[tuple[str, str, str, str]]:
        return sorted((v.policy_id, v.urn, v.enforcement, v.message) for v in violations)

    exported = json.loads(json.dumps(export_from_snapshot(snapshots[name], ROOT)))
    assert findings(judges[name](snapshot_from_export(exported, ROOT))) == findings(verdict(name))
