import json

import pulumi
import pulumi_aws as aws

role = aws.iam.Role("fn-role", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}))
aws.iam.RolePolicyAttachment("fn-logs", role=role.name,
                             policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
fn = aws.lambda_.Function("hello", runtime="python3.12", handler="handler.handler", role=role.arn,
                          code=pulumi.AssetArchive({".": pulumi.FileArchive("./app")}))

api = aws.apigateway.RestApi("api")
resource = aws.apigateway.Resource("hello", rest_api=api.id, parent_id=api.root_resource_id, path_part="hello")
method = aws.apigateway.Method("get", rest_api=api.id, resource_id=resource.id, http_method="GET", authorization="NONE")
integration = aws.apigateway.Integration("lambda", rest_api=api.id, resource_id=resource.id, http_method=method.http_method,
                                         integration_http_method="POST", type="AWS_PROXY", uri=fn.invoke_arn)
deployment = aws.apigateway.Deployment("deploy", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[integration]))
stage = aws.apigateway.Stage("prod", rest_api=api.id, deployment=deployment.id, stage_name="prod")
aws.lambda_.Permission("apigw", action="lambda:InvokeFunction", function=fn.name, principal="apigateway.amazonaws.com",
                       source_arn=stage.execution_arn.apply(lambda arn: arn + "/*/*"))

pulumi.export("url", stage.invoke_url.apply(lambda url: url + "/hello"))
