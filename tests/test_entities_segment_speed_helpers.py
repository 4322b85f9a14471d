"""Helpers introduced to speed up the entities and segment stages: each gives the same result as
the straightforward code it replaced."""
from __future__ import annotations

import random
import re

import numpy as np
import pytest
import spacy
from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.tokens import Span

from pipeline.stages import entities as E


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


# --- entities -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Institute of\u00a0World Economy",
        "\u00a0leading no-break space",
        "trailing no-break space\u00a0",
        "two\u00a0\u00a0in a row, then\u00a0 mixed \u00a0 and\u2009thin\u202fnarrow\u2007figure",
        "line\u00a0\nbreak \n\u00a0next",
        "\u00a0",
        " \u00a0 ",
        "Mr.\u00a0Abe (\u00a0U.S.\u00a0) don't\u00a0stop",
    ],
)
def test_respace_tokens_matches_the_tokenizer(blank, text):
    fixed = text.translate(E._SPACE_FIX)
    doc = blank.make_doc(text)
    words, spaces = E.respace_tokens([t.text for t in doc], [bool(t.whitespace_) for t in doc], fixed, blank.make_doc)
    assert list(zip(words, spaces)) == [(t.text, bool(t.whitespace_)) for t in blank.make_doc(fixed)]


def test_respace_tokens_random_whitespace(blank):
    rng = random.Random(3)
    pieces = ["a", "Bc", "U.S.", "(", ")", "'s", "-", " ", " ", "\u00a0", "\u2009", "\n", "\t"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        fixed = text.translate(E._SPACE_FIX)
        doc = blank.make_doc(text)
        words, spaces = E.respace_tokens([t.text for t in doc], [bool(t.whitespace_) for t in doc], fixed, blank.make_doc)
        assert list(zip(words, spaces)) == [(t.text, bool(t.whitespace_)) for t in blank.make_doc(fixed)], repr(text)


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
    table = E._TokenTable(max_rows=6)
    doc = blank.make_doc("NATO said\n\nMcFaul “ met C. Allen")
    texts, lower, flags, lengths = table.lookup(doc.to_array("ORTH"), blank.vocab.strings)
    assert texts == [t.text for t in doc]
    assert lower == [t.lower_ for t in doc]
    assert lengths.tolist() == [len(t) for t in doc]
    assert [E._token_flags(t.text) for t in doc] == flags.tolist()
    by_text = dict(zip(texts, flags.tolist()))
    assert by_text["NATO"] == E._F_UPPER and by_text["McFaul"] == E._F_CAP and by_text["C."] == E._F_CAP
    assert by_text["\n\n"] == E._F_SPACE | E._F_NEWLINE and by_text["“"] == E._F_OPENER and by_text["said"] == 0
    # more strings than max_rows: the table starts over and still answers correctly
    again = table.lookup(blank.make_doc("one two three four").to_array("ORTH"), blank.vocab.strings)
    assert again[0] == ["one", "two", "three", "four"] and len(table.row_of) == 4


def _ranges_reference(n, sent_starts, boilerplate):
    ranges = [(s, e) for s, e, label in boilerplate if label == "title"]
    skip = [(s, e) for s, e, label in boilerplate if label != "title"]
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
            spans.append(Span(doc, start, rng.randint(start + 1, n), label=rng.choice(["title", "byline", "navigation"])))
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
    plain = E._heading_mask(texts, is_space, cap, upper)
    assert E._heading_mask(texts, is_space, cap, upper, breaks, [t.lower() for t in texts]) == plain
    assert plain[0] and not plain[texts.index("talks")]


def test_resolve_overlaps_keeps_longest_then_priority():
    def cand(start, end, prio, label="ORG"):
        return E.Candidate(start, end, label, "x", "slug:x", None, "pattern", prio)

    rng = random.Random(9)
    for _ in range(500):
        cands = [cand(s, s + rng.randint(1, 4), rng.randint(1, 6), rng.choice(["ORG", "GPE"]))
                 for s in (rng.randrange(20) for _ in range(rng.randint(0, 8)))]
        taken, expected = set(), []
        for c in sorted(cands, key=lambda c: (-c.length, -c.prio, c.start, c.label)):
            if not any(t in taken for t in range(c.start, c.end)):
                taken.update(range(c.start, c.end))
                expected.append(c)
        expected.sort(key=lambda c: c.start)
        assert [(c.start, c.end, c.prio) for c in E.resolve_overlaps(cands)] == [(c.start, c.end, c.prio) for c in expected]


def test_positions():
    assert E._positions(["(", "a", "(", ")"], "(") == [0, 2]
    assert E._positions([], "(") == []


# --- helpers added in the third speed round (entities and segment) ------------------------------


def test_token_table_rows_with_shared_slots(blank):
    table = E._TokenTable()
    words = [f"w{i}" for i in range(3000)]  # more strings than slots would hold without sharing
    table.SLOT_MASK = 63  # (an instance with 64 slots: most strings share one)
    table.clear()
    doc = blank.make_doc(" ".join(words))
    for _ in range(2):  # the second time from the table
        texts, lower, flags, lengths = table.lookup(doc.to_array("ORTH"), blank.vocab.strings)
        assert texts == words and lower == words and lengths.tolist() == [len(w) for w in words]
        assert flags.tolist() == [E._token_flags(w) for w in words]
    assert table.lookup(doc[5:9].as_doc().to_array("ORTH"), blank.vocab.strings)[0] == words[5:9]


def test_orth_set_positions():
    rng = random.Random(8)
    members = [rng.getrandbits(64) for _ in range(50)]
    # ids that share their low bits with a member but are not members
    lookalikes = [(m & 0xFFFF) | (rng.getrandbits(48) << 16) for m in members]
    orth_set = E.OrthSet(members)
    for _ in range(200):
        pools = (members, lookalikes, [rng.getrandbits(64) for _ in range(3)])
        values = [rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 30))]
        expected = [i for i, v in enumerate(values) if v in set(members)]
        assert orth_set.positions(np.array(values, dtype=np.uint64)) == expected
    assert E.OrthSet([]).positions(np.array([1, 2], dtype=np.uint64)) == []


