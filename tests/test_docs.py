"""The docs stay true: files they name exist, commands they show parse, the bootstrap checklist lists every
variable and secret the workflows read, and the README's key table names every configuration key."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from config.schema import Features, Knobs, PlatformConfig
from platformctl.cli import build_parser
from tests.conftest import ROOT

DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), ROOT / "policies" / "README.md",
               ROOT / "policies" / "README.in.md"])
TOP_LEVEL = {p.name for p in ROOT.iterdir() if p.name not in (".git", "venv", ".venv")}
WORKFLOWS = ROOT / ".github" / "workflows"


def _path_like(word: str) -> str | None:
    word = word.strip("'\"(),;").removeprefix("./")
    word = re.sub(r":\d+$", "", word)
    if not word or any(c in word for c in "<>{}$=@~") or "://" in word:
        return None
    if not re.fullmatch(r"[\w.*/-]+", word):
        return None
    first = word.split("/", 1)[0]
    return word if first in TOP_LEVEL and ("/" in word or "." in first) else None


def named_files(doc: Path) -> set[tuple[str, Path]]:
    text = doc.read_text()
    found = set()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        found.add((target, (doc.parent / target.split("#", 1)[0]).resolve()))
    for span in re.findall(r"`([^`\n]+)`", text) + re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        for word in span.split():
            path = _path_like(word)
            if path:
                found.add((path, ROOT / path))
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_file_a_doc_names_exists(doc):
    missing = sorted(name for name, path in named_files(doc)
                     if not (any(path.parent.glob(path.name)) if "*" in str(path) else path.exists()))
    assert not missing, f"{doc.name} names files that do not exist: {missing}"


def test_the_file_check_catches_a_missing_file(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("see `policies/encryption/config.json` and [the guide](docs/nowhere.md), not `policy-config.json`")
    names = {n for n, p in named_files(doc) if not p.exists()}
    assert names == {"policies/encryption/config.json", "docs/nowhere.md"}


def _without_redirections(words: list[str]) -> list[str]:
    kept, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif re.fullmatch(r"\d*>>?", word):
            skip = True  # the target follows
        elif not re.match(r"\d*>", word):
            kept.append(word)
    return kept


def _platformctl_commands(text: str) -> list[list[str]]:
    commands = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            for part in re.split(r"&&|\|", line.split(" #", 1)[0]):
                words = shlex.split(part, comments=False) if part.count("'") % 2 == 0 else part.split()
                if words[:3] == ["python", "-m", "platformctl"]:
                    commands.append(_without_redirections(words[3:]))
    return commands


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_platformctl_command_in_the_docs_parses(doc, capsys):
    parser = build_parser()
    for argv in _platformctl_commands(doc.read_text()):
        try:
            parser.parse_args(argv)
        except SystemExit as exc:
            pytest.fail(f"{doc.name}: `python -m platformctl {' '.join(argv)}` does not parse: {capsys.readouterr().err}"
                        if exc.code else "")


def test_bootstrap_lists_every_variable_and_secret_the_workflows_read():
    used = set()
    for workflow in WORKFLOWS.glob("*.yml"):
        used |= set(re.findall(r"\b((?:vars|secrets)\.[A-Z][A-Z0-9_]*)", workflow.read_text()))
    assert used, "the workflows read no variables?"
    doc = (ROOT / "docs" / "bootstrap.md").read_text()
    table = {m[0]: m[1] for m in re.findall(r"^\s*\| `([A-Z][A-Z0-9_]*)` \| (variable|secret)", doc, re.M)}
    missing = sorted(u for u in used if u.split(".", 1)[1] not in table)
    assert not missing, f"docs/bootstrap.md does not list {missing}"
    wrong_kind = sorted(u for u in used if table[u.split(".", 1)[1]] != {"vars": "variable", "secrets": "secret"}[u.split(".")[0]])
    assert not wrong_kind, wrong_kind


def test_bootstrap_is_one_ordered_checklist_with_the_exact_commands():
    doc = (ROOT / "docs" / "bootstrap.md").read_text()
    steps = [int(n) for n in re.findall(r"^(\d+)\. \*\*", doc, re.M)]
    assert steps == list(range(1, len(steps) + 1)) and len(steps) >= 8
    order = ["bootstrap/state-backend.yaml", "synth shared --format json", "aws cloudformation create-stack-set",
             "aws cloudformation create-stack-instances", "pulumi stack init", "python -m platformctl up --stack shared",
             "gh variable set"]
    positions = [doc.index(marker) for marker in order]
    assert positions == sorted(positions), order
    assert "ExistingGitHubOidcProviderArn" in doc and "for stack in shared dev prod" in doc
    assert re.search(r"`production` with required reviewers", doc)
    template = (ROOT / "bootstrap" / "deploy-roles.yaml").read_text()
    for key in re.findall(r"ParameterKey=(\w+)", doc):
        assert f"\n  {key}:\n" in template, f"docs/bootstrap.md passes unknown parameter {key}"


def test_readme_key_table_names_every_configuration_key():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| Key | Meaning |"):readme.index("## Deploying for real")]
    assert not re.search(r"\.\.\. \|$", table, re.M), "a row of the key table trails off in '...'"
    for model, prefix in ((PlatformConfig, ""), (Features, "features."), (Knobs, "knobs.")):
        for name, field in model.model_fields.items():
            key = field.alias or name
            assert f"`{prefix}{key}" in table or f"`{key}`" in table, f"README's key table does not name {prefix}{key}"


def test_no_stale_status_in_the_docs():
    for doc in DOCS:
        text = doc.read_text()
        for stale in ("not yet tagged", "not yet produced"):
            assert stale not in text, f"{doc.name}: '{stale}'"
