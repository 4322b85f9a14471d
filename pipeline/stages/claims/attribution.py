"""Attribution: who speaks a quotation (:func:`attribute_quotes`) and who reports the content of a
clause (:func:`clause_attribution`: "X said that", "according to X", "if X are to be believed").
Pure: quotations come back as new Quote objects, the speaker memory goes in and comes out."""
from __future__ import annotations

import dataclasses
from typing import NamedTuple

from .context import Attribution, DocContext, Memory, Speaker  # noqa: F401  (Attribution re-exported)
from .cues import Cue
from .quotes import Quote
from .speakers import PERSON_LABELS, is_quantity, last_name_run, object_region, resolve_speaker, subject_of, view_region
from .tense import prev_non_adverb

QUOTE_DASHES = (",", "—", "–")


class QuoteSource(NamedTuple):
    """Who speaks a quotation, and the cue that says so."""

    speaker: str
    speaker_span: tuple[int, int] | None
    entity_span: tuple[int, int] | None
    cue_text: str | None
    cue_span: tuple[int, int] | None


# --- quotations ----------------------------------------------------------------------------------


def attribute_quotes(ctx: DocContext, quotes: list[Quote], last: Speaker | None = None) -> tuple[list[Quote], Speaker | None]:
    """The quotations with their speakers (new Quote objects), and the speaker memory after them.

    A quotation of three words or more is attributed from the words around it; a long one with no
    attribution continues the previous attributed quotation nearby (multi-sentence and
    multi-paragraph quotations); one of eight words or more, or attributed, is speech."""
    out: list[Quote] = []
    prev: Quote | None = None
    for q in quotes:
        source = None
        if q.words >= 3:
            source, last = _quote_source(ctx, q, last)
        if source is None and (q.words >= 8 or (not q.closed and q.words >= 5)) and prev is not None and prev.speaker:
            gap = ctx.text[prev.end:q.start]
            if (gap.count("\n") <= 2 and len(gap) < 400) or (len(gap) < 200 and gap.rstrip().endswith(":")):
                source = QuoteSource(prev.speaker, prev.speaker_span, prev.entity_span, prev.cue_text, prev.cue_span)
        speech = source is not None or q.words >= 8
        q = dataclasses.replace(q, **source._asdict(), speech=speech) if source is not None else dataclasses.replace(q, speech=speech)
        if speech and q.speaker:
            prev = q
        out.append(q)
    return out, last


def _quote_source(ctx: DocContext, q: Quote, last: Speaker | None) -> tuple[QuoteSource | None, Speaker | None]:
    """The speaker of one quotation: from the words right after it ("..., said X"), else right
    before it ("X said: '...'"), else from a lead-in sentence ending in ":"."""
    close_tok = ctx.tok_at(q.end - 1)
    open_tok = ctx.tok_at(q.start)
    sent_start = ctx.sent_range(open_tok)[0]
    sent_end = ctx.sent_range(close_tok)[1]
    source, last = _source_after(ctx, close_tok, sent_end, last)
    if source is not None:
        return source, last
    k = open_tok - 1
    while k >= sent_start and ctx.tt.space[k]:
        k -= 1
    if k < sent_start:
        return _lead_in_source(ctx, sent_start, last)
    return _source_before(ctx, sent_start, k, last)


