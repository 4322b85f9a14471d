"""Which candidates become entities: texts that are never entities are dropped, and of
overlapping candidates the longest (then the higher priority) wins."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from .candidates import Candidate
from .normalize import normalize_name
from .scene import Scene


def resolve_overlaps(cands: Iterable[Candidate]) -> list[Candidate]:
    """Longest first, then higher priority, then earlier; no two kept candidates share a token."""
    ordered = sorted(cands, key=lambda c: (c.start - c.end, -c.prio, c.start, c.label))
    if not ordered:
        return []
    taken = bytearray(max(c.end for c in ordered))  # 1 = token taken (slice tests run in C)
    kept = []
    for cand in ordered:
        start, end = cand.start, cand.end
        if start < end:
            if 1 in taken[start:end]:
                continue
            taken[start:end] = b"\x01" * (end - start)
        kept.append(cand)
    kept.sort(key=lambda c: c.start)
    return kept


def is_disjoint_in_order(cands: Sequence[Candidate]) -> bool:
    """True when the candidates are non-empty, sorted by start and share no token: then
    :func:`resolve_overlaps` would return them as they are."""
    end = 0
    for cand in cands:
        if cand.start < end or cand.end <= cand.start:
            return False
        end = cand.end
    return True


def drop_non_entities(cands: Iterable[Candidate], scene: Scene) -> list[Candidate]:
    """Candidates without the texts that are never entities (non_entities.tsv, titles alone) and
    without a model's lowercase entities."""
    view, gaz = scene.view, scene.gaz
    out = []
    for cand in cands:
        text = normalize_name(view.span_text(cand.start, cand.end))
        if not text or text in gaz.non_entities:
            continue
        if text in gaz.title_phrases:
            continue  # "President", "Prime Minister" alone
        if cand.source == "model" and cand.label != "NORP" and all(view.lower[i] == view.texts[i] for i in range(cand.start, cand.end)):
            continue  # lowercase model entities ("the white paper")
        out.append(cand)
    return out


def prefer_curated(cands: Sequence[Candidate]) -> list[Candidate]:
    """Overlaps resolved, curated names winning over a statistical model's spans: a model span is
    kept only where no gazetteer / pattern entity overlaps it (a model's "Abe" never cuts
    "Shinzo Abe" short)."""
    kept = resolve_overlaps(c for c in cands if c.source != "model")
    if any(c.source == "model" for c in cands):
        taken = {t for c in kept for t in range(c.start, c.end)}
        extra = [c for c in resolve_overlaps(c for c in cands if c.source == "model")
                 if not any(t in taken for t in range(c.start, c.end))]
        kept = sorted(kept + extra, key=lambda c: c.start)
    return kept
