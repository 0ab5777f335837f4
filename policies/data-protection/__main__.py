"""The aws-data-protection policy pack: `pulumi preview --policy-pack policies/data-protection`."""

import sys
from pathlib import Path

# The CLI runs this file with only the pack directory on sys.path; the shared rule library
# (crossguard_aws) sits beside every pack in policies/, so put that directory on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crossguard_aws.packs import serve

serve("data-protection")