def _source_after(ctx: DocContext, close_tok: int, sent_end: int, last: Speaker | None) -> tuple[QuoteSource | None, Speaker | None]:
    """After the quote: "..., said X" / "...," X said / "...", according to X."""
    tt, words = ctx.tt, ctx.words
    j = close_tok + 1
    while j < sent_end and (tt.txt[j] in QUOTE_DASHES or tt.space[j]):
        j += 1
    window_end = j
    while window_end < sent_end and window_end - j < 8 and tt.txt[window_end] not in (".", ";", ":", "!", "?", "“", "‘", '"') and "\n" not in tt.txt[window_end]:
        window_end += 1
    for cue in ctx.cues_in(j, window_end):
        if cue.row.lexicon != "attribution" or cue.row.kind not in ("verb", "according"):
            continue
        pv = tt.prev(cue.start, j)
        if tt.txt[cue.start][:1].isupper() and cue.start != j:
            continue
        if pv >= 0 and (tt.low[pv] in words.det_like or words.demonym_re.match(tt.txt[pv])):
            continue
        if cue.row.kind == "according" or cue.start == j or all(tt.low[k] in words.subject_skip for k in range(j, cue.start)):
            region = object_region(ctx.doc, cue.end, sent_end, ctx.rules, tt)
        else:
            if pv >= 0 and tt.low[pv] in ("was", "were", "is", "are", "been", "be"):
                continue  # passive: "... was reported"
            # "X has said" / "X told reporters"
            k = cue.start - 1
            while k > j and tt.low[k] in words.subject_skip:
                k -= 1
            region = (j, k + 1)
        if region is None:
            continue
        source, last = _cue_source(ctx, region, cue, last)
        if source is not None:
            return source, last
    return None, last


def _source_before(ctx: DocContext, sent_start: int, k: int, last: Speaker | None) -> tuple[QuoteSource | None, Speaker | None]:
    """Before the quote (token ``k`` right before its opening mark): "X said: '...'",
    "X said, '...'", "X said that '...'", "As X put it, '...'"."""
    tt, words = ctx.tt, ctx.words
    lead = tt.txt[k]
    if not (lead in (":", ",", "that") or tt.low[k] == "that"):
        return None, last
    for cue in reversed(ctx.cues_in(max(sent_start, k - 4), k + 1)):
        if cue.row.lexicon != "attribution" or cue.row.kind not in ("verb", "view"):
            continue
        if cue.row.kind == "verb" and "that" in cue.row.flags and "verb" in cue.row.flags:
            prev = tt.prev(cue.start, sent_start)
            if prev >= 0 and (tt.low[prev] in words.det_like or words.demonym_re.match(tt.txt[prev])):
                continue
        region = view_region(ctx, cue, sent_start, k) if cue.row.kind == "view" else subject_of(ctx, cue, sent_start)
        if region:
            source, last = _cue_source(ctx, region, cue, last)
            if source is not None:
                return source, last
    if lead == ":":
        return _colon_source(ctx, sent_start, k, last)
    return None, last


def _colon_source(ctx: DocContext, sent_start: int, k: int, last: Speaker | None) -> tuple[QuoteSource | None, Speaker | None]:
    """A colon-introduced quotation: the subject of the nearest reporting verb before the colon
    ("Khrushchev, the party chairman, wrote to President Kennedy: '...'"), else the last person
    named before the colon."""
    tt, words = ctx.tt, ctx.words
    for cue in reversed(ctx.cues_in(sent_start, k)):
        if cue.row.lexicon != "attribution" or cue.row.kind != "verb":
            continue
        pv = tt.prev(cue.start, sent_start)
        if tt.txt[cue.start][:1].isupper() and pv >= 0 and not tt.punct[pv]:
            continue
        if pv >= 0 and (tt.low[pv] in words.det_like or words.demonym_re.match(tt.txt[pv])):
            continue
        region = subject_of(ctx, cue, sent_start)
        if region is not None:
            source, last = _cue_source(ctx, region, cue, last)
            if source is not None:
                return source, last
    persons = [e for e in ctx.ents_between(sent_start, k) if e.end <= k and e.label_ in PERSON_LABELS]
    verb = next((i for i in range(sent_start, k) if tt.low[i] in words.quoting_verb), None)
    reporting = verb is not None or any(
        c.row.lexicon == "attribution" and c.row.kind == "verb" for c in ctx.cues_in(sent_start, k)
    )
    if not persons and not reporting:
        return None, last
    cue_text, cue_span = (tt.low[verb], (tt.idx[verb], tt.end[verb])) if verb is not None else (":", (tt.idx[k], tt.idx[k] + 1))
    if persons:
        e = persons[-1]
        return QuoteSource(e.text, (e.start_char, e.end_char), (e.start_char, e.end_char), cue_text, cue_span), last
    run = last_name_run(ctx, sent_start, k)
    if run is None:
        return None, last
    s, e = run
    span = (tt.idx[s], tt.end[e - 1])
    return QuoteSource(ctx.text[span[0]:span[1]], span, None, cue_text, cue_span), last


