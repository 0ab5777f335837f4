"""The backend decides the sharedStack form; schema hints match their patterns; the allow-list error says where to extend."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from config import ConfigError, validate
from config.errors import PATTERN_HINTS
from config.schema import PlatformConfig
from tests.test_config import raw


def problems(stack: str, organization: str | None = None, **changes) -> list:
    data = raw(stack)
    data.update(changes)
    try:
        validate(data, stack, "aiplatform", organization)
    except ConfigError as exc:
        return exc.problems
    return []


@pytest.mark.parametrize(("changes", "organization", "key", "message", "fix"), [
    # self-managed (the default, what bootstrap/state-backend.yaml creates): the organization is literally "organization"
    ({"sharedStack": "acme/aiplatform/shared"}, None, "sharedStack", "is the Pulumi Cloud form",
     "set it to organization/aiplatform/shared, or set stateBackend: cloud"),
    ({"sharedStack": "shared"}, None, "sharedStack", "not a fully qualified stack name", "set it to organization/aiplatform/shared"),
    ({"sharedStack": "organization/other/shared"}, None, "sharedStack", "names project 'other'",
     "set it to organization/aiplatform/shared"),
    # Pulumi Cloud: the real organization
    ({"stateBackend": "cloud", "sharedStack": "organization/aiplatform/shared"}, None, "sharedStack", "is the self-managed form",
     "set it to <your Pulumi Cloud organization>/aiplatform/shared, or set stateBackend: self-managed"),
    ({"stateBackend": "cloud", "sharedStack": "organization/aiplatform/shared"}, "acme", "sharedStack", "is the self-managed form",
     "set it to acme/aiplatform/shared, or set stateBackend: self-managed"),
    ({"stateBackend": "cloud", "sharedStack": "other/aiplatform/shared"}, "acme", "sharedStack", "names organization 'other'",
     "set it to acme/aiplatform/shared"),
    # the engine says Cloud, the config says self-managed
    ({}, "acme", "stateBackend", "runs on Pulumi Cloud (organization 'acme')", "set aiplatform:stateBackend to cloud"),
])
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_wrong_shared_stack_form_is_rejected_with_the_fix(stack, changes, organization, key, message, fix):
    found = [p for p in problems(stack, organization, **changes) if p.key == key]
    assert len(found) == 1, found
    assert message in found[0].message and found[0].fix == fix


@pytest.mark.parametrize(("changes", "organization"), [
    ({}, None),  # the committed files: self-managed
    ({}, "organization"),  # a real self-managed run
    ({"stateBackend": "cloud", "sharedStack": "acme/aiplatform/shared"}, None),  # offline, Cloud
    ({"stateBackend": "cloud", "sharedStack": "acme/aiplatform/shared"}, "acme"),  # on Pulumi Cloud
])
def test_the_right_form_for_each_backend_passes(changes, organization):
    assert problems("dev", organization, **changes) == []


def test_an_unknown_backend_names_the_allowed_values():
    [problem] = problems("dev", stateBackend="s3")
    assert problem.key == "stateBackend" and "'self-managed' or 'cloud'" in problem.message


def _patterns(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    found = set()
    for field in model.model_fields.values():
        found |= {m.pattern for m in field.metadata if getattr(m, "pattern", None)}
        for candidate in (field.annotation, *getattr(field.annotation, "__args__", ())):
            for inner in (candidate, *getattr(candidate, "__args__", ())):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    found |= _patterns(inner, seen)
    return found


def test_every_schema_pattern_has_a_hint_whose_example_matches_it():
    patterns = _patterns(PlatformConfig)
    assert patterns and patterns <= set(PATTERN_HINTS), patterns - set(PATTERN_HINTS)
    for pattern, (words, example) in PATTERN_HINTS.items():
        assert re.match(pattern, example), (pattern, example)
        # The words say what the pattern does about '-' (the org hint once offered '-', which org refuses).
        dashed = example[:2] + "-" + example[2:]
        if "no '-'" in words:
            assert re.match(pattern, dashed) is None, pattern
        elif re.search(r"'-'|[_./]-", words):
            assert re.match(pattern, dashed), (pattern, dashed)


def test_the_org_hint_matches_the_org_pattern():
    [problem] = problems("dev", org="my-org")
    assert problem.key == "org"
    assert problem.fix == "use 2-10 lowercase letters and digits, starting with a letter (no '-'), e.g. acme"


def test_the_instance_type_allow_list_error_says_where_to_extend_it():
    data = raw("dev")
    data["knobs"]["trainingInstanceType"] = "ml.m6i.xlarge"
    data["knobs"]["inferenceInstanceType"] = "ml.r5.large"
    with pytest.raises(ConfigError) as info:
        validate(data, "dev", "aiplatform")
    fixes = {p.key: p.fix for p in info.value.problems}
    assert "add it to TRAINING_INSTANCE_TYPES in config/instance_types.py" in fixes["knobs.trainingInstanceType"]
    assert "add it to INFERENCE_INSTANCE_TYPES in config/instance_types.py" in fixes["knobs.inferenceInstanceType"]
