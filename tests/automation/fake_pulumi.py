#!/usr/bin/env python3
"""A fake `pulumi` CLI for testing platformctl's Automation API driver without a cloud.

It answers the subcommands the Python Automation API runs, writes realistic engine
events to the ``--event-log`` the SDK tails (a file, or ``tcp://`` gRPC on CLI versions
> 3.205), keeps per-stack state in a directory and appends one JSON line per invocation
to a log. Behaviour is chosen with environment variables:

FAKE_PULUMI_LOG         JSON-lines log of every invocation (argv, stack, PULUMI_HOME, start/end times)
FAKE_PULUMI_STATE       state directory (stacks, resources, history, counters); required
FAKE_PULUMI_STACKS      comma list of stacks that already exist (and are deployed) when the state is new
FAKE_PULUMI_VERSION     what `pulumi version` prints (default 3.200.0)
FAKE_PULUMI_LOGGED_OUT  "1": whoami fails as with no backend login
FAKE_PULUMI_CONFLICTS   "dev=2,prod=1": the first N operations on a stack fail with the 409 concurrent-update error
FAKE_PULUMI_FAIL        "up:dev,preview:prod": that operation fails on that stack (a resource error)
FAKE_PULUMI_DRIFT       "dev,prod": those stacks drifted in the cloud (refresh sees an update and a delete)
FAKE_PULUMI_PENDING     "dev": the program differs from the state (preview proposes an update)
FAKE_PULUMI_VIOLATION   "dev": a mandatory policy is violated when a policy pack runs
FAKE_PULUMI_PROTECTED   "prod": destroy stops at a protected resource unless --exclude-protected
FAKE_PULUMI_SLEEP       seconds to spend per resource step (default 0)
FAKE_PULUMI_RESOURCES   resources per stack (default 4)
FAKE_PULUMI_RENDEZVOUS  "up:dev,dev-eu": each of those stacks' `up` waits (up to 90 s) until all of them have started;
                        the log entry says whether they met ("met"), which only operations run at once can do
"""

from __future__ import annotations

# The suite starts this some 300 times: only cheap imports at the top (pathlib, threading and datetime would add
# a third to its start-up); the gRPC path imports what it needs.
import contextlib
import fcntl
import json
import os
import signal
import sys
import time

PROJECT = "aiplatform"
RESOURCES = [
    ("aws:kms/key:Key", "platform-key"),
    ("aws:ec2/vpc:Vpc", "workload-vpc"),
    ("aws:s3/bucket:Bucket", "lake-raw"),
    ("aws:iam/role:Role", "sagemaker-execution"),
    ("aws:sagemaker/domain:Domain", "studio"),
    ("aws:cloudwatch/logGroup:LogGroup", "flow-logs"),
]
CONFLICT = ("error: [409] Conflict: Another update is currently in progress.\n"
            "To learn more about possible reasons and resolution, visit https://www.pulumi.com/docs/common-errors/#conflict")
INTERRUPTED: list[bool] = []  # non-empty once SIGINT arrived
LOGGED: dict[str, object] = {}  # extra fields of this invocation's log entry


