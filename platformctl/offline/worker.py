"""Entry point of the per-stack interpreter that ``runner`` starts (one program run per process)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from platformctl.offline.project import ProjectError, load_stack_config
from platformctl.offline.runner import SynthError, run_program


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project-dir", type=Path, required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--refs", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--preview", action="store_true")
    parser.add_argument("--validate-only", action="store_true")
    args = parser.parse_args()
    refs = json.loads(args.refs.read_text())
    try:
        cfg = load_stack_config(args.project_dir, args.stack)
        result = {"snapshot": run_program(cfg, refs, preview=args.preview, validate_only=args.validate_only).to_json()}
    except ProjectError as exc:
        result = {"error": str(exc), "user_error": True}
    except SynthError as exc:
        result = {"error": exc.message, "user_error": exc.user_error, "registered": exc.registered}
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