def test_is_disjoint_in_order():
    def cand(start, end):
        return E.Candidate(start, end, "ORG", "x", "slug:x", None, "pattern", 1)

    rng = random.Random(4)
    for _ in range(500):
        cands = [cand(s, s + rng.randint(0, 3)) for s in sorted(rng.randrange(15) for _ in range(rng.randint(0, 6)))]
        if E.is_disjoint_in_order(cands):
            assert E.resolve_overlaps(cands) == cands
    assert not E.is_disjoint_in_order([cand(0, 2), cand(1, 3)]) and not E.is_disjoint_in_order([cand(2, 2)])
    assert E.is_disjoint_in_order([cand(0, 2), cand(2, 3)]) and E.is_disjoint_in_order([])


def test_set_span_extension_equals_the_underscore(blank):
    from pipeline.extensions import ensure_extensions

    ensure_extensions()
    doc = blank.make_doc("Shinzo Abe met Vladimir Putin in Tokyo .")
    spans = [Span(doc, 0, 2, label="PERSON"), Span(doc, 3, 5, label="PERSON"), Span(doc, 6, 7, label="GPE")]
    values = [{"canonical": s.text} for s in spans]
    E.set_span_extension(doc, spans, "entity", values)
    assert [s._.entity for s in spans] == values
    assert [s._.entity for s in (Span(doc, 0, 2), Span(doc, 6, 7))] == [values[0], values[2]]
    E.set_span_extension(doc, [], "entity", [])  # nothing to do


@pytest.fixture(scope="module")
def entity_nlp():
    import pipeline.registry  # noqa: F401  registers the factories

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("claims_entities")
    nlp.initialize()
    return nlp


def test_find_head_names_scans_only_capitals_before_heads(entity_nlp, monkeypatch):
    gaz = entity_nlp.get_pipe("claims_entities").gazetteer
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
        view = E._DocView(doc, gaz)
        E.find_gazetteer(doc, gaz, view)  # (fills the view's gazetteer cover, which the rule reads)
        return [(c.start, c.end, c.label, c.canonical) for c in E.find_head_names(doc, gaz, view)]

    found = 0
    for text in texts:
        doc = entity_nlp.get_pipe("sentencizer")(entity_nlp.make_doc(text))
        fast = head_names(doc)
        with monkeypatch.context() as m:
            m.setattr(E, "_capitals_before_heads", all_capitals)
            assert fast == head_names(doc), text
        found += len(fast)
    assert found > 20


# --- pattern tokens without a Doc (build time) --------------------------------------------------


def _pattern_texts(nlp) -> list[str]:
    from pipeline.stages import claims as C

    entries, lexicons = E.load_entries(), E.load_lexicons()
    texts = [a for e in entries for a in e["aliases"] + e["short"]] + [t for t, _ in lexicons["titles"]]
    tables = C.load_tables()
    texts += [p for lexicon in C.MATCHED_LEXICONS for row in tables[lexicon] for p in C.expand_cue(row["cue"].lower())]
    rules = list(nlp.tokenizer.rules)
    texts += rules + [f"x {k} y" for k in rules] + [k + "'s" for k in rules] + [f"{k}{k}" for k in rules[::7]]
    words = sorted({w for t in texts[:3000] for w in t.split()}) + ["'s", "’s", "-", "(", ")", "U.S.", "e.g.", "9/11", "  "]
    rnd = random.Random(11)
    texts += [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 5))) for _ in range(5000)]
    texts += ["", " ", "a  b", " lead", "trail ", "tab\there", "nbsp\u00a0here", "can not afford", "Ill", "cannot"]
    return list(dict.fromkeys(texts))


