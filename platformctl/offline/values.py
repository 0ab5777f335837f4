"""Turn the engine's wire format (protobuf Structs) into plain JSON values.

Secrets are masked (``{"__secret__": true}``) so no secret value is ever written
to a snapshot or a log; unknowns become ``{"__unknown__": true}``; resource
references become their URN.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import rpc

SIG = rpc._special_sig_key
SECRET = {"__secret__": True}
UNKNOWN = {"__unknown__": True}


def _convert(value: Any) -> Any:
    if isinstance(value, str):
        return UNKNOWN if value == rpc.UNKNOWN else value
    if isinstance(value, list):
        return [_convert(v) for v in value]
    if isinstance(value, dict):
        sig = value.get(SIG)
        if sig == rpc._special_secret_sig:
            return SECRET
        if sig == rpc._special_resource_sig:
            return value.get("urn")
        if sig in (rpc._special_asset_sig, rpc._special_archive_sig):
            marker = "__asset__" if sig == rpc._special_asset_sig else "__archive__"
            return {marker: {k: v for k, v in value.items() if k != SIG and k != "assets"}}
        if sig == rpc._special_output_value_sig:
            if value.get("secret"):
                return SECRET
            return _convert(value["value"]) if "value" in value else UNKNOWN
        return {k: _convert(v) for k, v in value.items()}
    return value


def struct_to_json(struct: struct_pb2.Struct) -> dict[str, Any]:
    return _convert(json_format.MessageToDict(struct, preserving_proto_field_name=True))

