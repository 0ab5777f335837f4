"""dev with the options a default dev leaves off, all at once: one copy of the program, synthesized once.

Container compute (Fargate service, EKS with an Inferentia group), GPU (local NVMe) training and inference
types, a deploy role that requires an external id, Macie left to an organization's administrator, remediation
off, model-quality monitoring and cost-allocation tags on, and one API route opted out of authentication (which
the gate refuses, as it must). Each option touches its own keys and a platform team turns on several together,
so one program run serves the tests of each (test_compute, test_policy_gate_options, test_providers,
test_monitoring, test_inference, test_cli_commands; the gate's test adds a preview run), and the packs judge them
side by side. An option that removes a layer (no approved model yet) keeps a copy of its own. With remediation
off, the compute tests also show that the Fargate service keeps its own scale-out (the flag removes only the
remediation Lambda).
"""

from __future__ import annotations

from typing import Any

CERT = "arn:aws:acm:us-east-1:333333333333:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
HOSTNAME = "models.internal.example.com"
OPERATOR = "arn:aws:iam::333333333333:role/MlOperator"
EXTERNAL_ID = "platform-deploy-7f3a"
GPU = "ml.g5.xlarge"
OPEN_ROUTE = "predict-open"


def enable_compute(cfg: dict[str, Any]) -> None:
    cfg["aiplatform:features"].update(fargateService=True, eks=True)
    cfg["aiplatform:knobs"]["compute"] = {
        "fargate": {"certificateArn": CERT, "hostname": HOSTNAME, "minTasks": 2, "maxTasks": 5},
        "eks": {"acceleratorInstanceType": "inf2.xlarge", "acceleratorMaxNodes": 3},
    }
    cfg["aiplatform:operatorPrincipals"] = [OPERATOR]


def options_edit(cfg: dict[str, Any]) -> None:
    enable_compute(cfg)
    cfg["aiplatform:knobs"].update(trainingInstanceType=GPU, inferenceInstanceType=GPU)
    cfg["aiplatform:deployRole"]["externalId"] = EXTERNAL_ID
    cfg["aiplatform:features"].update(macie=False, remediation=False, modelQualityMonitor=True, costAllocationTags=True)
    cfg["aiplatform:knobs"]["api"]["routes"].append({"path": OPEN_ROUTE, "auth": "none", "apiKey": True})
