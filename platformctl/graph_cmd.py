"""``platformctl graph STACK...``: the architecture, drawn from the stacks' synthesized resource graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from platformctl import terminal
from platformctl.graph import build_graph, to_dot, to_mermaid
from platformctl.offline import SynthError, synth_all
from platformctl.offline.runner import REPO_ROOT
from platformctl.synth_cmd import report_error

RENDERERS = {"mermaid": to_mermaid, "dot": to_dot}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("graph", help="draw the architecture from the resource graph (Mermaid or Graphviz DOT, offline)",
                       description="Synthesize each STACK offline and draw it: stacks, accounts and regions as boxes, "
                       "layers (component resources) or resources as nodes, dependencies as edges (from what is used "
                       "to what uses it), StackReference values as edges from the node that produced them.")
    p.add_argument("stacks", nargs="+", metavar="STACK", help="stack name(s), e.g. shared prod")
    p.add_argument("--project-dir", type=Path, default=REPO_ROOT, help="Pulumi project to draw (default: this repository)")
    p.add_argument("--level", choices=("layer", "resource"), default="layer", help="node granularity (default: layer)")
    p.add_argument("--format", choices=tuple(RENDERERS), default="mermaid", help="diagram language (default: mermaid)")
    p.add_argument("--output", default="-", metavar="FILE", help="write the diagram here ('-', the default: stdout)")
    p.set_defaults(func=run)


def render(snapshots, level: str = "layer", fmt: str = "mermaid") -> str:
    return RENDERERS[fmt](build_graph(snapshots, level))


def run(args: argparse.Namespace) -> int:
    try:
        output = terminal.check_output_target(args.output)
    except terminal.UsageError as exc:
        terminal.print_error(terminal.console(stderr=True), str(exc))
        return 2
    try:
        snapshots = synth_all(args.stacks, args.project_dir)
    except SynthError as exc:
        report_error(exc)
        return 2
    terminal.write_report(output, render(snapshots, args.level, args.format))
    if output is not None:
        print(f"wrote {output}", file=sys.stderr)
    return 0
