"""Conventions several layers rely on; kept here so no layer imports another just for a constant."""

# Roles that may reach the lake from outside the VPC (Glue, DataBrew, Firehose, replication, SageMaker
# execution roles of the ML layers, AWS Backup) are created under this IAM path; the lake's bucket
# policy admits the path.
PLATFORM_ROLE_PATH = "/aiplatform/"

# Resources carrying this tag are in the AWS Backup plan. S3 backups need versioning, which every
# SecureBucket has.
BACKUP_TAG = ("backup", "true")

# The training pipeline writes the Model Monitor data-quality baseline (statistics.json, constraints.json)
# here in the artifacts bucket; the monitoring schedule compares captured traffic against it.
BASELINE_PREFIX = "monitoring/baseline/data-quality"
