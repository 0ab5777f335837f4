"""Service control policies as data: the organization-wide preventive guardrails (docs/organization.md).

``documents(inputs)`` returns each SCP as a plain dict; ``render`` gives the compact JSON that is
uploaded, whose length AWS limits to ``MAX_SCP_CHARS``.
"""

from scp.documents import MAX_SCP_CHARS, MAX_SCPS_PER_TARGET, ScpInputs, documents, render

__all__ = ["MAX_SCP_CHARS", "MAX_SCPS_PER_TARGET", "ScpInputs", "documents", "render"]
