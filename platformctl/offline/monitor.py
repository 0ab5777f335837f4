"""A mock resource monitor that records every registration as the engine sees it.

``Mocks.new_resource`` never sees resource options (protect, dependencies,
provider, source position), so recording happens here, at RegisterResource.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlparse

from pulumi.runtime.mocks import MockMonitor

from platformctl.offline.mocks import PlatformMocks
from platformctl.offline.records import ResourceRecord
from platformctl.offline.values import struct_to_json

_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def _seconds(duration: str) -> float:
    """Pulumi's custom timeouts ("5m", "1h30m", "90s") in seconds, as the analyzer protocol carries them."""
    return sum(float(n) * _UNITS[u] for n, u in re.findall(r"([\d.]+)(ms|h|m|s)", duration))


def _source(request) -> tuple[str, int]:
    pos = request.sourcePosition
    if not pos.uri:
        return "", 0
    return unquote(urlparse(pos.uri).path), int(pos.line)


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: PlatformMocks, sink: Callable[[ResourceRecord], None] | None = None):
        super().__init__(mocks)
        self.sink = sink  # sees each record as it is registered (the gate streams them to the policy packs)
        self.platform_mocks = mocks
        self.records: list[ResourceRecord] = []
        self.stack_outputs: dict[str, Any] = {}
        self.invokes: list[dict[str, Any]] = []

    def _record(self, record: ResourceRecord) -> None:
        self.records.append(record)
        if self.sink is not None:
            self.sink(record)

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            self._record(ResourceRecord(urn=response.urn, type=request.type, name=request.name, custom=False))
            return response
        inputs = struct_to_json(request.object)
        if request.type.startswith("pulumi:providers:"):
            self.platform_mocks.provider_inputs[response.urn] = inputs
        source_file, source_line = _source(request)
        self._record(
            ResourceRecord(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                id=response.id,
                parent=request.parent,
                provider=request.provider,
                providers=dict(request.providers),
                remote=bool(request.remote),
                inputs=inputs,
                outputs=struct_to_json(response.object),
                # The SDK collects these in sets: sorted, so two runs of a program record the same thing.
                dependencies=sorted(request.dependencies),
                property_dependencies={k: sorted(v.urns) for k, v in sorted(request.propertyDependencies.items())},
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                delete_before_replace=bool(request.deleteBeforeReplace),
                delete_before_replace_defined=bool(request.deleteBeforeReplaceDefined),
                aliases=self._alias_urns(request),
                custom_timeouts={k: _seconds(getattr(request.customTimeouts, k)) for k in ("create", "update", "delete")
                                 if getattr(request.customTimeouts, k)},
                ignore_changes=list(request.ignoreChanges),
                additional_secret_outputs=list(request.additionalSecretOutputs),
                source_file=source_file,
                source_line=source_line,
            )
        )
        return response

    def _alias_urns(self, request) -> list[str]:
        """Alias URNs, whether the SDK sent them as URNs or as specs (name/type/parent overrides)."""
        urns = list(request.aliasURNs)
        for alias in request.aliases:
            if alias.urn:
                urns.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            urn = self.make_urn(parent, spec.type or request.type, spec.name or request.name)
            if spec.stack or spec.project:
                head, project, qualified_type, name = urn.split("::", 3)
                stack = head.removeprefix("urn:pulumi:")
                urn = f"urn:pulumi:{spec.stack or stack}::{spec.project or project}::{qualified_type}::{name}"
            urns.append(urn)
        return urns

    def ReadResource(self, request):
        response = super().ReadResource(request)
        self._record(ResourceRecord(
            urn=response.urn, type=request.type, name=request.name, custom=True, id=request.id, parent=request.parent,
            provider=request.provider, inputs=struct_to_json(request.properties), outputs=struct_to_json(response.properties),
            dependencies=sorted(request.dependencies), read=True))
        return response

    def RegisterResourceOutputs(self, request):
        if "::pulumi:pulumi:Stack::" in request.urn:
            self.stack_outputs = struct_to_json(request.outputs)
        return super().RegisterResourceOutputs(request)

    def Invoke(self, request):
        entry: dict[str, Any] = {"token": request.tok, "provider": request.provider}
        self.invokes.append(entry)
        response = super().Invoke(request)
        if request.tok.startswith("aws:kms/"):
            # Key lookups: the gate tells the packs which key references are AWS-managed keys.
            entry.update(args=struct_to_json(request.args), result=struct_to_json(getattr(response, "return")))
        return response

