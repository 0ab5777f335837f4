"""Render policies/README.md from README.in.md and the rule registry.

    python policies/gen_docs.py          # rewrite policies/README.md
    python policies/gen_docs.py --check  # exit 1 if the committed README differs
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from crossguard_aws.knobs import KNOBS  # noqa: E402
from crossguard_aws.model import CARD_AREAS, PACKS, Rule, rules_of  # noqa: E402
from crossguard_aws.packs import pack_name  # noqa: E402
from crossguard_aws.runtime import knob_names  # noqa: E402

TEMPLATE = HERE / "README.in.md"
README = HERE / "README.md"
MAX_TYPES = 8


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _types(rule: Rule) -> str:
    if rule.types is None:
        return "every resource in the stack"
    if len(rule.types) > MAX_TYPES:
        return f"{len(rule.types)} taggable types (`crossguard_aws/data/taggable_types.json`)"
    return "<br>".join(f"`{t}`" for t in rule.types)


def _controls(rule: Rule) -> str:
    return ", ".join(str(c) for c in rule.controls) or "—"


def render_packs() -> str:
    lines = ["| Pack | Directory | Rules | Purpose |", "| --- | --- | --- | --- |"]
    for pack, purpose in PACKS.items():
        lines.append(f"| `{pack_name(pack)}` | `policies/{pack}` | {len(rules_of(pack))} | {purpose} |")
    return "\n".join(lines)


def render_knobs() -> str:
    lines = ["| Knob | Default | Meaning |", "| --- | --- | --- |"]
    for knob in KNOBS.values():
        default = "—" if knob.default is None else f"`{knob.default}`".replace("'", '"')
        lines.append(f"| `{knob.name}` | {_cell(default)} | {_cell(knob.description)} |")
    return "\n".join(lines)


def render_areas() -> str:
    lines = ["| Area (mandatory by default) | Rules |", "| --- | --- |"]
    for area in CARD_AREAS:
        lines.append(f"| {area} | {', '.join(f'`{r.id}`' for r in rules_of() if r.area == area)} |")
    return "\n".join(lines)


def render_rules() -> str:
    out = []
    for pack in PACKS:
        out += [f"### `{pack_name(pack)}`", "",
                "| Rule id | Kind | Severity / default level | Controls | Tags | Applies to | Knobs | Description | Remediation |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for rule in rules_of(pack):
            knobs = ", ".join(f"`{k}`" for k in knob_names(rule) if k != "exemptions") or "—"
            kind = rule.kind + (" (production only)" if rule.production_only else "")
            out.append(
                f"| `{rule.id}` | {kind} | {rule.severity.value} / {rule.enforcement_level.value} | {_controls(rule)} | "
                f"{', '.join(rule.tags) or '—'} | {_types(rule)} | {knobs} | {_cell(rule.description)} | {_cell(rule.remediation)} |"
            )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render() -> str:
    text = TEMPLATE.read_text()
    for key, value in (("packs", render_packs()), ("knobs", render_knobs()), ("rules", render_rules()), ("areas", render_areas()),
                       ("count", str(len(rules_of())))):
        text = text.replace("{{" + key + "}}", value)
    return text


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if README.read_text() != text:
            print("policies/README.md is stale: run python policies/gen_docs.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(text)
    print(f"wrote {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
