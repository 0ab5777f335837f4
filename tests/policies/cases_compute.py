"""Cases for the EKS, ECS and ELB rules (container compute): each rule passes and violates, on both SDKs' shapes."""

from __future__ import annotations

import json
from typing import Any

from tests.policies.cases import KEY, Case, bad, ok
from tests.policies.harness import UNKNOWN, R

PRIVATE_VPC = {"subnetIds": ["subnet-1", "subnet-2"], "endpointPrivateAccess": True, "endpointPublicAccess": False}
SECRETS = {"provider": {"keyArn": KEY}, "resources": ["secrets"]}
LOGS = ["api", "audit", "authenticator"]


def cluster(**props: Any) -> R:
    return R("aws:eks/cluster:Cluster", "eks", {"roleArn": "arn:aws:iam::333333333333:role/eks", "vpcConfig": PRIVATE_VPC,
                                                "encryptionConfig": SECRETS, "enabledClusterLogTypes": LOGS, **props})


def template(tokens: str | None, native: bool = False) -> R:
    meta = {"httpTokens": tokens, "httpEndpoint": "enabled"} if tokens else {"httpEndpoint": "enabled"}
    if native:
        return R("aws-native:ec2:LaunchTemplate", "nodes", {"launchTemplateData": {"metadataOptions": meta}})
    return R("aws:ec2/launchTemplate:LaunchTemplate", "nodes", {"metadataOptions": meta})


def node_group(tpl: R | None, type_: str = "aws:eks/nodeGroup:NodeGroup") -> R:
    if tpl is None:
        return R(type_, "cpu", {"clusterName": "eks", "instanceTypes": ["m6i.xlarge"]})
    return R(type_, "cpu", {"clusterName": "eks", "launchTemplate": {"id": UNKNOWN, "version": UNKNOWN}},
             property_dependencies={"launchTemplate": [tpl]})


def container(**overrides: Any) -> dict[str, Any]:
    base = {"name": "model", "image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1", "essential": True, "privileged": False,
            "readonlyRootFilesystem": True, "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/aws/ecs/models", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "model"}}}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def task(*containers: dict[str, Any], mode: str = "awsvpc") -> R:
    return R("aws:ecs/taskDefinition:TaskDefinition", "task", {"family": "models", "networkMode": mode,
                                                              "containerDefinitions": json.dumps(list(containers))})


def native_task(*containers: dict[str, Any], mode: str = "awsvpc") -> R:
    return R("aws-native:ecs:TaskDefinition", "task", {"networkMode": mode, "containerDefinitions": list(containers)})


ECS_LOGS = R("aws:cloudwatch/logGroup:LogGroup", "ecs-logs", {"name": "/aws/ecs/models", "kmsKeyId": KEY, "retentionInDays": 365})
ECS_LOGS_PLAIN = R("aws:cloudwatch/logGroup:LogGroup", "ecs-logs", {"name": "/aws/ecs/models", "retentionInDays": 365})
NLB = {"loadBalancerType": "network", "subnets": ["subnet-1"]}

