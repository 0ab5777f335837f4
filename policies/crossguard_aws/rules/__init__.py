"""Rule modules, one per AWS service (plus tagging and stack-wide operations); importing registers them."""

from crossguard_aws.rules import (  # noqa: F401
    apigateway,
    backup,
    cicd,
    cloudtrail,
    ec2,
    ecr,
    glue,
    iam,
    kms,
    lambda_,
    logs,
    messaging,
    operations,
    organizations,
    redshift,
    s3,
    sagemaker,
    storage,
    tagging,
)
