"""The resource graph of synthesized stacks, grouped as people draw architectures: stack > account > region > layer.

A *layer* is an outermost component resource below the stack (``components/`` registers one per layer); its
account and region are those of the providers its resources use. Edges follow dependencies (property
dependencies and ``depends_on``) from what is used to what uses it, so data flows read left to right.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from platformctl.offline.records import ResourceRecord, Snapshot

STACK_REFERENCE = "pulumi:pulumi:StackReference"
MULTI_REGION = "(all regions)"
NO_ACCOUNT = "(default provider)"


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    stack: str
    account: str
    region: str  # MULTI_REGION for a layer spanning regions; "" for a stack's exports node


@dataclass
class Graph:
    level: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: set[tuple[str, str]] = field(default_factory=set)

    def add_edge(self, source: str, target: str) -> None:
        if source != target:
            self.edges.add((source, target))


def node_id(*parts: str) -> str:
    return re.sub(r"\W+", "_", "__".join(parts)).strip("_")


def short_type(type_: str) -> str:
    """``aiplatform:data:DataLake`` -> ``DataLake``; ``aws:s3/bucket:Bucket`` -> ``s3 Bucket``."""
    package, module, name = (type_.split(":") + ["", ""])[:3]
    if package == "aws" or package == "aws-native":
        return f"{module.split('/')[0]} {name}"
    return name or type_


def account_region(snap: Snapshot, record: ResourceRecord) -> tuple[str, str]:
    """The record's account and region as labels (also for the default provider and an unguarded one)."""
    placed = snap.placement(record)
    if placed is None:
        return NO_ACCOUNT, str(snap.config.get("aws:region", ""))
    account, region = placed
    return account or "(any account)", region


def _managed(record: ResourceRecord) -> bool:
    return record.custom and not record.is_provider and not record.read


class _StackView:
    """One snapshot's records indexed for grouping."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        self.stack_urn = next((r.urn for r in snap.resources if r.type == "pulumi:pulumi:Stack"), "")
        self.layer_of: dict[str, ResourceRecord] = {}
        for r in snap.resources:
            chain = [r, *snap.ancestors(r)]
            top = next((c for c in chain if c.parent == self.stack_urn and not c.custom), None)
            if top is not None:
                self.layer_of[r.urn] = top
        self.placement = {r.urn: account_region(snap, r) for r in snap.resources if _managed(r)}

    def references(self) -> dict[str, str]:
        """StackReference URN -> the referenced stack's name (its last path segment)."""
        return {r.urn: str(r.inputs.get("name") or r.name).rsplit("/", 1)[-1]
                for r in self.snap.resources if r.type == STACK_REFERENCE}

    @staticmethod
    def uses(record: ResourceRecord) -> set[str]:
        used = set(record.dependencies)
        for urns in record.property_dependencies.values():
            used.update(urns)
        return used


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)


def _distinctive(value: str) -> bool:
    # Account ids and short words would match everywhere; ARNs, names and URLs identify one producer.
    return len(value) >= 8 and any(c.isalpha() for c in value)


class _Producers:
    """Which node of a referenced stack produced each of its exported values (matched by value)."""

    def __init__(self, snap: Snapshot, member: Mapping[str, str]):
        produced: dict[str, str] = {}
        drawn = [r for r in sorted(snap.resources, key=lambda r: r.urn) if r.urn in member]
        # A value is produced by the resource it identifies; only then by one that merely mentions it.
        for identity in (True, False):
            for r in drawn:
                values = [r.id, r.outputs.get("arn"), r.outputs.get("name")] if identity else list(_leaves(r.outputs))
                for leaf in _leaves(values):
                    produced.setdefault(leaf, member[r.urn])
        self.exports = {v: produced[v] for v in _leaves(snap.outputs) if _distinctive(v) and v in produced}

    def of(self, record: ResourceRecord) -> set[str]:
        inputs = list(_leaves(record.inputs))
        return {node for value, node in self.exports.items() if any(value in leaf for leaf in inputs)}


def _exports_node(graph: Graph, stack: str, graphed: bool) -> str:
    nid = node_id("exports", stack)
    if nid not in graph.nodes:
        label = f"{stack} stack outputs" if graphed else f"{stack} stack outputs (not drawn)"
        graph.nodes[nid] = Node(nid, label, stack if graphed else "", "", "")
    return nid


def _nodes(graph: Graph, stack: str, view: _StackView) -> dict[str, str]:
    """Add ``stack``'s nodes; return resource URN -> node id for every managed resource drawn."""
    snap = view.snap
    managed = [r for r in snap.resources if _managed(r)]
    member: dict[str, str] = {}
    if graph.level == "resource":
        for r in managed:
            nid = node_id(stack, r.type, r.name)
            if nid in graph.nodes:  # same type and name under different parents
                nid = node_id(nid, str(len(graph.nodes)))
            account, region = view.placement[r.urn]
            graph.nodes[nid] = Node(nid, f"{short_type(r.type)}<br/>{r.name}", stack, account, region)
            member[r.urn] = nid
        return member
    where: dict[str, Counter] = defaultdict(Counter)
    for r in managed:
        layer = view.layer_of.get(r.urn)
        if layer is not None:
            where[layer.urn][view.placement[r.urn]] += 1
    for layer_urn, placements in where.items():
        layer = snap.by_urn[layer_urn]
        accounts = {a for a, _ in placements}
        regions = {g for _, g in placements}
        account = accounts.pop() if len(accounts) == 1 else "(several accounts)"
        region = regions.pop() if len(regions) == 1 else MULTI_REGION
        nid = node_id(stack, short_type(layer.type), layer.name)
        # No resource count in the label: the diagram changes when the architecture does, not with every resource.
        graph.nodes[nid] = Node(nid, f"{short_type(layer.type)}<br/>{layer.name}", stack, account, region)
        for r in managed:
            if view.layer_of.get(r.urn) is layer:
                member[r.urn] = nid
    return member


def build_graph(snapshots: Mapping[str, Snapshot], level: str = "layer") -> Graph:
    """The graph of ``snapshots`` (stack name -> snapshot) at ``level`` ``layer`` or ``resource``.

    A dependency on a StackReference becomes an edge from the node of the referenced stack that produced the value
    the resource uses (when that stack is drawn too), else from a node standing for the stack's outputs.
    """
    if level not in ("layer", "resource"):
        raise ValueError(f"level must be 'layer' or 'resource', not {level!r}")
    graph = Graph(level)
    views = {stack: _StackView(snap) for stack, snap in snapshots.items()}
    members = {stack: _nodes(graph, stack, view) for stack, view in views.items()}
    producers = {stack: _Producers(snapshots[stack], members[stack]) for stack in snapshots}
    for stack, view in views.items():
        refs = view.references()
        member = members[stack]
        for r in view.snap.resources:
            target = member.get(r.urn)
            if target is None:
                continue
            for used in view.uses(r):
                if used in member:
                    graph.add_edge(member[used], target)
                elif used in refs:
                    referenced = refs[used]
                    sources = producers[referenced].of(r) if referenced in producers else set()
                    for source in sources or {_exports_node(graph, referenced, referenced in snapshots)}:
                        graph.add_edge(source, target)
    return graph
