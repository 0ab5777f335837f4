"""Corpus tests read the rule registry the way the packs import it: with policies/ on sys.path."""

import sys
from pathlib import Path

POLICIES = Path(__file__).resolve().parents[2] / "policies"
if str(POLICIES) not in sys.path:
    sys.path.insert(0, str(POLICIES))
