"""Run an operation over planned stacks: wave by wave, up to N at once, with the promotion gate and Ctrl-C."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from platformctl.automation.isolation import PulumiHomes
from platformctl.automation.operations import MUTATING, ProgressSink, Settings, StackOperation, checks_for
from platformctl.automation.plan import Plan, StackInfo
from platformctl.automation.results import Outcome, StackResult

CANCEL_GRACE_SECONDS = 120.0
POLL_SECONDS = 0.1


@dataclass
class RunReport:
    operation: str
    results: list[StackResult] = field(default_factory=list)
    interrupted: bool = False
    cancel_errors: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        from platformctl.automation.exit_codes import exit_code_for

        return exit_code_for(self)


class Runner:
    """Promotion gate: for up/refresh/destroy a wave starts only when every earlier stack succeeded
    (unless ``promotion_gate`` is False). preview and drift change nothing and run every stack."""

    def __init__(self, settings: Settings, sink: ProgressSink, parallel: int = 1, promotion_gate: bool = True,
                 homes: PulumiHomes | None = None, on_interrupt: Callable[[str], None] | None = None,
                 cancel_grace: float = CANCEL_GRACE_SECONDS) -> None:
        self.settings = settings
        self.sink = sink
        self.parallel = max(parallel, 1)
        self.promotion_gate = promotion_gate and settings.operation in MUTATING
        self.homes = homes
        self.on_interrupt = on_interrupt or (lambda _msg: None)
        self.cancel_grace = cancel_grace
        self.cancel = threading.Event()

    def run(self, plan: Plan) -> RunReport:
        report = RunReport(self.settings.operation)
        waves = plan.reversed().waves if self.settings.operation == "destroy" else plan.waves
        for wave in waves:
            blockers = [r.stack for r in report.results if r.outcome not in (Outcome.SUCCEEDED, Outcome.NO_DRIFT, Outcome.DRIFTED)]
            if self.cancel.is_set():
                self._mark(report, wave, Outcome.CANCELLED, "not started: interrupted")
            elif self.promotion_gate and blockers:
                self._mark(report, wave, Outcome.SKIPPED,
                           f"not started: {', '.join(dict.fromkeys(blockers))} did not succeed "
                           f"(promotion gate; --no-promotion-gate runs it anyway)")
            else:
                self._run_wave(wave, report)
        report.interrupted = self.cancel.is_set()
        return report

    def _mark(self, report: RunReport, wave: list[StackInfo], outcome: Outcome, message: str) -> None:
        for info in wave:
            for label, _ in checks_for(self.settings):
                result = StackResult(info.name, info.environment, label, outcome, message=message)
                self.sink.finished(result)
                report.results.append(result)

    def _run_wave(self, wave: list[StackInfo], report: RunReport) -> None:
        ops = [StackOperation(info, self.settings, self.sink, self.cancel,
                              self.homes.for_stack(info.name) if self.homes else None) for info in wave]
        pending = list(ops)
        started: list[tuple[StackOperation, threading.Event]] = []
        finished: queue.SimpleQueue[None] = queue.SimpleQueue()  # one item per stack's thread that ended

        def work(op: StackOperation, done: threading.Event) -> None:
            try:
                op.run()
            except Exception as exc:  # a bug must fail its stack, not vanish with the thread
                result = StackResult(op.info.name, op.info.environment, self.settings.operation, Outcome.FAILED,
                                     message=f"internal error: {exc!r}")
                self.sink.finished(result)
                op.results.append(result)
            finally:
                done.set()
                finished.put(None)

        # The main thread never joins: a Ctrl-C landing inside Thread.join() can mark a running thread as stopped
        # on Python 3.11 (bpo-45274), and one landing inside Event.wait()'s Python code can leave its condition's
        # lock released. SimpleQueue.get() waits in C, and a signal interrupts it cleanly.
        # Daemon threads: if a CLI ignores cancellation we can still exit after the grace period.
        try:
            while pending or not all(done.is_set() for _, done in started):
                busy = sum(not done.is_set() for _, done in started)
                while pending and busy < self.parallel and not self.cancel.is_set():
                    op, done = pending.pop(0), threading.Event()
                    started.append((op, done))
                    threading.Thread(target=work, args=(op, done), name=f"stack-{op.info.name}", daemon=True).start()
                    busy += 1
                with contextlib.suppress(queue.Empty):  # an ending thread wakes this at once
                    finished.get(timeout=POLL_SECONDS)
        except KeyboardInterrupt:
            self._interrupt(started, report)
        ran = {id(op) for op, _ in started}
        for op in ops:
            if id(op) in ran and op.results:
                report.results.extend(op.results)
            else:
                reason = "interrupted before it finished" if id(op) in ran else "not started: interrupted"
                self._mark(report, [op.info], Outcome.CANCELLED, reason)

    @staticmethod
    def _wait(dones: list[threading.Event], deadline: float) -> None:
        while not all(d.is_set() for d in dones) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)

    def _interrupt(self, started: list[tuple[StackOperation, threading.Event]], report: RunReport) -> None:
        self.cancel.set()
        running = [op for op, done in started if not done.is_set()]
        self.on_interrupt(f"interrupted: cancelling {', '.join(op.info.name for op in running) or 'nothing'}; "
                          f"press Ctrl-C again to stop waiting")
        for op in running:
            error = op.request_cancel()
            if error:
                report.cancel_errors.append(f"{op.info.name}: pulumi cancel failed: {error}")
        try:
            self._wait([done for _, done in started], deadline=time.monotonic() + self.cancel_grace)
        except KeyboardInterrupt:
            self.on_interrupt("stopped waiting; a Pulumi CLI may still be finishing its cancellation")
