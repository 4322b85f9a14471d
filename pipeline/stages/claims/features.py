"""Per-claim features: what the rules decided about one claim candidate (type candidates, cues,
hedging, negation, speaker, score), as plain values a later model can read
(:class:`ClaimFeatures`), and the claim (span + ``span._.claim`` data) built from them. Pure."""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from spacy.tokens import Span

from .clauses import Part
from .context import DocContext, Unit
from .cues import Cue
from .hedging import normalize_certainty
from .scoring import claim_logit, overlaps, type_strengths

TRIM_END = (",", ";", ":", "—", "–")  # punctuation a claim span does not end with
TRIM_START = (",", ";", ":")


@dataclass(frozen=True, slots=True)
class ClaimFeatures:
    """The rule analysis of one claim candidate (a sentence, or a clause of one)."""

    sent_index: int  # the body sentence (DocContext.body)
    unit_start_char: int  # where its unit (sentence piece) starts
    start: int  # tokens, trimmed of edge punctuation
    end: int
    start_char: int
    end_char: int
    type: str
    strengths: dict[str, float]  # type candidates: strength per claim type
    cues: list[Cue]  # every cue inside the span
    hedged: bool
    certainty: str
    negated: bool
    speaker: str  # "author", "unknown" or the named source
    speaker_span: tuple[int, int] | None
    entity_span: tuple[int, int] | None
    attribution_cue: str | None
    speaker_cue_span: tuple[int, int] | None  # the cue that names the speaker (record cue "attribution")
    attribution_span: tuple[int, int] | None  # a reported-speech cue: its words decide no type or negation
    quote: str | None  # "direct" | "indirect" | None
    question: bool
    words: int
    logit: float
    raw: float  # sigmoid(logit): what min_score is compared with


def part_features(ctx: DocContext, unit: Unit, part: Part, tense: list[tuple[int, str]], question: bool) -> ClaimFeatures | None:
    """The features of ``part`` of ``unit`` (``tense``: the unit's tense markers), or None when
    nothing is left once edge punctuation is trimmed."""
    tt = ctx.tt
    space, txt = tt.space, tt.txt
    s, e = part.start, part.end
    while e > s and (space[e - 1] or txt[e - 1] in TRIM_END):
        e -= 1
    while s < e and (space[s] or txt[s] in TRIM_START):
        s += 1
    if e <= s:
        return None
    s_char, e_char = tt.idx[s], tt.end[e - 1]
    cues = part.cues if (s == part.start and e == part.end) else [c for c in part.cues if s <= c.start < e]  # (read only)
    hedged, certainty, neg_polarity = normalize_certainty(cues)
    att_span = part.voice.attribution_span
    negations = [c for c in cues if c.row.lexicon == "negation" and c.row.kind == "negate" and not overlaps(c, att_span)]
    speaker, speaker_span, entity_span, attr_cue, attr_span, quote = _speaker_fields(ctx, part, s_char, e_char)
    attributed, direct = speaker != "author", quote == "direct"
    att = part.voice.attribution
    attribution_weight = (att.weight if att is not None else 1.0) if attributed else None
    logit = _best_logit(ctx, part, cues, tense, s, e, attribution_weight, direct, question)
    return ClaimFeatures(
        sent_index=unit.si, unit_start_char=unit.start_char, start=s, end=e, start_char=s_char, end_char=e_char,
        type=part.type, strengths=part.strengths, cues=cues, hedged=hedged, certainty=certainty,
        negated=bool(negations) or neg_polarity, speaker=speaker, speaker_span=speaker_span, entity_span=entity_span,
        attribution_cue=attr_cue, speaker_cue_span=attr_span, attribution_span=att_span, quote=quote,
        question=question, words=part.words, logit=logit, raw=1.0 / (1.0 + math.exp(-logit)),
    )


def _speaker_fields(ctx: DocContext, part: Part, s_char: int, e_char: int) -> tuple:
    """(speaker, speaker span, entity span, attribution cue text, its span, quote kind) of a part:
    a quoted speaker, an unattributed quotation ("unknown"), a reported one, or the author."""
    q, att = part.voice.quote, part.voice.attribution
    if q is not None and q.speaker is not None:
        speaker, speaker_span, entity_span, attr_cue, attr_span, quote = q.speaker, q.speaker_span, q.entity_span, q.cue_text, q.cue_span, "direct"
    elif q is not None:
        speaker, speaker_span, entity_span, attr_cue, attr_span, quote = "unknown", None, None, None, None, "direct"
    elif att is not None:
        speaker, speaker_span, entity_span, attr_cue, attr_span, quote = att.speaker, att.speaker_span, att.entity_span, att.cue_text, (att.cue_start, att.cue_end), "indirect"
        if any(q.speech for q in ctx.quotes.within(s_char, e_char)):
            quote = "direct"
    else:
        return "author", None, None, None, None, None
    if speaker == "author":
        quote = None
    return speaker, speaker_span, entity_span, attr_cue, attr_span, quote


