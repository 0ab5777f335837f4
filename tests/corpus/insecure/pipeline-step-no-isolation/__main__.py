import json

import pulumi
import pulumi_aws as aws

TAGS = {"owner": "data-team", "cost-center": "cc-1001", "environment": "dev", "data-classification": "internal"}
provider = aws.Provider("use1", region="us-east-1", default_tags={"tags": TAGS})
opts = pulumi.ResourceOptions(provider=provider)
key = aws.kms.Key("main", description="app data", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)
role = aws.iam.Role("sagemaker", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), opts=opts)

definition = {"Version": "2020-12-01", "Steps": [{
    "Name": "Train", "Type": "Training", "Arguments": {
        "AlgorithmSpecification": {"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1", "TrainingInputMode": "File"},
        "OutputDataConfig": {"S3OutputPath": "s3://acme-models/out", "KmsKeyId": {"Get": "Parameters.KmsKey"}},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30,
                           "VolumeKmsKeyId": {"Get": "Parameters.KmsKey"}},
        "EnableNetworkIsolation": False,
        "VpcConfig": {"Subnets": ["subnet-0a1b2c3d4e5f60001"], "SecurityGroupIds": ["sg-0a1b2c3d4e5f60003"]},
        "RoleArn": "arn:aws:iam::111122223333:role/sagemaker", "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}}],
    "Parameters": [{"Name": "KmsKey", "Type": "String"}]}
aws.sagemaker.Pipeline("train", pipeline_name="train", pipeline_display_name="train", role_arn=role.arn,
                       pipeline_definition=json.dumps(definition), opts=opts)