def env_list(name: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


def env_map(name: str) -> dict[str, int]:
    out = {}
    for item in env_list(name):
        key, _, n = item.partition("=")
        out[key] = int(n or 1)
    return out


class State:
    """Per-stack state in a directory shared by concurrent fake processes (flock-guarded)."""

    def __init__(self, root: str) -> None:
        self.root = root
        os.makedirs(root, exist_ok=True)
        self.file = self.path("state.json")

    def path(self, name: str) -> str:
        return os.path.join(self.root, name)

    @contextlib.contextmanager
    def edit(self):
        with open(self.path("state.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = json.loads(read(self.file)) if os.path.exists(self.file) else self._initial()
            yield data
            write(self.file, json.dumps(data, indent=1))

    @staticmethod
    def _initial() -> dict:
        n = int(os.environ.get("FAKE_PULUMI_RESOURCES", "4"))
        return {"stacks": {s: {"resources": n, "history": [], "outputs": {"vpcId": f"vpc-{s}"}}
                           for s in env_list("FAKE_PULUMI_STACKS")}, "counters": {}}

    def read(self) -> dict:
        with self.edit() as data:
            return json.loads(json.dumps(data))


class EventSink:
    """Writes engine events where the SDK listens: the JSON-lines file or the gRPC Events service."""

    def __init__(self, target: str | None) -> None:
        self.seq = 0
        self.ended = False
        self.file = None
        self.queue = None
        self.thread = None
        if target and target.startswith("tcp://"):
            self._start_grpc(target[len("tcp://"):])
        elif target:
            self.file = open(target, "a", encoding="utf-8")

    def _start_grpc(self, address: str) -> None:
        import queue
        import site
        import threading

        site.main()  # run with -S (start-up): the SDK's site-packages only now
        import grpc
        from pulumi.runtime.proto import events_pb2, events_pb2_grpc

        self.queue = queue.Queue()
        channel = grpc.insecure_channel(address)
        stub = events_pb2_grpc.EventsStub(channel)

        def requests():
            while (item := self.queue.get()) is not None:
                yield events_pb2.EventRequest(event=item)

        self.thread = threading.Thread(target=lambda: stub.StreamEvents(requests()), daemon=True)
        self.thread.start()

    def emit(self, **payload) -> None:
        self.ended = self.ended or "cancelEvent" in payload
        event = {"sequence": self.seq, "timestamp": int(time.time()), **payload}
        self.seq += 1
        line = json.dumps(event)
        if self.file:
            self.file.write(line + "\n")
            self.file.flush()
        elif self.queue is not None:
            self.queue.put(line)

    def close(self) -> None:
        # The engine always ends its stream with a cancel event; the SDK's log watcher stops on it.
        if not self.ended:
            self.emit(cancelEvent={})
        if self.file:
            self.file.close()
        if self.queue is not None and self.thread is not None:
            self.queue.put(None)
            self.thread.join(10)


def flag(args: list[str], name: str) -> str | None:
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None


def flags(args: list[str], name: str) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == name and i + 1 < len(args)]


def fail(message: str, code: int = 255) -> int:
    print(message, file=sys.stderr)
    return code


def urn(stack: str, type_: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


def now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def touch(path: str) -> None:
    open(path, "a").close()


def step(sink: EventSink, stack: str, op: str, type_: str, name: str, planning: bool, cancel: str | None = None,
         **extra) -> None:
    meta = {"op": op, "urn": urn(stack, type_, name), "type": type_, "provider": "", **extra}
    if op != "create":
        meta["old"] = {"type": type_, "urn": meta["urn"], "id": f"{name}-id", "inputs": {}, "outputs": {}}
    if op != "delete":
        meta["new"] = {"type": type_, "urn": meta["urn"], "id": f"{name}-id", "inputs": {}, "outputs": {}}
    sink.emit(resourcePreEvent={"metadata": meta, "planning": planning})
    delay = float(os.environ.get("FAKE_PULUMI_SLEEP", "0"))
    deadline = time.monotonic() + delay
    # A cancel ends the step at once, as the engine stops its in-flight steps (the next step reports it).
    while time.monotonic() < deadline and not INTERRUPTED and not (cancel and os.path.exists(cancel)):
        time.sleep(min(0.02, delay))
    sink.emit(resOutputsEvent={"metadata": meta, "planning": planning})


def cancelled(state: State, stack: str) -> bool:
    marker = state.path(f"cancel-{stack}")
    if os.path.exists(marker):
        os.unlink(marker)
        return True
    return bool(INTERRUPTED)


def operation(cmd: str, args: list[str], state: State, sink: EventSink) -> int:
    stack = flag(args, "--stack") or ""
    preview_only = cmd == "preview" or "--preview-only" in args
    expect_no_changes = "--expect-no-changes" in args
    packs = flags(args, "--policy-pack")
    data = state.read()
    if stack not in data["stacks"]:
        return fail(f"error: no stack named '{stack}' found")

    with state.edit() as data:
        conflicts = env_map("FAKE_PULUMI_CONFLICTS").get(stack, 0)
        key = f"conflicts:{stack}"
        seen = data["counters"].get(key, 0)
        if seen < conflicts:
            data["counters"][key] = seen + 1
            return fail(CONFLICT)

    info = data["stacks"][stack]
    deployed = info["resources"]
    total = int(os.environ.get("FAKE_PULUMI_RESOURCES", "4"))
    sink.emit(preludeEvent={"config": {f"{PROJECT}:environment": stack}})
    root_type = "pulumi:pulumi:Stack"
    sink.emit(resourcePreEvent={"metadata": {"op": "same", "urn": urn(stack, root_type, f"{PROJECT}-{stack}"),
                                             "type": root_type, "provider": ""}, "planning": preview_only})
    changes: dict[str, int] = {}
    failed_here = f"{cmd}:{stack}" in env_list("FAKE_PULUMI_FAIL")
    drift = stack in env_list("FAKE_PULUMI_DRIFT")
    pending = stack in env_list("FAKE_PULUMI_PENDING")
    error = None
    for i, (type_, name) in enumerate(RESOURCES[:total]):
        if cancelled(state, stack):
            sink.emit(cancelEvent={})
            return fail(f"error: {'update' if cmd == 'up' else cmd} cancelled")
        if cmd in ("preview", "up"):
            op = "create" if i >= deployed else ("update" if pending and i == 1 else "same")
            extra = {"diffs": ["tags"], "detailedDiff": {"tags": {"diffKind": "update", "inputDiff": True}}} if op == "update" else {}
        elif cmd == "refresh":
            if i >= deployed:
                continue
            op = ("update" if i == 1 else "delete" if i == 2 else "refresh") if drift else "refresh"
            extra = {"diffs": ["tags"], "detailedDiff": {"tags": {"diffKind": "update", "inputDiff": False}}} if op == "update" else {}
        else:  # destroy
            if i >= deployed:
                continue
            if stack in env_list("FAKE_PULUMI_PROTECTED") and i == 0 and "--exclude-protected" not in args:
                sink.emit(diagnosticEvent={"message": f"unable to delete resource \"{urn(stack, type_, name)}\"\nas it is currently "
                                                      "marked for protection.", "color": "never", "severity": "error",
                                           "urn": urn(stack, type_, name)})
                error = "error: update failed"
                break
            if stack in env_list("FAKE_PULUMI_PROTECTED") and i == 0:
                continue
            op = "delete"
            extra = {}
        if failed_here and i == 1:
            meta = {"op": op, "urn": urn(stack, type_, name), "type": type_, "provider": ""}
            sink.emit(resourcePreEvent={"metadata": meta, "planning": preview_only})
            sink.emit(diagnosticEvent={"message": f"creating {name}: AccessDenied: not authorized to perform this action",
                                       "color": "never", "severity": "error", "urn": meta["urn"]})
            sink.emit(resOpFailedEvent={"metadata": meta, "status": 1, "steps": 1})
            error = "error: update failed" if cmd != "preview" else "error: preview failed"
            break
        step(sink, stack, op, type_, name, preview_only, cancel=state.path(f"cancel-{stack}"), **extra)
        counted = "same" if op == "refresh" else op
        changes[counted] = changes.get(counted, 0) + 1
    if error is None and packs and stack in env_list("FAKE_PULUMI_VIOLATION") and cmd in ("preview", "up"):
        sink.emit(policyEvent={"message": "S3 buckets must block public access.", "color": "never",
                               "policyName": "s3-no-public-access", "policyPackName": os.path.basename(packs[0]),
                               "policyPackVersion": "0.0.1", "policyPackVersionTag": "v0.0.1",
                               "enforcementLevel": "mandatory", "resourceUrn": urn(stack, "aws:s3/bucket:Bucket", "lake-raw")})
        error = "error: preview failed" if cmd == "preview" else "error: update failed"
    sink.emit(summaryEvent={"maybeCorrupt": False, "durationSeconds": 1, "resourceChanges": changes,
                            "PolicyPacks": {os.path.basename(p): "v0.0.1" for p in packs}})
    sink.emit(cancelEvent={})
    print(f"{'Previewing' if preview_only else 'Updating'} {cmd} ({stack}):")
    print("Resources:\n    " + ", ".join(f"{n} {op}" for op, n in sorted(changes.items())))
    if error:
        return fail(error)
    if expect_no_changes and any(n for op, n in changes.items() if op != "same"):
        return fail("error: no changes were expected but changes " + ("were proposed" if cmd == "preview" else "occurred"))
    if not preview_only:
        with state.edit() as data:
            info = data["stacks"][stack]
            if cmd == "up":
                info["resources"] = total
            elif cmd == "destroy":
                info["resources"] = 1 if stack in env_list("FAKE_PULUMI_PROTECTED") else 0
            info["history"].insert(0, {
                "version": len(info["history"]) + 1, "kind": "update" if cmd == "up" else cmd, "startTime": now_iso(),
                "endTime": now_iso(), "message": flag(args, "--message") or "", "environment": {"exec.kind": "auto.local"},
                "config": {f"{PROJECT}:environment": {"value": stack, "secret": False}}, "result": "succeeded",
                "resourceChanges": changes})
    return 0


def stack_command(args: list[str], state: State) -> int:
    sub = args[0] if args else ""
    stack = flag(args, "--stack")
    if sub == "select":
        if stack not in state.read()["stacks"]:
            return fail(f"error: no stack named '{stack}' found")
        # what the real CLI does: remember the selection in $PULUMI_HOME/workspaces
        workspaces = os.path.join(os.environ.get("PULUMI_HOME") or os.path.expanduser("~/.pulumi"), "workspaces")
        os.makedirs(workspaces, exist_ok=True)
        write(os.path.join(workspaces, f"{PROJECT}-0000-workspace.json"), json.dumps({"stack": stack}))
        return 0
    if sub == "init":
        name = args[1]
        with state.edit() as data:
            if name in data["stacks"]:
                return fail(f"error: stack '{name}' already exists")
            data["stacks"][name] = {"resources": 0, "history": [], "outputs": {}}
        print(f"Created stack '{name}'")
        return 0
    data = state.read()
    if sub == "output":
        outputs = dict(data["stacks"].get(stack, {}).get("outputs", {}))
        outputs["dbPassword"] = "s3cr3t-value" if "--show-secrets" in args else "[secret]"
        print(json.dumps(outputs))
        return 0
    if sub == "history":
        print(json.dumps(data["stacks"][stack]["history"][:1]))
        return 0
    if sub == "ls":
        print(json.dumps([{"name": n, "current": False, "updateInProgress": False, "resourceCount": s["resources"]}
                          for n, s in data["stacks"].items()]))
        return 0
    return fail(f"error: unknown stack subcommand {sub!r}", 1)


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--non-interactive"]
    if "--color" in args:
        i = args.index("--color")
        del args[i:i + 2]
    cmd = args[0] if args else ""
    rest = args[1:]
    if cmd == "version":
        print("v" + os.environ.get("FAKE_PULUMI_VERSION", "3.200.0"))
        return 0
    state = State(os.environ["FAKE_PULUMI_STATE"])
    if cmd == "whoami":
        if os.environ.get("FAKE_PULUMI_LOGGED_OUT") == "1":
            return fail("error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions")
        who = {"user": "ci-bot", "organizations": ["acme"], "url": "https://app.pulumi.com/ci-bot"}
        print(json.dumps(who) if "--json" in rest else who["user"])
        return 0
    if cmd == "stack":
        return stack_command(rest, state)
    if cmd in ("preview", "up", "refresh", "destroy"):
        sink = EventSink(flag(rest, "--event-log"))
        # lets a test wait until an operation is under way (e.g. before pressing Ctrl-C)
        running = state.path(f"running-{cmd}-{flag(rest, '--stack')}")
        touch(running)
        try:
            rendezvous(cmd, flag(rest, "--stack") or "", state)
            return operation(cmd, rest, state, sink)
        finally:
            os.unlink(running)
            sink.close()
    if cmd == "cancel":
        target = rest[rest.index("--") + 1] if "--" in rest else flag(rest, "--stack")
        touch(state.path(f"cancel-{target}"))
        print(f"The currently running update for '{target}' has been canceled!")
        return 0
    if cmd == "config":
        stack = flag(rest, "--stack")
        print(json.dumps({f"{PROJECT}:environment": {"value": stack, "secret": False}}))
        return 0
    if cmd == "plugin":
        print("[]" if "--json" in rest else "")
        return 0
    if cmd == "about":
        print(json.dumps({"cliVersion": os.environ.get("FAKE_PULUMI_VERSION", "3.200.0"), "backend": {"name": "fake"}}))
        return 0
    return fail(f"error: unknown command {cmd!r} for \"pulumi\"", 1)


def rendezvous(cmd: str, stack: str, state: State) -> None:
    wanted, _, stacks = os.environ.get("FAKE_PULUMI_RENDEZVOUS", "").partition(":")
    party = stacks.split(",")
    if cmd != wanted or stack not in party:
        return
    touch(state.path(f"arrived-{cmd}-{stack}"))  # never removed: a stack that already finished still counts
    deadline = time.monotonic() + 90
    while (not (met := all(os.path.exists(state.path(f"arrived-{cmd}-{s}")) for s in party))
           and time.monotonic() < deadline and not INTERRUPTED):
        time.sleep(0.01)
    LOGGED["met"] = met


def run() -> int:
    signal.signal(signal.SIGINT, lambda *_: INTERRUPTED.append(True))
    started = time.time()
    code = 1
    try:
        code = main(sys.argv[1:])
        return code
    finally:
        log = os.environ.get("FAKE_PULUMI_LOG")
        if log:
            entry = {"argv": sys.argv[1:], "stack": flag(sys.argv[1:], "--stack"), "pulumi_home": os.environ.get("PULUMI_HOME"),
                     "cwd": os.getcwd(), "pid": os.getpid(), "start": started, "end": time.time(), "exit": code, **LOGGED}
            with open(log, "a", encoding="utf-8") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                f.write(json.dumps(entry) + "\n")


if __name__ == "__main__":
    sys.exit(run())
