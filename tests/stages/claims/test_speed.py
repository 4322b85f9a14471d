"""The claims speed layer (pipeline.stages.claims.speed and the fast paths of the rules): each
helper must give exactly what the plain spaCy / Python way gives.

The sentences are written for these tests (no corpus text).
"""
from __future__ import annotations

import itertools
import random

import numpy
import pytest
import spacy
from spacy.attrs import ENT_IOB, ENT_TYPE, SENT_START
from spacy.tokens import Span

from pipeline.stages import claims as C
from pipeline.stages.claims import speed as S
from pipeline.stages.segment import body_sentences

TEXTS = [
    "The ministry’s “red lines” will hold, Ms. Ålund said; others doubt it.\n\nIn 2019, 56% agreed.",
    "  Leading spaces,\ttabs and\u00a0odd spaces — and ÉMIGRÉS, İstanbul, ſtrange Kelvin K.  ",
    "",
    "One.",
]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.fixture(scope="module")
def rules(nlp):
    return C.ClaimRules(nlp, C.load_tables())


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("cached", [False, True])
def test_token_table_matches_token_attributes(nlp, rules, text, cached):
    doc = nlp(text)
    for _ in range(2):  # the second pass reads the lexeme cache
        tt = C.TokenTable(doc, rules.facts_for(doc) if cached else None)
        assert tt.n == len(doc)
        assert tt.text == doc.text
        assert tt.txt == [t.text for t in doc]
        assert tt.low == [t.lower_ for t in doc]
        assert tt.idx == [t.idx for t in doc]
        assert tt.end == [t.idx + len(t.text) for t in doc]
        assert tt.space == [int(t.is_space) for t in doc]
        assert tt.punct == [int(t.is_punct) for t in doc]
        assert tt.alpha == [int(t.is_alpha) for t in doc]
        assert tt.num == [int(t.like_num) for t in doc]
        assert [bool(x) for x in tt.nl] == [t.is_space and "\n" in t.text for t in doc]
        assert tt.pos is None and tt.tag is None


def test_token_table_reads_tags_when_present(nlp):
    doc = nlp("Moscow will not budge.")
    for t, (pos, tag) in zip(doc, [("PROPN", "NNP"), ("AUX", "MD"), ("PART", "RB"), ("VERB", "VB"), ("PUNCT", ".")]):
        t.pos_, t.tag_ = pos, tag
    tt = C.TokenTable(doc)
    assert tt.pos == [t.pos_ for t in doc]
    assert tt.tag == [t.tag_ for t in doc]


def test_positions_finds_the_tokens_whose_lowercase_is_listed(nlp):
    doc = nlp("It Was said that they were wrong, and it was.")
    tt = C.TokenTable(doc)
    words = {"was", "were"}
    assert tt.positions(words) == [i for i, t in enumerate(doc) if t.lower_ in words] == [1, 5, 10]
    assert tt.positions({"absent"}) == []


def test_sentence_starts_match_sent_start(nlp):
    doc = nlp("First one. Second one!\n\nThird one?")
    assert C.sentence_starts(doc) == [i for i, v in enumerate(doc.to_array([SENT_START]).tolist()) if v == 1 or i == 0]
    assert C.sentence_starts(doc) == [s.start for s in doc.sents]


def _ents_by_doc_rules(iob, etype):
    """A plain-Python replica of spaCy's Doc.ents loop: (count, first start, last end), None if it raises."""
    out, start = [], -1
    for i, (b, t) in enumerate(zip(iob, etype)):
        if b == 1:
            if start == -1:
                return None
        elif b in (0, 2) or (b == 3 and t == 0):
            if start != -1:
                out.append((start, i))
            start = -1
        elif b == 3:
            if start != -1:
                out.append((start, i))
            start = i
    if start != -1:
        out.append((start, len(iob)))
    return (len(out), out[0][0], out[-1][1]) if out else (0, 0, 0)


def test_ents_summary_follows_doc_ents_rules():
    rng = random.Random(7)
    for _ in range(3000):
        n = rng.randint(1, 10)
        iob = numpy.array([rng.choice([0, 1, 1, 2, 3]) for _ in range(n)], dtype=numpy.uint64)
        etype = numpy.array([rng.choice([0, 381, 382]) for _ in range(n)], dtype=numpy.uint64)
        assert C.ents_summary(iob, etype) == _ents_by_doc_rules(iob.tolist(), etype.tolist())