COMPUTE_CASES: list[Case] = [
    # ---- EKS ---------------------------------------------------------------------------------------------
    ok("aws-eks-cluster-deny-public-endpoint", "private", cluster()),
    ok("aws-eks-cluster-deny-public-endpoint", "native-private", R("aws-native:eks:Cluster", "eks", {
        "resourcesVpcConfig": {"subnetIds": ["s"], "endpointPublicAccess": False, "endpointPrivateAccess": True}})),
    bad("aws-eks-cluster-deny-public-endpoint", "default-public", cluster(vpcConfig={"subnetIds": ["s"]}),
        "endpointPublicAccess is unset, AWS's default is true"),
    bad("aws-eks-cluster-deny-public-endpoint", "public", cluster(vpcConfig={**PRIVATE_VPC, "endpointPublicAccess": True}),
        "endpointPublicAccess is true"),
    bad("aws-eks-cluster-deny-public-endpoint", "no-private", cluster(vpcConfig={**PRIVATE_VPC, "endpointPrivateAccess": False}),
        "endpointPrivateAccess is false"),
    ok("aws-eks-cluster-enforce-secrets-encryption", "cmk", cluster()),
    ok("aws-eks-cluster-enforce-secrets-encryption", "native-list", R("aws-native:eks:Cluster", "eks", {
        "encryptionConfig": [{"provider": {"keyArn": KEY}, "resources": ["secrets"]}]})),
    bad("aws-eks-cluster-enforce-secrets-encryption", "none", cluster(encryptionConfig=None), "not envelope-encrypted"),
    bad("aws-eks-cluster-enforce-secrets-encryption", "no-key", cluster(encryptionConfig={"resources": ["secrets"]}), "not envelope-encrypted"),
    ok("aws-eks-cluster-require-control-plane-logs", "three", cluster()),
    ok("aws-eks-cluster-require-control-plane-logs", "native", R("aws-native:eks:Cluster", "eks", {
        "logging": {"clusterLogging": {"enabledTypes": [{"type": t} for t in [*LOGS, "scheduler"]]}}})),
    bad("aws-eks-cluster-require-control-plane-logs", "api-only", cluster(enabledClusterLogTypes=["api"]),
        "log types audit, authenticator are not enabled"),
    bad("aws-eks-cluster-require-control-plane-logs", "native-none", R("aws-native:eks:Cluster", "eks", {}),
        "log types api, audit, authenticator are not enabled"),
    ok("aws-eks-nodegroup-require-imdsv2", "required", [template("required"), node_group(template("required"))]),
    ok("aws-eks-nodegroup-require-imdsv2", "native-required", [
        template("required", native=True), node_group(template("required", native=True), "aws-native:eks:Nodegroup")]),
    bad("aws-eks-nodegroup-require-imdsv2", "optional", [template("optional"), node_group(template("optional"))],
        "http_tokens 'optional'"),
    bad("aws-eks-nodegroup-require-imdsv2", "unset", [template(None), node_group(template(None))], "http_tokens None"),
    bad("aws-eks-nodegroup-require-imdsv2", "no-template", [node_group(None)], "has no launch template of its own"),
    # ---- ECS ---------------------------------------------------------------------------------------------
    ok("aws-ecs-taskdefinition-deny-privileged", "unprivileged", task(container())),
    bad("aws-ecs-taskdefinition-deny-privileged", "privileged", task(container(), container(name="sidecar", privileged=True)),
        "container 'sidecar' is privileged"),
    bad("aws-ecs-taskdefinition-deny-privileged", "native", native_task(container(privileged=True)), "container 'model' is privileged"),
    ok("aws-ecs-taskdefinition-require-readonly-rootfs", "readonly", native_task(container())),
    bad("aws-ecs-taskdefinition-require-readonly-rootfs", "default-writable", task(container(readonlyRootFilesystem=None)),
        "container 'model' has a writable root filesystem"),
    ok("aws-ecs-taskdefinition-require-awsvpc", "awsvpc", task(container())),
    bad("aws-ecs-taskdefinition-require-awsvpc", "host", task(container(), mode="host"), "networkMode is 'host'"),
    bad("aws-ecs-taskdefinition-require-awsvpc", "default-bridge", R("aws:ecs/taskDefinition:TaskDefinition", "t", {
        "family": "f", "containerDefinitions": "[]"}), "networkMode is None"),
    ok("aws-ecs-taskdefinition-require-encrypted-logs", "kms-group", [ECS_LOGS, task(container())]),
    ok("aws-ecs-taskdefinition-require-encrypted-logs", "group-elsewhere", [task(container())]),
    bad("aws-ecs-taskdefinition-require-encrypted-logs", "plain-group", [ECS_LOGS_PLAIN, task(container())],
        "logs to 'ecs-logs', which is not KMS-encrypted"),
    bad("aws-ecs-taskdefinition-require-encrypted-logs", "no-logs", [task(container(logConfiguration=None))],
        "container 'model' has no logConfiguration"),
    ok("aws-ecs-service-deny-public-ip", "private", R("aws:ecs/service:Service", "svc", {
        "networkConfiguration": {"subnets": ["s"], "assignPublicIp": False}})),
    ok("aws-ecs-service-deny-public-ip", "native-disabled", R("aws-native:ecs:Service", "svc", {
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s"], "assignPublicIp": "DISABLED"}}})),
    bad("aws-ecs-service-deny-public-ip", "public", R("aws:ecs/service:Service", "svc", {
        "networkConfiguration": {"subnets": ["s"], "assignPublicIp": True}}), "assignPublicIp is true"),
    bad("aws-ecs-service-deny-public-ip", "native-enabled", R("aws-native:ecs:Service", "svc", {
        "networkConfiguration": {"awsvpcConfiguration": {"assignPublicIp": "ENABLED"}}}), "assignPublicIp is ENABLED"),
    # ---- ELB ---------------------------------------------------------------------------------------------
    ok("aws-elb-loadbalancer-require-internal", "internal", R("aws:lb/loadBalancer:LoadBalancer", "nlb", {**NLB, "internal": True})),
    ok("aws-elb-loadbalancer-require-internal", "native-internal", R("aws-native:elasticloadbalancingv2:LoadBalancer", "alb", {
        "scheme": "internal"})),
    bad("aws-elb-loadbalancer-require-internal", "default-public", R("aws:alb/loadBalancer:LoadBalancer", "alb", {}),
        "internal is not true"),
    bad("aws-elb-loadbalancer-require-internal", "native-default", R("aws-native:elasticloadbalancingv2:LoadBalancer", "alb", {}),
        "scheme is internet-facing"),
    ok("aws-elb-listener-require-tls", "tls13", R("aws:lb/listener:Listener", "l", {
        "protocol": "TLS", "port": 443, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificateArn": "arn:aws:acm:x"})),
    ok("aws-elb-listener-require-tls", "http-redirect", R("aws:alb/listener:Listener", "l", {"protocol": "HTTP", "port": 80,
       "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]})),
    bad("aws-elb-listener-require-tls", "http-forward", R("aws:lb/listener:Listener", "l", {"protocol": "HTTP", "port": 80,
        "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}]}), "protocol is HTTP"),
    bad("aws-elb-listener-require-tls", "old-policy", R("aws-native:elasticloadbalancingv2:Listener", "l", {
        "protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08"}), "'ELBSecurityPolicy-2016-08' is not a TLS 1.3 policy"),
    bad("aws-elb-listener-require-tls", "implicit-policy", R("aws:lb/listener:Listener", "l", {"protocol": "HTTPS"}),
        "names no ssl_policy"),
    bad("aws-elb-listener-require-tls", "tcp", R("aws:lb/listener:Listener", "l", {"protocol": "TCP", "port": 8080}), "protocol is TCP"),
    ok("aws-elb-loadbalancer-enable-access-logs", "enabled", R("aws:lb/loadBalancer:LoadBalancer", "alb", {
        "internal": True, "accessLogs": {"bucket": "lb-logs", "enabled": True}})),
    ok("aws-elb-loadbalancer-enable-access-logs", "native-attribute", R("aws-native:elasticloadbalancingv2:LoadBalancer", "alb", {
        "loadBalancerAttributes": [{"key": "access_logs.s3.enabled", "value": "true"}, {"key": "access_logs.s3.bucket", "value": "b"}]})),
    bad("aws-elb-loadbalancer-enable-access-logs", "nlb-without", R("aws:lb/loadBalancer:LoadBalancer", "nlb", {**NLB, "internal": True}),
        "access logs are not enabled"),
    bad("aws-elb-loadbalancer-enable-access-logs", "disabled", R("aws:alb/loadBalancer:LoadBalancer", "alb", {
        "accessLogs": {"bucket": "b", "enabled": False}}), "access logs are not enabled"),
]
