"""``platformctl graph``: the architecture drawn from the synthesized resource graph."""

from platformctl.graph.model import Graph, Node, build_graph
from platformctl.graph.render import to_dot, to_mermaid

__all__ = ["Graph", "Node", "build_graph", "to_dot", "to_mermaid"]
