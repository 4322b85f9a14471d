"""The claim analysis of a Doc: units (body sentence pieces) in text order, each through cues ->
clauses -> speakers -> types -> features (:func:`claim_features`), then the claims that score at
least ``min_score`` with their evidence (:func:`find_claims`). Pure: writes nothing to the Doc."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from spacy.tokens import Doc

from .attribution import attribute_quotes, clause_attribution
from .clauses import AUTHOR, Part, SubRange, Voice, clause_bounds, make_part, merge_parts
from .context import DocContext, Memory, Unit, doc_context
from .cues import CUE_ORDER, Cue, context_filter, cue_applies, imperative_cue
from .evidence import evidence_spans
from .features import ClaimCandidate, ClaimFeatures, claim_candidate, part_features
from .frames import find_frame_cues
from .hedging import mark_subordinate
from .quotes import QuoteIndex
from .rules import ClaimRules
from .speed import CONDITIONAL_LOW_RE, CONDITIONAL_RE, ends_terminal
from .tense import unit_tense

QUESTION_END_RE = re.compile(r"\?[\s\"'”’»)\]]*\.?$")


def find_claims(doc: Doc, rules: ClaimRules, *, min_score: float = 0.5, split_clauses: bool = True, max_tokens: int = 200) -> list[ClaimCandidate]:
    """Claims in the body sentences of ``doc`` as (span, data) candidates. Pure: writes nothing."""
    ctx, features = analyze_doc(doc, rules, split_clauses=split_clauses, max_tokens=max_tokens)
    kept = [f for f in features if f.raw >= min_score]
    claimed = {f.sent_index for f in kept}
    return [claim_candidate(ctx, f, evidence_spans(ctx, f, claimed)) for f in kept]


def claim_features(doc: Doc, rules: ClaimRules, *, split_clauses: bool = True, max_tokens: int = 200) -> list[ClaimFeatures]:
    """The rule features of every claim candidate of ``doc`` whatever its score, in text order."""
    return analyze_doc(doc, rules, split_clauses=split_clauses, max_tokens=max_tokens)[1]


def analyze_doc(doc: Doc, rules: ClaimRules, *, split_clauses: bool, max_tokens: int) -> tuple[DocContext, list[ClaimFeatures]]:
    """The Doc's context (quotations attributed) and the features of its candidates."""
    ctx = doc_context(doc, rules)
    quotes, last_speaker = attribute_quotes(ctx, ctx.quotes.quotes)
    ctx = dataclasses.replace(ctx, quotes=QuoteIndex(quotes))
    memory = Memory(last_speaker=last_speaker)
    out: list[ClaimFeatures] = []
    for si, start, end in units(ctx):
        unit = open_unit(ctx, si, start, end, max_tokens)
        if unit is not None:
            features, memory = analyze_unit(ctx, unit, memory, split_clauses=split_clauses)
            out.extend(features)
    return ctx, out


def units(ctx: DocContext) -> Iterator[tuple[int, int, int]]:
    """(sentence index, token start, token end) for each body sentence piece between newlines."""
    nl = ctx.tt.nl
    for si, sent in enumerate(ctx.body):
        start, end = sent.start, sent.end
        if any(nl[start:end]):
            for i in range(start, end):
                if nl[i]:
                    if i > start:
                        yield si, start, i
                    start = i + 1
        if start < end:
            yield si, start, end


def open_unit(ctx: DocContext, si: int, start: int, end: int, max_tokens: int) -> Unit | None:
    """The Unit of the tokens [start, end) trimmed of space, or None when it cannot be a claim:
    too short or long, boilerplate, a heading or list label (its paragraph ends without a full
    stop), a lead-in to a list (ends with ":"), fewer than three words."""
    tt = ctx.tt
    while start < end and tt.space[start]:
        start += 1
    while end > start and tt.space[end - 1]:
        end -= 1
    if end - start < 2 or end - start > max_tokens:
        return None
    text_start, text_end = tt.idx[start], tt.end[end - 1]
    text = ctx.text[text_start:text_end]
    low = text.lower()
    if low.startswith(ctx.words.boilerplate_prefixes):
        return None
    if not ends_terminal(text) and _ends_paragraph(ctx, end):
        return None  # heading, list label or caption: a paragraph that does not end with a full stop
    if text.rstrip().endswith(":"):
        return None  # a lead-in to a list
    words = ctx.alpha_cum[end] - ctx.alpha_cum[start]
    if words < 3:
        return None
    return Unit(
        si=si, start=start, end=end, start_char=text_start, end_char=text_end, text=text, low=low,
        # (the lowercase twins of the case-insensitive regexes need equal lengths, see CASE_EXCEPTIONS)
        fast_low=low if ctx.lower_ok and len(low) == len(text) else None,
        quotes=ctx.quotes if ctx.quotes and ctx.quotes.over(text_start, text_end) else None,
        words=words,
    )


