"""``python -m platformctl``: one entry point, one module per subcommand.

Each command module exposes ``register(subparsers)``, which adds its parser and
sets ``func(args) -> int`` (the exit status).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from platformctl import check_cmd, cost_cmd, deploy_cmd, graph_cmd, import_hints_cmd, synth_cmd

COMMANDS = [synth_cmd, deploy_cmd, check_cmd, graph_cmd, cost_cmd, import_hints_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="platformctl",
        description="Drive the AI/ML platform: synthesize stacks offline, gate them with the policy packs, "
        "and preview/deploy them through the Pulumi Automation API.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
