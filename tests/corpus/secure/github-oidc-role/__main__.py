import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "platform-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
account = pulumi.Config().get("accountId") or "111122223333"
issuer = "token.actions.githubusercontent.com"

aws.iam.OpenIdConnectProvider("github", url=f"https://{issuer}", client_id_lists=["sts.amazonaws.com"], opts=opts)
deployer = aws.iam.Role("deployer", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": f"arn:aws:iam::{account}:oidc-provider/{issuer}"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {f"{issuer}:aud": "sts.amazonaws.com",
                                   f"{issuer}:sub": "repo:acme/ml-models:ref:refs/heads/main"}},
}]}), opts=opts)
aws.iam.RolePolicy("deployer-read", role=deployer.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::acme-ml-artifacts/models/*"}]}), opts=opts)
pulumi.export("roleArn", deployer.arn)
