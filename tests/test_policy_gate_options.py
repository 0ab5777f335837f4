"""The options dev (tests/options_variant.py: container compute, GPU types, ...) passes the gate, offline and in
preview, but for the route opted out of authentication: the gate refuses that one, as it must.

NVMe instance types cannot take a volume KMS key (AWS rejects it), so the program leaves it out there; the
packs must know the same rule (policies/crossguard_aws/instance_storage.py) instead of blocking the stack.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from platformctl.cli import main
from platformctl.policy_host.gate import HOUSE_RULES, policy_gate
from tests.options_variant import GPU, OPEN_ROUTE

pytestmark = pytest.mark.heavy

KMS_RULES = {"aws-sagemaker-endpointconfig-enforce-kms", "aws-sagemaker-pipeline-enforce-kms"}
AUTHORIZATION = "aws-network/aws-apigateway-method-require-authorization"

# The only mandatory findings: the opt-out route's POST method on the inference API and on the container
# service's API, refused by the authorization rule.
REFUSED = sorted((AUTHORIZATION, f"mldev-use1-{api}route-{OPEN_ROUTE}-post") for api in ("", "model-service-api-"))


def test_check_of_the_options_refuses_only_the_open_route(options_project, tmp_path):
    # A copy of this project: checked with its house rules, as `platformctl check` does for the repository itself.
    report = tmp_path / "options.json"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["check", "dev", "--project-dir", str(options_project), "--policy-pack-config", str(HOUSE_RULES),
                     "--format", "json", "--output", str(report)])
    assert code == 1, out.getvalue()
    assert "FAIL dev: 2 mandatory" in out.getvalue()
    [stack] = json.loads(report.read_text())["stacks"]
    assert sorted((v["policy_id"], v["resource_name"]) for v in stack["violations"] if v["enforcement"] == "mandatory") == REFUSED
    assert [v for v in stack["violations"] if v["policy"] in KMS_RULES] == []
    on_endpoint_configs = [v for v in stack["violations"] if v["resource_type"].startswith("aws:sagemaker/endpointConfiguration")]
    assert on_endpoint_configs == []
    # Apart from that refusal, the compute layers (EKS, Fargate service) draw not even advisory findings.
    assert [(v["policy"], v["urn"]) for v in stack["violations"] if "aiplatform:compute:" in v["urn"]
            and (v["policy_id"], v["resource_name"]) not in REFUSED] == []


def test_preview_of_the_options_refuses_only_the_open_route(snapshots, options_project, synth_variant):
    snapshot = synth_variant(options_project, "dev", {"shared": snapshots["shared"].outputs}, preview=True)
    configs = [r for r in snapshot.resources if r.type == "aws:sagemaker/endpointConfiguration:EndpointConfiguration"]
    assert configs and all(v["instanceType"] == GPU for c in configs for v in c.inputs["productionVariants"])
    assert all("kmsKeyArn" not in c.inputs for c in configs), "the program leaves the volume key out on NVMe types"
    with policy_gate("dev", options_project, config_files=[HOUSE_RULES], preview=True) as judge:
        violations = judge(snapshot)
    assert sorted((v.policy_id, v.resource_name) for v in violations if v.mandatory) == REFUSED
    assert [v.message for v in violations if v.policy in KMS_RULES and not v.not_judged] == []
