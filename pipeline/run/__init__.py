"""Running the pipeline over a corpus, one concern per module (dependencies point down the list):

- ``build``: the pipeline from a config, its config hash and model (``build_nlp``, ``PipelineSpec``);
- ``inputs``: scanning the inputs (ids, hashes, sizes) and reading them again (``scan_inputs``);
- ``shards``: batches and contiguous shards of the documents to process (``plan_shards``);
- ``annotate``: every component over a batch of Docs, with per-stage timings;
- ``doc_records``: the records of one annotated Doc (sentences, stage kinds, document);
- ``commit``: the output set of a run folder: lock, staging, one-step commit, recovery, file hashes;
- ``output``: writing and merging the record files;
- ``shard``: processing one shard (read, annotate, write), anywhere;
- ``worker`` and ``engines``: shards in worker processes, a local pool or a Dask cluster;
- ``corpus``: a whole run (``run_corpus``) and its ``run.json``.

This package re-exports the names other code uses; ``pipeline.runner`` is the old path to them.
"""
from .annotate import StageTimer, annotate, make_doc
from .build import (
    CONFIG_DIR,
    DEFAULT_CONFIG,
    MODEL_CONFIG,
    PROJECT_ROOT,
    PipelineConfigError,
    PipelineSpec,
    build_nlp,
    check_pipeline_config,
    config_hash,
    load_pipeline_config,
    model_info,
    parse_overrides,
)
from .commit import NoReadableInput, OutputError, RunLocked
from .corpus import RunResult, run_corpus
from .doc_records import detect_language, doc_records, document_record, sentence_records
from .engines import ENGINES, ShardFailure
from .inputs import DocRef, scan_inputs
from .shard import InputFailure, process_shard
from .shards import MAX_BATCH_CHARS, WARM_UP_WORDS, ShardResult, ShardTask, make_batches, plan_shards, shard_count

__all__ = [
    "CONFIG_DIR", "DEFAULT_CONFIG", "ENGINES", "MAX_BATCH_CHARS", "MODEL_CONFIG", "PROJECT_ROOT", "WARM_UP_WORDS",
    "DocRef", "InputFailure", "NoReadableInput", "OutputError", "PipelineConfigError", "RunLocked", "PipelineSpec", "RunResult", "ShardFailure", "ShardResult", "ShardTask",
    "StageTimer", "annotate", "build_nlp", "check_pipeline_config", "config_hash", "detect_language", "doc_records",
    "document_record", "load_pipeline_config", "make_batches", "make_doc", "model_info", "parse_overrides", "plan_shards",
    "process_shard", "run_corpus", "scan_inputs", "sentence_records", "shard_count",
]