def test_ents_summary_and_entity_spans_on_a_doc(nlp):
    doc = nlp("Vladimir Putin met Xi Jinping in Beijing and Moscow.")
    doc.ents = [Span(doc, 0, 2, "PERSON"), Span(doc, 3, 5, "PERSON"), Span(doc, 6, 7, "GPE"), Span(doc, 8, 9, "GPE")]
    arr = doc.to_array([ENT_IOB, ENT_TYPE])
    ents = doc.ents
    assert C.ents_summary(arr[:, 0], arr[:, 1]) == (len(ents), ents[0].start, ents[-1].end)
    tt = C.TokenTable(doc)
    assert C.entity_spans(doc, tt) == C.span_refs(doc.ents, tt.text)
    doc.spans["entities"] = list(doc.ents)
    assert C.entity_spans(doc, tt) == C.span_refs(doc.ents, tt.text)
    doc.spans["entities"] = list(doc.ents)[:2]  # a group that differs from doc.ents is read as spans
    assert C.entity_spans(doc, tt) == C.span_refs(doc.ents[:2], tt.text)


def test_calibrate_score_equals_interpolation(rules):
    points = rules.calibration
    xs = [x for x, _ in points]
    rng = random.Random(3)
    values = xs + [rng.random() for _ in range(5000)] + [-0.5, 1.5, 0.0, 1.0]
    for raw in values:
        assert rules.calibrate_score(raw) == round(C.interpolate(points, raw), 4)


def test_find_frame_cues_with_given_lowercase(nlp, rules):
    doc = nlp("It remains to be seen whether the chances of a deal are slim.")
    text = doc.text
    plain = C.find_frame_cues(doc, 0, text, 0, len(doc), rules)
    given = C.find_frame_cues(doc, 0, text, 0, len(doc), rules, low=text.lower())
    assert [(c.start_char, c.end_char, c.row.cue) for c in plain] == [(c.start_char, c.end_char, c.row.cue) for c in given]
    assert {c.row.cue for c in plain} >= {"remains_to_be_seen", "chances_slim"}


def test_tag_cum_counts_tokens_with_the_tags(nlp):
    doc = nlp.make_doc("He said it was fine and it is")
    tags = ["PRP", "VBD", "PRP", "VBD", "JJ", "CC", "PRP", "VBZ"]
    for t, tag in zip(doc, tags):
        t.tag_ = tag
    tt = C.TokenTable(doc)
    cum = tt.tag_cum(("VBD",))
    both = tt.tag_cum(("VBZ", "VBP"))
    for a in range(len(doc) + 1):
        for b in range(len(doc) + 1):
            assert (cum[b] > cum[a]) == ("VBD" in tags[a:b])
            assert (both[b] > both[a]) == bool({"VBZ", "VBP"} & set(tags[a:b]))
    assert tt.tag == tags  # built on first access
    assert C.TokenTable(nlp.make_doc("no tags here")).tag_cum(("VBD",)) is None


@pytest.mark.parametrize("pattern,expected", [
    (r"\bthere\s+is\s+no\s+(?:way|prospect)\b", ("there",)),
    (r"\b(?:the\s+)?chances?\s+(?:of|for)\b", ("chance",)),
    (r"\bthe\s+odds\s+are", ("the", "odd", "are")),  # "s" and "i" also match "ſ" / "ı" under re.I
    (r"\bthere\b|\bhere\b", ()),  # a top-level alternative: nothing is required
    (r"^\W*(?:in|on)\s+\d{4}", ()),
    (r"(", ()),  # unreadable: no gate
])
def test_required_literals(pattern, expected):
    assert C.required_literals(pattern) == expected


def test_required_literals_are_in_every_lowercased_match():
    rng = random.Random(3)
    pattern = r"\bthere\s+is\s+no\s+way\b"
    req = C.required_literals(pattern)
    regex = __import__("re").compile(pattern, __import__("re").I)
    for _ in range(300):
        text = "".join(rng.choice(["THERE", "There", "tHeRe", " is ", " IS ", " no ", "No", " way", "WAY", "x", " "]) for _ in range(8))
        if regex.search(text):
            assert all(r in text.lower() for r in req)


