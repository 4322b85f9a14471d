"""The entity stage's fast paths: each gives the same result as the straightforward code it
stands in for (token tables and views, region arrays, ORTH sets, the entity annotation as arrays,
the head-word gate)."""
from __future__ import annotations

import random

import numpy as np
import pytest
import spacy
from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.tokens import Span

from pipeline.stages import entities as E
from pipeline.stages.entities import heads as H
from pipeline.stages.entities import speed as V
from pipeline.stages.entities.acronyms import positions
from pipeline.stages.entities.matching import find_gazetteer
from pipeline.stages.entities.regions import heading_mask
from pipeline.stages.entities.scene import Scene


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def test_set_entity_annotation_equals_the_ents_setter(blank):
    doc = blank.make_doc("Shinzo Abe met Vladimir Putin in Tokyo and Moscow .")
    doc.ents = [Span(doc, 8, 9, label="GPE", kb_id="Q649")]  # an earlier annotation with a kb_id
    spans = [Span(doc, 0, 2, label="PERSON", kb_id="Q132345"), Span(doc, 3, 5, label="PERSON"),
             Span(doc, 6, 7, label="GPE", kb_id="Q1490")]
    attrs = [ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID]
    expected_doc = blank.make_doc(doc.text)
    expected_doc.ents = [Span(expected_doc, 8, 9, label="GPE", kb_id="Q649")]
    expected_doc.ents = [Span(expected_doc, s.start, s.end, label=s.label_, kb_id=s.kb_id_) for s in spans]
    E.set_entity_annotation(doc, spans)
    assert (doc.to_array(attrs) == expected_doc.to_array(attrs)).all()
    assert [(e.start, e.end, e.label_, e.kb_id_) for e in doc.ents] == [(s.start, s.end, s.label_, s.kb_id_) for s in spans]
    E.set_entity_annotation(doc, [])
    assert doc.ents == () and doc.has_annotation("ENT_IOB")


def test_token_table(blank):
    table = V.TokenTable(max_rows=6)
    doc = blank.make_doc("NATO said\n\nMcFaul “ met C. Allen")
    texts, lower, flags, lengths = table.lookup(doc.to_array("ORTH"), blank.vocab.strings)
    assert texts == [t.text for t in doc]
    assert lower == [t.lower_ for t in doc]
    assert lengths.tolist() == [len(t) for t in doc]
    assert [V.token_flags(t.text) for t in doc] == flags.tolist()
    by_text = dict(zip(texts, flags.tolist()))
    assert by_text["NATO"] == V._F_UPPER and by_text["McFaul"] == V._F_CAP and by_text["C."] == V._F_CAP
    assert by_text["\n\n"] == V._F_SPACE | V._F_NEWLINE and by_text["“"] == V._F_OPENER and by_text["said"] == 0
    # more strings than max_rows: the table starts over and still answers correctly
    again = table.lookup(blank.make_doc("one two three four").to_array("ORTH"), blank.vocab.strings)
    assert again[0] == ["one", "two", "three", "four"] and len(table.row_of) == 4


def test_token_table_rows_with_shared_slots(blank):
    table = V.TokenTable()
    words = [f"w{i}" for i in range(3000)]  # more strings than slots would hold without sharing
    table.SLOT_MASK = 63  # (an instance with 64 slots: most strings share one)
    table.clear()
    doc = blank.make_doc(" ".join(words))
    for _ in range(2):  # the second time from the table
        texts, lower, flags, lengths = table.lookup(doc.to_array("ORTH"), blank.vocab.strings)
        assert texts == words and lower == words and lengths.tolist() == [len(w) for w in words]
        assert flags.tolist() == [V.token_flags(w) for w in words]
    assert table.lookup(doc[5:9].as_doc().to_array("ORTH"), blank.vocab.strings)[0] == words[5:9]


