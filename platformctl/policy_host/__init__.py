"""Run CrossGuard policy packs against an offline synthesized stack through the engine's analyzer protocol.

``gate.check_stack`` runs a stack's program under the recording mocks, starts each
policy pack the way the Pulumi CLI does (``python -u -m pulumi.policy ENGINE .``
in the pack directory, with the engine's environment), and drives it over gRPC:
``Handshake``, ``ConfigureStack``, ``GetAnalyzerInfo``, ``Configure``,
``Remediate``/``Analyze`` per resource and ``AnalyzeStack`` once.
"""

from platformctl.policy_host.gate import CheckOutcome, PolicyHostError, check_stack, check_stacks
from platformctl.policy_host.model import PackInfo, PolicyMeta, Violation

__all__ = ["CheckOutcome", "PackInfo", "PolicyHostError", "PolicyMeta", "Violation", "check_stack", "check_stacks"]