# --- helpers of the third speed round ------------------------------------------------------------

FRAME_TEXTS = [
    "It remains to be seen whether the chances of a deal are slim.",
    "In 2019, the odds are stacked against Kyiv.",
    "In October, Moscow said there is no way back.",
    "Two years ago the prospects for peace looked bleak.",
    "She is a senior fellow at the Carnegie Endowment.",
    "He has particular interests in arms control.",
    "In this report, we examine the sanctions regime.",
    "It is not clear that sanctions work better than talks.",
    "It is hard to see how Beijing benefits.",
    "The economy grew, but THERE IS NO WAY it lasts.",
    "Plain sentence without any frame.",
    "İn 2019 the ſtate said ıt was done.",
    "",
]


@pytest.mark.parametrize("text", FRAME_TEXTS)
def test_frames_for_drops_only_frames_that_cannot_match(nlp, rules, text):
    doc = nlp(text)
    low = text.lower()
    plan = rules.frames_for(text, low)
    full = rules.frame_plan()
    assert all(entry in full for entry in plan) and [e for e in full if e in plan] == list(plan)  # plan order
    every = C.find_frame_cues(doc, 0, text, 0, len(doc), rules, low=low)
    gated = C.find_frame_cues(doc, 0, text, 0, len(doc), rules, low=low, plan=plan)
    assert [(c.start_char, c.end_char, c.row.cue) for c in gated] == [(c.start_char, c.end_char, c.row.cue) for c in every]


def test_anchored_union_matches_iff_one_pattern_does():
    import re
    regexes = [re.compile(p, re.I) for p in (r"^\W*(?:in|on)\s+\d{4}", r"^(?:he|she)\s+(?:is|was)\b", r"^a|^b")]
    union = C.anchored_union(regexes)
    assert union is not None
    rng = random.Random(5)
    pieces = ["In ", "on ", "2019", " ", "He", "she", " is", " was", "a", "b", "x", ",", "  "]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert bool(union.match(text)) == any(r.search(text) for r in regexes), text
    assert C.anchored_union([re.compile(r"^a|b", re.I)]) is None  # "b" is not anchored
    assert C.anchored_union([re.compile(r"^(a)\1", re.I)]) is None  # a back-reference
    assert C.anchored_union([re.compile(r"^a", re.I), re.compile(r"^b")]) is None  # other flags
    assert C.anchored_union([]) is None


