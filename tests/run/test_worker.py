"""The per-process pipeline cache of workers and its config-hash check."""
from __future__ import annotations

import pytest

from pipeline.run import CONFIG_DIR, PipelineSpec, build_nlp, config_hash
from pipeline.run import worker


def test_worker_with_a_different_pipeline_refuses():
    spec = PipelineSpec.of(CONFIG_DIR / "rules.cfg", config_hash="0" * 16)
    with pytest.raises(worker.PipelineMismatch, match="config hash"):
        worker.get_pipeline(spec)


def test_pipeline_built_once_per_process():
    nlp = build_nlp(CONFIG_DIR / "rules.cfg")
    spec = PipelineSpec.of(CONFIG_DIR / "rules.cfg", {"components.segmenter.max_title_words": 7}, config_hash=None)
    first = worker.get_pipeline(spec)
    assert worker.get_pipeline(spec) is first and first.get_pipe("segmenter").max_title_words == 7
    assert worker.get_pipeline(PipelineSpec.of(CONFIG_DIR / "rules.cfg", config_hash=config_hash(nlp))) is not first
