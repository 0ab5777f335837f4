"""Credentials of the model-serving pods: EKS Pod Identity for one service account, scoped to the model artifacts.

Pod Identity (agent add-on + association) instead of IRSA: no OIDC provider to manage, and the pods fetch
credentials from the EKS Auth API through the ``eks-auth`` VPC endpoint. The role trusts
``pods.eks.amazonaws.com`` for this account's cluster, namespace and service account only, and may read the artifacts bucket's
``models/`` prefix and decrypt with the ``ml`` key through S3, nothing else.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components import iam
from components.providers import Target

MODEL_PREFIX = "models/"


def plain_service_trust(service: str) -> pulumi.Output[str]:
    # EKS (cluster role) and EC2 (instance profiles) assume roles without a source-account context to pin.
    return iam.document([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}])


def pod_trust(account_id: str, cluster_name: pulumi.Input[str], namespace: str, service_account: str) -> pulumi.Output[str]:
    # Pod Identity tags its AssumeRole with the cluster, namespace and service account: those session tags are what
    # AWS documents for scoping the role to one service account (EKS user guide, "pod-id-role").
    return iam.document([{
        "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id, "aws:RequestTag/eks-cluster-name": cluster_name,
                                       "aws:RequestTag/kubernetes-namespace": namespace,
                                       "aws:RequestTag/kubernetes-service-account": service_account}},
    }])


def model_reader(name: str, t: Target, parent: pulumi.Resource, cluster: aws.eks.Cluster, namespace: str, service_account: str,
                 artifacts_bucket_arn: pulumi.Input[str], ml_key_arn: pulumi.Input[str]) -> aws.iam.Role:
    role = aws.iam.Role(f"{name}-model-server", assume_role_policy=pod_trust(t.account_id, cluster.name, namespace, service_account),
                        description=f"Pods of {namespace}/{service_account}: read model artifacts", opts=t.opts(parent))
    bucket = pulumi.Output.from_input(artifacts_bucket_arn)
    aws.iam.RolePolicy(f"{name}-model-server", role=role.id, policy=iam.document([
        iam.allow(["s3:GetObject"], bucket.apply(lambda a: f"{a}/{MODEL_PREFIX}*"), sid="ReadModels"),
        iam.allow(["s3:ListBucket"], bucket, sid="ListModels", condition={"StringLike": {"s3:prefix": [f"{MODEL_PREFIX}*"]}}),
        iam.allow(["kms:Decrypt"], ml_key_arn, sid="DecryptModelsThroughS3",
                  condition={"StringEquals": {"kms:ViaService": f"s3.{t.region}.amazonaws.com"}}),
    ]), opts=t.opts(parent))
    aws.eks.PodIdentityAssociation(f"{name}-model-server", cluster_name=cluster.name, namespace=namespace,
                                   service_account=service_account, role_arn=role.arn, opts=t.opts(parent))
    return role
