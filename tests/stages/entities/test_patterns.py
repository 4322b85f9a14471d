"""Matcher patterns without pattern Docs: the tokens told from the tokenizer's rules are the
tokenizer's own, and the compiled matchers hold what pattern Docs would give them."""
from __future__ import annotations

import random

import pytest
import spacy

from pipeline.stages import entities as E
from pipeline.stages.entities.patterns import pattern_tokenizer


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def test_patterns_are_tokenized_by_a_private_copy_of_the_tokenizer(entities_nlp):
    nlp = entities_nlp
    # the gazetteer's names would otherwise fill the pipeline tokenizer's bounded cache
    make = pattern_tokenizer(nlp)
    assert make is not nlp.tokenizer
    for text in ("Shinzō Abe", "U.S.-Japan Security Treaty", "Yamal-LNG", "People’s Liberation Army", "Washington, D.C."):
        assert [t.text for t in make(text)] == [t.text for t in nlp.make_doc(text)]


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
    make = pattern_tokenizer(spacy.blank("en"))
    docs = gaz.orth_matcher.__reduce__()[1][1]
    for idx, entry in enumerate(entries[:800]):
        assert docs[f"E{idx}"] == {tuple(nlp.vocab.strings.add(t.text) for t in make(a)) for a in entry["aliases"]}
    lower = gaz.lower_matcher.__reduce__()[1][1]
    for key, patterns in lower.items():
        entry = entries[int(key[1:])]
        assert patterns == {tuple(nlp.vocab.strings.add(t.lower_) for t in make(a)) for a in entry["aliases"] if a.isupper()}
    # the tokenizer's cache was not filled with the patterns, and the odd-space tokenizer still works
    assert [t.text for t in gaz.make_doc("\u00a0 \n")] == [t.text for t in nlp.make_doc("\u00a0 \n")]
