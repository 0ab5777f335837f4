"""Start policy packs by forking one warm interpreter instead of starting a fresh one per pack.

Every Python pack starts the same way (``python -u -m pulumi.policy <engine> .``) and spends most of its
start-up importing Pulumi, gRPC, protobuf and pulumi_policy. ``python -m platformctl.policy_host.launcher``
imports those once; for each pack it forks a child that becomes exactly that command: the pack's directory as
working directory and ``sys.path[0]``, the environment the engine gives a pack, the same argv, stdout (where the
pack prints its port) and stderr to files the gate reads. Only packs that run on this interpreter use it (a pack
with its own virtualenv is started as the CLI starts it).

Protocol: one JSON request per line on stdin (id, cwd, env, argv, stdout, stderr, and ``group``: pack
directories to serve together, ``platformctl.policy_host.group``); one JSON line per started pack on stdout (id,
pid). Closing stdin ends the launcher and the packs it started.
"""

from __future__ import annotations

import io
import json
import os
import runpy
import select
import signal
import sys


def _child(request: dict) -> None:
    try:
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(handle, fd)
            os.close(handle)
        os.close(0)
        os.open(os.devnull, os.O_RDONLY)  # fd 0: stdin is /dev/null, as for a pack the CLI starts
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        # -u: unbuffered, as the CLI runs a pack (pulumi_policy writes its port to sys.stdout.buffer, unflushed).
        sys.stdout = io.TextIOWrapper(open(1, "wb", buffering=0, closefd=False), write_through=True)
        sys.stderr = io.TextIOWrapper(open(2, "wb", buffering=0, closefd=False), write_through=True)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = list(request["argv"])
        sys.path[0] = request["cwd"]  # what `python -m` puts first
        if request.get("group"):
            from platformctl.policy_host import group

            group.serve(request["group"])
        runpy.run_module("pulumi.policy", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        os._exit(exc.code if isinstance(exc.code, int) else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def serve() -> None:
    import google.protobuf  # noqa: F401
    import grpc  # noqa: F401
    import pulumi
    import pulumi.runtime  # noqa: F401
    import pulumi_policy  # noqa: F401

    from platformctl.gc_tuning import tune_gc

    tune_gc()  # the packs forked from here inherit it
    children: set[int] = set()
    buffer = b""
    while True:
        ready = select.select([0], [], [], 0.5)[0]
        while children:  # reap packs that ended
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            children.discard(pid)
        if not ready:
            continue
        chunk = os.read(0, 65536)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _child(request)
            children.add(pid)
            os.write(1, (json.dumps({"id": request["id"], "pid": pid}) + "\n").encode())
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for _ in children:
        try:
            os.wait()
        except ChildProcessError:
            break
    os._exit(0)


if __name__ == "__main__":
    serve()
