"""Draw a ``Graph`` as Mermaid (GitHub renders it in Markdown) or Graphviz DOT, deterministically."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from platformctl.graph.model import MULTI_REGION, Graph, Node, node_id


def _tree(graph: Graph) -> dict[str, dict[str, dict[str, list[Node]]]]:
    """stack -> account -> region -> nodes, every level sorted."""
    tree: dict[str, dict[str, dict[str, list[Node]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for n in graph.nodes.values():
        tree[n.stack][n.account][n.region].append(n)
    return {s: {a: {r: sorted(ns, key=lambda n: n.id) for r, ns in sorted(regions.items())}
                for a, regions in sorted(accounts.items())} for s, accounts in sorted(tree.items())}


def _groups(graph: Graph):
    """(depth, group id or None, title, nodes) in drawing order; a None id closes nothing and draws loose nodes."""
    for stack, accounts in _tree(graph).items():
        if stack:
            yield "open", node_id("stack", stack), f"stack {stack}"
        for account, regions in accounts.items():
            if account:
                yield "open", node_id("acct", stack, account), f"account {account}"
            for region, nodes in regions.items():
                boxed = region not in ("", MULTI_REGION)
                if boxed:
                    yield "open", node_id("region", stack, account, region), region
                for n in nodes:
                    yield "node", n.id, n.label
                if boxed:
                    yield "close", "", ""
            if account:
                yield "close", "", ""
        if stack:
            yield "close", "", ""


def _quote(label: str) -> str:
    return label.replace('"', "#quot;")


def _indented(graph: Graph, group: str, node: str, close: str, text: Callable[[str], str]) -> list[str]:
    """The grouped nodes as indented lines; ``group`` and ``node`` format ``ident`` and ``title`` (through ``text``)."""
    lines, depth = [], 1
    for kind, ident, title in _groups(graph):
        if kind == "close":
            depth -= 1
            lines.append("  " * depth + close)
        else:
            lines.append("  " * depth + (group if kind == "open" else node).format(ident=ident, title=text(title)))
            depth += kind == "open"
    return lines


def to_mermaid(graph: Graph, direction: str = "LR") -> str:
    graph_nodes = _indented(graph, 'subgraph {ident}["{title}"]', '{ident}["{title}"]', "end", _quote)
    edges = [f"  {a} --> {b}" for a, b in sorted(graph.edges)]
    return "\n".join([f"flowchart {direction}", *graph_nodes, *edges]) + "\n"


def to_dot(graph: Graph) -> str:
    graph_nodes = _indented(graph, 'subgraph cluster_{ident} {{ label="{title}";', '{ident} [label="{title}"];', "}",
                            lambda t: _escape(t.replace("<br/>", "\n")))
    edges = [f"  {a} -> {b};" for a, b in sorted(graph.edges)]
    head = ["digraph platform {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    return "\n".join([*head, *graph_nodes, *edges, "}"]) + "\n"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
