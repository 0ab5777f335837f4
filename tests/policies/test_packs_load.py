"""Each pack starts as the CLI starts it and answers the analyzer protocol over gRPC.

The engine launches a Python policy pack through ``python -m pulumi.policy <engine-address> <pack-dir>``
(pulumi's policy host runs the pack's ``__main__.py`` with runpy); pulumi_policy then prints the port of its
gRPC Analyzer service on stdout and serves until it is killed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from crossguard_aws.model import PACKS, rules_of
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2_grpc

from tests.policies.harness import R

POLICIES = Path(__file__).resolve().parents[2] / "policies"
# One resource per pack that one of its rules rejects.
PROBES = {
    "encryption": ("aws-sns-topic-enforce-kms", R("aws:sns/topic:Topic", "t", {})),
    "tagging": ("aws-tagging-resource-require-tags", R("aws:sqs/queue:Queue", "q", {"tags": {"owner": "me"}})),
    "network": ("aws-lambda-function-require-vpc", R("aws:lambda/function:Function", "fn", {})),
    "data-protection": ("aws-cloudtrail-trail-enable-log-validation", R("aws:cloudtrail/trail:Trail", "ct", {})),
    "operations": ("aws-iam-policy-deny-admin-wildcard", R("aws:iam/policy:Policy", "p", {
        "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})})),
}


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, int]]:
    """Start every pack at once (they load in parallel), yield pack -> port, then stop them."""
    env = {**os.environ, "PULUMI_PROJECT": "acme-app", "PULUMI_STACK": "dev", "PULUMI_DRY_RUN": "true", "PULUMI_CONFIG": "{}"}
    env.pop("PYTHONPATH", None)  # the pack must find its library by itself
    procs = {
        pack: subprocess.Popen([sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(POLICIES / pack)],
                               cwd=POLICIES / pack, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for pack in PACKS
    }
    try:
        ports = {}
        for pack, proc in procs.items():
            line = proc.stdout.readline().strip()
            if not line.isdigit():
                proc.kill()
                raise AssertionError(f"pack {pack} did not print its port: {line!r}\n{proc.stderr.read()}")
            ports[pack] = int(line)
        yield ports
    finally:
        for proc in procs.values():
            proc.kill()
            proc.wait(timeout=10)
            proc.stdout.close()
            proc.stderr.close()


@pytest.mark.parametrize("pack", list(PACKS))
def test_pack_serves_its_rules_over_grpc(pack: str, servers: dict[str, int]) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{servers[pack]}") as channel:
        stub = analyzer_pb2_grpc.AnalyzerStub(channel)
        info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=20)
        assert info.name == f"aws-{pack}"
        assert sorted(p.name for p in info.policies) == [r.id for r in rules_of(pack)]

        rule_id, resource = PROBES[pack]
        response = stub.Analyze(resource.analyze_request(), timeout=20)
        hits = [d for d in response.diagnostics if d.policyName == rule_id]
        assert hits and hits[0].urn == resource.urn
        assert hits[0].policyPackName == f"aws-{pack}"
