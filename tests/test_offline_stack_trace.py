"""The offline runner's stack trace (platformctl/offline/stack_trace.py) is the message the Pulumi SDK builds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.proto import source_pb2

from platformctl.offline.stack_trace import fast_stack_trace

Trace = Callable[[], source_pb2.StackTrace]


class _Resource:  # the SDK's Resource.__init__ is where the trace is taken
    def __init__(self, take: Trace, out: list):
        out.append(take())


class _Custom(_Resource):
    def __init__(self, take: Trace, out: list):
        super().__init__(take, out)


class _Concrete(_Custom):
    def __init__(self, take: Trace, out: list):
        super().__init__(take, out)


def _both(build: Callable[[Trace, list], None]) -> tuple[source_pb2.StackTrace, source_pb2.StackTrace]:
    sdk: list = []
    fast: list = []
    for take, out in ((sdk_resource._get_stack_trace, sdk), (fast_stack_trace, fast)):
        build(take, out)  # one call site: both traces see the same frames and lines
    return sdk[0], fast[0]


def _user_code(take: Trace, out: list) -> None:
    _Concrete(take, out)


def _component(take: Trace, out: list) -> None:
    class Component:
        def __init__(self) -> None:
            _Concrete(take, out)  # a resource made inside another constructor: its frames count too

    Component()


def _too_shallow(take: Trace, out: list) -> None:
    _Custom(take, out)  # two constructors only: the SDK sends an empty trace


@pytest.mark.parametrize("build", [_user_code, _component, _too_shallow])
def test_same_message_as_the_sdk(build) -> None:
    sdk, fast = _both(build)
    assert fast == sdk


def test_trace_starts_at_the_caller_of_the_resource() -> None:
    sdk, fast = _both(_user_code)
    assert len(fast.frames) > 2
    top = fast.frames[0].pc
    assert top.uri.endswith("/tests/test_offline_stack_trace.py") and top.uri.startswith("file://")
    assert top.line > 0


def test_too_shallow_is_empty() -> None:
    sdk, fast = _both(_too_shallow)
    assert list(fast.frames) == [] == list(sdk.frames)
