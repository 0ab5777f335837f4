import pulumi_aws as aws

aws.s3.Bucket("raw", tags={"owner": "data-team"})
