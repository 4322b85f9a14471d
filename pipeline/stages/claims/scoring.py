"""Typing and scoring: strength per claim type from the type cues, the winning type, and the
claim score's log-odds from cues, tense, attribution and form (weights in ``score_weights.tsv``).
Pure."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from .cues import Cue

TYPE_PRIORITY = {"recommendation": 5, "prediction": 4, "causal": 3, "interpretation": 2, "evaluation": 1}
EVALUATION_CAP = 1.3


def strengths_of(cues: Iterable[Cue]) -> dict[str, float]:
    """Strength per claim type: the cue weights, largest first, each worth half the one before."""
    by_type: dict[str, list[float]] = {}
    for cue in cues:
        row = cue.row
        t = row.type
        if t and row.weight > 0:
            ws = by_type.get(t)
            if ws is None:
                by_type[t] = [row.weight * cue.factor]
            else:
                ws.append(row.weight * cue.factor)
    out = {}
    for t, ws in by_type.items():
        if len(ws) == 1:
            out[t] = ws[0]  # the sum below of one positive weight
        else:
            ws.sort(reverse=True)
            out[t] = sum(w * (0.5 ** k) for k, w in enumerate(ws))
    return out


def best_type(strengths: Mapping[str, float]) -> tuple[str, float]:
    """The winning type. Evaluative words pile up in any sentence, so for choosing the type their
    strength is capped (EVALUATION_CAP): one structural cue (will, because, should) outweighs them."""
    if not strengths:
        return "evaluation", 0.0
    if len(strengths) == 1:
        for t, v in strengths.items():
            return t, v
    ranked = {k: min(v, EVALUATION_CAP) if k == "evaluation" else v for k, v in strengths.items()}
    t = max(ranked, key=lambda k: (round(ranked[k], 6), TYPE_PRIORITY[k]))
    return t, strengths[t]


def overlaps(cue: Cue, span: tuple[int, int] | None) -> bool:
    """The cue overlaps the char range ``span`` (an attribution cue: the cue is part of it)."""
    return span is not None and cue.start_char < span[1] and span[0] < cue.end_char


def type_strengths(cues: list[Cue], attribution_span: tuple[int, int] | None) -> dict[str, float]:
    """:func:`strengths_of` the cues that are not part of the attribution cue."""
    if attribution_span is None:
        return strengths_of(cues)
    return strengths_of(c for c in cues if not overlaps(c, attribution_span))


def claim_logit(
    weights: Mapping[str, float], cues: list[Cue], strengths: Mapping[str, float], tense: list[tuple[int, str]],
    tag_cums: tuple[list[int] | None, list[int] | None], start: int, end: int, *,
    attribution_weight: float | None, direct: bool, question: bool, words: int,
) -> float:
    """The claim score's log-odds of the tokens [start, end) holding ``cues`` (``strengths``: their
    type strengths; ``tense``: the unit's tense markers; ``tag_cums``: running counts of past and
    present tags, or None; ``attribution_weight``: the attribution cue's weight, 1.0 for a quoted
    speaker, None for the author). The terms are added in one fixed order (float sums depend on it)."""
    w = weights
    best = max(strengths.values(), default=0.0)
    evidence = best + 0.3 * (sum(strengths.values()) - best)
    logit = w["bias"] + w["type_strength"] * min(evidence, w["type_cap"] or 3.0)
    hedge, boost, first_person, negated, background = cue_features(cues)
    if hedge is not None:
        logit += w["hedge"] + hedge
    if boost is not None:
        logit += w["booster"] + boost
    if attribution_weight is not None:
        logit += w["attributed"] * attribution_weight
    if direct:
        logit += w["direct_quote"]
    tense_feature = tense_of(tense, tag_cums, start, end)
    if tense_feature is not None:
        logit += w[tense_feature]
    if first_person:
        logit += w["first_person"]
    if negated:
        logit += w["negated"]
    logit += background
    if question:
        logit += w["question"]
    if words < 5:
        logit += w["short"]
    return logit


def cue_features(cues: list[Cue]) -> tuple[float | None, float | None, bool, bool, float]:
    """(strongest hedge weight, strongest booster weight, first person, negated, summed background
    weight) of the cues (None: no hedge / booster; hedges in a fronted clause do not count)."""
    hedge = boost = None  # the largest hedge / booster weight (the first of equals, like max())
    first_person = negated = False
    background = 0  # summed in cue order, like sum()
    for c in cues:
        row = c.row
        if row.family:
            if row.family == "booster":
                if boost is None or row.weight > boost:
                    boost = row.weight
            elif not c.fronted:
                if hedge is None or row.weight > hedge:
                    hedge = row.weight
        if row.flags and "first_person" in row.flags:
            first_person = True
        lexicon = row.lexicon
        if lexicon == "negation":
            negated = negated or row.kind == "negate"
        elif (lexicon == "background" and row.kind == "event_phrase") or (lexicon == "frames" and row.kind == "background"):
            background += row.weight
    return hedge, boost, first_person, negated, background


def tense_of(tense: list[tuple[int, str]], tag_cums: tuple[list[int] | None, list[int] | None], start: int, end: int) -> str | None:
    """The tense feature of the tokens [start, end): "present", "past_narrative" (event verbs),
    "past_copula" (only past auxiliaries), or None."""
    present = event = past = False
    for i, k in tense:
        if start <= i < end:
            if k == "present":
                present = True
            elif k == "past_verb":
                event = past = True
            elif k == "past_aux":
                past = True
    past_cum, present_cum = tag_cums
    if past_cum is not None and present_cum is not None:  # (the tokens [start, end) hold such a tag)
        past = past or past_cum[end] > past_cum[start]
        present = present or present_cum[end] > present_cum[start]
    if present:
        return "present"
    if event:
        return "past_narrative"
    if past:
        return "past_copula"
    return None
