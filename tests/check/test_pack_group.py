"""This repository's packs served by one process (platformctl.policy_host.group) judge exactly as separate packs do."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi.runtime.proto import analyzer_pb2

from platformctl.offline import synth
from platformctl.policy_host.analyzer import _split
from platformctl.policy_host.gate import policy_gate
from platformctl.policy_host.group import _joined, groupable, pack_responses
from platformctl.policy_host.packs import Launcher, discover, load_pack, share_process
from tests.check.conftest import FIXTURE_PACK
from tests.conftest import ROOT
from tests.test_policy_gate import lake_bucket, open_security_group, untag_provider

pytestmark = pytest.mark.heavy


def _pack(root: Path, name: str, *modules: str) -> Path:
    pack = root / name
    pack.mkdir()
    (pack / "__main__.py").write_text("")
    for module in modules:
        if module.endswith("/"):
            (pack / module).mkdir()
            (pack / module / "__init__.py").write_text("")
        else:
            (pack / f"{module}.py").write_text("")
    return pack


def test_packs_share_a_process_only_without_a_local_module_name_in_common(tmp_path):
    a, b = _pack(tmp_path, "a", "rules", "util/"), _pack(tmp_path, "b", "checks")
    assert groupable([a, b])
    assert not groupable([a])  # one pack: nothing to share
    assert not groupable([a, _pack(tmp_path, "c", "util")])  # a module beside one pack, a package beside the other
    assert not groupable([b, _pack(tmp_path, "d", "checks/")])


def test_only_this_repositorys_packs_on_this_interpreter_share_a_process(tmp_path):
    own = [load_pack(p) for p in discover(ROOT / "policies")]
    launcher = object()  # any launcher: whether one runs is the caller's business
    assert len(own) == 5 and share_process(own, launcher)
    assert not share_process(own, None)  # PLATFORMCTL_PACK_LAUNCHER=0: every pack is a fresh interpreter
    assert not share_process([*own, load_pack(FIXTURE_PACK)], launcher)  # a third-party pack keeps its own process


def test_the_group_answer_splits_into_each_packs_response_in_order():
    first = analyzer_pb2.AnalyzeResponse(diagnostics=[analyzer_pb2.AnalyzeDiagnostic(policyName="p1", policyPackName="a")])
    last = analyzer_pb2.AnalyzeResponse(diagnostics=[analyzer_pb2.AnalyzeDiagnostic(policyName="p2", message="x" * 70000)])
    data = _joined([first.SerializeToString(), b"", last.SerializeToString()])
    assert len(pack_responses(data)) == 3
    assert _split(data) == [first, analyzer_pb2.AnalyzeResponse(), last]


def _findings(violations) -> list[tuple]:
    return sorted((v.policy_pack, v.policy_pack_version, v.policy_id, v.urn, v.enforcement, v.severity, v.message)
                  for v in violations)


@pytest.fixture(scope="module")
def dev_untagged():
    """dev broken in three packs' ways: a run with findings from several packs."""
    snapshot = synth("dev", ROOT)
    for breaking in (untag_provider, open_security_group):
        breaking(snapshot)
    lake_bucket(snapshot).provider = ""  # the engine's default provider: aws-operations' house rule
    return snapshot


def test_the_group_finds_what_separate_pack_processes_find(dev_untagged, monkeypatch):
    with policy_gate("dev", ROOT) as grouped:
        assert grouped.session.pack_group is not None
        # The group's streamed path, its one call per resource for all packs, and its per-pack protocol path.
        _, streamed = grouped.run()
        together = grouped(dev_untagged)
        per_pack = grouped(dev_untagged, per_pack=True)
    monkeypatch.setenv(Launcher.DISABLE_ENV, "0")  # each pack started as the CLI starts it
    with policy_gate("dev", ROOT) as separate:
        assert separate.session.pack_group is None
        apart = separate(dev_untagged)
    assert {v.policy_pack for v in apart} >= {"aws-tagging", "aws-operations", "aws-network"}
    assert _findings(together) == _findings(per_pack) == _findings(apart)
    assert not any(v.mandatory for v in streamed)