def _best_logit(ctx: DocContext, part: Part, cues: list[Cue], tense: list[tuple[int, str]], s: int, e: int, attribution_weight: float | None, direct: bool, question: bool) -> float:
    """The claim logit of the trimmed part; of a merged part, that of its best clause if higher."""
    weights, tag_cums = ctx.rules.weights, (ctx.past_tag_cum, ctx.present_tag_cum)
    # the part's strengths were computed from exactly these cues unless trimming dropped some
    strengths = part.strengths if len(cues) == len(part.cues) else type_strengths(cues, part.voice.attribution_span)
    logit = claim_logit(weights, cues, strengths, tense, tag_cums, s, e, attribution_weight=attribution_weight, direct=direct, question=question, words=part.words)
    if len(part.subs) > 1:
        for sub in part.subs:
            sub_cues = [c for c in cues if sub.start <= c.start < sub.end]
            sub_logit = claim_logit(
                weights, sub_cues, type_strengths(sub_cues, part.voice.attribution_span), tense, tag_cums, sub.start, sub.end,
                attribution_weight=attribution_weight, direct=direct, question=question, words=sub.words,
            )
            logit = max(logit, sub_logit)
    return logit


# --- the claim ------------------------------------------------------------------------------------


@dataclass(slots=True)
class ClaimCandidate:
    """A claim: its span (label = type) and its ``span._.claim`` data (see the package docs)."""

    span: Span
    data: dict
    sent_index: int = 0
    unit_start_char: int = 0


def claim_candidate(ctx: DocContext, f: ClaimFeatures, evidence: list[list]) -> ClaimCandidate:
    """The claim of the features ``f`` with its ``evidence`` spans."""
    span = Span(ctx.doc, f.start, f.end, label=ctx.doc.vocab.strings.add(f.type))
    data = {
        "type": f.type,
        "score": ctx.rules.calibrate_score(f.raw),
        "raw_score": round(f.raw, 4),
        "hedged": f.hedged,
        "certainty": f.certainty,
        "negated": f.negated,
        "speaker": f.speaker,
        "speaker_span": list(f.speaker_span) if f.speaker_span else None,
        "speaker_entity_span": list(f.entity_span) if f.entity_span else None,
        "attribution_cue": f.attribution_cue,
        "quote": f.quote,
        "about_spans": about_spans(ctx, f.start, f.end),
        "evidence_spans": evidence,
        "cues": decided_cues(ctx.text, f),
    }
    return ClaimCandidate(span, data, f.sent_index, f.unit_start_char)


def decided_cues(text: str, f: ClaimFeatures) -> list[list]:
    """[start_char, end_char, role, text] of every cue that decided the type, hedging/certainty,
    negation or attribution, in text order without duplicates."""
    decided: set[tuple] = set()
    ctype, att_span = f.type, f.attribution_span
    for c in f.cues:
        row = c.row
        family = row.family
        if family:
            if family != "booster":
                if not c.fronted and "not_hedge" not in row.flags:
                    decided.add((c.start_char, c.end_char, "hedge", text[c.start_char:c.end_char]))
            else:
                decided.add((c.start_char, c.end_char, "booster", text[c.start_char:c.end_char]))
        elif row.type == ctype and row.weight > 0:
            if not overlaps(c, att_span):
                decided.add((c.start_char, c.end_char, ctype, text[c.start_char:c.end_char]))
        elif row.lexicon == "negation" and row.kind == "negate" and not overlaps(c, att_span):
            decided.add((c.start_char, c.end_char, "negation", text[c.start_char:c.end_char]))
    if f.speaker_cue_span is not None:
        s, e = f.speaker_cue_span
        decided.add((s, e, "attribution", text[s:e]))
    return [list(x) for x in sorted(decided)]


def about_spans(ctx: DocContext, start: int, end: int) -> list[list[int]]:
    """[start_char, end_char] of the entities inside the tokens [start, end)."""
    about = []
    ents = ctx.ents
    for k in range(bisect.bisect_left(ctx.ent_starts, start), len(ents)):
        ent = ents[k]
        if ent.start >= end:
            break
        if ent.end <= end:
            about.append([ent.start_char, ent.end_char])
    return about
