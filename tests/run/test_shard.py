"""Processing one shard: memory zones and the frozen heap leave records unchanged."""
from __future__ import annotations

from pipeline.run import run_corpus

from .conftest import assert_same_files, run_batch


def run(batch, out, nlp, **kw):
    return run_corpus([str(batch)], out, nlp=nlp, **kw)


def test_memory_zones_leave_records_unchanged_and_vocabulary_flat(corpus_batch, nlp, serial, tmp_path):
    out = tmp_path / "zones"
    run_batch(corpus_batch, out, nlp, warm_up_words=0)  # every batch in a spaCy memory zone
    assert_same_files(serial, out)
    n_strings = len(nlp.vocab.strings)
    run_batch(corpus_batch, tmp_path / "again", nlp, warm_up_words=0)
    assert len(nlp.vocab.strings) == n_strings  # what a zoned batch adds to the vocabulary is freed


def test_run_freezes_the_heap_only_while_it_runs(bad_batch, tmp_path, rules_nlp, monkeypatch):
    import gc

    from pipeline.run import shard

    seen: list[int] = []
    real_annotate = shard.annotate

    def watching(*args, **kw):  # the pipeline's objects are out of the cyclic GC while it annotates
        seen.append(gc.get_freeze_count())
        return real_annotate(*args, **kw)

    monkeypatch.setattr(shard, "annotate", watching)
    before = gc.get_freeze_count()
    run(bad_batch, tmp_path / "out", rules_nlp)
    assert seen and min(seen) > before + 10_000  # the rule tables of the pipeline, at least
    assert gc.get_freeze_count() == before  # and collectable again afterwards
