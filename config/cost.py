"""``aiplatform:cost``: usage assumptions for ``platformctl cost`` (monthly quantities; unset = not estimated)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


def _usage(description: str) -> float | None:
    return Field(default=None, ge=0, description=description)  # type: ignore[return-value]


class CostAssumptions(BaseModel):
    """Monthly usage per resource of the kind named; each becomes quantity x unit price on its line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    apiRequestsMillions: float | None = _usage("requests per API (and through its web ACL), millions")
    lambdaRequestsMillions: float | None = _usage("invocations per Lambda function, millions")
    lambdaGbSeconds: float | None = _usage("compute per Lambda function, GB-seconds")
    s3StorageGb: float | None = _usage("standard storage per bucket, GB")
    logsIngestionGb: float | None = _usage("ingestion per log group, GB")
    kmsRequests10k: float | None = _usage("API requests per KMS key, tens of thousands")
    trainingHours: float | None = _usage("training/tuning/AutoML instance hours per training pipeline")
    processingHours: float | None = _usage("processing instance hours per training pipeline")
    monitoringJobMinutes: float | None = _usage("minutes per Model Monitor run")
    glueDpuHours: float | None = _usage("DPU-hours per Glue job")
    glueCrawlerDpuHours: float | None = _usage("DPU-hours per Glue crawler")
    databrewNodeHours: float | None = _usage("node-hours per DataBrew job")
    warehouseHours: float | None = _usage("hours per Redshift Serverless workgroup running at its base capacity")
    guardDutyEventsMillions: float | None = _usage("CloudTrail management events per GuardDuty detector, millions")
    securityHubChecks: float | None = _usage("security checks per Security Hub account x region")
    configItems: float | None = _usage("configuration items per AWS Config recorder")
    backupStorageGb: float | None = _usage("warm backup storage per vault, GB")
    ecrStorageGb: float | None = _usage("image storage per ECR repository, GB")
    firehoseGb: float | None = _usage("ingestion per Firehose delivery stream, GB")
    endpointDataGb: float | None = _usage("data processed per interface VPC endpoint, GB")
    natDataGb: float | None = _usage("data processed per NAT gateway, GB")
    codebuildMinutes: float | None = _usage("build minutes per CodeBuild project")
    pipelineActionMinutes: float | None = _usage("action minutes per CodePipeline V2 pipeline")
    snsRequestsMillions: float | None = _usage("publishes per SNS topic, millions")
    sqsRequestsMillions: float | None = _usage("requests per SQS queue, millions")


class CostSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    assumptions: CostAssumptions = Field(default_factory=CostAssumptions)
