"""Pass/violate cases for mutation-testing survivors (bench/mutation.py) in the data stores rules: alternative
spellings, each provider's property names, each branch. Same shape as ``cases.CASES``; type tokens and property
names are written out, never taken from the rules."""

from __future__ import annotations

from tests.policies.cases import Case, ok
from tests.policies.harness import R

EDGES: list[Case] = [
    # publiclyAccessible defaults to false: a database that leaves it unset is private
    ok("aws-rds-database-deny-public-access", "unset-instance", R("aws:rds/instance:Instance", "db", {"engine": "postgres"})),
    ok("aws-rds-database-deny-public-access", "unset-native-cluster", R("aws-native:rds:DbCluster", "c", {"engine": "aurora-postgresql"})),
]
