"""The engine's side of a policy pack's command line: a gRPC Engine service that collects log messages.

A pack receives this address as its first argument, as from the CLI; messages
it logs through it are surfaced as warnings of the check.
"""

from __future__ import annotations

from concurrent import futures

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

_LEVELS = {engine_pb2.DEBUG: "debug", engine_pb2.INFO: "info", engine_pb2.WARNING: "warning", engine_pb2.ERROR: "error"}


class _Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def Log(self, request, context):
        self.messages.append((_LEVELS.get(request.severity, "info"), request.message))
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):
        return engine_pb2.GetRootResourceResponse()

    def SetRootResource(self, request, context):
        return engine_pb2.SetRootResourceResponse()


class EngineServer:
    def __init__(self) -> None:
        self.servicer = _Engine()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
        engine_pb2_grpc.add_EngineServicer_to_server(self.servicer, self._server)
        self.address = f"127.0.0.1:{self._server.add_insecure_port('127.0.0.1:0')}"
        self._server.start()

    @property
    def messages(self) -> list[tuple[str, str]]:
        return list(self.servicer.messages)

    def stop(self) -> None:
        self._server.stop(grace=None)
