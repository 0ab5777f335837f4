"""Several policy packs in one process: each still serves the Analyzer protocol on its own port, and one extra
method judges a resource with every pack at once.

Offline only (``pulumi preview`` runs each pack as its own process, unchanged). The gate sends each resource
once to the group instead of once per pack: the request is parsed once, every pack's servicer judges that
same request object (so ``crossguard_aws.sdk`` decodes its properties once for all packs), and the answers come
back in one message. Control calls (handshake, info, configure, remediate) go to each pack's own port.

A pack is loaded as ``python -m pulumi.policy`` loads it (``runpy`` of its directory, as ``__main__``), except
that the servicer its ``PolicyPack`` builds is kept instead of served. Packs may share a process only when they
share no local module names (``groupable``): they share ``sys.modules``.
"""

from __future__ import annotations

import os
import runpy
import struct
import sys
import time
from collections.abc import Sequence
from concurrent import futures
from pathlib import Path

SERVICE = "platformctl.PackGroup"
ANALYZE = f"/{SERVICE}/Analyze"
ANALYZE_STACK = f"/{SERVICE}/AnalyzeStack"
_LENGTH = struct.Struct(">I")


def local_modules(pack_dir: Path) -> set[str]:
    """Top-level module names a pack brings beside its ``__main__.py``."""
    names = {p.stem for p in pack_dir.glob("*.py") if p.name != "__main__.py"}
    return names | {p.name for p in pack_dir.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def groupable(pack_dirs: Sequence[Path]) -> bool:
    """Whether these packs can share one interpreter: two or more, and no local module name in common."""
    seen: set[str] = set()
    for pack_dir in pack_dirs:
        names = local_modules(pack_dir)
        if seen & names:
            return False
        seen |= names
    return len(pack_dirs) > 1


def pack_responses(data: bytes) -> list[bytes]:
    """The group's answer, split into each pack's serialized AnalyzeResponse (in pack order)."""
    parts, at = [], 0
    while at < len(data):
        (size,) = _LENGTH.unpack_from(data, at)
        at += _LENGTH.size
        parts.append(data[at:at + size])
        at += size
    return parts


def _joined(responses: Sequence[bytes]) -> bytes:
    return b"".join(_LENGTH.pack(len(r)) + r for r in responses)


class _Kept(BaseException):
    """Raised inside ``PolicyPack.__init__`` once its servicer is built: keeps it instead of serving it."""


def _load(pack_dir: Path):
    """Run a pack's ``__main__.py`` as ``python -m pulumi.policy <engine> .`` would, returning its servicer."""
    import pulumi_policy.policy as sdk_policy

    kept = []

    def keep(servicer, _server) -> None:
        kept.append(servicer)
        raise _Kept

    grpc_module = sdk_policy.analyzer_pb2_grpc
    original = grpc_module.add_AnalyzerServicer_to_server
    grpc_module.add_AnalyzerServicer_to_server = keep
    os.chdir(pack_dir)
    sys.path[0] = str(pack_dir)
    try:
        runpy.run_path(str(pack_dir), run_name="__main__")  # absolute: "." would hit the importer cache of the first pack
    except _Kept:
        pass
    finally:
        grpc_module.add_AnalyzerServicer_to_server = original
    if not kept:
        raise RuntimeError(f"policy pack {pack_dir} did not build a PolicyPack")
    return kept[0]


def _configure_runtime() -> None:
    """What ``python -m pulumi.policy`` does before loading a pack (config and settings from the environment)."""
    import pulumi.runtime

    for key, value in pulumi.runtime.get_config_env().items():
        pulumi.runtime.set_config(key, value)
    if all(k in os.environ for k in ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN")):
        pulumi.runtime.configure(pulumi.runtime.Settings(
            project=os.environ["PULUMI_PROJECT"], stack=os.environ["PULUMI_STACK"],
            dry_run=os.environ["PULUMI_DRY_RUN"] == "true", organization=os.environ.get("PULUMI_ORGANIZATION", "organization")))


def serve(pack_dirs: Sequence[str]) -> None:
    """Load every pack, serve each on its own port plus the group methods on the first; print the ports on one line."""
    import grpc
    from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
    from pulumi_policy.policy import _GRPC_CHANNEL_OPTIONS

    _configure_runtime()
    servicers = [_load(Path(d)) for d in pack_dirs]

    def each(method: str, request, context) -> bytes:
        answers = []
        for pack_dir, servicer in zip(pack_dirs, servicers):
            try:
                answers.append(getattr(servicer, method)(request, context).SerializeToString())
            except Exception as exc:  # the gate names the pack that failed
                context.abort(grpc.StatusCode.UNKNOWN, f"{pack_dir}: {type(exc).__name__}: {exc}")
        return _joined(answers)

    group = grpc.method_handlers_generic_handler(SERVICE, {
        "Analyze": grpc.unary_unary_rpc_method_handler(
            lambda request, context: each("Analyze", request, context),
            request_deserializer=analyzer_pb2.AnalyzeRequest.FromString, response_serializer=None),
        "AnalyzeStack": grpc.unary_unary_rpc_method_handler(
            lambda request, context: each("AnalyzeStack", request, context),
            request_deserializer=analyzer_pb2.AnalyzeStackRequest.FromString, response_serializer=None),
    })
    ports, servers = [], []
    for index, servicer in enumerate(servicers):
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=_GRPC_CHANNEL_OPTIONS)
        analyzer_pb2_grpc.add_AnalyzerServicer_to_server(servicer, server)
        if index == 0:
            server.add_generic_rpc_handlers((group,))
        ports.append(server.add_insecure_port(address="127.0.0.1:0"))
        server.start()
        servers.append(server)
    sys.stdout.buffer.write((" ".join(map(str, ports)) + "\n").encode())
    sys.stdout.flush()
    while True:
        time.sleep(86400)