def _ends_paragraph(ctx: DocContext, end: int) -> bool:
    """The unit is the last text of its paragraph (a newline or the end of the text follows)."""
    tt = ctx.tt
    q = tt.next(end, tt.n)
    return q < 0 or "\n" in ctx.text[tt.end[end - 1]:tt.idx[q]]


def analyze_unit(ctx: DocContext, unit: Unit, memory: Memory, *, split_clauses: bool) -> tuple[list[ClaimFeatures], Memory]:
    """The features of the claim candidates of one unit, and the memory after it."""
    tense = unit_tense(ctx.tt, ctx.rules, ctx.tense_pos, unit.start, unit.end)
    present = any(k == "present" for _, k in tense)
    past = not present and bool(tense)
    # "would" in past narration is the future-in-the-past; a unit without a tense marker of its own
    # continues the narration of the unit before it
    narrative = past or (not tense and memory.prev_narrative)
    memory = memory._replace(prev_narrative=past)
    cues, has_attribution = unit_cues(ctx, unit, narrative)
    question = bool(QUESTION_END_RE.search(unit.text))
    bounds = clause_bounds(ctx.tt, unit.start, unit.end, unit.text, unit.quotes) if split_clauses else [(unit.start, unit.end)]
    clauses = []
    for a, b in bounds:
        # (every cue starts in the unit: one clause holds them all)
        clause_cues = [c for c in cues if a <= c.start < b] if len(bounds) > 1 else cues
        clause_cues = mark_subordinate(clause_cues, ctx.tt, a, b, unit, ctx.words)
        clauses.append((a, b, clause_cues, ctx.alpha_cum[b] - ctx.alpha_cum[a]))
    voices, memory = clause_voices(ctx, unit, clauses, has_attribution, memory)
    parts = merge_parts([
        make_part(a, b, clause_cues, words, (SubRange(a, b, words),), voice)
        for (a, b, clause_cues, words), voice in zip(clauses, voices)
    ])
    out = []
    for part in parts:
        f = part_features(ctx, unit, part, tense, question)
        if f is not None:
            out.append(f)
    return out, memory


def unit_cues(ctx: DocContext, unit: Unit, narrative: bool) -> tuple[list[Cue], bool]:
    """The cues of the unit that hold in their context, in token order, and whether an
    attribution cue is among them (``narrative``: the unit narrates the past)."""
    tt, rules = ctx.tt, ctx.rules
    start, end = unit.start, unit.end
    cues = ctx.cues_in(start, end)
    imperative = imperative_cue(tt, rules, start, end)
    if imperative is not None:
        cues.append(imperative)
    # only "nocond" cues read the conditional test: skip the regex when no cue has that flag
    conditional = any("nocond" in c.row.flags for c in cues) and bool(
        CONDITIONAL_LOW_RE.search(unit.low) if unit.fast_low is not None else CONDITIONAL_RE.search(unit.text)
    )
    # a row without flags outside the attribution/modality lexicons always applies
    words = ctx.words
    cues = [c for c in cues if not c.row.checked or cue_applies(c, tt, start, end, conditional, words)]
    plan = rules.frames_for(unit.text, unit.low)
    if plan:
        cues.extend(find_frame_cues(ctx.doc, unit.start_char, unit.text, start, end, rules, low=unit.low, plan=plan))
    cues.sort(key=CUE_ORDER)
    return context_filter(cues, tt, start, end, unit.quotes, narrative)


def clause_voices(ctx: DocContext, unit: Unit, clauses: list[tuple[int, int, list[Cue], int]], has_attribution: bool, memory: Memory) -> tuple[list[Voice], Memory]:
    """Who speaks each clause: a speech quotation covering it, else reported speech in it ("according
    to X," opening the unit covers the clauses after it too), else the author. Without a quotation
    or an attribution cue in the unit every clause is the author's."""
    if unit.quotes is None and not has_attribution:
        return [AUTHOR] * len(clauses), memory
    tt = ctx.tt
    voices = []
    carry = None
    for k, (a, b, clause_cues, _) in enumerate(clauses):
        q = unit.quotes.speech_over(tt.idx[a], tt.end[b - 1]) if unit.quotes is not None else None
        if q is not None and q.speaker is not None:
            voices.append(Voice(q, None, q.speaker.lower()))
            continue
        att = None
        if has_attribution:
            att, memory = clause_attribution(ctx, unit.si, a, b, unit.start, unit.end, clause_cues, unit.quotes is not None, memory)
        if att is None and q is not None:
            voices.append(Voice(q, None, "unknown"))  # an unattributed quotation
            continue
        if att is not None:
            voices.append(Voice(None, att, att.speaker.lower()))
            carry = att if att.scope == "forward" and att.cue_text == "according to" and k == 0 else None
        elif carry is not None:
            voices.append(Voice(None, carry, carry.speaker.lower()))
        else:
            voices.append(AUTHOR)
    return voices, memory


__all__ = ["ClaimCandidate", "ClaimFeatures", "Part", "analyze_doc", "analyze_unit", "claim_features", "clause_voices", "find_claims", "open_unit", "unit_cues", "units"]
