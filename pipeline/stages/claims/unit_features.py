"""What the learned claim classifier reads about one unit: marker words for the rules' findings and
the unit's place on the page, appended to its text (:func:`unit_text`).

The same functions build the classifier's input at training time (``pipeline.training.claims_model``)
and at run time (:mod:`.model`), so both see exactly the same thing. Pure.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

VARIANTS = ("text", "rules", "context")
MARK = "xx"   # marker words: lowercase letters only, so the tokenizer keeps each one whole


@dataclass(frozen=True)
class UnitFeatures:
    """What the rule stage and the page layout say about one sentence (all optional)."""

    rule_type: str | None = None       # type of the rules' best candidate claim, None: no candidate
    rule_score: float = 0.0            # the rules' raw score of that candidate
    hedged: bool = False
    attributed: bool = False           # the rules found a speaker other than the author
    quote: str | None = None           # direct / indirect / None
    boilerplate: str | None = None     # title, author_bio, caption ... (the segmenter's kind)
    first_in_paragraph: bool = False
    paragraph_index: int = 0           # which paragraph of the article (0 = the title line)
    prev_rule_type: str | None = None  # the rules' type of the previous sentence
    prev_quoted: bool = False          # the previous sentence holds a direct quotation
    speaker: str = "author"            # the rules' speaker of the best candidate (not a marker)


def markers(features: UnitFeatures, variant: str) -> list[str]:
    """Marker words for ``variant``: none for ``text``; rule findings for ``rules``; plus the
    sentence's place on the page and its neighbour for ``context``."""
    if variant == "text":
        return []
    out = [f"{MARK}rule{features.rule_type or 'none'}",
           f"{MARK}rulescore{min(int(features.rule_score * 5), 4)}"]
    if features.hedged:
        out.append(f"{MARK}hedge")
    if features.attributed:
        out.append(f"{MARK}attributed")
    if features.quote:
        out.append(f"{MARK}quote{features.quote}")
    if variant == "context":
        if features.boilerplate:
            out.append(f"{MARK}page{features.boilerplate.replace('_', '')}")
        if features.first_in_paragraph:
            out.append(f"{MARK}parafirst")
        out.append(f"{MARK}para{min(features.paragraph_index, 3)}")
        out.append(f"{MARK}prev{features.prev_rule_type or 'none'}")
        if features.prev_quoted:
            out.append(f"{MARK}prevquoted")
    return out


def unit_text(text: str, features: UnitFeatures, variant: str) -> str:
    """The classifier's input for one unit: its text, then the marker words on a line of their own."""
    extra = markers(features, variant)
    return f"{text}\n{' '.join(extra)}" if extra else text


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def features_by_sentence(
    text: str,
    sentences: Sequence[tuple[int, int]],
    paragraphs: Sequence[tuple[int, int]],
    boilerplate: Sequence[tuple[int, int, str]],
    candidates: Sequence[tuple[int, int, dict]],
) -> dict[tuple[int, int], UnitFeatures]:
    """Features of every sentence, keyed by its trimmed offsets. ``candidates`` are the rule stage's
    claim candidates (start_char, end_char, ``span._.claim`` data) found with ``min_score = 0``."""
    paragraphs = sorted(paragraphs)
    para_starts = {trimmed(text, a, b)[0] for a, b in paragraphs}
    claims = sorted(candidates, key=lambda c: c[0])
    out: dict[tuple[int, int], UnitFeatures] = {}
    prev_type, prev_quoted, para_i, k = None, False, 0, 0
    for start, end in sorted(sentences):
        while k < len(claims) and claims[k][1] <= start:
            k += 1
        inside, j = [], k
        while j < len(claims) and claims[j][0] < end:
            if claims[j][1] > start:
                inside.append(claims[j][2])
            j += 1
        best = max(inside, key=lambda c: c.get("raw_score", c["score"]), default=None)
        while para_i + 1 < len(paragraphs) and paragraphs[para_i + 1][0] <= start:
            para_i += 1
        key = trimmed(text, start, end)
        feats = UnitFeatures(
            rule_type=best["type"] if best else None,
            rule_score=float(best.get("raw_score", best["score"])) if best else 0.0,
            hedged=bool(best and best["hedged"]),
            attributed=any(c["speaker"] != "author" for c in inside),
            quote=next((c["quote"] for c in inside if c["quote"]), None),
            boilerplate=next((kind for a, b, kind in boilerplate if a <= start and end <= b), None),
            first_in_paragraph=key[0] in para_starts, paragraph_index=para_i,
            prev_rule_type=prev_type, prev_quoted=prev_quoted,
            speaker=best["speaker"] if best else "author",
        )
        out[key] = feats
        prev_type, prev_quoted = feats.rule_type, feats.quote == "direct"
    return out
