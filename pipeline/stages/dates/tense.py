"""The tense that governs a date (a month, weekday, season or quarter written without a year lies
before or after the anchor by it): from the dependency parse when there is one, otherwise from
the tense cue nearest to the date in its sentence (``tense_cues.tsv`` and the "-ed" rule)."""
from __future__ import annotations

from spacy.tokens import Span

from .compiled import Grammar
from .grammar import default_grammar
from .speed import DocView

TENSE_CODES = {"past": 1, "present": 2, "future": 3}
TENSE_NAMES = {1: "past", 2: "present", 3: "future"}


def cue_code(g: Grammar, word: str) -> int:
    """Tense code of one exact token string; 4 = an "-ed" word (past unless after "be")."""
    low = word.lower()
    if low in g.cue_tense and (word == low or (word == low.capitalize() and word not in g.months)):
        tense = g.cue_tense[low]
        if tense == "past" and low not in g.tense_words["past_aux"]:
            return 4  # "held", "built": a participle after "is"/"was"/"the", like the "-ed" words
        return TENSE_CODES[tense]
    if word == low and len(low) >= 5 and low.endswith("ed") and low.isalpha() and low not in g.ed_exceptions \
            and (not low.endswith("eed") or low in g.tense_words["past_eed"]):
        return 4
    return 0


def cue_codes(view: DocView, start: int, end: int) -> list[int]:
    """Tense cue code per token of [start, end) (0 none, 1 past, 2 present, 3 future), computed on
    first use (only the sentences with a tense-dependent date need them; for one sentence plain
    lists beat numpy calls) and kept in ``view.cue_cache``."""
    got = view.cue_cache.get((start, end))
    if got is None:
        g, strings = view.g, view.doc.vocab.strings
        cache = g.lookup_cache.setdefault("cue_codes", {})
        got = []
        for h in view.orth[start:end].tolist():
            c = cache.get(h)
            if c is None:
                c = cache[h] = cue_code(g, strings[h])
            got.append(c)
        # "-ed" words (code 4) count as past unless a form of "be", a determiner or "to" precedes
        if 4 in got:
            be_before = g.tense_words["be_before_ed"]
            for j, c in enumerate(got):
                if c == 4:
                    at = start + j
                    got[j] = 0 if at > 0 and view.lower_at(at - 1) in be_before else 1
        view.cue_cache[(start, end)] = got
    return got


def tense_at(view: DocView, sent: tuple[int, int], start: int, end: int, use_parse: bool) -> str | None:
    """Tense governing tokens [start, end) of a sentence: parse first, else the nearest cue."""
    doc = view.doc
    if start > 0 and view.lower_at(start - 1) == "since":
        return "past"
    if use_parse and view.has_dep:
        t = _tense_from_parse(doc[start:end], view.g)
        if t:
            return t
    a, b = sent
    best, code = None, 0
    for pos, c in enumerate(cue_codes(view, a, b), a):
        if not c or start <= pos < end:
            continue   # no cue, or a cue inside the date itself
        dist = start - pos if pos < start else pos - end + 1
        if best is None or dist < best:   # the first of equally near cues wins
            best, code = dist, c
    return TENSE_NAMES.get(code) if best is not None else None


def _tense_from_parse(span: Span, g: Grammar) -> str | None:
    """The tense of the nearest verb governing ``span`` in the dependency parse (None: no verb says)."""
    future_aux, future_verbs = g.tense_words["future_aux"], g.tense_words["future_verb"]
    tok = span.root
    for _ in range(8):
        head = tok.head
        if head.i == tok.i:
            break
        tok = head
        if tok.pos_ not in ("VERB", "AUX") and not tok.tag_.startswith("VB"):
            continue
        auxes = [c for c in tok.children if c.dep_ in ("aux", "aux:pass", "auxpass")]
        lows = {c.lower_ for c in auxes}
        if lows & future_aux or tok.lower_ in future_verbs or tok.lemma_.lower() in future_verbs:
            return "future"
        if tok.tag_ == "VBD" or any(c.tag_ == "VBD" for c in auxes) or (
                "Past" in tok.morph.get("Tense") and "Fin" in tok.morph.get("VerbForm")):
            return "past"
        if lows & {"has", "have", "had"}:
            return "past"
        if tok.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") for c in auxes):
            return "present"
        if not auxes and (tok.tag_ == "VBN" or "Part" in tok.morph.get("VerbForm") and "Past" in tok.morph.get("Tense")):
            return "past"  # "a poll published in December": a participle on its own reports a past event
    return None


def sentence_tense(span: Span, grammar: Grammar | None = None, *, use_parse: bool = True) -> str | None:
    """Tense governing a date span: "past" | "present" | "future" | None.

    With a dependency parse: the tense of the nearest governing verb (and its auxiliaries).
    Otherwise (or when the parse says nothing): the tense cue nearest to the span in its
    sentence (``tense_cues.tsv`` plus the "-ed" rule). "since <date>" is always past.
    """
    doc = span.doc
    view = DocView(doc, grammar or default_grammar())
    sent = (span.sent.start, span.sent.end) if doc.has_annotation("SENT_START") else (0, len(doc))
    return tense_at(view, sent, span.start, span.end, use_parse)
