"""The segmenter's fast paths: each gives the same result as the regular expression or the
straightforward code it stands in for."""
from __future__ import annotations

import random
import re

import pytest
import spacy

from pipeline.stages.segment import Segmenter
from pipeline.stages.segment import boilerplate as B
from pipeline.stages.segment import sentences as SN
from pipeline.stages.segment import speed as V
from pipeline.stages.segment.paragraphs import find_lines

_SEGMENT_PIECES = ["a", "B", ".", "!", "?", "…", " ", "  ", "\n", "\r", "\r\n", "\t", "\u00a0", "\u2009", "”", "’", ")",
                   "U.S.", "Mr.", "Photo", "credit", "İ", "ı", "ſ", "©", "Home", "»", "|", ":", "said", "3", "“", "x\n\n"]


def _random_texts(seed, count=3000, longest=40):
    rng = random.Random(seed)
    return ["".join(rng.choice(_SEGMENT_PIECES) for _ in range(rng.randint(0, longest))) for _ in range(count)]


@pytest.mark.parametrize(
    "text",
    ["Home »", "Read more...  ", "  Share: ", "About Us |", "Next →\u00a0", "Plain", "", "...", "Topics:\n"],
)
def test_line_key_equals_the_regex(text):
    assert V.line_key(text) == re.sub(r"[\s.:»›→>|]+$", "", text.strip().lower())


@pytest.mark.parametrize("text", ["one two  three", " a\u00a0b\tc\n", "", "   ", "x\u2009y\u3000z"])
def test_word_count_equals_the_regex(text):
    assert V.word_count(text) == len(re.findall(r"\S+", text))


def test_find_lines_equals_the_regex():
    line = re.compile(r"[^\r\n]+")
    for text in _random_texts(21) + ["", "\n", "\r\r", "one", "a\rb\nc\r\n\r\nd "]:
        assert find_lines(text) == [m.span() for m in line.finditer(text)]


def test_boundary_pattern_equals_the_plain_repeat():
    plain = re.compile(SN._BOUNDARY.pattern.replace("(?P<punct>[.!?…][.!?…]*)", "(?P<punct>[.!?…]+)"))
    assert plain.pattern != SN._BOUNDARY.pattern
    for text in _random_texts(22):
        assert [m.span("punct") + m.span("close") + m.span("space") for m in SN._BOUNDARY.finditer(text)] == \
            [m.span("punct") + m.span("close") + m.span("space") for m in plain.finditer(text)]


def test_word_count_upto():
    for text in _random_texts(23, longest=120):
        for limit in (0, 1, 5, 60, 80):
            assert V.word_count_upto(text, limit) == min(V.word_count(text), limit + 1)


def test_line_key_min_len_and_credit_mark_prefilter():
    texts = _random_texts(24) + ["İmage courtesy of NASA.", "courteſy of x.", "Credıt: AFP", "PHOTO by AP", "© Getty"]
    for text in texts:
        assert V.line_key_min_len(text) <= len(V.line_key(text))
        if B._CREDIT_MARK.search(text):
            assert V.may_have_credit_mark(text), text
    assert not V.may_have_credit_mark("The talks resumed in May.")


def test_line_kind_with_the_length_bound():
    segmenter = Segmenter(spacy.blank("en"), "segmenter", max_title_words=25)
    segmenter.initialize()
    lexicon = segmenter.lexicon
    longest = max(map(len, lexicon.line_kinds))
    phrases = list(lexicon.line_kinds)[:200]
    texts = _random_texts(25) + phrases + [p.upper() + " »" for p in phrases] + [p + " and more words" for p in phrases]
    for text in texts:
        assert B._line_kind(text, lexicon, longest) == B._line_kind(text, lexicon), text


def test_tokens_at_chars_equals_char_span_lookup():
    nlp = spacy.blank("en")
    for text in _random_texts(26, count=300):
        doc = nlp.make_doc(text)
        chars = sorted(random.Random(len(text)).sample(range(len(text)), min(5, len(text)))) if text else []
        expected = []
        for char in chars:
            holder = [t.i for t in doc if t.idx <= char]
            expected.append(holder[-1] if holder else -1)
        assert V.tokens_at_chars(doc, chars) == expected, repr(text)
