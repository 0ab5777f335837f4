"""Fork the offline runner's workers from a warm template process (a "zygote") instead of starting them.

Every ``python -m platformctl.offline.worker`` interpreter (``WarmInterpreter``'s ``--serve``, each
``synth_isolated``) spends ~4.5 s CPU importing Pulumi and ~2,000 provider SDK modules. bench/mutation.py runs
the stacks' synth once per component mutant, so it starts one zygote per mutant with ``start(path)`` in a
process that has imported them already, before that process starts any thread or gRPC channel, and sets
``$PLATFORMCTL_SYNTH_ZYGOTE`` to the zygote's Unix socket. ``runner`` then asks the zygote for each worker
(``Process``): same argv, environment, working directory and standard streams (passed as file descriptors),
same worker code, run by ``runpy`` as ``-m`` would; only the imports are inherited instead of repeated.

The test suite does the same from a fresh process: ``spawn(path, project_dir)`` starts
a server (``main``: ``SOCKET --preload DIR``) that listens at once, imports the runtime and the
SDK modules the program at DIR names, then serves until its parent exits. An empty or unset variable means
no zygote: runner starts interpreters, as it does for users. This module imports only the standard library at
the top: the mutation runner loads it from its file without importing the ``platformctl`` package (the
package must be imported from each mutant's copy).
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import IO

ENV = "PLATFORMCTL_SYNTH_ZYGOTE"
_WORKER = "platformctl.offline.worker"


def start(path: Path) -> int:
    """Fork a zygote serving on the Unix socket ``path``; return its pid. It lives until it is killed (the
    mutation runner kills each mutant's process group). Call it before this process starts any thread."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(64)
    pid = os.fork()
    if pid:
        listener.close()
        return pid
    try:
        _serve(listener)
    finally:
        os._exit(70)


def _read_line(conn: socket.socket, data: bytes = b"") -> bytes:
    while b"\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError("the connection closed before a whole line")
        data += chunk
    return data.partition(b"\n")[0]


def _serve(listener: socket.socket, parent: int | None = None) -> None:
    """Fork a worker per connection; with ``parent``, return once that process is gone (this one is orphaned)."""
    while parent is None or os.getppid() == parent:
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:  # reap finished workers
                pass
        if not select.select([listener], [], [], 0.5)[0]:
            continue
        conn, _ = listener.accept()
        fds: list[int] = []
        try:  # a client that went away (or a failed fork) fails its request, never the zygote its peers share
            data, fds, _, _ = socket.recv_fds(conn, 65536, 3)
            request = json.loads(_read_line(conn, data))
            pid = os.fork()
            if pid == 0:
                listener.close()
                _worker(request, fds)  # never returns
            conn.sendall(f"{pid}\n".encode())
        except (OSError, EOFError, ValueError):
            pass
        finally:
            # The worker (and whatever it forks) holds the connection and the streams: the client's EOFs come when
            # they are all gone, so this process must not keep copies.
            for fd in fds:
                os.close(fd)
            conn.close()


def _worker(request: dict, fds: list[int]) -> None:
    code = 70
    try:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
            os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # whatever handler the template process had
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        # sys.path as `python -m` with this PYTHONPATH would have it (the working directory first).
        extra = [p for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p]
        sys.path[:0] = [request["cwd"], *extra]
        sys.argv = [_WORKER, *request["args"]]
        runpy.run_module(_WORKER, run_name="__main__", alter_sys=True)  # the worker leaves with os._exit
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def spawn(path: Path, project_dir: Path) -> subprocess.Popen:
    """Start a zygote serving on ``path`` (preloaded for the program at ``project_dir``) as a new process, and
    return once it listens: a worker asked for meanwhile waits in the socket's backlog until the imports are
    done. It ends, with the workers it forked, when the caller's process does; ``terminate()`` it earlier."""
    # -c, not -m: the package imports this module, and runpy warns when asked to run it again as __main__.
    proc = subprocess.Popen([sys.executable, "-c", "from platformctl.offline.zygote import main; main()", str(path),
                             "--preload", str(project_dir)], stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None
    with proc.stdout:
        if proc.stdout.readline() != b"listening\n":
            proc.kill()
            raise RuntimeError(f"the synth zygote did not start (status {proc.wait()})")
    return proc


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="serve forked offline-runner workers on a Unix socket")
    parser.add_argument("socket", type=Path)
    parser.add_argument("--preload", type=Path, help="a program's directory: import the SDK modules it names")
    args = parser.parse_args()
    parent = os.getppid()
    os.setpgid(0, 0)  # its own process group, with every worker it forks: ended together (below)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(args.socket))
    listener.listen(64)
    os.write(1, b"listening\n")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # the spawner stopped reading
    os.close(null)
    from platformctl.offline import worker

    def end(*_: object) -> None:
        """Terminated or orphaned: the workers still running go too, as a started worker dies with its caller."""
        with contextlib.suppress(OSError):
            args.socket.unlink()
        os.killpg(0, signal.SIGKILL)

    signal.signal(signal.SIGTERM, end)
    worker.preload(args.preload)
    _serve(listener, parent)
    end()


class Process:
    """What ``runner`` uses of ``subprocess.Popen``, for a worker the zygote at ``path`` forks.

    ``stdin``/``stdout``: ``subprocess.PIPE`` (then ``.stdin``/``.stdout`` are binary files) or
    ``subprocess.DEVNULL``; ``stdout``/``stderr`` may also be an open file. The worker is not this process's
    child: ``wait`` returns when the worker and everything it forked have exited (the zygote reaps them) and
    does not know the exit code, which runner never reads (it reads the worker's result file).
    """

    def __init__(self, path: str, args: list[str], *, stdin: int = subprocess.DEVNULL,
                 stdout: int | IO = subprocess.DEVNULL, stderr: int | IO = subprocess.DEVNULL,
                 env: dict[str, str] | None = None):
        self.args = args
        self.stdin: IO[bytes] | None = None
        self.stdout: IO[bytes] | None = None
        self.returncode: int | None = None
        theirs: list[int] = []  # the worker's ends, ours to close once sent
        sent: list[int] = []
        for number, spec in enumerate((stdin, stdout, stderr)):
            if spec == subprocess.PIPE:
                read, write = os.pipe()
                if number == 0:
                    self.stdin, fd = open(write, "wb"), read
                else:
                    self.stdout, fd = open(read, "rb"), write
                theirs.append(fd)
            elif spec == subprocess.DEVNULL:
                fd = os.open(os.devnull, os.O_RDONLY if number == 0 else os.O_WRONLY)
                theirs.append(fd)
            else:
                fd = spec.fileno()
            sent.append(fd)
        self._conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._conn.connect(path)
            request = {"args": list(args), "env": dict(os.environ if env is None else env), "cwd": os.getcwd()}
            socket.send_fds(self._conn, [json.dumps(request).encode() + b"\n"], sent)
            self.pid = int(_read_line(self._conn))
        finally:
            for fd in theirs:
                os.close(fd)

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self._conn.settimeout(timeout)
            try:
                while self._conn.recv(4096):
                    pass
            except TimeoutError:
                raise subprocess.TimeoutExpired(self.args, timeout) from None
            self._conn.close()
            self.returncode = 0
        return self.returncode

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
