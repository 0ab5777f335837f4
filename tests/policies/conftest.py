"""Policy tests import the rule library the way each pack does: with policies/ on sys.path."""

import sys
from pathlib import Path

import pytest

POLICIES = Path(__file__).resolve().parents[2] / "policies"
if str(POLICIES) not in sys.path:
    sys.path.insert(0, str(POLICIES))


@pytest.fixture(autouse=True)
def stack_env(monkeypatch):
    """A non-production stack unless a test says otherwise (the engine sets these for analyzers)."""
    monkeypatch.setenv("PULUMI_PROJECT", "acme-app")
    monkeypatch.setenv("PULUMI_STACK", "dev")
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    monkeypatch.setenv("PULUMI_CONFIG", "{}")
    return monkeypatch
