"""The third-party corpus is well-formed (one defect per insecure program, varied secure styles), and a small sample
runs through the real packs in both modes. The whole corpus is measured by bench/corpus_bench.py, not here."""

from __future__ import annotations

import difflib
import re

import pytest
import yaml
from crossguard_aws.model import REGISTRY, rules_of

from tests.corpus.harness import CORPUS, KINDS, Case, load_cases, run

CASES = load_cases()
BY_NAME = {c.name: c for c in CASES}


def program(case: Case) -> str:
    return (case.path / "__main__.py").read_text()


def test_manifest_lists_exactly_the_programs_on_disk():
    on_disk = {(kind, d.name) for kind in KINDS for d in (CORPUS / kind).iterdir() if d.is_dir()}
    assert on_disk == {(c.kind, c.name) for c in CASES}
    for case in CASES:
        project = yaml.safe_load((case.path / "Pulumi.yaml").read_text())
        assert (project["name"], project["runtime"]) == (case.name, "python")
        assert yaml.safe_load((case.path / "Pulumi.ci.yaml").read_text())["config"]["aws:region"] == "us-east-1"


def test_corpus_is_big_enough():
    counts = {kind: sum(c.kind == kind for c in CASES) for kind in KINDS}
    assert counts["insecure"] >= 60 and counts["secure"] >= 25, counts


def test_every_defect_names_existing_rules_and_a_secure_base():
    rules_of()
    for case in CASES:
        if case.kind == "secure":
            assert case.expect == () and case.base is None
            continue
        assert case.expect and set(case.expect) <= set(REGISTRY), case.name
        assert BY_NAME[case.base].kind == "secure", case.name


def _changed_blocks(before: str, after: str) -> list[list[str]]:
    """Runs of changed lines between two programs, ignoring import lines (ruff drops imports a defect leaves unused)."""
    strip = [line for line in before.splitlines() if not line.startswith(("import ", "from "))]
    keep = [line for line in after.splitlines() if not line.startswith(("import ", "from "))]
    matcher = difflib.SequenceMatcher(a=strip, b=keep, autojunk=False)
    return [strip[i1:i2] + keep[j1:j2] for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


@pytest.mark.parametrize("case", [c for c in CASES if c.kind != "secure"], ids=lambda c: c.name)
def test_each_insecure_program_is_its_secure_base_with_one_edit(case):
    blocks = _changed_blocks(program(BY_NAME[case.base]), program(case))
    if case.name == "s3-no-access-logging":
        assert blocks == []  # the secure base itself: access logging is advisory
    else:
        assert len(blocks) == 1, blocks


def test_secure_programs_cover_the_styles_third_parties_use():
    secure = {c.name: program(c) for c in CASES if c.kind == "secure"}

    def having(predicate) -> set[str]:
        return {name for name, text in secure.items() if predicate(text)}

    assert having(lambda t: "pulumi_aws_native" in t)
    assert having(lambda t: re.search(r"aws\.s3\.\w+V2\(", t))
    assert having(lambda t: "aws.Provider(" not in t and "aws_native.Provider(" not in t)  # default provider
    assert having(lambda t: "default_tags" in t and not re.search(r"(?<!default_)tags=", t))  # tags only from default_tags
    assert having(lambda t: "server_side_encryption_configuration=" in t)  # inline bucket blocks
    assert having(lambda t: "BucketServerSideEncryptionConfiguration(" in t)  # separate resources


SAMPLE = ("s3-separate-resources", "nacl-ephemeral-without-deny")  # a stack rule, judged in both modes


@pytest.fixture(scope="module", params=["offline", "preview"])
def sample(request):
    return {o.case.name: o for o in run([BY_NAME[n] for n in SAMPLE], preview=request.param == "preview")}


def test_sample_secure_program_passes_the_gate(sample):
    outcome = sample["s3-separate-resources"]
    assert outcome.error is None and outcome.mandatory == set()


@pytest.mark.parametrize("name", SAMPLE[1:])
def test_sample_insecure_program_is_blocked_by_its_rule(sample, name):
    outcome = sample[name]
    assert outcome.error is None
    assert outcome.blocked, (outcome.mandatory, outcome.advisory, outcome.not_judged)
    assert outcome.mandatory == set(BY_NAME[name].expect)