def test_ends_terminal_equals_the_regex():
    rng = random.Random(1)
    alphabet = list(".!?…\"'”’»)][0123456789٣ \t\n\u00a0ab")
    for _ in range(100000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
        assert C.ends_terminal(text) == bool(C.TERMINAL_END_RE.search(text)), repr(text)


def test_case_exceptions_are_the_only_chars_lowercasing_breaks():
    """Over all of Unicode: among chars that lowercase to one char, only CASE_EXCEPTIONS match a
    letter of the word lists under re.I without lowercasing to it, and lowercasing keeps \\w and \\s."""
    import re
    chars = "".join(c for c in map(chr, range(0x110000)) if not 0xD800 <= ord(c) < 0xE000 and len(c.lower()) == 1)
    lowered = "".join(c.lower() for c in chars)
    bad = set()
    for letter in set("".join(C.SUBORD_WORDS)) | set(re.sub(r"[^a-z]", "", C.CONDITIONAL_RE.pattern.replace(r"\s", "").replace(r"\b", ""))):
        got = {m.start() for m in re.finditer(letter, chars, re.I)}
        want = {i for i, c in enumerate(lowered) if c == letter}
        bad |= {chars[i] for i in got ^ want}
    for cls in (r"\w", r"\s"):
        bad |= {chars[i] for i in {m.start() for m in re.finditer(cls, chars)} ^ {m.start() for m in re.finditer(cls, lowered)}}
    assert bad <= set(C.CASE_EXCEPTIONS)


def test_lowercase_twins_find_what_the_case_insensitive_regexes_find():
    rng = random.Random(2)
    pieces = ["That", "WHICH", " ", "if ", "Were ", "it", "thE", "whereas", "Whom", "x", ",", "İ", "K", "Σ", "_", "1", "ONCE", "had\t", "they"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        low = text.lower()
        if len(low) != len(text) or any(c in text for c in C.CASE_EXCEPTIONS):
            continue
        for ci, cs in ((C.SUBORD_RE, C.SUBORD_LOW_RE), (C.CONDITIONAL_RE, C.CONDITIONAL_LOW_RE)):
            pos = rng.randint(0, len(text))
            endpos = rng.randint(pos, len(text))
            assert [m.span() for m in ci.finditer(text, pos, endpos)] == [m.span() for m in cs.finditer(low, pos, endpos)], text


def test_lexeme_index_rows_and_positions(nlp, monkeypatch):
    index = C.LexemeIndex(nlp.vocab)
    docs = [nlp(t) for t in ["It Was said that they were wrong, and it was.", "They WERE not. New words here, 12 of them!", ""]]
    for _ in range(2):
        for doc in docs:
            tt = C.TokenTable(doc, index)
            plain = C.TokenTable(doc)
            for attr in ("txt", "low", "idx", "end", "space", "punct", "alpha", "num", "nl"):
                assert getattr(tt, attr) == getattr(plain, attr), attr
            words = {"was", "were"}
            assert tt.positions(words) == plain.positions(words) == [t.i for t in doc if t.lower_ in words]
            assert tt.alpha_cum() == plain.alpha_cum() == [0, *itertools.accumulate(int(t.is_alpha) for t in doc)]
    monkeypatch.setattr(S, "TOKEN_FACTS_MAX", 12)  # the index starts over instead of growing
    index = C.LexemeIndex(nlp.vocab)
    for doc in docs:
        tt = C.TokenTable(doc, index)
        assert tt.low == [t.lower_ for t in doc] and index.size <= max(12, len({t.orth for t in doc}))


def test_body_sentence_refs_with_overlapping_boilerplate(nlp):
    doc = nlp("One claim here. Two claim here. Three claim here. Four claim here. Five claim here.")
    doc.spans["boilerplate"] = [Span(doc, 4, 12, label="a"), Span(doc, 6, 8, label="b"), Span(doc, 16, 18, label="c")]
    tt = C.TokenTable(doc)
    assert [(s.start, s.end) for s in C.body_sentence_refs(doc, tt)] == [(s.start, s.end) for s in body_sentences(doc)]


def test_cue_row_checked_flag():
    assert C.CueRow("evaluation", "good").checked is False
    assert C.CueRow("evaluation", "good", flags=frozenset({"verb"})).checked is True
    assert C.CueRow("modality", "may").checked is True and C.CueRow("attribution", "said").checked is True


def test_cue_matcher_holds_the_patterns_of_tokenized_cues():
    """The cue PhraseMatcher gets its patterns as LOWER hashes (pattern_keys), not as Docs: the same
    patterns as the Docs the tokenizer makes of the cues."""
    nlp = spacy.blank("en")
    tables = C.load_tables()
    rules = C.ClaimRules(nlp, tables)
    patterns = rules.matcher.__reduce__()[1][1]
    ref = spacy.blank("en")
    checked = 0
    for lexicon in C.MATCHED_LEXICONS:
        for i, row in enumerate(tables[lexicon]):
            key = f"claims_{lexicon}_{i}"
            if key not in patterns:
                continue
            want = {tuple(nlp.vocab.strings.add(t.lower_) for t in ref.make_doc(p)) for p in C.expand_cue(row["cue"].lower())}
            assert patterns[key] == want, key
            checked += 1
    assert checked == len(patterns) > 100


def test_fast_body_sentences_match_segment_body_sentences(nlp):
    doc = nlp("Title line\n\nImage credit: someone.\n\nJapan will act. Russia will not.\n\nView profile")
    tt = C.TokenTable(doc)
    assert tt.text == doc.text
    assert [(s.start, s.end) for s in C.body_sentence_refs(doc, tt)] == [(s.start, s.end) for s in body_sentences(doc)]
