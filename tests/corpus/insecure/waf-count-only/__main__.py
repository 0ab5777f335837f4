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
VISIBILITY = {"cloudwatch_metrics_enabled": True, "metric_name": "api", "sampled_requests_enabled": True}
acl = aws.wafv2.WebAcl("api", scope="REGIONAL", default_action={"allow": {}}, visibility_config=VISIBILITY, rules=[{
    "name": "common", "priority": 1, "override_action": {"count": {}},
    "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": "AWSManagedRulesCommonRuleSet"}},
    "visibility_config": {**VISIBILITY, "metric_name": "common"}}], opts=opts)
waf_logs = aws.cloudwatch.LogGroup("waf", name="aws-waf-logs-api", kms_key_id=key.arn, retention_in_days=365, opts=opts)
aws.wafv2.WebAclLoggingConfiguration("api", resource_arn=acl.arn, log_destination_configs=[waf_logs.arn], opts=opts)

api = aws.apigateway.RestApi("api", endpoint_configuration={"types": "REGIONAL"}, opts=opts)
items = aws.apigateway.Resource("items", rest_api=api.id, parent_id=api.root_resource_id, path_part="items", opts=opts)
method = aws.apigateway.Method("get-items", rest_api=api.id, resource_id=items.id, http_method="GET",
                               authorization="AWS_IAM", opts=opts)
integration = aws.apigateway.Integration("get-items", rest_api=api.id, resource_id=items.id, http_method=method.http_method,
                                         type="MOCK", request_templates={"application/json": '{"statusCode": 200}'}, opts=opts)
deployment = aws.apigateway.Deployment("api", rest_api=api.id, triggers={"v": "1"},
                                       opts=pulumi.ResourceOptions(provider=provider, depends_on=[integration]))
access = aws.cloudwatch.LogGroup("api-access", kms_key_id=key.arn, retention_in_days=365, opts=opts)
stage = aws.apigateway.Stage("v1", rest_api=api.id, deployment=deployment.id, stage_name="v1",
                             access_log_settings={"destination_arn": access.arn, "format": "$context.requestId $context.status"},
                             opts=opts)
aws.wafv2.WebAclAssociation("api", resource_arn=stage.arn, web_acl_arn=acl.arn, opts=opts)
