"""The platform's Lambda handlers loaded from ``lambda_src/`` and run against a fake SageMaker runtime."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import ROOT


def load_handler(name: str, prefix: str = "handler") -> ModuleType:
    """``lambda_src/<name>/handler.py`` as a fresh module (``prefix`` keeps copies of one test module apart)."""
    spec = importlib.util.spec_from_file_location(f"{prefix}_{name}", ROOT / "lambda_src" / name / "handler.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def invoke_handler_with_fake_endpoint(monkeypatch, answer: bytes, prefix: str = "handler") -> tuple[ModuleType, list[dict]]:
    """The invoke handler for endpoint ``ep`` whose runtime answers ``answer``; the list collects its requests."""
    monkeypatch.setenv("ENDPOINT_NAME", "ep")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    handler = load_handler("invoke_endpoint", prefix)
    calls: list[dict] = []

    class Body:
        def read(self) -> bytes:
            return answer

    class Runtime:
        def invoke_endpoint(self, **kwargs):
            calls.append(kwargs)
            return {"Body": Body()}

    monkeypatch.setattr(handler, "RUNTIME", Runtime())
    return handler, calls
