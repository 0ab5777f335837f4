"""``python -m platformctl``: one entry point, one module per subcommand.

Each command module exposes ``register(subparsers)``, which adds its parser and
sets ``func(args) -> int`` (the exit status).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Each subcommand and the module that registers and runs it. A run imports only its own command's module: the
# others bring in pydantic, the policy host's gRPC stack or the Automation API (synth starts ~0.2 s sooner).
COMMANDS = {
    "synth": "synth_cmd",
    **dict.fromkeys(("preview", "up", "refresh", "destroy", "drift"), "deploy_cmd"),
    "check": "check_cmd",
    "graph": "graph_cmd",
    "cost": "cost_cmd",
    "import-hints": "import_hints_cmd",
}


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser of every command, or of just the one ``argv`` names (all of them for help or a typo)."""
    parser = argparse.ArgumentParser(
        prog="platformctl",
        description="Drive the AI/ML platform: synthesize stacks offline, gate them with the policy packs, "
        "and preview/deploy them through the Pulumi Automation API.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = COMMANDS.get(argv[0]) if argv else None
    for module in [chosen] if chosen else dict.fromkeys(COMMANDS.values()):
        importlib.import_module(f"platformctl.{module}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
