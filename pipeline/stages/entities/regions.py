"""Where the entity rules look: the token ranges of body sentences and the title, and the
title-case lines (headings) where capitalization is no evidence of a name. Computed from token
arrays, without Span or Token objects."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import compress

import numpy as np
from spacy.tokens import Doc

from ...extensions import SPANS_BOILERPLATE

# Boilerplate paragraphs whose names are entities too (authors, their institutes, photographers
# and agencies): analyzed like body sentences, their records marked with the kind. Navigation and
# page labels are not analyzed; the title is analyzed as one range.
NAMED_BOILERPLATE = frozenset({"byline", "author_role", "author_bio", "image_credit"})


def analyzed_token_ranges(doc: Doc, sent_starts: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """Token ranges to analyze: body sentences, the sentences of bylines, author roles and bios
    and credits (:data:`NAMED_BOILERPLATE`), plus the title paragraph (sorted, merged).

    Body sentences are those of :func:`pipeline.stages.segment.body_sentences` (sentences not
    starting inside a boilerplate paragraph), computed here from the sentence-start flags so no
    Span or Token objects are created. ``sent_starts``: token indices starting a sentence.
    """
    if sent_starts is None:
        if doc.has_annotation("SENT_START"):
            sent_starts = [s.start for s in doc.sents]
        else:
            sent_starts = [0]
    return [tuple(r) for r in analyzed_ranges(doc, sent_starts).tolist()]


def analyzed_ranges(doc: Doc, sent_starts: Sequence[int]) -> np.ndarray:
    """:func:`analyzed_token_ranges` as an (n, 2) array, computed with array operations (one
    vector test per boilerplate paragraph, not a loop over the sentences)."""
    boilerplate = sorted((s.start, s.end, s.label_) for s in doc.spans.get(SPANS_BOILERPLATE, []))
    titles = [(b_start, b_end) for b_start, b_end, label in boilerplate if label == "title"]
    starts = np.unique(np.array([*sent_starts, 0], dtype=np.int64))
    ends = np.append(starts[1:], len(doc))
    keep = starts < ends
    for b_start, b_end, label in boilerplate:
        if label != "title" and label not in NAMED_BOILERPLATE:
            keep &= (starts < b_start) | (starts >= b_end)
    starts, ends = starts[keep], ends[keep]
    if titles:
        starts = np.append(starts, [t[0] for t in titles])
        ends = np.append(ends, [t[1] for t in titles])
        order = np.lexsort((ends, starts))
        starts, ends = starts[order], ends[order]
    if len(starts) < 2:
        return np.stack([starts, ends], axis=1)
    # merge overlapping ranges (touching ones stay apart): a range opens a new group unless it
    # starts before the furthest end so far; a group ends at its furthest end
    reach = np.maximum.accumulate(ends)
    opens = np.ones(len(starts), dtype=bool)
    opens[1:] = starts[1:] >= reach[:-1]
    closes = np.append(np.flatnonzero(opens)[1:] - 1, len(starts) - 1)
    return np.stack([starts[opens], reach[closes]], axis=1)




def analyzed_regions(doc: Doc, sent_starts: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per token: whether it is in an analyzed range (bool array), and the end of that range
    (0 outside). A sentence running on into a byline or another non-title boilerplate paragraph
    stops where the paragraph starts; the tokens of navigation and page labels are outside."""
    n = len(doc)
    in_region = np.zeros(n, dtype=bool)
    region_end = np.zeros(n, dtype=np.int64)
    ranges = analyzed_ranges(doc, sent_starts)
    if len(ranges):  # (sorted, disjoint, not empty: the ends ascend as the starts do)
        # the end of the last range starting at or before each token
        reach = np.zeros(n, dtype=np.int64)
        reach[ranges[:, 0]] = ranges[:, 1]
        np.maximum.accumulate(reach, out=reach)
        in_region = np.arange(n) < reach
        region_end = np.where(in_region, reach, 0)
    for span in doc.spans.get(SPANS_BOILERPLATE, []):
        if span.label_ != "title":
            if span.label_ not in NAMED_BOILERPLATE:
                in_region[span.start:span.end] = False
            before = region_end[max(0, span.start - 200):span.start]
            np.minimum(before, span.start, out=before)
    return in_region, region_end


def heading_mask(texts: list[str], is_space: list[bool], cap: list[bool], upper: list[bool],
                 connectors: Collection[str], breaks: list[int] | None = None,
                 lower: list[str] | None = None) -> list[bool]:
    """Tokens of title-case lines without final punctuation (headings, page labels, titles).

    Rules that guess names from capitalization are switched off there: in "Preparing for the
    Wider War" every word is capitalized, so capitalization says nothing.
    """
    n = len(texts)
    mask = [False] * n
    if breaks is None:  # line breaks: whitespace tokens holding a newline
        breaks = [i for i in compress(range(n), is_space) if "\n" in texts[i]]
    if lower is None:
        lower = [t.lower() for t in texts]
    start = 0
    for i in breaks + [n]:
        if i - start > 40:  # headings are short lines
            start = i + 1
            continue
        words = [k for k in range(start, i) if not is_space[k] and texts[k][:1].isalpha() and lower[k] not in connectors]
        last = next((k for k in range(i - 1, start - 1, -1) if not is_space[k]), None)
        if len(words) >= 2 and last is not None and texts[last] not in (".", "?", "!", ":", ";", ")"):
            capitalized = sum(1 for k in words if cap[k] or upper[k])
            if capitalized >= 0.75 * len(words):
                mask[start:i] = [True] * (i - start)
        start = i + 1
    return mask



def boilerplate_paragraphs(doc: Doc) -> list[tuple[int, int, str]]:
    """The segmenter's boilerplate paragraphs as sorted (start token, end token, kind)."""
    return sorted((s.start, s.end, s.label_) for s in doc.spans.get(SPANS_BOILERPLATE, []))


_CAPTION_LABELS = frozenset({"figure", "fig", "table", "chart", "map", "graphic", "graph", "exhibit"})
_CREDIT_LABELS = frozenset({"source", "sources", "credit", "credits", "courtesy", "photo", "image"})


def boilerplate_headings(mask: list[bool], paragraphs: Sequence[tuple[int, int, str]], lower: list[str],
                         texts: list[str]) -> None:
    """Adjust the heading mask in named boilerplate: a byline or an author role line is a list
    of names, whatever its capitals ("Jane Doe", "Baltic Defence Institute": name rules apply);
    the title of a figure or table in a caption is title case without being a name ("Figure 3:
    Russian Missile Launches by Platform Type. Source: ..."): capitals say nothing up to its
    credit ("Source:")."""
    for start, end, kind in paragraphs:
        if kind in ("byline", "author_role"):
            mask[start:end] = [False] * (end - start)
        elif kind == "image_credit" and lower[start].rstrip(".") in _CAPTION_LABELS:
            k = start
            while k < end and not (lower[k] in _CREDIT_LABELS and k + 1 < end and texts[k + 1] == ":" and k > start + 1):
                k += 1
            mask[start:k] = [True] * (k - start)
