"""What the analysis of one Doc reads, built once per Doc (:class:`DocContext`, immutable), the
unit under analysis (:class:`Unit`), and what carries from one unit to the next in text order
(:class:`Memory`). Every analysis function takes these explicitly and returns new values."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import NamedTuple

from spacy.tokens import Doc

from ...extensions import SPANS_DATES, SPANS_FIGURES
from .cues import Cue, find_cues
from .quotes import QuoteIndex, find_quotes
from .rules import ClaimRules, WordSets
from .speed import CASE_EXCEPTIONS, SpanRef, TokenTable, body_sentence_refs, entity_spans, sentence_starts, span_refs

Speaker = tuple[str, "tuple[int, int] | None", "tuple[int, int] | None"]  # text, speaker span, entity span


@dataclass(frozen=True, slots=True)
class Attribution:
    """A reported-speech attribution of a clause."""

    speaker: str
    cue_text: str
    cue_start: int
    cue_end: int
    quote: str  # "direct" | "indirect"
    scope: str  # "forward" (cue ... content) | "backward" (content ... cue) | "all"
    cue_token: int
    weight: float = 1.0
    speaker_span: tuple[int, int] | None = None
    entity_span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class DocContext:
    """The Doc, its token views and the spans the rules read; ``quotes`` are attributed."""

    doc: Doc
    rules: ClaimRules
    words: WordSets
    tt: TokenTable
    text: str
    has_dep: bool
    has_pos: bool
    # claim_logit asks whether a span holds a past (VBD) or present (VBZ/VBP) tag: running counts
    # answer that per span without building the span's set of tag strings
    past_tag_cum: list[int] | None
    present_tag_cum: list[int] | None
    cues: list[Cue]
    cue_starts: list[int]
    tense_pos: list[int]  # tense markers are a tenth of all tokens: found in one pass, not per unit
    alpha_cum: list[int]  # words in [a, b) = cum[b] - cum[a]
    ents: list[SpanRef]
    ent_starts: list[int]
    figures: list[SpanRef]
    figure_starts: list[int]
    dates: list[SpanRef]
    date_starts: list[int]
    body: list[SpanRef]
    sent_starts: list[int]
    quotes: QuoteIndex
    lower_ok: bool  # the lowercased text may stand in for case-insensitive regexes (see CASE_EXCEPTIONS)

    def tok_at(self, char: int) -> int:
        """The token holding ``char`` (the last one starting at or before it)."""
        return max(0, bisect.bisect_right(self.tt.idx, char) - 1)

    def ents_between(self, start: int, end: int) -> list[SpanRef]:
        """The entities starting in [start, end] (a superset of those inside [start, end)), in order."""
        starts = self.ent_starts
        return self.ents[bisect.bisect_left(starts, start):bisect.bisect_right(starts, end)]

    def cues_in(self, start: int, end: int) -> list[Cue]:
        """The cues inside the tokens [start, end), in order (a new list)."""
        lo = bisect.bisect_left(self.cue_starts, start)
        hi = bisect.bisect_left(self.cue_starts, end)
        return [c for c in self.cues[lo:hi] if c.end <= end]

    def sent_range(self, i: int) -> tuple[int, int]:
        """(start, end) token range of the sentence holding token ``i``."""
        k = bisect.bisect_right(self.sent_starts, i) - 1
        return self.sent_starts[k], (self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else self.tt.n)


@dataclass(frozen=True, slots=True)
class Unit:
    """A body sentence, or its piece between newlines, trimmed of space tokens."""

    si: int  # index of its sentence in DocContext.body
    start: int  # tokens
    end: int
    start_char: int
    end_char: int
    text: str
    low: str  # text.lower()
    fast_low: str | None  # ``low`` where the lowercase twins of the case-insensitive regexes may run on it
    quotes: QuoteIndex | None  # the Doc's quotations when one overlaps the unit (most units: None)
    words: int


class Memory(NamedTuple):
    """What the analysis of a unit passes on to the next one, in text order."""

    last_speaker: Speaker | None = None  # the last speaker named (he/she/they resolve to it)
    last_source: tuple[Attribution, int] | None = None  # the last poll/report source, with its sentence index
    prev_narrative: bool = False  # the last analyzed unit narrated the past


def doc_context(doc: Doc, rules: ClaimRules) -> DocContext:
    """The DocContext of ``doc`` with its quotations found but not yet attributed."""
    tt = TokenTable(doc, rules.facts_for(doc))
    cues = find_cues(doc, rules, tt)
    ents = entity_spans(doc, tt)
    figures = span_refs(doc.spans[SPANS_FIGURES], tt.text) if SPANS_FIGURES in doc.spans else []
    dates = span_refs(doc.spans[SPANS_DATES], tt.text) if SPANS_DATES in doc.spans else []
    if tt.n and doc.has_annotation("SENT_START"):
        sent_starts = sentence_starts(doc)
        body = body_sentence_refs(doc, tt, sent_starts)
    else:
        body = body_sentence_refs(doc, tt)
        sent_starts = [s.start for s in doc.sents] if tt.n else [0]
    text = tt.text
    return DocContext(
        doc=doc, rules=rules, words=rules.words, tt=tt, text=text,
        has_dep=doc.has_annotation("DEP"),
        # (TokenTable read these already; has_annotation scans every token when they are absent)
        has_pos=tt.pos is not None if tt.n else doc.has_annotation("POS"),
        past_tag_cum=tt.tag_cum(("VBD",)), present_tag_cum=tt.tag_cum(("VBZ", "VBP")),
        cues=cues, cue_starts=[c.start for c in cues],
        tense_pos=tt.positions(rules.tense_kind), alpha_cum=tt.alpha_cum(),
        ents=ents, ent_starts=[e.start for e in ents],
        figures=figures, figure_starts=[x.start for x in figures],
        dates=dates, date_starts=[x.start for x in dates],
        body=body, sent_starts=sent_starts,
        quotes=QuoteIndex(find_quotes(text) if any(ch in text for ch in "“\"‘'") else []),
        lower_ok=not any(ch in text for ch in CASE_EXCEPTIONS),
    )
