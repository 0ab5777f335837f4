"""The stack trace the Pulumi SDK attaches to every resource registration, without reading source files.

``pulumi.runtime.resource._get_stack_trace`` calls ``traceback.extract_stack()``, which loads the source line of
every frame through ``linecache``, and turns every frame's file name into a URI; a profile of ``synth dev`` put it
at about a tenth of the program run. The engine only needs file, line and the frame order, so ``fast_stack_trace``
builds the same ``StackTrace`` message from the frame objects directly (the URI of each file computed once).
``tests/test_offline_stack_trace.py`` checks that both give the same message.
"""

from __future__ import annotations

import functools
import pathlib
import sys

from pulumi.runtime.proto import source_pb2


@functools.cache
def _uri(filename: str) -> str | None:
    try:
        return pathlib.Path(filename).as_uri()
    except ValueError:  # a file name that is no absolute path (<frozen runpy>) has no URI: the SDK sends no position
        return None


def fast_stack_trace() -> source_pb2.StackTrace:
    """What ``_get_stack_trace`` returns: the frames that called the third ``__init__`` up the stack (the concrete
    resource's constructor, under Resource and CustomResource/ComponentResource), innermost first."""
    frame = sys._getframe(1)
    seen = 0
    while frame is not None:
        if frame.f_code.co_name == "__init__":
            seen += 1
            if seen == 3:
                break
        frame = frame.f_back
    if frame is None:
        return source_pb2.StackTrace()
    frames = []
    caller = frame.f_back
    while caller is not None:
        uri = _uri(caller.f_code.co_filename) if caller.f_code.co_filename else None
        position = source_pb2.SourcePosition(uri=uri, line=caller.f_lineno) if uri and caller.f_lineno is not None else None
        frames.append(source_pb2.StackFrame(pc=position))
        caller = caller.f_back
    return source_pb2.StackTrace(frames=frames)


def install() -> None:
    """Use ``fast_stack_trace`` for this process's registrations (a mock run: one program per process)."""
    from pulumi.runtime import resource

    resource._get_stack_trace = fast_stack_trace
