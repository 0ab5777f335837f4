"""An event loop that answers the Pulumi SDK's monitor calls in the loop's own thread.

The SDK sends every RPC (register, read, invoke, outputs) through ``loop.run_in_executor(None, ...)``: against
a real engine that keeps the loop free while gRPC waits. Against the in-process mock monitor there is nothing to
wait for, and the thread hand-off (a pool thread, a wake-up through the loop's self-pipe, the GIL passed back and
forth) costs more than the call. ``InlineLoop`` runs such a call at once and returns a finished future.

The mock monitor itself runs coroutines to completion (``_sync_await(rpc.serialize_properties(...))``) on "this
thread's" loop; in a pool thread that is a fresh loop of its own. Inline, it must not be this loop, which is
running: pumping it from inside one of its callbacks would run other registrations in the middle of this one. So
for the length of the call the thread's current loop is a side loop, which the call can run to completion.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


class InlineLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        super().__init__()
        self._side = asyncio.SelectorEventLoop()

    def run_in_executor(self, executor: Any, func: Callable[..., Any], *args: Any) -> asyncio.Future:
        if executor is not None:  # an explicit executor is the caller's choice
            return super().run_in_executor(executor, func, *args)
        future = self.create_future()
        running = asyncio._get_running_loop()
        asyncio._set_running_loop(None)
        asyncio.set_event_loop(self._side)
        try:
            future.set_result(func(*args))
        except Exception as exc:  # delivered to the awaiting coroutine, as a pool thread's exception would be
            future.set_exception(exc)
        finally:
            asyncio.set_event_loop(self)
            asyncio._set_running_loop(running)
        return future

    def close(self) -> None:
        self._side.close()
        super().close()


def install() -> InlineLoop:
    """Make an ``InlineLoop`` this thread's event loop (before the program's first ``_sync_await``)."""
    loop = InlineLoop()
    asyncio.set_event_loop(loop)
    return loop