def _lead_in_source(ctx: DocContext, sent_start: int, last: Speaker | None) -> tuple[QuoteSource | None, Speaker | None]:
    """A quotation opening its sentence, after a lead-in ending in ":" ("As the report notes:")."""
    tt, words = ctx.tt, ctx.words
    p = tt.prev(sent_start, 0)
    if p < 0 or tt.txt[p] != ":":
        return None, last
    lead_start = ctx.sent_range(p)[0]
    for cue in reversed(ctx.cues_in(lead_start, p)):
        if cue.row.lexicon != "attribution" or cue.row.kind not in ("verb", "according", "view"):
            continue
        i = cue.start
        prev = tt.prev(i, lead_start)
        if tt.txt[i][:1].isupper() and prev >= 0 and not tt.punct[prev]:
            continue
        if prev >= 0 and (tt.low[prev] in words.det_like or words.demonym_re.match(tt.txt[prev])):
            continue
        if cue.row.kind == "verb":
            region = subject_of(ctx, cue, lead_start)
            if region is None:
                region = object_region(ctx.doc, cue.end, p, ctx.rules, tt)  # "..., said the minister:"
        elif cue.row.kind == "view":
            region = view_region(ctx, cue, lead_start, p)
        else:
            region = object_region(ctx.doc, cue.end, p, ctx.rules, tt)
        if region is not None:
            source, last = _cue_source(ctx, region, cue, last)
            if source is not None:
                return source, last
    persons = [e for e in ctx.ents_between(lead_start, p) if e.end <= p and e.label_ in PERSON_LABELS]
    if persons:
        e = persons[-1]
        return QuoteSource(e.text, (e.start_char, e.end_char), (e.start_char, e.end_char), ":", (tt.idx[p], tt.end[p])), last
    return None, last


def _cue_source(ctx: DocContext, region: tuple[int, int], cue: Cue, last: Speaker | None) -> tuple[QuoteSource | None, Speaker | None]:
    """The speaker the tokens ``region`` name, with ``cue`` as the attribution cue."""
    got, last = resolve_speaker(ctx, region, last)
    if got is None:
        return None, last
    return QuoteSource(*got, ctx.text[cue.start_char:cue.end_char].lower(), (cue.start_char, cue.end_char)), last


# --- reported speech -----------------------------------------------------------------------------


def clause_attribution(ctx: DocContext, si: int, start: int, end: int, unit_start: int, unit_end: int, cues: list[Cue], in_quotes: bool, memory: Memory) -> tuple[Attribution | None, Memory]:
    """The attribution of the clause [start, end) of the unit [unit_start, unit_end) (sentence
    ``si``) from its first attribution cue that names a speaker, and the memory after it.
    ``in_quotes``: a quotation overlaps the unit (cues inside one attribute nothing)."""
    for cue in cues:
        if cue.row.lexicon != "attribution":
            continue
        kind = cue.row.kind
        if kind == "source_noun":
            continue
        if in_quotes and ctx.quotes.at(cue.start_char) is not None:
            continue
        cue_text = ctx.text[cue.start_char:cue.end_char].lower()
        found = _cue_region(ctx, cue, cue_text, start, unit_start, unit_end)
        if found is None:
            continue
        region, scope = found
        last_source = memory.last_source
        if kind == "verb" and is_quantity(ctx, region) and last_source is not None and si - last_source[1] <= 2:
            # "56% believed that ..." right after "According to a poll by X": X's respondents
            src = last_source[0]
            got = (src.speaker, src.speaker_span, src.entity_span)
        else:
            got, last_speaker = resolve_speaker(ctx, region, memory.last_speaker)
            memory = memory._replace(last_speaker=last_speaker)
        if got is None:
            continue
        speaker, span, ent = got
        if speaker == "author":
            continue
        att = Attribution(
            speaker=speaker, cue_text=cue_text, cue_start=cue.start_char, cue_end=cue.end_char,
            quote="indirect", scope=scope, cue_token=cue.start, weight=cue.row.weight,
            speaker_span=span, entity_span=ent,
        )
        if kind in ("according", "evidential"):
            memory = memory._replace(last_source=(att, si))
        return att, memory
    return None, memory