def test_pattern_words_are_the_tokenizers_tokens(blank):
    splitter = E.PatternWords(blank.tokenizer)
    told = 0
    for text in _pattern_texts(blank):
        words = splitter.words(text)
        if words is not None:
            told += 1
            assert list(words) == [t.text for t in blank.tokenizer(text)], text
    assert told > 10_000


def test_pattern_keys_are_what_the_phrase_matcher_reads_from_pattern_docs():
    nlp = spacy.blank("en")
    texts = _pattern_texts(nlp)[:8000]
    for attr in ("ORTH", "LOWER"):
        got = E.pattern_keys(nlp, texts, attr)
        assert list(got) == [t for t in dict.fromkeys(texts)]
        docs = 0
        for text, pattern in got.items():
            doc = nlp.make_doc(text)
            want = [getattr(t, attr.lower()) for t in doc]
            if isinstance(pattern, tuple):
                assert list(pattern) == want, text
                assert all(nlp.vocab.strings[h] for h in pattern)  # (the strings are known)
            else:
                docs += 1
                assert [getattr(t, attr.lower()) for t in pattern] == want, text
        assert 0 < docs < len(got) / 4


def test_gazetteer_matchers_hold_the_patterns_of_tokenized_aliases():
    """The compiled matchers hold exactly the patterns the tokenizer makes of every alias."""
    nlp = spacy.blank("en")
    entries, lexicons = E.load_entries(), E.load_lexicons()
    gaz = E.compile_gazetteer(nlp, entries, lexicons)
    make = E._pattern_tokenizer(spacy.blank("en"))
    docs = gaz.orth_matcher.__reduce__()[1][1]
    for idx, entry in enumerate(entries[:800]):
        assert docs[f"E{idx}"] == {tuple(nlp.vocab.strings.add(t.text) for t in make(a)) for a in entry["aliases"]}
    lower = gaz.lower_matcher.__reduce__()[1][1]
    for key, patterns in lower.items():
        entry = entries[int(key[1:])]
        assert patterns == {tuple(nlp.vocab.strings.add(t.lower_) for t in make(a)) for a in entry["aliases"] if a.isupper()}
    # the tokenizer's cache was not filled with the patterns, and the odd-space tokenizer still works
    assert [t.text for t in gaz.make_doc("\u00a0 \n")] == [t.text for t in nlp.make_doc("\u00a0 \n")]


def test_read_table_reads_as_the_line_by_line_reader(tmp_path):
    from pipeline.resources import PACKAGE_ROOT, ResourceError, read_table

    def slow(path, columns, optional=()):  # the reader read_table replaced
        rows, header = [], None
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                cells = line.split("\t")
                if header is None:
                    header = cells
                    if set(header) - set(columns) - set(optional) or set(columns) - set(header):
                        raise ResourceError(f"{lineno}: header")
                    continue
                if len(cells) > len(header):
                    raise ResourceError(f"{lineno}: cells")
                cells += [""] * (len(header) - len(cells))
                row = dict(zip(header, (c.strip() for c in cells)))
                if [c for c in columns if not row[c]]:
                    raise ResourceError(f"{lineno}: empty")
                rows.append(row)
        return rows

    for path in sorted(PACKAGE_ROOT.rglob("*.tsv")):
        header = path.read_text(encoding="utf-8").split("\n")
        first = next(line for line in header if line.strip() and not line.startswith("#")).split("\t")
        name = path.relative_to(PACKAGE_ROOT).as_posix()
        assert read_table(name, columns=(), optional=first) == slow(path, (), first), name
    cases = {
        "crlf": "a\tb\r\n x \ty\r\n\r\n# c\r\nz\r\n",
        "pad": "a\tb\nx\n\n   \n#x\ty\tz\nw\tv",
        "word": "w\n one \n\ttwo\n",
        "extra": "a\tb\nx\ty\tz\n",
        "empty": "a\tb\n\ty\n",
        "none": "# only\n\n",
    }
    for name, text in cases.items():
        (tmp_path / f"{name}.tsv").write_bytes(text.encode("utf-8"))
        for columns, optional in ((("a",), ("b",)), (("a", "b"), ()), (("w",), ())):
            try:
                want = slow(tmp_path / f"{name}.tsv", columns, optional)
            except ResourceError as err:
                with pytest.raises(ResourceError, match=str(err).split(":")[0]):
                    read_table(f"{name}.tsv", root=tmp_path, columns=columns, optional=optional)
                continue
            if want == [] and "none" in name:
                continue  # (no header: read_table says so, the sketch above does not)
            assert read_table(f"{name}.tsv", root=tmp_path, columns=columns, optional=optional) == want, name


def test_gc_paused_restores_the_collector():
    import gc

    from pipeline.resources import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with gc_paused():
            raise ValueError
    assert gc.isenabled()
