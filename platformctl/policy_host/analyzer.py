"""A client for one running policy pack, calling it in the order the engine does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from platformctl.policy_host import group
from platformctl.policy_host.model import PackInfo, PolicyMeta
from platformctl.policy_host.packs import PackError, PackSpec

_MAX_MESSAGE = 400 * 1024 * 1024  # what the engine and pulumi_policy allow
_LEVEL_NAMES = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory",
                analyzer_pb2.REMEDIATE: "remediate", analyzer_pb2.DISABLED: "disabled"}
_LEVEL_VALUES = {v: k for k, v in _LEVEL_NAMES.items()}
_SEVERITY_NAMES = {analyzer_pb2.POLICY_SEVERITY_LOW: "low", analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
                   analyzer_pb2.POLICY_SEVERITY_HIGH: "high", analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical"}
_BATCH = 64  # requests in flight at once; the pack serves four at a time


def level_name(value: int) -> str:
    return _LEVEL_NAMES.get(value, "advisory")


def severity_name(value: int) -> str:
    return _SEVERITY_NAMES.get(value, "unspecified")


def _channel(port: int) -> grpc.Channel:
    return grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", _MAX_MESSAGE),
                                                              ("grpc.max_send_message_length", _MAX_MESSAGE)])


class Analyzer:
    def __init__(self, spec: PackSpec, port: int):
        self.spec = spec
        self._channel = _channel(port)
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        # Analyze taking an already serialized request: every pack gets the same bytes, serialized once.
        self._analyze_bytes = self._channel.unary_unary("/pulumirpc.Analyzer/Analyze", request_serializer=None,
                                                        response_deserializer=analyzer_pb2.AnalyzeResponse.FromString)
        self._analyze_stack_bytes = self._channel.unary_unary("/pulumirpc.Analyzer/AnalyzeStack", request_serializer=None,
                                                              response_deserializer=analyzer_pb2.AnalyzeResponse.FromString)
        self.info: PackInfo | None = None

    def _call(self, what: str, method, request, optional: bool = False):
        try:
            return method(request, timeout=300)
        except grpc.RpcError as exc:
            if optional and exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                return None
            raise PackError(f"policy pack {self.spec.path}: {what} failed: {exc.details() or exc.code().name}") from None

    def handshake(self, engine_address: str) -> None:
        directory = str(self.spec.path)
        self._call("Handshake", self._stub.Handshake, analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=engine_address, root_directory=directory, program_directory=directory), optional=True)

    def configure_stack(self, project: str, stack: str, organization: str, dry_run: bool, config: dict[str, str],
                        secret_keys: Sequence[str], tags: dict[str, str]) -> None:
        self._call("ConfigureStack", self._stub.ConfigureStack, analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack, project=project, organization=organization, dry_run=dry_run, config=config,
            config_secret_keys=list(secret_keys), tags=tags), optional=True)

    def get_info(self) -> PackInfo:
        resp = self._call("GetAnalyzerInfo", self._stub.GetAnalyzerInfo, empty_pb2.Empty())
        policies = {}
        for p in resp.policies:
            schema = json_format.MessageToDict(p.configSchema) if p.HasField("configSchema") else {}
            policies[p.name] = PolicyMeta(
                name=p.name, description=p.description, display_name=p.displayName, enforcement=level_name(p.enforcementLevel),
                severity=severity_name(p.severity), remediation_steps=p.remediation_steps, url=p.url,
                kind="stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
                config_schema=schema, tags=tuple(p.tags))
        initial = {}
        for name, cfg in resp.initialConfig.items():
            entry: dict[str, Any] = json_format.MessageToDict(cfg.properties) if cfg.HasField("properties") else {}
            entry["enforcementLevel"] = level_name(cfg.enforcementLevel)
            initial[name] = entry
        # The version in PulumiPolicy.yaml wins over the pack's own answer, as in the engine.
        self.info = PackInfo(name=resp.name, version=self.spec.version or resp.version, path=str(self.spec.path),
                             policies=policies, initial_config=initial, supports_config=resp.supportsConfig)
        return self.info

    def configure(self, effective: dict[str, dict[str, Any]]) -> None:
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, config in effective.items():
            props = struct_pb2.Struct()
            props.update({k: v for k, v in config.items() if k != "enforcementLevel"})
            request.policyConfig[name].CopyFrom(analyzer_pb2.PolicyConfig(
                enforcementLevel=_LEVEL_VALUES[config.get("enforcementLevel", "advisory")], properties=props))
        self._call("Configure", self._stub.Configure, request)

    def remediate(self, request: analyzer_pb2.AnalyzeRequest) -> analyzer_pb2.RemediateResponse | None:
        return self._call("Remediate", self._stub.Remediate, request, optional=True)

    def analyze_all(self, requests: Sequence[analyzer_pb2.AnalyzeRequest]) -> list[analyzer_pb2.AnalyzeResponse]:
        """Analyze every resource, keeping a batch in flight to hide the round trips."""
        responses: list[analyzer_pb2.AnalyzeResponse] = []
        for start in range(0, len(requests), _BATCH):
            batch = requests[start:start + _BATCH]
            futures = [self._stub.Analyze.future(r, timeout=300) for r in batch]
            for request, future in zip(batch, futures):
                try:
                    responses.append(future.result())
                except grpc.RpcError as exc:
                    raise PackError(f"policy pack {self.spec.path}: Analyze({request.urn}) failed: "
                                    f"{exc.details() or exc.code().name}") from None
        return responses

    def analyze_async(self, request: bytes) -> grpc.Future:
        """Start analyzing one resource, given as a serialized AnalyzeRequest (the gate streams resources as the
        program registers them, and serializes each once for every pack)."""
        return self._analyze_bytes.future(request, timeout=300)

    def analyze_result(self, urn: str, future: grpc.Future) -> analyzer_pb2.AnalyzeResponse:
        try:
            return future.result()
        except grpc.RpcError as exc:
            raise PackError(f"policy pack {self.spec.path}: Analyze({urn}) failed: {exc.details() or exc.code().name}") from None

    def analyze_stack(self, request: analyzer_pb2.AnalyzeStackRequest | bytes) -> analyzer_pb2.AnalyzeResponse:
        """The whole stack; a serialized request is sent as is (one serialization for every pack)."""
        method = self._analyze_stack_bytes if isinstance(request, bytes) else self._stub.AnalyzeStack
        resp = self._call("AnalyzeStack", method, request, optional=True)
        return resp if resp is not None else analyzer_pb2.AnalyzeResponse()

    def close(self) -> None:
        self._channel.close()


def _split(data: bytes) -> list[analyzer_pb2.AnalyzeResponse]:
    return [analyzer_pb2.AnalyzeResponse.FromString(part) for part in group.pack_responses(data)]


class GroupAnalyzer:
    """The one-call-for-all methods of packs sharing a process (``platformctl.policy_host.group``): each answer
    is the list of every pack's AnalyzeResponse, in pack order."""

    def __init__(self, port: int, names: str):
        self.names = names
        self._channel = _channel(port)
        self._analyze = self._channel.unary_unary(group.ANALYZE, request_serializer=None, response_deserializer=_split)
        self._analyze_stack = self._channel.unary_unary(group.ANALYZE_STACK, request_serializer=None, response_deserializer=_split)

    def analyze_async(self, request: bytes) -> grpc.Future:
        return self._analyze.future(request, timeout=300)

    def analyze_result(self, urn: str, future: grpc.Future) -> list[analyzer_pb2.AnalyzeResponse]:
        try:
            return future.result()
        except grpc.RpcError as exc:
            raise PackError(f"policy pack {exc.details() or self.names}: Analyze({urn}) failed ({exc.code().name})") from None

    def analyze_all(self, requests: Sequence[analyzer_pb2.AnalyzeRequest]) -> list[list[analyzer_pb2.AnalyzeResponse]]:
        """Every pack's answers to every resource, one call each, keeping a batch in flight (as ``Analyzer``)."""
        answers: list[list[analyzer_pb2.AnalyzeResponse]] = []
        for start in range(0, len(requests), _BATCH):
            batch = requests[start:start + _BATCH]
            futures = [self.analyze_async(r.SerializeToString()) for r in batch]
            answers.extend(self.analyze_result(r.urn, f) for r, f in zip(batch, futures))
        return answers

    def analyze_stack(self, request: bytes) -> list[analyzer_pb2.AnalyzeResponse]:
        try:
            return self._analyze_stack(request, timeout=300)
        except grpc.RpcError as exc:
            raise PackError(f"policy pack {exc.details() or self.names}: AnalyzeStack failed ({exc.code().name})") from None

    def close(self) -> None:
        self._channel.close()
