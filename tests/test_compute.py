"""Container compute (Fargate model service, EKS) and accelerator config: security properties from the records.

The options dev (tests/options_variant.py) has both flags on (and an Inferentia node group); the committed
stacks, which leave both flags off, must contain nothing of either.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from config import ConfigError, validate
from platformctl.offline.project import load_stack_config
from platformctl.offline.records import ResourceRecord, Snapshot
from tests.aws_names import meets_aws_rule
from tests.conftest import ROOT, policy_docs
from tests.iam_lint import kind_of, lint
from tests.options_variant import CERT, HOSTNAME, OPEN_ROUTE, OPERATOR, enable_compute
from tests.test_network import interface_endpoints, perimeter_violations

DEPLOY_ROLE = "arn:aws:iam::333333333333:role/PlatformDeployer"
COMPUTE_LAYERS = {"aiplatform:compute:FargateModelService", "aiplatform:compute:ContainerApi", "aiplatform:compute:ServiceWatch",
                  "aiplatform:compute:EksCluster"}
# dev's API routes (Pulumi.dev.yaml) and the options' unauthenticated one: the container API mirrors them all.
ROUTES = {"predict", "predict-internal", "predict-partner", OPEN_ROUTE}
# Types only the compute options create.
COMPUTE_TYPES = ("aws:eks/", "aws:ecs/", "aws:lb/", "aws:apigateway/vpcLink:", "aws:ec2/launchTemplate:", "aiplatform:compute:")


@pytest.fixture(scope="module")
def compute(options_dev) -> Snapshot:
    """dev with the Fargate service and the EKS cluster (CPU + inf2 groups) on, among the other options."""
    return options_dev


def mine(snap: Snapshot, type_: str) -> list[ResourceRecord]:
    return [r for r in snap.of_type(type_) if snap.layer_of(r) in COMPUTE_LAYERS]


def dep(snap: Snapshot, record: ResourceRecord, prop: str, type_: str) -> ResourceRecord:
    (found,) = [snap.by_urn[u] for u in record.property_dependencies.get(prop, []) if snap.by_urn[u].type == type_]
    return found


def isolated_subnets(snap: Snapshot) -> list[str]:
    (vpc,) = [v for v in snap.of_type("awsx:ec2:Vpc") if "use1" in v.name]
    return vpc.outputs["isolatedSubnetIds"]


def key_named(snap: Snapshot, name: str) -> ResourceRecord:
    return snap.one("aws:kms/key:Key", name)


# -- flags off: nothing ------------------------------------------------------------------------------------


def test_flags_off_create_nothing(stack):
    assert [r.urn for r in stack.resources if r.type.startswith(COMPUTE_TYPES)] == []
    services = {r.inputs["serviceName"].rsplit(".", 1)[-1] for r in stack.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert not services & {"eks", "eks-auth", "elasticloadbalancing"}
    for account in (stack.outputs.get("workloads") or {}).values():
        assert all("compute" not in region for region in account.values())


# -- EKS ---------------------------------------------------------------------------------------------------


def cluster(snap: Snapshot) -> ResourceRecord:
    (c,) = snap.of_type("aws:eks/cluster:Cluster")
    return c


def test_eks_api_endpoint_is_private_in_the_isolated_subnets(compute):
    vpc = cluster(compute).inputs["vpcConfig"]
    assert vpc["endpointPublicAccess"] is False and vpc["endpointPrivateAccess"] is True
    assert vpc["subnetIds"] == isolated_subnets(compute)
    (sg,) = [compute.by_urn[u] for u in cluster(compute).property_dependencies["vpcConfig"]
             if compute.by_urn[u].type == "aws:ec2/securityGroup:SecurityGroup"]
    rules = [r for r in compute.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
             if sg.urn in r.property_dependencies.get("securityGroupId", [])]
    assert [(r.inputs["fromPort"], r.inputs["cidrIpv4"]) for r in rules] == [(443, "10.10.0.0/16")]


def test_eks_secrets_are_envelope_encrypted_with_a_rotated_customer_key(compute):
    c = cluster(compute)
    assert c.inputs["encryptionConfig"]["resources"] == ["secrets"]
    key = dep(compute, c, "encryptionConfig", "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] >= 7
    assert c.inputs["encryptionConfig"]["provider"]["keyArn"] == key.outputs["arn"]
    # The cluster role may use exactly this key.
    role = dep(compute, c, "roleArn", "aws:iam/role:Role")
    (policy,) = [r for r in compute.of_type("aws:iam/rolePolicy:RolePolicy") if role.urn in r.property_dependencies.get("role", [])]
    resources = {st["Resource"] for st in json.loads(policy.inputs["policy"])["Statement"]}
    assert resources == {key.outputs["arn"]}


def test_eks_control_plane_audit_logs_go_to_an_encrypted_group_created_first(compute):
    c = cluster(compute)
    assert sorted(c.inputs["enabledClusterLogTypes"]) == ["api", "audit", "authenticator"]
    group = compute.one("aws:cloudwatch/logGroup:LogGroup", "eks-control-plane-logs")
    assert group.inputs["name"] == f"/aws/eks/{c.inputs['name']}/cluster", "EKS writes to /aws/eks/<cluster>/cluster"
    assert group.inputs["kmsKeyId"] == key_named(compute, "use1-logs-key").outputs["arn"]
    assert group.inputs["retentionInDays"] > 0
    assert group.urn in c.dependencies


def test_eks_uses_access_entries_not_aws_auth(compute):
    c = cluster(compute)
    assert c.inputs["accessConfig"] == {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False}
    scopes = {(a.inputs["principalArn"], a.inputs["policyArn"].rsplit("/", 1)[-1], a.inputs["accessScope"]["type"])
              for a in compute.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")}
    (deployer,) = [r for r in compute.of_type("aws:iam/role:Role") if r.name == "mldev-use1-deploy-target-deployer"] or [None]
    expected = {(DEPLOY_ROLE, "AmazonEKSClusterAdminPolicy", "cluster"), (OPERATOR, "AmazonEKSClusterAdminPolicy", "cluster")}
    editors = {s for s in scopes if s[1] == "AmazonEKSEditPolicy"}
    assert scopes - editors == expected
    assert len(editors) == 1 and next(iter(editors))[2] == "namespace", "the model deploy role edits its namespace only"
    (edit,) = [a for a in compute.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
               if a.inputs["accessScope"]["type"] == "namespace"]
    assert edit.inputs["accessScope"]["namespaces"] == ["models"]
    assert deployer is None or edit.inputs["principalArn"] == deployer.outputs["arn"]
    assert len(compute.of_type("aws:eks/accessEntry:AccessEntry")) == 3
    assert not [r for r in compute.resources if r.type.startswith("kubernetes:")], "no aws-auth ConfigMap"


def test_every_node_group_requires_imdsv2_and_encrypts_its_volume(compute):
    key = dep(compute, cluster(compute), "encryptionConfig", "aws:kms/key:Key")
    groups = compute.of_type("aws:eks/nodeGroup:NodeGroup")
    assert len(groups) == 2
    for group in groups:
        template = dep(compute, group, "launchTemplate", "aws:ec2/launchTemplate:LaunchTemplate")
        meta = template.inputs["metadataOptions"]
        assert meta["httpTokens"] == "required" and meta["httpPutResponseHopLimit"] == 1
        for mapping in template.inputs["blockDeviceMappings"]:
            assert mapping["ebs"]["encrypted"] == "true" and mapping["ebs"]["kmsKeyId"] == key.outputs["arn"]
        assert group.inputs["subnetIds"] == isolated_subnets(compute)
        assert group.inputs["launchTemplate"]["id"] == template.id


def test_node_volume_key_admits_the_auto_scaling_service_linked_role_by_condition(compute):
    key = dep(compute, cluster(compute), "encryptionConfig", "aws:kms/key:Key")
    statements = {st["Sid"]: st for st in json.loads(key.inputs["policy"])["Statement"]}
    slr = "arn:aws:iam::333333333333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    for sid in ("AutoScalingNodeVolumes", "AutoScalingNodeVolumeGrants"):
        assert statements[sid]["Condition"]["StringEquals"]["aws:PrincipalArn"] == slr
    assert statements["AutoScalingNodeVolumeGrants"]["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}


def test_cpu_and_neuron_groups(compute):
    groups = {g.inputs["labels"]["aiplatform/pool"]: g.inputs for g in compute.of_type("aws:eks/nodeGroup:NodeGroup")}
    assert groups["cpu"]["amiType"] == "AL2023_x86_64_STANDARD" and groups["cpu"]["taints"] == []
    accel = groups["accelerator"]
    assert accel["instanceTypes"] == ["inf2.xlarge"] and accel["amiType"] == "AL2023_x86_64_NEURON"
    assert accel["taints"] == [{"key": "aws.amazon.com/neuron", "value": "true", "effect": "NO_SCHEDULE"}]
    assert accel["scalingConfig"]["minSize"] == 0 and accel["scalingConfig"]["maxSize"] == 3


def test_node_role_pulls_only_the_platform_images(compute):
    (role,) = [r for r in compute.of_type("aws:iam/role:Role") if r.name.endswith("eks-node-role")]
    attached = {a.inputs["policyArn"] for a in compute.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if role.urn in a.property_dependencies.get("role", [])}
    assert attached == {"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"}
    (inline,) = [r for r in compute.of_type("aws:iam/rolePolicy:RolePolicy") if role.urn in r.property_dependencies.get("role", [])]
    pulls = [st for st in json.loads(inline.inputs["policy"])["Statement"] if "ecr:BatchGetImage" in st["Action"]]
    assert [r for st in pulls for r in st["Resource"]] == ["arn:aws:ecr:us-east-1:222222222222:repository/acme/ml-inference"]


def test_every_pod_identity_role_is_scoped_by_the_session_tags_pod_identity_sends(compute):
    """AWS documents the session tags (cluster, namespace, service account) for scoping a Pod Identity role; a
    condition on a key Pod Identity does not send would deny the pods their credentials at runtime."""
    associations = {a.inputs["roleArn"]: a for a in compute.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")}
    trusted = [(r, st) for r in compute.of_type("aws:iam/role:Role") for st in json.loads(r.inputs["assumeRolePolicy"])["Statement"]
               if st["Principal"] == {"Service": "pods.eks.amazonaws.com"}]
    assert trusted
    for role, st in trusted:
        assoc = associations[role.outputs["arn"]]
        assert st["Condition"] == {"StringEquals": {
            "aws:SourceAccount": "333333333333", "aws:RequestTag/eks-cluster-name": cluster(compute).outputs["name"],
            "aws:RequestTag/kubernetes-namespace": assoc.inputs["namespace"],
            "aws:RequestTag/kubernetes-service-account": assoc.inputs["serviceAccount"]}}, role.name


def test_model_server_pods_read_only_model_artifacts_through_pod_identity(compute):
    (assoc,) = compute.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert (assoc.inputs["namespace"], assoc.inputs["serviceAccount"]) == ("models", "model-server")
    role = dep(compute, assoc, "roleArn", "aws:iam/role:Role")
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"} and sorted(trust["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    (policy,) = [r for r in compute.of_type("aws:iam/rolePolicy:RolePolicy") if role.urn in r.property_dependencies.get("role", [])]
    stmts = {st["Sid"]: st for st in json.loads(policy.inputs["policy"])["Statement"]}
    artifacts = compute.one("aws:s3/bucket:Bucket", "lake-artifacts")
    assert stmts["ReadModels"]["Resource"] == f"arn:aws:s3:::{artifacts.inputs['bucket']}/models/*"
    assert stmts["DecryptModelsThroughS3"]["Resource"] == key_named(compute, "use1-ml-key").outputs["arn"]
    assert set(stmts) == {"ReadModels", "ListModels", "DecryptModelsThroughS3"}
    addons = {a.inputs["addonName"] for a in compute.of_type("aws:eks/addon:Addon")}
    assert {"eks-pod-identity-agent", "vpc-cni", "kube-proxy", "coredns"} <= addons


def test_isolated_vpc_has_every_endpoint_a_private_cluster_needs(compute):
    # EKS user guide, "Deploy private clusters with limited internet access" (ec2, ECR, S3, ELB, logs, STS, eks-auth, eks).
    vpc_endpoints = {r.inputs["serviceName"] for r in compute.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    needed = {f"com.amazonaws.us-east-1.{s}" for s in ("ec2", "ecr.api", "ecr.dkr", "s3", "elasticloadbalancing", "logs", "sts",
                                                       "eks-auth", "eks")}
    assert needed <= vpc_endpoints


# -- Fargate -----------------------------------------------------------------------------------------------


def containers(snap: Snapshot) -> list[dict[str, Any]]:
    (task,) = snap.of_type("aws:ecs/taskDefinition:TaskDefinition")
    return json.loads(task.inputs["containerDefinitions"])


def test_ecs_cluster_has_container_insights(compute):
    (c,) = compute.of_type("aws:ecs/cluster:Cluster")
    assert {"name": "containerInsights", "value": "enabled"} in c.inputs["settings"]


def test_task_is_hardened_awsvpc_fargate(compute):
    (task,) = compute.of_type("aws:ecs/taskDefinition:TaskDefinition")
    assert task.inputs["networkMode"] == "awsvpc" and task.inputs["requiresCompatibilities"] == ["FARGATE"]
    for c in containers(compute):
        assert c["readonlyRootFilesystem"] is True and c["privileged"] is False
        user = c["user"].split(":")[0]
        assert user not in ("", "0", "root"), "non-root user"
        assert c["linuxParameters"]["capabilities"]["drop"] == ["ALL"]
        # What the model writes lives on task volumes, not on the read-only root.
        assert {m["containerPath"] for m in c["mountPoints"]} == {"/opt/ml/model", "/tmp"}
        options = c["logConfiguration"]["options"]
        assert c["logConfiguration"]["logDriver"] == "awslogs"
        (group,) = [g for g in compute.of_type("aws:cloudwatch/logGroup:LogGroup") if g.inputs.get("name") == options["awslogs-group"]]
        assert group.inputs["kmsKeyId"] == key_named(compute, "use1-logs-key").outputs["arn"]
        env = {e["name"]: e["value"] for e in c["environment"]}
        assert env["MODEL_DATA_URL"].startswith("s3://acme-mldev-lake-artifacts-") and env["MODEL_DATA_URL"].endswith("/models/serving/model.tar.gz")
        assert c["image"].startswith("222222222222.dkr.ecr.us-east-1.amazonaws.com/")


def test_task_and_execution_roles_are_separate_and_least_privilege(compute):
    (task,) = compute.of_type("aws:ecs/taskDefinition:TaskDefinition")
    execution = dep(compute, task, "executionRoleArn", "aws:iam/role:Role")
    runtime = dep(compute, task, "taskRoleArn", "aws:iam/role:Role")
    assert execution.urn != runtime.urn

    def actions(role: ResourceRecord) -> set[str]:
        docs = [json.loads(p.inputs["policy"]) for p in compute.of_type("aws:iam/rolePolicy:RolePolicy")
                if role.urn in p.property_dependencies.get("role", [])]
        return {a for d in docs for st in d["Statement"] for a in st["Action"]}

    assert actions(runtime) == {"s3:GetObject", "s3:ListBucket", "kms:Decrypt"}
    assert actions(execution) == {"ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                                  "ecr:BatchCheckLayerAvailability", "kms:Decrypt", "logs:CreateLogStream", "logs:PutLogEvents"}
    for role in (execution, runtime):
        (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == "333333333333"


def test_service_runs_in_isolated_subnets_without_public_ip(compute):
    (svc,) = compute.of_type("aws:ecs/service:Service")
    net = svc.inputs["networkConfiguration"]
    assert net["assignPublicIp"] is False and net["subnets"] == isolated_subnets(compute)
    (sg,) = [compute.by_urn[u] for u in svc.property_dependencies["networkConfiguration"]
             if compute.by_urn[u].type == "aws:ec2/securityGroup:SecurityGroup"]
    ingress = [r.inputs for r in compute.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if sg.urn in r.property_dependencies.get("securityGroupId", [])]
    assert [(r["fromPort"], r["toPort"], r.get("cidrIpv4")) for r in ingress] == [(8080, 8080, "10.10.0.0/16")]
    egress = [r.inputs for r in compute.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
              if sg.urn in r.property_dependencies.get("securityGroupId", [])]
    assert {r["fromPort"] for r in egress} == {443} and all(r.get("cidrIpv4") != "0.0.0.0/0" for r in egress)


def test_internal_nlb_terminates_tls_with_a_modern_policy(compute):
    (lb,) = compute.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert lb.inputs["internal"] is True and lb.inputs["loadBalancerType"] == "network"
    assert lb.inputs["subnets"] == isolated_subnets(compute)
    (listener,) = compute.of_type("aws:lb/listener:Listener")
    assert listener.inputs["protocol"] == "TLS" and listener.inputs["certificateArn"] == CERT
    assert listener.inputs["sslPolicy"].startswith("ELBSecurityPolicy-TLS13-")
    (tg,) = compute.of_type("aws:lb/targetGroup:TargetGroup")
    assert tg.inputs["targetType"] == "ip" and tg.inputs["healthCheck"]["path"] == "/ping"


def test_nlb_access_logs_reach_their_own_encrypted_bucket(compute):
    (lb,) = compute.of_type("aws:lb/loadBalancer:LoadBalancer")
    logs = lb.inputs["accessLogs"]
    assert logs["enabled"] is True
    bucket = compute.one("aws:s3/bucket:Bucket", "lb-logs")
    assert logs["bucket"] == bucket.inputs["bucket"]
    (policy,) = [p for p in compute.of_type("aws:s3/bucketPolicy:BucketPolicy") if bucket.urn in p.property_dependencies.get("bucket", [])]
    statements = {st["Sid"]: st for st in json.loads(policy.inputs["policy"])["Statement"]}
    write = statements["ElbLogDeliveryWrite"]
    assert write["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert write["Resource"] == f"arn:aws:s3:::{bucket.inputs['bucket']}/{logs['prefix']}/AWSLogs/333333333333/*"
    assert write["Condition"]["ArnLike"]["aws:SourceArn"] == "arn:aws:logs:us-east-1:333333333333:*"
    (sse,) = [r for r in compute.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
              if bucket.urn in r.property_dependencies.get("bucket", [])]
    key = dep(compute, sse, "rules", "aws:kms/key:Key")
    delivery = [st for st in json.loads(key.inputs["policy"])["Statement"] if st.get("Principal") == {"Service": "delivery.logs.amazonaws.com"}]
    assert len(delivery) == 1 and delivery[0]["Condition"]["StringEquals"] == {"aws:SourceAccount": "333333333333"}
    assert policy.urn in lb.dependencies, "ELB checks the bucket policy when logging is enabled"


def test_service_autoscales_between_the_configured_bounds(compute):
    (target,) = mine(compute, "aws:appautoscaling/target:Target")
    assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (2, 5)
    assert target.inputs["resourceId"] == "service/acme-mldev-use1-model-service/acme-mldev-use1-model-service"
    policies = {p.inputs["policyType"]: p for p in mine(compute, "aws:appautoscaling/policy:Policy")}
    tracked = {p.inputs["targetTrackingScalingPolicyConfiguration"]["predefinedMetricSpecification"]["predefinedMetricType"]
               for p in mine(compute, "aws:appautoscaling/policy:Policy") if p.inputs["policyType"] == "TargetTrackingScaling"}
    assert tracked == {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"}
    steps = policies["StepScaling"].inputs["stepScalingPolicyConfiguration"]["stepAdjustments"]
    assert [s["scalingAdjustment"] for s in steps] == [1], "remediation adds one task at a time"


# -- API Gateway -------------------------------------------------------------------------------------------


def apis(snap: Snapshot) -> tuple[ResourceRecord, ResourceRecord]:
    (sagemaker,) = [a for a in snap.of_type("aws:apigateway/restApi:RestApi") if a.inputs["name"].endswith("-inference")]
    (containers_,) = [a for a in snap.of_type("aws:apigateway/restApi:RestApi") if a.inputs["name"].endswith("-containers")]
    return sagemaker, containers_


def methods_of(snap: Snapshot, api: ResourceRecord) -> dict[str, dict[str, Any]]:
    out = {}
    for m in snap.of_type("aws:apigateway/method:Method"):
        if api.urn in m.property_dependencies.get("restApi", []):
            resource = dep(snap, m, "resourceId", "aws:apigateway/resource:Resource")
            out[resource.inputs["pathPart"]] = m.inputs
    return out


def test_container_api_keeps_the_same_routes_and_authorizers(compute):
    sagemaker, containers_ = apis(compute)
    ours, theirs = methods_of(compute, containers_), methods_of(compute, sagemaker)
    assert set(ours) == ROUTES == set(theirs)
    for path, method in ours.items():
        for field in ("authorization", "apiKeyRequired", "authorizationScopes"):
            assert method.get(field) == theirs[path].get(field), (path, field)
    assert ours["predict-internal"]["authorization"] == "AWS_IAM" and ours["predict-partner"]["apiKeyRequired"] is True
    (pool,) = compute.of_type("aws:cognito/userPool:UserPool")
    authorizers = {a.inputs["restApi"]: a for a in compute.of_type("aws:apigateway/authorizer:Authorizer")}
    assert authorizers[sagemaker.id].inputs["providerArns"] == [pool.outputs["arn"]]
    # The same pool, named by its id in Cognito's ARN format (arn:...:userpool/<id>).
    ours_ = authorizers[containers_.id]
    assert ours_.inputs["providerArns"] == [f"arn:aws:cognito-idp:us-east-1:333333333333:userpool/{pool.id}"]
    assert pool.urn in ours_.property_dependencies["providerArns"]


def test_container_api_is_behind_the_same_web_acl_and_api_key(compute):
    sagemaker, containers_ = apis(compute)
    (acl,) = compute.of_type("aws:wafv2/webAcl:WebAcl")
    associations = compute.of_type("aws:wafv2/webAclAssociation:WebAclAssociation")
    assert len(associations) == 2 and {a.inputs["webAclArn"] for a in associations} == {acl.outputs["arn"]}
    (key,) = compute.of_type("aws:apigateway/apiKey:ApiKey")
    assert {k.inputs["keyId"] for k in compute.of_type("aws:apigateway/usagePlanKey:UsagePlanKey")} == {key.id}


def test_container_api_reaches_the_nlb_through_a_vpc_link_with_verified_tls(compute):
    (link,) = compute.of_type("aws:apigateway/vpcLink:VpcLink")
    (lb,) = compute.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert link.inputs["targetArn"] == lb.outputs["arn"]
    _, containers_ = apis(compute)
    integrations = [i.inputs for i in compute.of_type("aws:apigateway/integration:Integration")
                    if containers_.urn in i.property_dependencies.get("restApi", [])]
    assert len(integrations) == len(ROUTES)
    for i in integrations:
        assert (i["type"], i["connectionType"], i["uri"]) == ("HTTP_PROXY", "VPC_LINK", f"https://{HOSTNAME}/invocations")
        assert i["tlsConfig"]["insecureSkipVerification"] is False


def test_container_stage_is_logged_traced_and_created_after_the_account_logging_role(compute):
    (stage,) = [s for s in compute.of_type("aws:apigateway/stage:Stage") if compute.layer_of(s) in COMPUTE_LAYERS]
    assert stage.inputs["xrayTracingEnabled"] is True
    group = dep(compute, stage, "accessLogSettings", "aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["kmsKeyId"] == key_named(compute, "use1-logs-key").outputs["arn"]
    # Ordered after the SageMaker stage, which waits for the account's API Gateway CloudWatch role.
    (other,) = [s for s in compute.of_type("aws:apigateway/stage:Stage") if s.urn != stage.urn]
    assert other.urn in stage.property_dependencies["description"]


# -- monitoring --------------------------------------------------------------------------------------------


def test_service_alarms_notify_and_remediate(compute):
    alarms = {a.inputs["name"].rsplit("model-service-", 1)[-1]: a.inputs for a in mine(compute, "aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert set(alarms) == {"latency", "5xx", "cpu-saturation", "memory-saturation", "unhealthy-targets"}
    (topic,) = compute.of_type("aws:sns/topic:Topic")
    (step,) = [p for p in mine(compute, "aws:appautoscaling/policy:Policy") if p.inputs["policyType"] == "StepScaling"]
    for name, alarm in alarms.items():
        assert topic.outputs["arn"] in alarm["alarmActions"] and alarm["okActions"] == [topic.outputs["arn"]]
        remediates = step.outputs["arn"] in alarm["alarmActions"]
        assert remediates is (name in ("latency", "5xx", "cpu-saturation")), name
    assert (alarms["latency"]["namespace"], alarms["latency"]["metricName"]) == ("AWS/ApiGateway", "IntegrationLatency")
    assert alarms["latency"]["dimensions"]["ApiName"] == "acme-mldev-use1-containers"
    assert alarms["cpu-saturation"]["dimensions"] == {"ClusterName": "acme-mldev-use1-model-service",
                                                      "ServiceName": "acme-mldev-use1-model-service"}
    (lb,) = compute.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert alarms["unhealthy-targets"]["dimensions"]["LoadBalancer"] == lb.outputs["arnSuffix"]


def test_outputs_name_what_operators_use(compute):
    (account,) = compute.outputs["workloads"].values()
    out = account["us-east-1"]["compute"]
    assert out["eks"]["clusterName"] == cluster(compute).inputs["name"]
    assert set(out["fargate"]["routeUrls"]) == ROUTES


# -- cross-cutting: IAM, names ----------------------------------------------------------------------------


def test_compute_iam_documents_lint_clean(compute):
    checked = 0
    for record in compute.resources:
        if compute.layer_of(record) not in COMPUTE_LAYERS:
            continue
        for name, doc in policy_docs(record):
            checked += 1
            assert lint(doc, kind_of(name, doc, record.type)) == [], f"{record.urn} {name}"
    assert checked >= 10


NAME_RULES: dict[str, tuple[str, str | None]] = {
    # type -> (input, naming kind or None for a rule checked below)
    "aws:lb/loadBalancer:LoadBalancer": ("name", "elb"),
    "aws:lb/targetGroup:TargetGroup": ("name", "elb"),
    "aws:eks/cluster:Cluster": ("name", None),  # 1-100, starts alphanumeric, [A-Za-z0-9_-]
    "aws:ecs/cluster:Cluster": ("name", None),  # 1-255 letters, digits, '-' and '_'
    "aws:ecs/service:Service": ("name", None),
    "aws:ecs/taskDefinition:TaskDefinition": ("family", None),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "log-group"),
    "aws:kms/alias:Alias": ("name", "kms-alias"),
    "aws:apigateway/restApi:RestApi": ("name", "generic"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("name", None),  # 1-255
}


def test_compute_names_are_within_aws_limits(compute):
    seen = 0
    for type_, (field, kind) in NAME_RULES.items():
        for r in mine(compute, type_):
            name = r.inputs[field]
            seen += 1
            if kind:
                assert meets_aws_rule(name, kind), f"{type_} {name!r}"
            elif type_ == "aws:eks/cluster:Cluster":
                assert re.fullmatch(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}", name), name
            else:
                assert re.fullmatch(r"[A-Za-z0-9_-]{1,255}", name), name
    assert seen >= 12


# -- config: per-family accelerator rules and the compute knobs --------------------------------------------

NS = "aiplatform:"


def raw(stack: str) -> dict[str, Any]:
    cfg = load_stack_config(ROOT, stack)
    data = {k[len(NS):]: copy.deepcopy(v) for k, v in cfg.raw.items() if k.startswith(NS)}
    return data


def with_compute(stack: str = "dev", **knobs: Any) -> dict[str, Any]:
    data = raw(stack)
    wrapped = {f"{NS}{k}": v for k, v in data.items()}
    enable_compute(wrapped)
    data = {k[len(NS):]: v for k, v in wrapped.items()}
    for path, value in knobs.items():
        node = data
        *parents, last = path.split("__")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return data


def problems_of(data: dict[str, Any], stack: str = "dev") -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        validate(data, stack, "aiplatform")
    return {p.key: f"{p.message} | {p.fix}" for p in info.value.problems}


def test_compute_variant_config_is_valid():
    settings = validate(with_compute(), "dev", "aiplatform")
    assert settings.features.eks and settings.knobs.compute.eks.accelerator_instance_type == "inf2.xlarge"


@pytest.mark.parametrize(("knob", "value", "key", "expect"), [
    ("knobs__compute__fargate__memory", 1024, "knobs.compute.fargate.memory", "with cpu 1024 use memory 2048-8192 in steps of 1024"),
    ("knobs__compute__fargate__cpu", 3000, "knobs.compute.fargate.cpu", "no task size with 3000 CPU units"),
    ("knobs__compute__fargate__certificateArn", None, "knobs.compute.fargate.certificateArn", "needs an ACM certificate ARN"),
    ("knobs__compute__fargate__certificateArn", CERT.replace("us-east-1", "eu-west-1"), "knobs.compute.fargate.certificateArn",
     "the certificate is in eu-west-1, the service in us-east-1"),
    ("knobs__compute__fargate__hostname", "Not A Host", "knobs.compute.fargate.hostname", "lowercase DNS name"),
    ("knobs__compute__fargate__minTasks", 9, "knobs.compute.fargate.maxTasks", "maxTasks (5) is below minTasks (9)"),
    ("knobs__compute__eks__acceleratorInstanceType", "p3.2xlarge", "knobs.compute.eks.acceleratorInstanceType", "not an accelerator node type"),
    ("knobs__compute__eks__cpuInstanceType", "t2.micro", "knobs.compute.eks.cpuInstanceType", "not a CPU node type"),
    ("knobs__compute__acceleratorRegions", {"g9": ["us-east-1"]}, "knobs.compute.acceleratorRegions.g9", "not a region-limited"),
    ("knobs__compute__eks__cpuMinNodes", 7, "knobs.compute.eks.cpuMaxNodes", "cpuMaxNodes (4) is below cpuMinNodes (7)"),
    ("knobs__compute__eks__acceleratorMinNodes", 4, "knobs.compute.eks.acceleratorMaxNodes", "acceleratorMaxNodes (3) is below"),
])
def test_compute_knob_mistakes_name_the_key_and_fix(knob, value, key, expect):
    found = problems_of(with_compute(**{knob: value}))
    assert key in found and expect in found[key], found


def test_accelerator_region_availability_is_checked_and_can_be_confirmed():
    data = with_compute(**{"knobs__compute__eks__acceleratorInstanceType": "trn1.2xlarge"})
    data["regions"]["primary"] = "eu-west-1"
    data["accounts"]["workload"]["vpcCidrs"] = {"eu-west-1": "10.10.0.0/16"}
    data["knobs"]["compute"]["fargate"]["certificateArn"] = CERT.replace("us-east-1", "eu-west-1")
    found = problems_of(data)
    assert list(found) == ["knobs.compute.eks.acceleratorInstanceType"]
    assert "trn1.2xlarge is not known to be offered in eu-west-1" in found["knobs.compute.eks.acceleratorInstanceType"]
    data["knobs"]["compute"]["acceleratorRegions"] = {"trn1": ["eu-west-1"]}
    validate(data, "dev", "aiplatform")


def test_sagemaker_neuron_types_need_a_neuron_image_and_keep_their_volume_key_rules():
    from config.instance_types import volume_key_for

    data = raw("dev")
    data["knobs"]["inferenceInstanceType"] = "ml.inf2.xlarge"
    found = problems_of(data)
    assert list(found) == ["knobs.endpoint.imageTag"] and "AWS Neuron SDK" in found["knobs.endpoint.imageTag"]
    data["knobs"]["endpoint"]["imageTag"] = "1.4.0-neuronx"
    validate(data, "dev", "aiplatform")
    # Inferentia2 volumes are EBS (key required); Trainium has local NVMe (SageMaker rejects a key).
    assert volume_key_for("ml.inf2.xlarge", "k") == "k" and volume_key_for("ml.trn1.2xlarge", "k") is None


def test_sagemaker_neuron_region_is_checked():
    data = raw("prod")
    data["knobs"]["trainingInstanceType"] = "ml.trn1.2xlarge"
    data["knobs"]["endpoint"]["imageTag"] = "2.0-neuronx"
    data["regions"]["primary"], data["regions"]["dr"] = "eu-central-1", "eu-west-1"
    for account in [data["accounts"]["workload"]]:
        account["vpcCidrs"] = {"eu-central-1": "10.30.0.0/16", "eu-west-1": "10.31.0.0/16"}
    found = problems_of(data, "prod")
    assert "ml.trn1.2xlarge is not known to be offered in eu-central-1" in found["knobs.trainingInstanceType"]


def test_the_shared_stack_cannot_turn_compute_on():
    data = raw("shared")
    data["features"].update(eks=True, fargateService=True)
    found = problems_of(data, "shared")
    assert {"features.eks", "features.fargateService"} <= set(found)
    assert "workload accounts" in found["features.eks"]


def test_cost_prices_every_compute_resource(compute):
    from platformctl.cost import PriceTable, estimate

    items = estimate(compute, PriceTable.load())
    assert [(i.type, i.product) for i in items if i.unit_price is None] == []
    fixed = {i.product for i in items if i.fixed}
    # The EKS control plane, its nodes, the Fargate tasks and the internal NLB all cost money by existing.
    assert {"cluster", "vcpu", "memory", "network-load-balancer"} <= fixed
    assert any(p.startswith("instance:") for p in fixed)


def test_the_eks_endpoints_keep_the_same_perimeter(compute):
    region = compute.config["aiplatform:regions"]["primary"]
    added = {f"com.amazonaws.{region}.{s}" for s in ("ec2", "elasticloadbalancing", "eks", "eks-auth")}
    assert added <= {e.inputs["serviceName"] for e in interface_endpoints(compute) if e.inputs.get("policy")}
    assert not perimeter_violations(compute)
