"""Evidence: the figures and dates inside a claim, plus those of a supporting sentence right
beside it in the same paragraph ("For example, ..." after it; a sentence with figures before a
claim that concludes from it: "Thus, ..."). Pure."""
from __future__ import annotations

import bisect
from collections.abc import Container

from ...extensions import SPANS_DATES, SPANS_FIGURES
from .context import DocContext
from .features import ClaimFeatures
from .speed import SpanRef


def spans_in(spans: list[SpanRef], starts: list[int], start: int, end: int) -> list[SpanRef]:
    """The spans of ``spans`` (sorted; ``starts``: their start tokens) inside the tokens [start, end)."""
    lo = bisect.bisect_left(starts, start)
    hi = bisect.bisect_left(starts, end, lo)
    if lo == hi:
        return []  # (most sentences hold none)
    return [x for x in spans[lo:hi] if x.end <= end]


def evidence_spans(ctx: DocContext, f: ClaimFeatures, claimed: Container[int]) -> list[list]:
    """[start_char, end_char, "figures" | "dates"] of the evidence of the claim ``f``, sorted and
    without duplicates (``claimed``: the sentence indices that hold claims)."""
    if not (ctx.figures or ctx.dates):
        return []
    ev = _figures_and_dates(ctx, f.start, f.end)
    for nb in _supporting_neighbours(ctx, f, claimed):
        ev += _figures_and_dates(ctx, nb.start, nb.end)
    if not ev:
        return []
    seen = set()
    return [x for x in sorted(ev) if not (tuple(x) in seen or seen.add(tuple(x)))]


def _figures_and_dates(ctx: DocContext, start: int, end: int) -> list[list]:
    ev = [[x.start_char, x.end_char, SPANS_FIGURES] for x in spans_in(ctx.figures, ctx.figure_starts, start, end)]
    ev += [[x.start_char, x.end_char, SPANS_DATES] for x in spans_in(ctx.dates, ctx.date_starts, start, end)]
    return ev


def _supporting_neighbours(ctx: DocContext, f: ClaimFeatures, claimed: Container[int]) -> list[SpanRef]:
    """The sentences beside the claim whose figures and dates support it: the next one when it
    opens with an evidence marker or holds figures (and no claim); the previous one when the claim
    opens with a conclusion marker or it holds figures (and no claim)."""
    rules, sents, text = ctx.rules, ctx.body, ctx.text
    words = rules.words
    si = f.sent_index
    out = []
    if si + 1 < len(sents):
        nxt = sents[si + 1]
        nlow = text[nxt.start_char:nxt.start_char + 60].lstrip().lower()
        same_para = "\n" not in text[f.end_char:nxt.start_char]
        if same_para and (nlow.startswith(words.evidence_next) or (si + 1 not in claimed and spans_in(ctx.figures, ctx.figure_starts, nxt.start, nxt.end))):
            out.append(nxt)
    if si > 0:
        prv = sents[si - 1]
        prv_figures = spans_in(ctx.figures, ctx.figure_starts, prv.start, prv.end)
        # a previous sentence without figures or dates adds no evidence: skip the tests
        if prv_figures or spans_in(ctx.dates, ctx.date_starts, prv.start, prv.end):
            same_para = "\n" not in text[prv.end_char:f.start_char]
            ctext = text[f.unit_start_char:f.end_char]
            if same_para and ((words.conclusion_re is not None and words.conclusion_re.match(ctext)) or (si - 1 not in claimed and prv_figures)):
                out.append(prv)
    return out
