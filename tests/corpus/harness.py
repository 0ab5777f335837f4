"""Run corpus programs through the policy packs and classify the outcome.

Each case is a small third-party-style Pulumi program (``<kind>/<case>/`` with ``Pulumi.yaml``, ``Pulumi.ci.yaml`` and
``__main__.py``); ``manifest.yaml`` says which rule must report each defect. The packs are started once per mode and
judge every case's snapshot (what ``platformctl check ci --project-dir CASE`` does, without restarting five pack
processes per case).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from platformctl.offline import SynthError, synth
from platformctl.policy_host.gate import policy_gate

CORPUS = Path(__file__).resolve().parent
STACK = "ci"
KINDS = ("insecure", "secure", "advisory")


@dataclass(frozen=True)
class Case:
    kind: str  # insecure | secure | advisory
    name: str
    expect: tuple[str, ...] = ()
    pending: str | None = None
    base: str | None = None
    preview_note: str | None = None  # why a preview cannot block it (yet)

    @property
    def path(self) -> Path:
        return CORPUS / self.kind / self.name


def load_cases() -> list[Case]:
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text())
    return [Case(kind, name, tuple(entry.get("expect", ())), entry.get("pending"), entry.get("base"), entry.get("preview"))
            for kind in KINDS for name, entry in (manifest.get(kind) or {}).items()]


def _not_judged(v: Any) -> bool:
    return bool(getattr(v, "not_judged", False)) or "can't run policy" in v.message or "could not judge" in v.message


@dataclass
class Outcome:
    case: Case
    error: str | None = None
    mandatory: set[str] = field(default_factory=set)  # rule ids with a mandatory violation
    advisory: set[str] = field(default_factory=set)  # rule ids with an advisory violation
    not_judged: set[str] = field(default_factory=set)  # rule ids that could not judge something (preview)

    @property
    def blocked(self) -> bool:
        """The gate fails (exit 1) because a rule named in ``expect`` is mandatory and fired."""
        return bool(self.mandatory & set(self.case.expect))

    @property
    def caught(self) -> bool:
        """A rule named in ``expect`` reported the defect at any level."""
        return bool((self.mandatory | self.advisory) & set(self.case.expect))

    @property
    def fails_gate(self) -> bool:
        return bool(self.mandatory) or self.error is not None


def _outcome(case: Case, violations: Iterable[Any]) -> Outcome:
    out = Outcome(case)
    for v in violations:
        rule = v.policy
        if _not_judged(v):
            out.not_judged.add(rule)
        elif v.enforcement == "mandatory":
            out.mandatory.add(rule)
        else:
            out.advisory.add(rule)
    return out


def run(cases: list[Case], preview: bool, workers: int = 2) -> Iterator[Outcome]:
    """Synthesize every case (``workers`` at a time) and judge it with packs started once for this mode."""
    if not cases:
        return

    def synthesize(case: Case):
        try:
            return synth(STACK, case.path, preview)
        except SynthError as exc:
            return exc

    with policy_gate(STACK, cases[0].path, preview=preview) as judge, ThreadPoolExecutor(max_workers=workers) as pool:
        for case, snapshot in zip(cases, pool.map(synthesize, cases)):
            if isinstance(snapshot, SynthError):
                yield Outcome(case, error=snapshot.message)
            else:
                yield _outcome(case, judge(snapshot))
