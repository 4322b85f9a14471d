"""Events and laws written with a lower-case head: "the Balkan war" (one EVENT, not "Balkan"
NORP), "the 2031 Lisbon summit" (the year stays a date), "the Russian presidential election",
"the Minsk agreements", "the Gerasimov doctrine". The head words and the kinds of name each one
takes are ``event_heads.tsv``'s; capitalized heads ("Summit", "Treaty") are the head-name rule's.
And laws named by a quoted title before their document noun: the “Going Out” strategy."""
from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS

from .acronyms import positions
from .candidates import PRIO_HEAD, Candidate
from .normalize import normalize_name, slug_id
from .scene import Scene

_DETERMINERS = frozenset({"the"})
_POSSESSIVES = frozenset({"'s", "’s"})
_DASHES = frozenset({"-", "–", "‐"})
_NOUNS = frozenset({"NOUN", "PROPN", "NUM"})
_MAX_PARTS = 3


def find_lower_events(scene: Scene) -> list[Candidate]:
    """EVENT / LAW candidates of a name plus a lower-case head (see the module)."""
    view, gaz = scene.view, scene.gaz
    if not gaz.event_heads or gaz.event_head_orths is None:
        return []
    out = []
    has_pos = None
    for k in gaz.event_head_orths.positions(view.orths):
        if not view.in_region[k] or view.heading[k] or k == 0:
            continue
        label, kinds = gaz.event_heads[view.texts[k]]
        if has_pos is None:
            has_pos = scene.doc.has_annotation("POS")
        if not _ends_phrase(scene, k, has_pos):
            continue
        j = k
        if label == "EVENT":
            while j > 0 and view.lower[j - 1] in gaz.event_premodifiers:
                j -= 1  # "the Russian presidential election"
        start = _name_before(scene, j, kinds, has_pos)
        if start is None:
            continue
        out.append(_event_candidate(scene, start, k + 1, label))
    return out


def _ends_phrase(scene: Scene, k: int, has_pos: bool) -> bool:
    """The head ends its noun phrase: "the Iraq war ended", not "the Iraq war veterans" or
    "the Iraq war-fighting doctrine". Without a tagger, only punctuation, a stop word or a past
    tense ("the Balkan war ended") may follow."""
    view = scene.view
    nxt = k + 1
    if nxt >= view.n or nxt >= view.region_end[k]:
        return True
    if view.texts[nxt] in _DASHES and not view.space_after[k]:
        return False
    if view.is_space[nxt] or not view.texts[nxt][:1].isalnum():
        return True
    if has_pos:
        return scene.doc[nxt].pos_ not in _NOUNS
    return view.lower[nxt] in STOP_WORDS or view.lower[nxt].endswith("ed")


def _name_before(scene: Scene, end: int, kinds: frozenset[str], has_pos: bool) -> int | None:
    """Start of the name right before token ``end`` that the head accepts (``kinds``), with "the"
    (or a possessive) before it and a year between them allowed; None when there is none."""
    view = scene.view
    start, parts = end, 0
    while parts < _MAX_PARTS:
        part = _part_before(scene, start, has_pos)
        if part is None:
            break
        first, kind = part
        if kind not in kinds and not (kind == "city" and "place" in kinds):
            return None  # "the US agreement": a country where a treaty wants a city
        start, parts = first, parts + 1
        if start > 0 and view.texts[start - 1] in _DASHES and not view.space_after[start - 1] and start > 1 and not view.space_after[start - 2]:
            start -= 1  # "Israel-Hamas war": parts joined by a glued dash
            continue
    if parts == 0 or start == 0:
        return None
    before = start - 1
    if view.texts[before][:1].isdigit() and len(view.texts[before]) == 4 and before > 0:
        before -= 1  # "the 2031 Lisbon summit": the year is a date, not part of the name
    if view.lower[before] in _DETERMINERS or view.texts[before] in _POSSESSIVES:
        while view.texts[start] in _DASHES:
            start += 1
        return start
    return None


