"""Find who says a figure: "according to X", "X said", "a poll ... showed that", "(Org, 2016)", and
normalize the source phrase ("a 2016 poll by the Levada Center" -> "Levada Center poll, 2016")."""
from __future__ import annotations

import re

from .figure import Fig
from .resources import FigureRules, default_rules
from .sentence import Sentence

_BELIEVED_RE = re.compile(r"\bif\s+(.{3,80}?)\s+(?:are|is)\s+to\s+be\s+believed", re.I)
_CITATION_RE = re.compile(r"\(([A-Z][^()]{1,60}?),\s*((?:19|20)\d\d)\)")
_YEAR_WORD_RE = re.compile(r"\b((?:19|20)\d\d)\b")
_SAME_YEAR_RE = re.compile(r"\b(?:the )?same year\b", re.I)
_YEAR_TOKEN_RE = re.compile(r"(?:19|20)\d\d[,.]?")
# dropped before a poll noun when the phrase names its author ("the World Bank’s latest assessment")
_NOT_AUTHOR_RE = re.compile(r"(?:19|20)\d\d|an?|the|according|to|latest|new|recent|an?other")
_POLL_SINGULAR = {"polls": "poll", "surveys": "survey", "studies": "study", "estimates": "estimate"}


def sentence_sources(s: Sentence, figs: list[Fig], state: dict) -> None:
    """Attribute the figures of a sentence (writes source, source_is_poll; ``state`` keeps the
    year of the last poll for "the same year")."""
    _according_to(s, figs, state)
    # "if X are to be believed"
    mt = _BELIEVED_RE.search(s.text)
    if mt:
        src, is_poll = normalize_source(mt.group(1), s.rules, state)
        for f in figs:
            if f.source is None and f.start > mt.end():
                f.source, f.source_is_poll = src, is_poll
    # "(Levada Center, 2016)" citation after the figures
    for mc in _CITATION_RE.finditer(s.text):
        org = mc.group(1).strip()
        if any(ch.isdigit() for ch in org):
            continue
        for f in figs:
            if f.source is None and f.end <= mc.start():
                f.source = f"{org}, {mc.group(2)}"
    _source_verbs(s, figs, state)


def _according_to(s: Sentence, figs: list[Fig], state: dict) -> None:
    """ "according to X": X, up to the clause end, sources every figure of the sentence."""
    toks = s.toks
    preps = s.rules.source_preps
    prep_firsts = preps.firsts
    for i in range(len(toks)):
        if toks[i].lower not in prep_firsts and toks[i].text not in prep_firsts:
            continue  # match_at's own first test, without the call
        m = preps.match_at(toks, i)
        if m is None:
            continue
        end = m[1]
        b = end
        while b < len(toks) and toks[b].text not in (",", ";", ")", "(", ":") and not (toks[b].text == "." and b == len(toks) - 1):
            if toks[b].lower in ("that", "which", "who") and b > end + 1:
                break
            b += 1
        src, is_poll = normalize_source(s.join(end, b), s.rules, state)
        if src:
            for f in figs:
                if f.source is None:
                    f.source, f.source_is_poll = src, is_poll


def _source_verbs(s: Sentence, figs: list[Fig], state: dict) -> None:
    """ "X said / showed that / estimates ..." before the figures; ", X said." after them."""
    toks = s.toks
    rules = s.rules
    source_verbs = rules.cues.get("source_verb", ())
    for i, t in enumerate(toks):
        if t.lower not in source_verbs or not t.is_word or t.text != t.lower or t.lower == "according":
            continue
        prev = s.tok(i - 1)
        if prev is not None and (prev.lower in s.words.determiner or prev.lower in ("be", "been", "being", "to")):
            continue  # "a reported turnout", "to report": not an attribution
        later = [f for f in figs if f.i0 > i and f.source is None]
        earlier = [f for f in figs if f.i1 <= i and f.source is None]
        if later:
            subj_text = _source_subject(s, i)
            if subj_text and _plausible_source(subj_text, rules):
                src, is_poll = normalize_source(subj_text, rules, state)
                if src:
                    for f in later:
                        if is_poll and not (f.kind == "percent" or f.unit == "fraction" or f.kind == "range" and f.unit in ("percent",)):
                            continue
                        f.source, f.source_is_poll = src, is_poll
        nxt = s.tok(i + 1)
        if earlier and (nxt is None or nxt.text in (".", ",", ";") or (nxt.is_word and nxt.text[0].isupper())):
            phrase = _reporter_after(s, i)
            if phrase is None or not _plausible_source(phrase, rules):
                continue
            src, is_poll = normalize_source(phrase, rules, state)
            if src:
                for f in earlier:
                    f.source, f.source_is_poll = src, is_poll


def _reporter_after(s: Sentence, i: int) -> str | None:
    """Who reports the figures before the source verb at token i: ", the ministry said." (the
    phrase back to the comma) or ", said Alexander Panov" (the phrase after it); None when the
    verb opens the sentence without a comma (then it does not report what follows it)."""
    toks = s.toks
    k = i - 1
    if k >= 0 and toks[k].text == ",":
        n2 = i + 1
        b = n2
        while b < len(toks) and toks[b].text not in (",", ".", ";") and b - n2 < 8:
            b += 1
        return s.join(n2, b)
    a = k
    while a >= 0 and toks[a].text not in (",", ";", "(", ":", "—", "–"):
        a -= 1
    if a < 0:
        return None
    return s.join(a + 1, i)


