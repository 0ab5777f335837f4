from pulumi_policy import PolicyPack
from rules import POLICIES

PolicyPack(name="check-fixture", policies=POLICIES)
