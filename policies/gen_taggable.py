"""Regenerate crossguard_aws/data/taggable_types.json from the installed pulumi_aws / pulumi_aws_native SDKs.

A type is taggable when its resource class takes a ``tags`` input (the SDKs are generated from the provider
schemas, so this is the schema's answer). The SDK source is scanned rather than imported: importing every
module of pulumi_aws takes minutes, and the packs then need no SDK at run time.

    python policies/gen_taggable.py          # rewrite the list
    python policies/gen_taggable.py --check  # exit 1 if the committed list differs from the installed SDKs
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "crossguard_aws" / "data" / "taggable_types.json"
PACKAGES = {"pulumi_aws": "pulumi-aws", "pulumi_aws_native": "pulumi-aws-native"}

_CLASS = re.compile(r"^class (\w+)\(pulumi\.CustomResource\):", re.M)
_TOKEN = re.compile(r"super\((\w+), __self__\)\.__init__\(\s*'([^']+)'")
_INIT = re.compile(r"def _internal_init\(.*?__props__ = ", re.S)
_TAGS_PARAM = re.compile(r"^\s+tags: (.*?) = None,$", re.M)


def scan_file(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    if "pulumi.CustomResource" not in text or '__props__.__dict__["tags"] = tags' not in text:
        return found
    classes = set(_CLASS.findall(text))
    init = _INIT.search(text)
    param = _TAGS_PARAM.search(init.group(0)) if init else None
    if not param:
        return found
    shape = "list" if "Sequence[" in param.group(1) else "map"
    for cls, token in _TOKEN.findall(text):
        if cls in classes:
            found[token] = shape
    return found


def scan() -> dict:
    types: dict[str, str] = {}
    versions = {}
    for module, dist in PACKAGES.items():
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(f"{module} is not installed: install requirements-dev.txt first")
        root = Path(next(iter(spec.submodule_search_locations)))
        versions[dist] = importlib.metadata.version(dist)
        for path in sorted(root.rglob("*.py")):
            types.update(scan_file(path.read_text(encoding="utf-8")))
    return {"generatedFrom": versions, "types": dict(sorted(types.items()))}


def main(argv: list[str]) -> int:
    data = scan()
    text = json.dumps(data, indent=0, sort_keys=True) + "\n"
    if "--check" in argv:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is stale: run python policies/gen_taggable.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {len(data['types'])} taggable types to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