def _part_before(scene: Scene, end: int, has_pos: bool) -> tuple[int, str] | None:
    """The name part ending right before token ``end``: a gazetteer match (its kind from its
    label) or an unknown capitalized word; None when there is neither."""
    view, gaz, cover = scene.view, scene.gaz, scene.cover
    k = end - 1
    if k < 0 or not view.in_region[k]:
        return None
    known = cover.any_at_end.get(end)
    if known is not None:
        kind = _kind(known)
        return (known.start, kind) if kind is not None else None
    text = view.texts[k]
    if not view.cap[k] or view.is_common(k) or text in gaz.name_stop or text in gaz.title_words or text in gaz.heads:
        return None
    if any(c.isdigit() for c in text):
        return None  # "Zapad-2021 exercises": the exercise is named already
    if view.initial[k] and view.lower[k] in STOP_WORDS:
        return None
    if has_pos and scene.doc[k].pos_ not in ("PROPN", "ADJ"):
        return None  # (a place name before a noun is often tagged ADJ: "the Salisbury attack")
    return k, "name"


def _kind(cand: Candidate) -> str | None:
    """The kind of name a gazetteer match is for event_heads.tsv."""
    if cand.label == "GPE":
        return "place" if cand.actor is not None and cand.actor == cand.canonical else "city"
    if cand.label == "LOC":
        return "city"
    return {"NORP": "norp", "ORG": "org", "PERSON": "person"}.get(cand.label)


def _event_candidate(scene: Scene, start: int, end: int, label: str) -> Candidate:
    """The candidate of [start, end): the gazetteer's reading of the name with its head
    capitalized ("Crimean war" -> Crimean War) when it has one, else a pattern name."""
    view, gaz = scene.view, scene.gaz
    text = normalize_name(view.span_text(start, end))
    head = view.texts[end - 1]
    for variant in (text, text[: len(text) - len(head)] + head.capitalize()):
        idx = gaz.alias_index.get(variant)
        if idx is not None and gaz.entries[idx]["label"] in ("EVENT", "LAW"):
            entry = gaz.entries[idx]
            return Candidate(start, end, entry["label"], entry["canonical"], entry["kb_id"], entry.get("actor"), "gazetteer", PRIO_HEAD)
    return Candidate(start, end, label, text, slug_id(text), None, "pattern", PRIO_HEAD)


_OPEN_QUOTES = frozenset({"“", "‘", '"'})
_CLOSE_QUOTES = frozenset({"”", "’", '"'})
# document nouns that make a quoted title before them a law's name (not "concept", "policy" or
# "program": ideas, slogans and programmes are no laws)
_TITLED_NOUNS = frozenset({"strategy", "plan", "doctrine", "agreement", "treaty", "declaration", "act", "law",
                           "roadmap", "guidelines", "accord", "charter", "white"})
_MAX_TITLE = 8


def find_quoted_titles(scene: Scene) -> list[Candidate]:
    """LAW candidates of a quoted title-case name right before a document noun: the “Going
    Out” strategy, the “Made in China 2025” plan (the title without its quotes)."""
    view, gaz = scene.view, scene.gaz
    text = view.text
    if "“" not in text and '"' not in text and "‘" not in text:
        return []
    closes = sorted(k for quote in _CLOSE_QUOTES if quote in text for k in positions(view.texts, quote))
    out = []
    for k in closes:
        if not 0 < k < view.n - 1 or view.lower[k + 1] not in _TITLED_NOUNS or not view.in_region[k]:
            continue
        j = k - 1
        while j > 0 and k - j <= _MAX_TITLE and view.texts[j - 1] not in _OPEN_QUOTES:
            j -= 1
        if j == 0 or view.texts[j - 1] not in _OPEN_QUOTES or j >= k:
            continue
        words = [m for m in range(j, k) if view.texts[m][:1].isalnum()]
        if not words or not all(view.cap[m] or view.upper[m] or (m != j and view.lower[m] in STOP_WORDS)
                                or (view.texts[m].isdigit() and len(view.texts[m]) == 4) for m in words):
            continue
        if not view.cap[j] or len(words) < 2 and view.is_common(j):
            continue
        title = normalize_name(view.span_text(j, k))
        out.append(Candidate(j, k, "LAW", title, slug_id(title), None, "pattern", PRIO_HEAD))
    return out
