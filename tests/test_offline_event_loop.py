"""The offline runner's event loop (platformctl/offline/event_loop.py): monitor calls answered inline."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from pulumi.runtime.sync_await import _sync_await

from platformctl.offline.event_loop import InlineLoop


@pytest.fixture
def loop():
    loop = InlineLoop()
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()


def test_a_default_executor_call_runs_in_the_loops_thread(loop: InlineLoop) -> None:
    async def main() -> str:
        return await loop.run_in_executor(None, lambda: threading.current_thread().name)

    assert loop.run_until_complete(main()) == threading.current_thread().name


def test_the_calls_exception_reaches_the_awaiting_coroutine(loop: InlineLoop) -> None:
    def fail() -> None:
        raise ValueError("monitor said no")

    async def main() -> None:
        await loop.run_in_executor(None, fail)

    with pytest.raises(ValueError, match="monitor said no"):
        loop.run_until_complete(main())


def test_a_call_that_runs_a_coroutine_to_completion_does_not_pump_this_loop(loop: InlineLoop) -> None:
    """The mock monitor's ``_sync_await(serialize_properties(...))``: other registrations must not run inside it."""
    events: list[str] = []

    async def other_registration() -> None:
        events.append("other")

    async def serialize() -> str:
        await asyncio.sleep(0)
        return "serialized"

    def monitor_call() -> str:
        events.append("call starts")
        result = _sync_await(serialize())
        events.append("call ends")
        return result

    async def main() -> str:
        loop.create_task(other_registration())  # ready to run at this loop's next turn
        return await loop.run_in_executor(None, monitor_call)

    assert loop.run_until_complete(main()) == "serialized"
    assert events == ["call starts", "call ends", "other"]
    assert asyncio.get_event_loop() is loop  # the thread's loop is this one again after the call


def test_an_explicit_executor_still_gets_the_call(loop: InlineLoop) -> None:
    with ThreadPoolExecutor(1, thread_name_prefix="explicit") as pool:
        async def main() -> str:
            return await loop.run_in_executor(pool, lambda: threading.current_thread().name)

        assert loop.run_until_complete(main()).startswith("explicit")
