"""Generated artefacts are current, and every type token the rules name exists in the installed SDKs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from crossguard_aws.model import rules_of
from crossguard_aws.rules.operations import STATEFUL_TYPES

POLICIES = Path(__file__).resolve().parents[2] / "policies"
SDKS = ("pulumi_aws", "pulumi_aws_native", "pulumi_awsx")


@pytest.mark.parametrize("script", ["gen_docs.py", "gen_taggable.py"])
def test_generated_file_is_current(script: str) -> None:
    run = subprocess.run([sys.executable, str(POLICIES / script), "--check"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_readme_lists_every_rule_with_its_remediation() -> None:
    readme = (POLICIES / "README.md").read_text()
    for rule in rules_of():
        assert f"| `{rule.id}` |" in readme and rule.remediation.split(";")[0][:60] in readme


def test_rule_type_tokens_exist_in_the_sdks() -> None:
    import importlib.util

    tokens: set[str] = set()
    for sdk in SDKS:
        root = Path(next(iter(importlib.util.find_spec(sdk).submodule_search_locations)))
        for path in root.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "__self__).__init__(" in text:
                tokens.update(re.findall(r"__self__\)\.__init__\(\s*'([^']+)'", text))
    named = set(STATEFUL_TYPES) | {t for r in rules_of() if r.types and r.pack != "tagging" for t in r.types}
    assert named - tokens == set()
