import pulumi
import pulumi_aws as aws

widget = pulumi.runtime.invoke("acme:index/getWidget:getWidget", {"name": "w"})
bucket = aws.s3.Bucket("data", tags={"owner": "data-team"})
aws.s3.BucketServerSideEncryptionConfiguration(
    "data-sse", bucket=bucket.id, rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}}])
pulumi.export("widget", widget.value)
