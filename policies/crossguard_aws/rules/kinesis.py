"""Kinesis Data Streams and Firehose: encrypted with customer-managed keys."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from crossguard_aws.checks import key_problem
from crossguard_aws.context import RuleContext
from crossguard_aws.model import cdk_nag, checkov, fsbp, resource_rule
from crossguard_aws.resources import Res
from crossguard_aws.values import is_unknown, truthy

STREAMS = ("aws:kinesis/stream:Stream", "aws-native:kinesis:Stream")
FIREHOSES = ("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "aws-native:kinesisfirehose:DeliveryStream")


@resource_rule(
    id="aws-kinesis-stream-enforce-kms", pack="encryption", types=STREAMS, severity=Severity.HIGH,
    description="Kinesis data streams must be encrypted with a customer-managed KMS key (not alias/aws/kinesis).",
    remediation="Set encryption_type='KMS' and kms_key_id=<your key ARN> (aws-native: stream_encryption).",
    controls=(*fsbp("Kinesis.1"), *checkov("CKV_AWS_43", "CKV_AWS_185"), *cdk_nag("KDS1", "KDS3")), tags=("kms", "streaming"),
)
def kinesis_stream_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    kind, key = (("encryptionType", "kmsKeyId") if res.package == "aws"
                 else ("streamEncryption.encryptionType", "streamEncryption.keyId"))
    if res.get(kind, "NONE") != "KMS":
        yield f"{kind} is {res.get(kind, 'NONE')!r}; records are stored unencrypted."
        return
    problem = key_problem(res.get(key), key)
    if problem:
        yield problem


@resource_rule(
    id="aws-firehose-deliverystream-enforce-kms", pack="encryption", types=FIREHOSES, severity=Severity.HIGH,
    description="Firehose delivery streams fed directly (Direct PUT) must encrypt with a customer-managed KMS key.",
    remediation="Set server_side_encryption={enabled: True, key_type: 'CUSTOMER_MANAGED_CMK', key_arn: <your key ARN>}. "
                "Streams reading from Kinesis or MSK are encrypted by their source and are not judged.",
    controls=(*fsbp("DataFirehose.1"), *checkov("CKV_AWS_240", "CKV_AWS_241"), *cdk_nag("KDF1")), tags=("kms", "streaming"),
)
def firehose_kms(res: Res, ctx: RuleContext) -> Iterator[str]:
    native = res.package == "aws-native"
    sources = ("kinesisStreamSourceConfiguration", "mskSourceConfiguration") if native else (
        "kinesisSourceConfiguration", "mskSourceConfiguration")
    if any(is_unknown(res.get(s)) or res.get(s) for s in sources):
        return
    if native:
        block = "deliveryStreamEncryptionConfigurationInput"
        if res.get(block) is None:
            yield f"{block} is not set; records are buffered with no server-side encryption."
            return
    else:
        block = "serverSideEncryption"
        if not truthy(res.get(f"{block}.enabled", False)):
            yield f"{block}.enabled is not true."
            return
    key_type = res.get(f"{block}.keyType", "AWS_OWNED_CMK")
    if key_type != "CUSTOMER_MANAGED_CMK":
        yield f"{block}.keyType is {key_type!r}; use CUSTOMER_MANAGED_CMK with your key."
        return
    problem = key_problem(res.get(f"{block}.keyArn"), f"{block}.keyArn")
    if problem:
        yield problem