def _cue_region(ctx: DocContext, cue: Cue, cue_text: str, start: int, unit_start: int, unit_end: int) -> tuple[tuple[int, int], str] | None:
    """(speaker region, scope) of an attribution cue by its kind, or None when the cue reports nothing."""
    tt, kind = ctx.tt, cue.row.kind
    if kind == "according":
        region = object_region(ctx.doc, cue.end, unit_end, ctx.rules, tt)
        if region is not None and any(w in ctx.words.nonsource for w in tt.low[region[0]:min(region[1], region[0] + 4)]):
            return None  # "according to plan", "according to the rules": in accordance with
        scope = "forward" if cue.start <= start + 1 else "backward"
    elif kind == "conditional":
        k = cue.start - 1
        while k >= start and tt.low[k] not in ("if", "unless"):
            k -= 1
        if k < start:
            return None
        region, scope = (k + 1, cue.start), "forward"
    elif kind == "view_poss":  # "in Matviichuk's words", "in the ministry's view"
        k = cue.start - 1
        while k >= max(start, cue.start - 8) and tt.low[k] != "in":
            k -= 1
        if k < max(start, cue.start - 8):
            return None
        region, scope = (k + 1, cue.start), "forward" if k <= start + 1 else "backward"
    elif kind == "view":
        region = view_region(ctx, cue, start, unit_end)
        scope = "forward" if cue.start <= start + 3 else "backward"
    elif kind == "evidential":
        region = subject_of(ctx, cue, start)
        if region is None or not _names_a_source(ctx, region):
            return None
        scope = "forward"
    else:
        return _verb_region(ctx, cue, cue_text, start, unit_start, unit_end)
    return (region, scope) if region is not None else None


def _names_a_source(ctx: DocContext, region: tuple[int, int]) -> bool:
    """The subject of an evidential verb names a source: "a poll by the Levada Center found"."""
    tt = ctx.tt
    words = set(tt.low[region[0]:region[1]])
    has_name = any(w[:1].isupper() for w in tt.txt[region[0] + 1:region[1]]) or any(
        e.end <= region[1] for e in ctx.ents_between(region[0], region[1])
    )
    return bool(words & ctx.words.source_nouns) and has_name


def _verb_region(ctx: DocContext, cue: Cue, cue_text: str, start: int, unit_start: int, unit_end: int) -> tuple[tuple[int, int], str] | None:
    """(speaker region, scope) of a reporting verb: its subject ("X said that ..."), or the phrase
    after an inverted verb ("..., said the former ambassador.")."""
    tt, words = ctx.tt, ctx.words
    if ctx.has_pos and tt.pos[cue.start] not in ("VERB", "AUX", ""):
        return None
    pm = prev_non_adverb(tt, words, cue.start, unit_start)
    if pm >= 0 and tt.low[pm] in words.modal_before_report:
        return None  # "the government should stress that", "one might argue": not a report
    nxt = tt.next(cue.end, unit_end)  # (token indices, -1 for none)
    prev = tt.prev(cue.start, unit_start)
    if prev >= 0 and tt.txt[prev] in QUOTE_DASHES and (nxt >= 0 and (tt.txt[nxt][:1].isupper() or tt.low[nxt] in words.strip or tt.low[nxt] in words.title)) and cue_text in words.inverted_verb:
        region = object_region(ctx.doc, cue.end, unit_end, ctx.rules, tt)
        scope = "backward"
    else:
        region = subject_of(ctx, cue, unit_start)
        scope = "forward"
        if region is not None and prev >= 0 and tt.txt[prev] == "," and region[1] <= cue.start and region[0] > start + 2:
            # "..., Panov said." / "..., analysts say."
            if nxt < 0 or tt.punct[nxt]:
                scope = "backward"
    return (region, scope) if region is not None else None
