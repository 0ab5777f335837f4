import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
account = aws.get_caller_identity().account_id
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{account}:log-group:*"}}},
    ]}), opts=opts)

api = aws.apigatewayv2.Api("http", protocol_type="HTTP", target="arn:aws:lambda:us-east-1:111122223333:function:orders", opts=opts)
auth = aws.apigatewayv2.Authorizer("jwt", api_id=api.id, authorizer_type="JWT", identity_sources=["$request.header.Authorization"],
                                   jwt_configuration={"audiences": ["orders"], "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example"},
                                   opts=opts)
backend = aws.apigatewayv2.Integration("backend", api_id=api.id, integration_type="HTTP_PROXY", integration_method="GET",
                                       integration_uri="https://backend.example.com/orders", opts=opts)
aws.apigatewayv2.Route("get-orders", api_id=api.id, route_key="GET /orders", authorization_type="JWT", authorizer_id=auth.id,
                       target=backend.id.apply(lambda i: f"integrations/{i}"), opts=opts)
access = aws.cloudwatch.LogGroup("http-access", kms_key_id=key.arn, retention_in_days=365, opts=opts)
aws.apigatewayv2.Stage("default", api_id=api.id, name="$default", auto_deploy=True,
                       access_log_settings={"destination_arn": access.arn, "format": "$context.requestId"}, opts=opts)
