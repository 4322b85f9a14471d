"""Acronyms defined in the text: "International Criminal Court (ICC)" gives the long form, the
acronym, and the acronym's meaning for its later mentions."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from .candidates import PRIO_ALIAS_DEF, Candidate
from .gazetteer import Gazetteer
from .normalize import normalize_name, slug_id
from .scene import Scene
from .speed import DocView


def positions(items: list, value) -> list[int]:
    """Indices of ``value`` in ``items`` (list.index scans in C)."""
    out = []
    i = -1
    try:
        while True:
            i = items.index(value, i + 1)
            out.append(i)
    except ValueError:
        return out


def find_acronym_definitions(scene: Scene) -> tuple[list[Candidate], dict[str, Candidate]]:
    """"International Criminal Court (ICC)": the long form and the acronym, plus the acronym's
    document-wide meaning for later mentions."""
    view, gaz = scene.view, scene.gaz
    out: list[Candidate] = []
    defined: dict[str, Candidate] = {}
    for i in positions(view.texts, "("):
        if not 2 <= i < view.n - 2 or view.texts[i + 2] != ")" or not view.in_region[i] or view.heading[i]:
            continue
        acr = view.texts[i + 1]
        if not (2 <= len(acr) <= 10 and acr[0].isupper() and sum(c.isupper() for c in acr) >= 2 and acr.isalnum()):
            continue
        j = _long_form_start(view, i, gaz.connectors)
        if j >= i:
            continue
        words = [t for t in view.texts[j:i] if t.lower() not in gaz.connectors]
        letters = _initials(words)
        acr_letters = "".join(c for c in acr if c.isupper())
        if not letters or not _initials_match(acr_letters, letters):
            continue
        reading = _reading(view, gaz, j, i, acr)
        if reading is None:
            continue  # "Artificial Intelligence (AI)", "Electronic Warfare (EW)": terms, not names
        label, canonical, kb_id, actor, source = reading
        long_cand = Candidate(j, i, label, canonical, kb_id, actor, source, PRIO_ALIAS_DEF)
        acr_cand = Candidate(i + 1, i + 2, label, canonical, kb_id, actor, "alias", PRIO_ALIAS_DEF)
        out += [long_cand, acr_cand]
        defined.setdefault(acr, acr_cand)
    return out, defined


def _long_form_start(view: DocView, i: int, connectors: frozenset[str]) -> int:
    """Start of the long form before the "(" at ``i``: the capitalized run (with connectors)
    ending right before it, without leading connectors or a sentence-initial stop word."""
    j = i
    while j - 1 >= 0 and view.in_region[j - 1] and (
        view.cap[j - 1] or view.upper[j - 1]
        or (view.lower[j - 1] in connectors and j - 2 >= 0 and (view.cap[j - 2] or view.upper[j - 2]))
    ):
        j -= 1
    while j < i and (view.lower[j] in connectors or view.is_stop(j) and view.initial[j]):
        j += 1
    return j


def _reading(view: DocView, gaz: Gazetteer, start: int, end: int, acr: str) -> tuple | None:
    """(label, canonical, kb_id, actor, source) of the long form [start, end) defining ``acr``:
    the gazetteer's entry of the long form (or of the acronym, unless a person), else a name
    with a head word; None for a term that is no name."""
    long_text = normalize_name(view.span_text(start, end))
    idx = gaz.alias_index.get(long_text)
    if idx is None:
        idx = gaz.alias_index.get(acr)
        if idx is not None and gaz.entries[idx]["label"] == "PERSON":
            idx = None
    if idx is not None:
        entry = gaz.entries[idx]
        return entry["label"], entry["canonical"], entry["kb_id"], entry.get("actor"), "gazetteer"
    label = _head_label(view.texts[start:end], gaz)
    if label is None:
        return None
    return label, long_text, slug_id(long_text), None, "pattern"


def _initials(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def _initials_match(acr: str, initials: str) -> bool:
    """Acronym letters equal the initials, or are an in-order subsequence starting with the first."""
    if acr == initials:
        return True
    if not acr or not initials or acr[0] != initials[0] or len(acr) < 2:
        return False
    it = iter(initials)
    return all(c in it for c in acr) and len(acr) >= max(2, len(initials) // 2)


def _head_label(words: Iterable[str], gaz: Gazetteer) -> str | None:
    label = None
    for w in words:
        if w in gaz.heads:
            label = gaz.heads[w]
    return label
