"""The floor: one plain Pulumi mock run of a stack's program, with nothing of platformctl's runner around it.

``pulumi.runtime.set_mocks`` with the stock ``MockMonitor`` (no recording, no records, no JSON, default GC,
normal interpreter exit); only the invoke and resource answers come from ``PlatformMocks`` so the program can
run at all. ``bench/perf.py`` times this in a fresh interpreter to get the bare-run ratio.

    python bench/bare_run.py dev --refs refs.json
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stack")
    parser.add_argument("--project-dir", type=Path, default=REPO)
    parser.add_argument("--refs", type=Path, help="JSON: referenced stack name -> its outputs")
    args = parser.parse_args()

    from pulumi.runtime import config as runtime_config
    from pulumi.runtime.mocks import MockEngine, MockMonitor, MockSettings
    from pulumi.runtime.settings import configure

    from platformctl.offline.mocks import PlatformMocks
    from platformctl.offline.project import load_stack_config

    cfg = load_stack_config(args.project_dir, args.stack)
    refs = json.loads(args.refs.read_text()) if args.refs else {}

    class BareMocks(PlatformMocks):
        def new_resource(self, a):
            if a.typ.startswith("pulumi:providers:"):  # what the recording monitor would otherwise tell the mocks
                self.provider_inputs[f"urn:pulumi:{cfg.stack}::{cfg.project}::{a.typ}::{a.name}"] = dict(a.inputs)
            return super().new_resource(a)

    runtime_config.set_all_config(dict(cfg.values), list(cfg.secret_keys))
    # What pulumi.runtime.set_mocks does, minus its implicit root stack (run_in_stack below makes the one root).
    monitor = MockMonitor(BareMocks(refs, cfg.values.get("aws:region", "us-east-1")))
    configure(MockSettings(monitor=monitor, monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
                           engine=MockEngine(None), project=cfg.project, stack=cfg.stack, dry_run=False,
                           organization="organization", callbacks=None))
    sys.path.insert(0, str(cfg.project_dir))
    os.chdir(cfg.project_dir)
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    _sync_await(run_in_stack(lambda: runpy.run_path(str(cfg.main), run_name="__main__")))


if __name__ == "__main__":
    main()