def _plausible_source(phrase: str, rules: FigureRules) -> bool:
    """A source names someone: a capitalized name (not just the sentence's first word), a poll or a
    source noun ("officials", "data")."""
    words = phrase.split()
    if not words or len(words) > 16:
        return False
    low = [w.lower().strip(",.") for w in words]
    if any(rules.is_cue("poll_noun", w) or rules.is_cue("source_noun", w) for w in low):
        return True
    return any(w[:1].isupper() for w in words[1:]) or (words[0][:1].isupper() and len(words) <= 4 and low[0] not in rules.cues.get("function", ()))


def _source_subject(s: Sentence, verb_i: int) -> str | None:
    """Subject of a source verb: the phrase right before it, stepping over a short comma-delimited aside
    (", on the other hand,") and keeping participle phrases ("a poll conducted by X in 2016")."""
    toks = s.toks
    rules = s.rules
    words = s.words
    k = verb_i - 1
    while k >= 0 and toks[k].lower in words.source_verb_adverb:
        k -= 1
    if k >= 0 and toks[k].text == ",":
        c = k - 1
        while c >= 0 and toks[c].text != ",":
            c -= 1
        if c >= 0 and k - c - 1 <= 5 and not any(rules.is_cue("verb", toks[m].lower) for m in range(c + 1, k)):
            k = c - 1  # skip ", on the other hand,"
        else:
            return None
    end = k + 1
    n_words = 0
    while k >= 0 and n_words < 14:
        t = toks[k]
        if t.text in (",", ";", ":", "(", ")", "–", "—", "“", "”", '"'):
            break
        if t.lower in words.source_subject_stop:
            break
        verb = t.is_word and t.text == t.lower and (rules.is_cue("verb", t.lower) or rules.is_cue("source_verb", t.lower))
        if verb and t.lower not in words.source_noun_verb:
            break
        k -= 1
        n_words += 1
    start = k + 1
    if start >= end:
        return None
    return s.join(start, end)


def normalize_source(phrase: str, rules: FigureRules | None = None, state: dict | None = None) -> tuple[str | None, bool]:
    """Clean a source phrase; polls become "Org poll, Year". Returns (source, is_poll_or_survey).

    >>> normalize_source("a 2016 poll by the Levada Center")
    ('Levada Center poll, 2016', True)
    """
    rules = rules or default_rules()
    state = state if state is not None else {}
    p = " ".join(phrase.split()).strip(" ,.;:“”\"‘’'()")
    if not p:
        return None, False
    words = p.split()
    low = [w.lower().strip(",") for w in words]
    if low[0] in rules.words.source_pronoun:
        return None, False
    polls = rules.cues.get("poll_noun", frozenset())
    poll_i = next((k for k, w in enumerate(low) if w in polls), None)
    if poll_i is not None:
        return _poll_source(p, words, low, poll_i, rules, state)
    lead = rules.words.source_lead
    while low and low[0] in lead:
        words, low = words[1:], low[1:]
    if not words or len(words) > 12:
        return None, False
    return " ".join(words), False


def _poll_source(p: str, words: list[str], low: list[str], poll_i: int, rules: FigureRules, state: dict) -> tuple[str | None, bool]:
    """ "a 2016 poll by the Levada Center" -> "Levada Center poll, 2016"; "the same year" takes the
    year of the paragraph's last poll; without "by X" the words before the noun may name the author."""
    noun = _POLL_SINGULAR.get(low[poll_i], low[poll_i])
    is_poll = noun in ("poll", "survey")
    year = None
    m = _YEAR_WORD_RE.search(p)
    if m:
        year = m.group(1)
    elif _SAME_YEAR_RE.search(p):
        year = state.get("year")
    org = _poll_author(words[poll_i + 1 :], rules)
    if year:
        state["year"] = year
    if org is None:
        # no "by X": the phrase names its author ("the World Bank’s latest assessment"), or an
        # adjective-led phrase is just "a poll"
        pre = [w for w in words[:poll_i] if not _NOT_AUTHOR_RE.fullmatch(w.lower())]
        caps = [w for w in pre if w[:1].isupper()]
        org = " ".join(pre + [words[poll_i]]).strip(" ,") if caps and len(words) <= 14 else None
        if org:
            return (f"{org}, {year}" if year and year not in org else org), is_poll
    if org:
        return (f"{org} {noun}, {year}" if year else f"{org} {noun}"), is_poll
    return (f"{noun}, {year}" if year else None), is_poll


def _poll_author(tail: list[str], rules: FigureRules) -> str | None:
    """The organisation after "by" / "from" / "for" in the words after a poll noun, up to a
    preposition, a relative or a year; articles dropped."""
    words = rules.words
    for k, w in enumerate(x.lower() for x in tail):
        if w in words.poll_by:
            rest = tail[k + 1 :]
            stop = next((n for n, x in enumerate(rest) if x.lower() in words.poll_org_stop or _YEAR_TOKEN_RE.fullmatch(x)), len(rest))
            rest = rest[:stop]
            while rest and rest[0].lower() in ("the", "a", "an"):
                rest = rest[1:]
            return " ".join(rest).strip(",") if rest else None
    return None
