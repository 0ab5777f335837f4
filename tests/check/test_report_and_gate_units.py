"""The report's counts, rule texts and colours, and the gate's severity fallback and stream fallback, on
hand-built outcomes and sessions (no program run), and which path (streamed or after the run) real checks take:
each value is written out here, not taken from the code."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from pulumi.runtime.proto import analyzer_pb2
from rich.console import Console

from platformctl.offline.cache import ENV as SYNTH_CACHE_ENV
from platformctl.offline.records import ResourceRecord, Snapshot
from platformctl.policy_host import gate
from platformctl.policy_host.gate import CheckOutcome
from platformctl.policy_host.model import PackInfo, PolicyMeta, Violation
from platformctl.policy_host.report import print_table, to_json, to_sarif
from tests.check.conftest import FIXTURE_PACK, PROGRAMS
from tests.conftest import ROOT

BUCKET = "urn:pulumi:t::p::aws:s3/bucket:Bucket::b"


def _record(urn: str, type_: str, custom: bool = True) -> ResourceRecord:
    return ResourceRecord(urn=urn, type=type_, name=urn.rsplit("::", 1)[-1], custom=custom)


def _snapshot() -> Snapshot:
    """Two managed resources, a provider and two components (the stack and a ComponentResource)."""
    return Snapshot(project="p", stack="t", resources=[
        _record("urn:pulumi:t::p::pulumi:pulumi:Stack::p-t", "pulumi:pulumi:Stack", custom=False),
        _record("urn:pulumi:t::p::pulumi:providers:aws::east", "pulumi:providers:aws"),
        _record("urn:pulumi:t::p::platform:data:Lake::lake", "platform:data:Lake", custom=False),
        _record(BUCKET, "aws:s3/bucket:Bucket"),
        _record("urn:pulumi:t::p::aws:sqs/queue:Queue::q", "aws:sqs/queue:Queue"),
    ])


def _violation(severity: str, policy: str = "p1") -> Violation:
    return Violation(stack="t", policy_pack="pack", policy_pack_version="1.0.0", policy=policy, enforcement="mandatory",
                     severity=severity, message=f"a {severity} finding", description="d", remediation="r", urn=BUCKET,
                     resource_type="aws:s3/bucket:Bucket", resource_name="b", source_file="", source_line=0)


def _outcome(violations: list[Violation] = (), policies: dict[str, PolicyMeta] | None = None) -> CheckOutcome:
    pack = PackInfo(name="pack", version="1.0.0", path="/packs/pack", policies=policies or {})
    return CheckOutcome(stack="t", project="p", project_dir=Path("/proj"), repo_root=Path("/proj"), snapshot=_snapshot(),
                        packs=[pack], violations=list(violations))


def test_counts_managed_resources_only_not_providers_or_components():
    outcome = _outcome()
    assert to_json([outcome])["stacks"][0]["resources"] == 2


def test_json_lists_each_packs_policies_at_the_level_they_ran():
    outcome = _outcome(policies={"p1": PolicyMeta("p1"), "p2": PolicyMeta("p2")})
    outcome.packs[0].effective = {"p1": {"enforcementLevel": "mandatory"}, "p2": {"enforcementLevel": "disabled", "x": 1}}
    [pack] = to_json([outcome])["stacks"][0]["packs"]
    assert pack == {"name": "pack", "version": "1.0.0", "path": "/packs/pack", "policies": {"p1": "mandatory", "p2": "disabled"}}
    console = Console(file=io.StringIO(), width=200)
    print_table([outcome], console)
    assert "p/t: 2 resources checked by pack@1.0.0" in console.file.getvalue()


def test_the_table_has_a_column_for_each_part_of_a_finding():
    console = Console(file=io.StringIO(), width=200)
    print_table([_outcome([_violation("high")])], console)
    header = next(line for line in console.file.getvalue().splitlines() if "┃" in line)
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == ["level", "policy", "resource", "message", "remediation"]


def test_sarif_rule_texts_fall_back_from_display_name_to_description_to_name():
    policies = {"shown": PolicyMeta("shown", description="the description", display_name="Shown Name"),
                "described": PolicyMeta("described", description="only a description"),
                "bare": PolicyMeta("bare")}
    rules = {r["name"]: r for r in to_sarif([_outcome(policies=policies)])["runs"][0]["tool"]["driver"]["rules"]}
    assert {name: r["shortDescription"]["text"] for name, r in rules.items()} == {
        "shown": "Shown Name", "described": "only a description", "bare": "bare"}
    assert {name: r["fullDescription"]["text"] for name, r in rules.items()} == {
        "shown": "the description", "described": "only a description", "bare": "bare"}



def test_sarif_security_severity_follows_each_policy_severity_on_code_scannings_scale():
    policies = {level: PolicyMeta(level, severity=level) for level in ("critical", "high", "medium", "low", "unspecified")}
    rules = to_sarif([_outcome(policies=policies)])["runs"][0]["tool"]["driver"]["rules"]
    assert {r["name"]: r["properties"].get("security-severity") for r in rules} == {
        "critical": "9.5", "high": "7.5", "medium": "5.0", "low": "2.0", "unspecified": None}


def test_sarif_marks_a_disabled_rule_locates_results_under_the_source_root_and_notes_what_was_not_judged():
    policies = {"off": PolicyMeta("off", enforcement="mandatory"), "p1": PolicyMeta("p1", enforcement="mandatory")}
    outcome = _outcome([_violation("high")], policies=policies)
    outcome.packs[0].effective = {"off": {"enforcementLevel": "disabled"}}
    outcome.not_judged = [_violation("high", policy="p1")]
    outcome.warnings = ["pack said so"]
    [run] = to_sarif([outcome])["runs"]
    rules = {r["name"]: r["defaultConfiguration"] for r in run["tool"]["driver"]["rules"]}
    assert rules == {"off": {"level": "note", "enabled": False}, "p1": {"level": "error", "enabled": True}}
    [result] = run["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "Pulumi.t.yaml", "uriBaseId": "%SRCROOT%"}
    assert result["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": BUCKET, "name": "b", "kind": "resource"}]
    assert run["invocations"][0]["toolExecutionNotifications"] == [
        {"level": "warning", "message": {"text": "pack said so"}},
        {"level": "note", "message": {"text": "not judged: pack/p1 b: a high finding"}}]

# SGR codes of each severity's title in a colour terminal: bold red, red, yellow, cyan.
TITLE_COLOURS = [("critical", "\x1b[1;31mCRITICAL"), ("high", "\x1b[31mHIGH"), ("medium", "\x1b[33mMEDIUM"),
                 ("low", "\x1b[36mLOW")]


@pytest.mark.parametrize(("severity", "title"), TITLE_COLOURS, ids=[s for s, _ in TITLE_COLOURS])
def test_each_severity_table_title_has_its_colour_in_a_terminal(severity, title):
    console = Console(file=io.StringIO(), width=200, force_terminal=True, color_system="standard")
    print_table([_outcome([_violation(severity)])], console)
    assert title in console.file.getvalue()


# -- the gate's violations: severity when the diagnostic carries none ---------------------------------------
class _Analyzer:
    """A pack that answers every resource with the given diagnostics and remediates with a preview note."""

    def __init__(self, diagnostics: list[analyzer_pb2.AnalyzeDiagnostic], stack: list[analyzer_pb2.AnalyzeDiagnostic] = ()):
        self.diagnostics, self.stack = diagnostics, list(stack)

    def remediate(self, _request):
        return analyzer_pb2.RemediateResponse(remediations=[analyzer_pb2.Remediation(
            policyName="fixer", description="fixes", diagnostic="can't run remediation 'fixer' from policy pack "
                                                                "'pack@v0.0.1' during preview: tags unknown")])

    def analyze_all(self, requests):
        return [analyzer_pb2.AnalyzeResponse(diagnostics=self.diagnostics if r.urn == BUCKET else []) for r in requests]

    def analyze_stack(self, _request):
        return analyzer_pb2.AnalyzeResponse(diagnostics=self.stack)


def test_a_diagnostic_without_severity_takes_the_policys_and_an_unknown_policy_is_unspecified():
    policies = {"declared": PolicyMeta("declared", severity="high"), "fixer": PolicyMeta("fixer", severity="medium")}
    info = PackInfo(name="pack", version="1.2.0", path="/packs/pack", policies=policies,
                    effective={"declared": {"enforcementLevel": "mandatory"}, "fixer": {"enforcementLevel": "remediate"}})
    diagnostics = [
        analyzer_pb2.AnalyzeDiagnostic(policyName="declared", message="no severity sent", enforcementLevel=analyzer_pb2.MANDATORY),
        analyzer_pb2.AnalyzeDiagnostic(policyName="declared", message="low sent", enforcementLevel=analyzer_pb2.MANDATORY,
                                       severity=analyzer_pb2.POLICY_SEVERITY_LOW),
        analyzer_pb2.AnalyzeDiagnostic(policyName="stranger", message="no such policy", enforcementLevel=analyzer_pb2.ADVISORY),
        analyzer_pb2.AnalyzeDiagnostic(policyName="declared", message="off", enforcementLevel=analyzer_pb2.DISABLED),
        # What a remediating policy could not fix stands, and blocks like a mandatory one.
        analyzer_pb2.AnalyzeDiagnostic(policyName="fixer", message="not fixed", enforcementLevel=analyzer_pb2.REMEDIATE),
    ]
    stack = [analyzer_pb2.AnalyzeDiagnostic(policyName="declared", message="stack-wide", urn=BUCKET,
                                            enforcementLevel=analyzer_pb2.ADVISORY),
             analyzer_pb2.AnalyzeDiagnostic(policyName="declared", message="stack off", enforcementLevel=analyzer_pb2.DISABLED)]
    session = SimpleNamespace(analyzers=[_Analyzer(diagnostics, stack)], group=None, managed_keys=frozenset())
    violations, _, notes = gate._analyze(session, _snapshot(), [info], Path("/proj"))
    # A disabled policy's diagnostic is never a finding, from a resource or from the stack.
    assert sorted((v.policy, v.message, v.severity, v.resource_name) for v in violations) == [
        ("declared", "low sent", "low", "b"), ("declared", "no severity sent", "high", "b"),
        ("declared", "stack-wide", "high", "b"), ("fixer", "not fixed", "medium", "b"),
        ("stranger", "no such policy", "unspecified", "b")]
    assert {v.message: v.enforcement for v in violations}["not fixed"] == "mandatory"
    # The remediation's preview note carries no severity either: the policy's, and the version the pack reports.
    assert {(n.policy, n.severity, n.message) for n in notes} == {
        ("fixer", "medium", "can't run remediation 'fixer' from policy pack 'pack@v1.2.0' during preview: tags unknown")}



def test_aws_managed_keys_are_read_from_every_identifier_a_lookup_returns():
    def get_key(result):
        return {"token": "aws:kms/getKey:getKey", "args": {"keyId": "alias/aws/s3"}, "result": {"keyManager": "AWS", **result}}

    def get_alias(name, result):
        return {"token": "aws:kms/getAlias:getAlias", "args": {"name": name}, "result": result}

    assert gate.aws_managed_keys([get_key({"keyId": "k-1"})]) == {"k-1"}
    assert gate.aws_managed_keys([get_key({"id": "k-2"}), get_key({"arn": "arn:aws:kms:us-east-1:111122223333:key/k-3"})]) == {
        "k-2", "arn:aws:kms:us-east-1:111122223333:key/k-3"}
    assert gate.aws_managed_keys([get_alias("alias/aws/sns", {"targetKeyId": "k-4", "targetKeyArn": "arn:k-4"})]) == {"k-4", "arn:k-4"}
    # A customer-managed key, or an alias of one, is not AWS-managed.
    assert gate.aws_managed_keys([{**get_key({"keyId": "k-5"}), "result": {"keyManager": "CUSTOMER", "keyId": "k-5"}},
                                  get_alias("alias/team/data", {"targetKeyId": "k-6"})]) == frozenset()

# -- the gate's stream: answers only when every record was streamed ---------------------------------------
def _stream(futures: list[dict[str, object]], disabled: bool = False) -> gate._Stream:
    stream = object.__new__(gate._Stream)  # no session and no thread: only the answer lookup is under test
    stream.futures, stream.disabled = futures, disabled
    stream.session = SimpleNamespace(group=None, analyzers=[SimpleNamespace(analyze_result=lambda urn, future: (urn, future))])
    return stream


def test_streamed_answers_are_used_only_when_every_record_was_streamed_and_streaming_held():
    records = [_record(BUCKET, "aws:s3/bucket:Bucket"), _record("urn:q", "aws:sqs/queue:Queue")]
    both = {BUCKET: "f1", "urn:q": "f2"}
    assert _stream([both]).responses(records) == [[(BUCKET, "f1"), ("urn:q", "f2")]]
    assert _stream([{BUCKET: "f1"}]).responses(records) is None  # one record never streamed: judge after the run
    assert _stream([both], disabled=True).responses(records) is None
    assert _stream([]).responses(records) is None  # the packs never connected


def test_a_narrow_table_keeps_the_level_and_a_policy_id_of_twenty_characters_unfolded():
    console = Console(file=io.StringIO(), width=80)
    print_table([_outcome([_violation("high", policy="fifteen-char-id")])], console)  # "pack/fifteen-char-id"
    out = console.file.getvalue()
    assert "pack/fifteen-char-id" in out
    assert "mandatory" in out


@pytest.mark.parametrize(("program", "stack", "packs", "path"), [
    ("clean", "test", [FIXTURE_PACK], "streamed"),  # the packs' answers streamed during the run are the ones reported
    # An AWS-managed key resolved mid-run: judged again after telling the packs, by each pack, or by the pack
    # group in one call per resource when the packs share one process (two or more of this repository's).
    ("kms_lookup", "managed", [FIXTURE_PACK], "per pack"),
    ("kms_lookup", "managed", [ROOT / "policies" / "encryption", ROOT / "policies" / "network"], "group"),
], ids=["clean", "aws-managed-key-lookup", "aws-managed-key-lookup-group"])
def test_a_check_reports_the_streamed_answers_unless_the_run_resolved_aws_managed_keys(monkeypatch, program, stack, packs, path):
    monkeypatch.delenv(SYNTH_CACHE_ENV, raising=False)  # a cached synth replays no registrations to stream
    paths = []
    analyze = gate._analyze

    def spy(session, snapshot, infos, root, responses=None, per_pack=False):
        paths.append("streamed" if responses is not None else "per pack" if per_pack or not session.group else "group")
        return analyze(session, snapshot, infos, root, responses, per_pack)

    monkeypatch.setattr(gate, "_analyze", spy)
    outcome = gate.check_stack(stack, PROGRAMS / program, packs=packs)
    gate.check_stacks([stack], PROGRAMS / program, packs=packs)  # the CLI's entry: streams by default too
    assert paths == [path, path]
    if path == "group":  # judged again, the keys the lookups found are AWS-managed ones
        assert {(v.policy, v.resource_name) for v in outcome.mandatory if v.policy == "aws-sns-topic-enforce-kms"} == {
            ("aws-sns-topic-enforce-kms", "by-alias"), ("aws-sns-topic-enforce-kms", "by-key")}


def test_closing_a_session_keeps_the_packs_warnings_and_errors_only():
    session = object.__new__(gate._Session)  # only what close() touches
    stopped = []
    session.analyzers, session.group, session.processes = [], None, []
    session.engine = SimpleNamespace(messages=[("error", "cannot load"), ("info", "started"), ("warning", "slow"),
                                               ("debug", "x")], stop=lambda: stopped.append(True))
    assert session.close() == ["policy pack error: cannot load", "policy pack warning: slow"]
    assert stopped == [True]


def test_a_failed_stacks_error_is_printed_as_written_brackets_included():
    from platformctl.policy_host.failure import StackFailure

    # Longer than the console is wide: a log keeps it on one line.
    message = "stack dev: knobs.api.routes[0].path: [bold]not[/bold] a path; " + "fix it in Pulumi.dev.yaml " * 10
    console = Console(file=io.StringIO(), width=200)
    print_table([], console, [StackFailure("dev", "program", message)])
    assert console.file.getvalue().splitlines()[:2] == ["ERROR dev: not checked (program failed):", message]



def test_a_finding_points_at_the_programs_own_line_not_a_library_frame():
    from platformctl.policy_host.gate import _Locator

    component = ResourceRecord(urn="urn:pulumi:t::p::platform:data:Lake::lake", type="platform:data:Lake", name="lake",
                               custom=False, source_file="/proj/components/data.py", source_line=42)
    bucket = ResourceRecord(urn=BUCKET, type="aws:s3/bucket:Bucket", name="b", custom=True, parent=component.urn,
                            source_file="/proj/venv/lib/python3.11/site-packages/pulumi_awsx/ec2/vpc.py", source_line=7)  # a venv in the checkout, as CI makes
    locate = _Locator(Snapshot(project="p", stack="t", resources=[component, bucket]), Path("/proj"))
    assert locate(bucket) == ("components/data.py", 42)
    assert locate(None) == ("", 0)
