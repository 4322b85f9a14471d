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
        if cand.label == "PERSON" and _part_of_longer_name(scene, cand):
            if not _first_name_before(scene, cand):
                continue
            # "Dimitry Medvedev": the known person with a first name spelled differently
            cand = Candidate(cand.start - 1, cand.end, "PERSON", cand.canonical, cand.kb_id, cand.actor, cand.source, cand.prio)
        out.append(cand)
    return out


_HYPHENS = frozenset({"-", "‐"})


def _first_name_before(scene: Scene, cand: Candidate) -> bool:
    """The capitalized word before a known person's surname starts like the person's first name
    ("Dimitry" before "Medvedev", Dmitry Medvedev) and is no other known given name, so it is
    that name, spelled differently (not "Banca" before "Rossi", not "Jason" before "Healey")."""
    k = cand.start - 1
    first = cand.canonical.split()[0] if " " in cand.canonical else ""
    word = scene.view.texts[k]
    if cand.source == "model" or k < 0 or len(word) < 3 or not word.isalpha() or first[:1] != word[:1]:
        return False
    if word in scene.gaz.given_names and not (word.startswith(first) or first.startswith(word)):
        return False  # "Jason Healey" is not John Healey ("Pete" / "Peter" Hegseth is Pete Hegseth)
    return scene.view.texts[k + 1] not in _HYPHENS


def _part_of_longer_name(scene: Scene, cand: Candidate) -> bool:
    """A person's name glued by a hyphen to another capitalized word ("Adenauer" in
    "Konrad-Adenauer-Stiftung"), or a surname standing alone right after a capitalized word no
    rule explains ("Rossi" in "Banca Rossi"; not after a title, a demonym or a sentence-opening
    word)."""
    view, gaz = scene.view, scene.gaz
    start, end = cand.start, cand.end
    if start > 1 and view.texts[start - 1] in _HYPHENS and not view.space_after[start - 2] and not view.space_after[start - 1] and view.cap[start - 2]:
        return True
    if end + 1 < view.n and view.texts[end] in _HYPHENS and not view.space_after[end - 1] and not view.space_after[end] and view.cap[end + 1]:
        return True
    if cand.length != 1 or not (cand.short or cand.source == "model") or start == 0:
        return False
    k = start - 1
    if not view.cap[k] or view.texts[k] in gaz.title_words or scene.cover.nonperson[k] or start in scene.cover.any_at_end:
        return False
    return not (view.initial[k] and (view.is_stop(k) or view.is_common(k)))


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
