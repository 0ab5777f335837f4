"""The recording monitor keeps what the engine sees beyond inputs: options, assets vs archives, secrets."""

from __future__ import annotations

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
