"""Run a Pulumi Python program without a cloud: recording mocks, per-provider answers, snapshots."""

from platformctl.offline.records import ResourceRecord, Snapshot
from platformctl.offline.runner import SynthError, synth, synth_all

__all__ = ["ResourceRecord", "Snapshot", "SynthError", "synth", "synth_all"]