def _ranges_reference(n, sent_starts, boilerplate):
    ranges = [(s, e) for s, e, label in boilerplate if label == "title"]
    skip = [(s, e) for s, e, label in boilerplate if label not in ("title", "byline", "author_role", "author_bio", "image_credit")]
    bounds = sorted(set(sent_starts) | {0}) + [n]
    for s, e in zip(bounds, bounds[1:]):
        if s < e and not any(b_s <= s < b_e for b_s, b_e in skip):
            ranges.append((s, e))
    ranges.sort()
    merged = []
    for s, e in ranges:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def test_analyzed_token_ranges_merges_like_the_loop(blank):
    rng = random.Random(5)
    for _ in range(1500):
        doc = blank.make_doc(" ".join(["w"] * rng.randint(0, 25)))
        n = len(doc)
        sent_starts = sorted(rng.sample(range(n), rng.randint(0, n))) if n else []
        spans = []
        for _ in range(rng.randint(0, 3) if n else 0):
            start = rng.randrange(n)
            spans.append(Span(doc, start, rng.randint(start + 1, n), label=rng.choice(["title", "byline", "navigation", "page_label"])))
        doc.spans["boilerplate"] = spans
        expected = _ranges_reference(n, sent_starts, [(s.start, s.end, s.label_) for s in spans])
        assert E.analyzed_token_ranges(doc, sent_starts) == expected


def test_heading_mask_with_precomputed_breaks(blank):
    doc = blank.make_doc("Preparing for the Wider War\n\nThe talks resumed in May. Officials met.\nAbout Us\n")
    texts = [t.text for t in doc]
    is_space = [t.is_space for t in doc]
    cap = [t.text[:1].isupper() for t in doc]
    upper = [len(t.text) > 1 and t.text.isupper() for t in doc]
    breaks = [i for i, t in enumerate(texts) if is_space[i] and "\n" in t]
    connectors = frozenset(E.load_lexicons()["connectors"])
    plain = heading_mask(texts, is_space, cap, upper, connectors)
    assert heading_mask(texts, is_space, cap, upper, connectors, breaks, [t.lower() for t in texts]) == plain
    assert plain[0] and not plain[texts.index("talks")]


def test_positions():
    assert positions(["(", "a", "(", ")"], "(") == [0, 2]
    assert positions([], "(") == []


def test_orth_set_positions():
    rng = random.Random(8)
    members = [rng.getrandbits(64) for _ in range(50)]
    # ids that share their low bits with a member but are not members
    lookalikes = [(m & 0xFFFF) | (rng.getrandbits(48) << 16) for m in members]
    orth_set = V.OrthSet(members)
    for _ in range(200):
        pools = (members, lookalikes, [rng.getrandbits(64) for _ in range(3)])
        values = [rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 30))]
        expected = [i for i, v in enumerate(values) if v in set(members)]
        assert orth_set.positions(np.array(values, dtype=np.uint64)) == expected
    assert V.OrthSet([]).positions(np.array([1, 2], dtype=np.uint64)) == []


def test_find_head_names_scans_only_capitals_before_heads(entities_nlp, monkeypatch):
    gaz = entities_nlp.get_pipe("claims_entities").gazetteer
    words = ["National", "Research", "Institute", "of", "the", "World", "Economy", "and", "Bank", "Japan", "Ministry",
             "Finance", "Tokyo", "Declaration", "War", "Russo", "-", "Japanese", "Sea", "Main", "Directorate", "Deep",
             "on", "February", "Strait", "Hormuz", "2231", "Resolution", "I", "Trump", "Administration", "said", "talks",
             ".", ",", "\n\n", "Wider", "Task", "Force", "Kunashiri", "Shikotan", "Islands", "NATO", "for", "&"]
    rng = random.Random(12)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 40))) for _ in range(400)]
    texts.append("The Bank of Japan and the Ministry of Finance met. Trump Administration officials said.")

    def all_capitals(view, heads_at):
        return [i for i in view.cap_idx if view.in_region[i]]

    def head_names(doc):
        view = V.DocView(doc, gaz.common_words, gaz.connectors)
        _, cover = find_gazetteer(view, gaz)  # (the gazetteer's cover, which the rule reads)
        return [(c.start, c.end, c.label, c.canonical) for c in H.find_head_names(Scene(view, gaz, cover))]

    found = 0
    for text in texts:
        doc = entities_nlp.get_pipe("sentencizer")(entities_nlp.make_doc(text))
        fast = head_names(doc)
        with monkeypatch.context() as m:
            m.setattr(H, "capitals_before_heads", all_capitals)
            assert fast == head_names(doc), text
        found += len(fast)
    assert found > 20
