"""Rule metadata of the ml/network rules that the pass/violate cases cannot see: the tags each rule is published
with (the engine's policy info, the README's tag column). Each test also runs its rule once, so the rule's
module is exercised in-process."""

from __future__ import annotations

import pytest

from tests.policies.harness import UNKNOWN, Analyzer, R, run_rule

PUBLISHED = [
    ("network", "aws-ec2-vpc-require-flow-logs", R("aws:ec2/vpc:Vpc", "main", {"cidrBlock": "10.0.0.0/16"}),
     {"ec2", "network", "vpc", "logging", "fsbp:EC2.6", "cis:3.7"}),
    ("encryption", "aws-sagemaker-job-enforce-kms", R("aws:sagemaker/trainingJob:TrainingJob", "t", {}),
     {"sagemaker", "encryption", "kms", "ml"}),
]


@pytest.mark.parametrize(("pack", "rule", "resource", "tags"), PUBLISHED, ids=[p[1] for p in PUBLISHED])
def test_a_violated_rule_is_published_with_its_tags(pack, rule, resource, tags, stack_env):
    assert run_rule(rule, resource).violations(rule)
    [info] = [p for p in Analyzer(pack).info().policies if p.name == rule]
    assert set(info.tags) == tags


@pytest.mark.parametrize("rule", ["aws-sagemaker-pipeline-enforce-kms", "aws-sagemaker-pipeline-enforce-network-isolation"])
@pytest.mark.parametrize(("type_", "definition"), [
    ("aws:sagemaker/pipeline:Pipeline", UNKNOWN),
    ("aws-native:sagemaker:Pipeline", {"pipelineDefinitionBody": UNKNOWN}),
], ids=["aws", "aws-native"])
def test_a_pipeline_definition_unknown_in_a_preview_is_reported_not_judged(rule, type_, definition, stack_env):
    result = run_rule(rule, R(type_, "p", {"pipelineDefinition": definition}))
    assert result.violations(rule) == []
    [note] = result.not_judged(rule)
    assert "could not judge" in note.message and ".pipelineDefinition" in note.message
