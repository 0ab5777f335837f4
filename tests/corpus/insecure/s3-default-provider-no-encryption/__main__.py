
import pulumi
import pulumi_aws as aws

# Region and tags come from stack config (aws:region, aws:defaultTags): the default provider.

key = aws.kms.Key("data", enable_key_rotation=True, deletion_window_in_days=30)
bucket = aws.s3.Bucket("data")
aws.s3.BucketPublicAccessBlock("data", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                               ignore_public_acls=True, restrict_public_buckets=True)
aws.s3.BucketVersioning("data", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
aws.s3.BucketPolicy("data", bucket=bucket.id, policy=pulumi.Output.json_dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Resource": [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")],
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
