"""The EKS control plane of one workload account x region: private, encrypted, audited.

* API server endpoint private only (``endpointPublicAccess`` false): kubectl works from inside the VPC
  (or a peered network) and nodes register through it.
* Kubernetes secrets envelope-encrypted with a customer-managed key owned here (``eks`` key); the same key
  encrypts the nodes' EBS volumes (``nodes.py``), so its policy also admits EC2 Auto Scaling's
  service-linked role, which launches the managed node groups' instances.
* Control-plane logs (api, audit, authenticator) to ``/aws/eks/<cluster>/cluster``, created first with the
  ``logs`` key and a retention, so EKS writes into it instead of creating an unencrypted group.
* Authentication mode ``API``: access entries, never the ``aws-auth`` ConfigMap; the cluster creator gets no
  implicit admin. Operators and the Pulumi deploy role are cluster admins; the model delivery role may only
  edit the model namespace.
* Managed add-ons (VPC CNI, kube-proxy, CoreDNS, Pod Identity agent) instead of the self-managed defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import iam
from components.compute.eks.identity import model_reader, plain_service_trust
from components.compute.eks.nodes import NodeGroupSpec, launch_template, node_group, node_role
from components.kms import root_admin
from components.naming import fit
from components.providers import Target

CONTROL_PLANE_LOGS = ("api", "audit", "authenticator")
CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
NAMESPACE_EDIT = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
# Add-ons the nodes need before they can become Ready, and the one that needs Ready nodes.
NODE_ADDONS = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
WORKLOAD_ADDONS = ("coredns",)


def autoscaling_volume_use(account_id: str) -> list[dict]:
    """Key policy statements for EC2 Auto Scaling's service-linked role, which launches the node instances.

    The role may not exist yet in a fresh account (Auto Scaling creates it on first use), and a key policy that
    names a missing principal is rejected; so the statement names it through ``aws:PrincipalArn``.
    """
    slr = f"arn:aws:iam::{account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    who = {"aws:PrincipalArn": slr, "aws:PrincipalAccount": account_id}
    return [
        {"Sid": "AutoScalingNodeVolumes", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
         "Resource": "*", "Condition": {"StringEquals": who}},
        {"Sid": "AutoScalingNodeVolumeGrants", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:CreateGrant",
         "Resource": "*", "Condition": {"StringEquals": who, "Bool": {"kms:GrantIsForAWSResource": "true"}}},
    ]


@dataclass
class EksClusterArgs:
    target: Target
    org: str
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    subnet_ids: pulumi.Input[Sequence[str]]
    version: str
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    deletion_window_days: int
    protect: bool
    admin_principal_arns: Sequence[pulumi.Input[str]]
    # Roles that deploy models: edit rights in the model namespace only.
    namespace_editor_arns: Sequence[pulumi.Input[str]] = field(default_factory=list)
    namespace: str = "models"
    service_account: str = "model-server"
    cpu: NodeGroupSpec = field(default_factory=lambda: NodeGroupSpec("cpu", "m6i.xlarge", 2, 4))
    accelerator: NodeGroupSpec | None = None
    node_volume_gib: int = 100
    image_repository_arns: Sequence[pulumi.Input[str]] = field(default_factory=list)
    registry_key_arns: Sequence[pulumi.Input[str]] = field(default_factory=list)
    artifacts_bucket_arn: pulumi.Input[str] = ""
    ml_key_arn: pulumi.Input[str] = ""


class EksCluster(pulumi.ComponentResource):
    cluster: aws.eks.Cluster
    key: aws.kms.Key
    name: str

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aiplatform:compute:EksCluster", name, None, opts)
        t = args.target
        self._prefix = name
        self.name = fit(f"{args.org}-{t.key}-models", "generic")
        stateful = t.stateful(self, args.protect)

        self.key = aws.kms.Key(
            f"{name}-key", description=f"{args.org} EKS secrets and node volumes ({t.account.name}, {t.region})",
            enable_key_rotation=True, rotation_period_in_days=365, deletion_window_in_days=args.deletion_window_days,
            bypass_policy_lockout_safety_check=False,
            policy=iam.document([root_admin(t.account_id), *autoscaling_volume_use(t.account_id)]), opts=stateful)
        aws.kms.Alias(f"{name}-key-alias", name=fit(f"alias/{args.org}/eks", "kms-alias"), target_key_id=self.key.key_id,
                      opts=t.opts(self))

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-control-plane-logs", name=f"/aws/eks/{self.name}/cluster", kms_key_id=args.logs_key_arn,
            retention_in_days=args.log_retention_days, opts=stateful)

        role = aws.iam.Role(f"{name}-cluster-role", assume_role_policy=plain_service_trust("eks.amazonaws.com"),
                            description="EKS control plane", opts=t.opts(self))
        attach = aws.iam.RolePolicyAttachment(f"{name}-cluster-policy", role=role.name,
                                              policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", opts=t.opts(self))
        key_use = aws.iam.RolePolicy(f"{name}-cluster-secrets-key", role=role.id, policy=iam.document([
            iam.allow(["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], self.key.arn, sid="SecretsEnvelope"),
            iam.allow(["kms:CreateGrant"], self.key.arn, sid="SecretsGrant",
                      condition={"Bool": {"kms:GrantIsForAWSResource": "true"}}),
        ]), opts=t.opts(self))

        # kubectl from inside the VPC (operators' bastion or build jobs); nothing from outside it.
        self.api_sg = aws.ec2.SecurityGroup(
            f"{name}-api-sg", vpc_id=args.vpc_id, description="EKS private API endpoint: HTTPS from the VPC only", opts=t.opts(self))
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-api-https", security_group_id=self.api_sg.id, ip_protocol="tcp", from_port=443, to_port=443,
            cidr_ipv4=args.vpc_cidr, description="Kubernetes API from the VPC", opts=t.opts(self))

        self.cluster = aws.eks.Cluster(
            f"{name}-cluster", name=self.name, role_arn=role.arn, version=args.version,
            vpc_config={"subnet_ids": args.subnet_ids, "endpoint_private_access": True, "endpoint_public_access": False,
                        "security_group_ids": [self.api_sg.id]},
            encryption_config={"provider": {"key_arn": self.key.arn}, "resources": ["secrets"]},
            enabled_cluster_log_types=list(CONTROL_PLANE_LOGS),
            access_config={"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": False},
            bootstrap_self_managed_addons=False, deletion_protection=args.protect,
            opts=t.stateful(self, args.protect, depends_on=[self.log_group, attach, key_use]))

        for i, principal in enumerate(args.admin_principal_arns):
            self._access(f"{name}-admin-{i}", t, principal, CLUSTER_ADMIN, {"type": "cluster"})
        for i, principal in enumerate(args.namespace_editor_arns):
            self._access(f"{name}-deployer-{i}", t, principal, NAMESPACE_EDIT, {"type": "namespace", "namespaces": [args.namespace]})

        self.node_addons = [aws.eks.Addon(
            f"{name}-{addon}", cluster_name=self.cluster.name, addon_name=addon, resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE", opts=t.opts(self)) for addon in NODE_ADDONS]

        nodes = node_role(name, t, self, args.image_repository_arns, args.registry_key_arns)
        template = launch_template(name, t, self, self.key.arn, args.node_volume_gib)
        self.node_groups = [node_group(name, t, self, self.cluster.name, nodes, args.subnet_ids, template, spec, self.node_addons)
                            for spec in (args.cpu, args.accelerator) if spec is not None]
        self.workload_addons(t, self.node_groups)
        self.model_role = model_reader(name, t, self, self.cluster, args.namespace, args.service_account,
                                       args.artifacts_bucket_arn, args.ml_key_arn)
        self.cluster_name = self.cluster.name
        self.cluster_arn = self.cluster.arn
        self.register_outputs({"clusterName": self.cluster_name, "clusterArn": self.cluster_arn, "keyArn": self.key.arn,
                               "logGroup": self.log_group.name})

    def workload_addons(self, t: Target, after: Sequence[pulumi.Resource]) -> None:
        """Add-ons whose pods need Ready nodes (CoreDNS): created after the node groups."""
        for addon in WORKLOAD_ADDONS:
            aws.eks.Addon(f"{self._prefix}-{addon}", cluster_name=self.cluster.name, addon_name=addon,
                          resolve_conflicts_on_create="OVERWRITE", resolve_conflicts_on_update="OVERWRITE",
                          opts=t.opts(self, depends_on=list(after)))

    def _access(self, name: str, t: Target, principal: pulumi.Input[str], policy_arn: str, scope: dict) -> None:
        entry = aws.eks.AccessEntry(name, cluster_name=self.cluster.name, principal_arn=principal, type="STANDARD", opts=t.opts(self))
        aws.eks.AccessPolicyAssociation(name, cluster_name=self.cluster.name, principal_arn=entry.principal_arn,
                                        policy_arn=policy_arn, access_scope=scope, opts=t.opts(self))


# Interface endpoints a private cluster in an isolated VPC needs beyond the workload VPC's own (which already has
# ecr.api, ecr.dkr, sts, logs and the S3 gateway): EKS user guide, "Deploy private clusters with limited internet
# access". ec2: the EKS-optimized AMI names the node through EC2; elasticloadbalancing: load balancers for
# services; eks: the EKS API (managed node groups, tooling inside the VPC); eks-auth: Pod Identity credentials.
VPC_ENDPOINTS = ("ec2", "elasticloadbalancing", "eks", "eks-auth")
