"""The recording monitor keeps what the engine sees beyond inputs: options, assets vs archives, secrets."""

from __future__ import annotations

import json
import textwrap

import pytest

from platformctl.offline import synth

PROGRAM = '''
import pulumi
import pulumi_aws as aws

key = aws.kms.Key("key", enable_key_rotation=True,
                  opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="1h30m", delete="90s"),
                                              aliases=[pulumi.Alias(name="old-key")], delete_before_replace=True))
aws.lambda_.Function("fn", role="arn:aws:iam::123456789012:role/r", runtime="python3.12", handler="h.main",
                     code=pulumi.AssetArchive({"h.py": pulumi.StringAsset("def main(e, c): return 1")}))
aws.s3.BucketObjectv2("obj", bucket="b", key="k", source=pulumi.FileAsset("Pulumi.yaml"))
aws.ssm.Parameter("param", type="SecureString", value=pulumi.Output.secret(pulumi.Config().require("token")))
'''


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    project = tmp_path_factory.mktemp("records")
    (project / "Pulumi.yaml").write_text("name: records\nruntime: python\n")
    (project / "Pulumi.test.yaml").write_text("config:\n  aws:region: eu-west-1\n  records:token:\n    secure: v1:abc\n")
    (project / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    return synth("test", project)


def test_resource_options_are_recorded(snap):
    key = snap.one("aws:kms/key:Key")
    assert key.custom_timeouts == {"create": 5400.0, "delete": 90.0}
    assert key.delete_before_replace and key.delete_before_replace_defined
    assert key.aliases == [key.urn.replace("::key", "::old-key")]  # same parent and type, the old name
    assert key.source_file.endswith("__main__.py") and key.source_line == 5


def test_assets_and_archives_stay_distinct(snap):
    assert "__archive__" in snap.one("aws:lambda/function:Function").inputs["code"]
    assert "__asset__" in snap.one("aws:s3/bucketObjectv2:BucketObjectv2").inputs["source"]


def test_secrets_are_masked_in_records_and_never_decrypted(snap):
    param = snap.one("aws:ssm/parameter:Parameter")
    assert param.inputs["value"] == {"__secret__": True}
    assert "v1:abc" not in str(snap.to_json())


INVOKES = '''
import pulumi
import pulumi_aws as aws

for name, account, region in (("a", "111111111111", "eu-west-1"), ("b", "222222222222", "us-west-2")):
    p = aws.Provider(name, region=region, allowed_account_ids=[account])
    opts = pulumi.InvokeOptions(provider=p)
    pulumi.export(f"{name}-account", aws.get_caller_identity(opts=opts).account_id)
    pulumi.export(f"{name}-region", aws.get_region(opts=opts).region)
    pulumi.export(f"{name}-partition", aws.get_partition(opts=opts).partition)
    pulumi.export(f"{name}-zones", aws.get_availability_zones(opts=opts).names)
    pulumi.export(f"{name}-sts", aws.ec2.get_vpc_endpoint_service(service="sts", opts=opts).service_name)
doc = aws.iam.get_policy_document(statements=[aws.iam.GetPolicyDocumentStatementArgs(
    actions=["s3:GetObject"], resources=["arn:aws:s3:::b/*"],
    conditions=[aws.iam.GetPolicyDocumentStatementConditionArgs(test="Bool", variable="aws:SecureTransport", values=["true"])])],
    opts=pulumi.InvokeOptions(provider=p))
pulumi.export("doc", doc.json)
'''


def test_invokes_answer_for_the_provider_that_asked(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: invokes\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(INVOKES))
    out = synth("test", tmp_path).outputs
    assert (out["a-account"], out["a-region"], out["b-account"], out["b-region"]) == ("111111111111", "eu-west-1", "222222222222", "us-west-2")
    assert out["a-partition"] == "aws"
    assert out["a-zones"][0].startswith("eu-west-1") and out["b-zones"][0].startswith("us-west-2")
    assert out["b-sts"] == "com.amazonaws.us-west-2.sts"
    assert json.loads(out["doc"])["Statement"] == [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
                                                    "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]
