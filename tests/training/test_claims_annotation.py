"""The annotated claim corpus: stored as offsets + sha256 only, read back from the commentary, and
the agreement measure of the double-annotated test sentences."""
from __future__ import annotations

import pytest

from pipeline.training.claims_annotation import (
    ANNOTATION_DIR, AnnotationError, Sentence, SPLITS, agreement, cohen_kappa, load_examples, locate_speaker,
    read_jsonl, stored_record,
)
from tests.conftest import SHARED_CORPUS

STORED_KEYS = {"annotator", "boilerplate", "claim", "end_char", "file", "hedged", "sha256", "sid", "speaker",
               "speaker_end", "speaker_start", "start_char", "type"}


@pytest.mark.parametrize("split", SPLITS)
def test_stored_annotations_hold_offsets_not_text(split):
    rows = list(read_jsonl(ANNOTATION_DIR / f"{split}.jsonl"))
    assert rows and all(set(r) == STORED_KEYS for r in rows)
    assert all(r["speaker"] in (None, "author", "source") for r in rows)
    assert all((r["speaker"] == "source") == (r["speaker_start"] is not None) for r in rows)


def test_splits_are_disjoint_by_article():
    files = {split: {r["file"] for r in read_jsonl(ANNOTATION_DIR / f"{split}.jsonl")} for split in SPLITS}
    assert not files["train"] & files["test"] and not files["dev"] & files["test"] and not files["train"] & files["dev"]
    assert len(files["test"]) >= 40 and len(files["train"]) + len(files["dev"]) + len(files["test"]) >= 200


def test_examples_read_back_from_the_commentary():
    commentary = SHARED_CORPUS / "commentary"
    if not commentary.is_dir():
        pytest.skip("../shared/corpus/commentary not present")
    examples = load_examples("dev", commentary)
    assert len(examples) == 665
    for ex in examples:
        assert ex.sentence == ex.text[ex.record["start_char"]:ex.record["end_char"]] and ex.sentence.strip() == ex.sentence
        if ex.record["speaker"] == "source":
            assert ex.speaker_text


def test_a_label_is_stored_with_the_speakers_offsets():
    text = "The talks stalled. \u201cThe deal is dead,\u201d said Elena Varga."
    sentence = Sentence("a#1", "a.txt", 19, len(text), None)
    label = {"sid": "a#1", "claim": True, "type": "evaluation", "hedged": False, "speaker": "Elena Varga"}
    record = stored_record(sentence, label, text, "0" * 64, "X")
    assert (record["speaker"], text[record["speaker_start"]:record["speaker_end"]]) == ("source", "Elena Varga")
    assert locate_speaker(text, "Somebody Else", 19, len(text)) is None
    with pytest.raises(AnnotationError, match="not written in or just before"):
        stored_record(sentence, {**label, "speaker": "Somebody Else"}, text, "0" * 64, "X")
    with pytest.raises(AnnotationError, match="type 'opinion' not one of"):
        stored_record(sentence, {**label, "type": "opinion"}, text, "0" * 64, "X")


def test_kappa_and_agreement():
    assert cohen_kappa([1, 1, 0, 0], [1, 1, 0, 0]) == 1.0
    assert cohen_kappa([1, 0, 1, 0], [1, 1, 0, 0]) == 0.0
    a = [{"sid": "s1", "claim": True, "type": "prediction", "hedged": True, "speaker": "author", "speaker_start": None, "speaker_end": None},
         {"sid": "s2", "claim": False, "type": None, "hedged": False, "speaker": None, "speaker_start": None, "speaker_end": None}]
    b = [dict(a[0], type="evaluation"), dict(a[1])]
    result = agreement(a, b)
    assert (result["sentences"], result["claim_kappa"], result["both_claims"], result["hedged_agreement_both_claims"]) == (2, 1.0, 1, 1.0)
