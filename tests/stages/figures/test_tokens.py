"""Figures stage, light tokens: offsets, the lexicon tables matched over them, the sentence view."""
from __future__ import annotations

from pipeline.stages import figures as F
from pipeline.stages.figures.sentence import Sentence
from pipeline.stages.figures.tokens import TOKEN_RE, PhraseTable, tokenize
from tests.stages.figures.texts import random_texts


def _slow_tokenize(text):
    return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def test_tokenize_offsets_match_the_regex():
    for text in random_texts(3000, 1) + ["22.5bn G7 F-35", "  a  b  "]:
        assert [(t.text, t.start, t.end) for t in tokenize(text)] == _slow_tokenize(text)


def test_tokens_split_digits_from_letters():
    assert [t.text for t in tokenize("22.5bn G7 F-35 Russia’s")] == ["22.5", "bn", "G", "7", "F", "-", "35", "Russia’s"]


def test_phrase_table_longest_form_and_case():
    table = PhraseTable()
    table.add("barrels", "bbl")
    table.add("barrels per day", "bbl/d")
    table.add("MW", "MW")
    toks = tokenize("5 barrels per day and 3 MW, 4 mw, 6 barrels  per day")
    assert table.match_at(toks, 1) == ("bbl/d", 4)
    assert table.match_at(toks, 6) == ("MW", 7)
    assert table.match_at(toks, 9) is None  # "MW" has a capital: matched case-sensitively
    assert table.match_at(toks, 12) == ("bbl", 13)  # two spaces inside a form: only the shorter one
    assert table.match_before(toks, 4) == ("bbl/d", 1)


def test_sentence_view_adjacency():
    s = Sentence.of("“5 m-high”  and US$ 2", F.default_rules())
    texts = [t.text for t in s.toks]
    assert texts == ["“", "5", "m", "-", "high", "”", "and", "US", "$", "2"]
    assert s.is_sentence_initial(1) and not s.is_sentence_initial(2)
    assert s.glued(1, 2) is False and s.spaced(1, 2) and s.near(1, 2)
    assert s.glued(2, 3) and not s.spaced(2, 3)
    assert s.spaced(5, 6)  # two spaces
    assert s.join(1, 5) == "5 m-high" and s.join(3, 3) == ""
    assert s.tok(-1) is None and s.tok(len(texts)) is None
