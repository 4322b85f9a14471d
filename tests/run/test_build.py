"""Building the pipeline: overrides, one-line config errors, missing models."""
from __future__ import annotations

import pytest

from pipeline.run import CONFIG_DIR, PipelineConfigError, build_nlp, parse_overrides


def test_missing_model_fails_at_once_in_one_line(tmp_path):
    with pytest.raises(PipelineConfigError) as err:
        build_nlp(model="en_core_web_doesnotexist")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("spaCy model 'en_core_web_doesnotexist' is not installed: install it with `python -m spacy download en_core_web_doesnotexist`")


@pytest.mark.parametrize("items, expected", [
    (["components.segmenter.max_title_words=12"], {"components.segmenter.max_title_words": 12}),
    (["nlp.batch_size=8", "paths.resources=null"], {"nlp.batch_size": 8, "paths.resources": None}),
])
def test_parse_overrides(items, expected):
    assert parse_overrides(items) == expected


def test_override_reaches_the_component():
    nlp = build_nlp(CONFIG_DIR / "rules.cfg", {"components.segmenter.max_title_words": 3})
    assert nlp.get_pipe("segmenter").max_title_words == 3


def test_bad_override_is_one_line():
    with pytest.raises(PipelineConfigError):
        parse_overrides(["nonsense"])
    with pytest.raises(PipelineConfigError) as err:
        build_nlp(CONFIG_DIR / "rules.cfg", {"components.segmenter.max_title_words": "many"})
    assert "\n" not in str(err.value)
