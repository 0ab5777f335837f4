"""Glue ETL job: raw ingest records -> curated Parquet, partitioned by ingest date.

Reads the raw table through the Data Catalog (Lake Formation vends the read
credentials; the job role has no S3 access to the raw zone), keeps only new
files thanks to job bookmarks, cleans the records and writes Snappy Parquet
into the curated zone, creating/updating the curated table and its partitions.

Job arguments (set as the job's default arguments by components/processing.py):
--source_database --source_table --target_database --target_table --target_path
"""

import re
import sys

from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

JOB_ARGUMENTS = ["JOB_NAME", "source_database", "source_table", "target_database", "target_table", "target_path"]
# Firehose writes ingest/year=YYYY/month=MM/day=DD/, which the raw crawler turns into these partition columns.
PARTITION_COLUMNS = ["year", "month", "day"]


def column_name(name: str) -> str:
    """Lowercase snake_case: Athena, Redshift Spectrum and SageMaker all accept it unquoted."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "column"


def clean(df: DataFrame) -> DataFrame:
    """Normalised column names, no all-null rows, no exact duplicates, a processing timestamp and date partitions."""
    df = df.toDF(*[column_name(c) for c in df.columns])
    df = df.dropna(how="all").dropDuplicates()
    df = df.withColumn("processed_at", F.current_timestamp())
    today = F.current_date()
    for column, fmt in zip(PARTITION_COLUMNS, ("yyyy", "MM", "dd")):
        if column not in df.columns:  # records that arrived outside the Firehose prefixes
            df = df.withColumn(column, F.date_format(today, fmt))
    return df


def main() -> None:
    args = getResolvedOptions(sys.argv, JOB_ARGUMENTS)
    glue = GlueContext(SparkContext.getOrCreate())
    job = Job(glue)
    job.init(args["JOB_NAME"], args)

    # transformation_ctx enables the job bookmark: each run reads only files the previous runs have not.
    source = glue.create_dynamic_frame.from_catalog(
        database=args["source_database"], table_name=args["source_table"], transformation_ctx="raw_source")
    if source.count() == 0:
        job.commit()
        return

    curated = DynamicFrame.fromDF(clean(source.toDF()), glue, "curated")
    sink = glue.getSink(
        connection_type="s3", path=args["target_path"], enableUpdateCatalog=True, updateBehavior="UPDATE_IN_DATABASE",
        partitionKeys=PARTITION_COLUMNS, transformation_ctx="curated_sink")
    sink.setFormat("glueparquet", compression="snappy")
    sink.setCatalogInfo(catalogDatabase=args["target_database"], catalogTableName=args["target_table"])
    sink.writeFrame(curated)
    job.commit()


if __name__ == "__main__":
    main()
