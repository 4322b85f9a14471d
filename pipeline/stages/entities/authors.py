"""Authors and the people of the author block: each name of a byline ("By Anna Lindqvist and
Piotr Nowak"), the subject of an author bio ("Anna Lindqvist is a senior fellow ...") and her
first name later in it ("Anna previously worked ..."), the research units of roles and bios
("Europe, Russia, and Eurasia Program", "Freeman Chair in China Studies"), and the metadata's
authors wherever the text writes them. Their canonical name is the metadata's spelling when the metadata names them,
so the document's ``authors`` and these records agree."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from .candidates import PRIO_HEAD, PRIO_TITLE, Candidate
from .gazetteer import Gazetteer
from .normalize import normalize_name, slug_id
from .scene import Scene
from .speed import DocView

# what separates the names of a byline ("By A, B and C", "A & B", "A | Senior Fellow")
_BYLINE_SEPARATORS = frozenset({",", ";", "and", "&", "|", "/", "·", "•", "–", "—", "with"})
_BY = frozenset({"by", "by:", "written", "words"})
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_NOT_NAMES = frozenset({"et al", "et al.", "others", "and others"})


def metadata_authors(authors: Iterable[str] | None) -> list[str]:
    """The person names among metadata authors: "A and B" and "A, et al." split, names that
    are no person's ("Research Team X") left out by :func:`person_like` later."""
    out: list[str] = []
    for entry in authors or ():
        for name in _AUTHOR_SPLIT.split(entry or ""):
            name = normalize_name(name.strip().rstrip(",;"))
            if name and name.lower() not in _NOT_NAMES and name not in out:
                out.append(name)
    return out


def person_like(words: Sequence[str], gaz: Gazetteer) -> bool:
    """Whether the words can be a person's name: two to five capitalized words, initials or
    name particles, none a title, an organisation's head word or a word never in a name, and
    not all of them common words ("Research Team")."""
    if not 2 <= len(words) <= 5:
        return False
    named = 0
    for word in words:
        if word.lower() in gaz.name_particles and named:
            continue
        if not word[:1].isupper() or word in gaz.name_stop or word in gaz.title_words or word in gaz.heads:
            return False
        if len(word) > 1 and word.isupper() and not word.endswith("."):
            return False  # an acronym: an institute, not a person
        named += 1
    return named >= 2 and not all(w.lower() in gaz.common_words for w in words if len(w) > 2)


def find_author_names(scene: Scene) -> list[Candidate]:
    """PERSON candidates of bylines, author bios and the metadata's authors (see the module)."""
    view, gaz = scene.view, scene.gaz
    authors = [a for a in metadata_authors(scene.doc._.authors) if person_like(a.split(), gaz)]
    spelled = {a.lower(): a for a in authors}
    out: list[Candidate] = []
    for start, end, kind in view.paragraphs:
        if kind == "byline":
            out += _byline_names(scene, start, end, spelled)
        elif kind == "author_bio":
            out += _bio_names(scene, start, end, spelled)
        if kind in ("byline", "author_role", "author_bio") and gaz.unit_heads:
            out += _unit_names(view, gaz, start, end)
    if authors:
        out += _metadata_mentions(view, authors)
    return out


def _person(scene: Scene, start: int, end: int, spelled: dict[str, str]) -> Candidate:
    """A PERSON candidate over [start, end): the gazetteer's reading when it knows the name,
    else the metadata's spelling, else the name as written."""
    view, gaz = scene.view, scene.gaz
    text = normalize_name(view.span_text(start, end))
    idx = gaz.alias_index.get(text)
    if idx is not None and gaz.entries[idx]["label"] == "PERSON":
        entry = gaz.entries[idx]
        return Candidate(start, end, "PERSON", entry["canonical"], entry["kb_id"], entry.get("actor"), "gazetteer", PRIO_TITLE)
    canonical = spelled.get(text.lower(), text)
    return Candidate(start, end, "PERSON", canonical, slug_id(canonical), None, "pattern", PRIO_TITLE)


def _byline_names(scene: Scene, start: int, end: int, spelled: dict[str, str]) -> list[Candidate]:
    """Each person-like piece of a byline between separators, titles ("Dr") left out."""
    view, gaz = scene.view, scene.gaz
    tokens = [k for k in range(start, end) if not view.is_space[k]]
    while tokens and view.lower[tokens[0]] in _BY:
        tokens.pop(0)
    pieces: list[list[int]] = [[]]
    for k in tokens:
        if view.lower[k] in _BYLINE_SEPARATORS:
            pieces.append([])
        else:
            pieces[-1].append(k)
    out = []
    for piece in pieces:
        while piece and (view.texts[piece[0]] in gaz.title_words or view.texts[piece[0]] == "."):
            piece.pop(0)  # "Dr", "Dr .", "Professor"
        while piece and view.texts[piece[-1]] in (".", ":"):
            piece.pop()
        if piece and piece[-1] - piece[0] + 1 == len(piece) and person_like([view.texts[k] for k in piece if view.texts[k] not in ("-", "‐")], gaz):
            out.append(_person(scene, piece[0], piece[-1] + 1, spelled))
    return out


def _bio_names(scene: Scene, start: int, end: int, spelled: dict[str, str]) -> list[Candidate]:
    """The subject of an author bio ("X Y is a senior fellow ...", "Dr X Y leads ...") and the
    mentions of X Y's first name later in the same paragraph ("X joined the institute ...")."""
    view, gaz = scene.view, scene.gaz
    i = start
    while i < end and (view.is_space[i] or view.texts[i] in gaz.title_words or view.texts[i] == "."):
        i += 1
    j = i
    while j < end and (view.cap[j] or view.upper[j] or view.texts[j] in ("-", "‐", ",") or _post_nominal(view.texts[j])
                       or (j > i and view.lower[j] in gaz.name_particles)):
        j += 1
    if j >= end or view.lower[j] not in gaz.bio_verbs:
        return []
    name_end = j
    while name_end > i and (_post_nominal(view.texts[name_end - 1]) or view.texts[name_end - 1] == ","):
        name_end -= 1  # "David Gioe FRHistS", "Jane Doe, OBE"
    j = name_end
    words = [view.texts[k] for k in range(i, j) if view.texts[k] not in ("-", "‐")]
    if not person_like(words, gaz):
        return []
    subject = _person(scene, i, j, spelled)
    out = [subject]
    first = view.texts[i]
    for k in range(j, end):
        if (view.texts[k] == first and not scene.is_name_token(k + 1) and not view.cap[k - 1]
                and view.texts[k + 1:k + 2] != ["-"]):
            out.append(Candidate(k, k + 1, "PERSON", subject.canonical, subject.kb_id, None, "alias", PRIO_TITLE))
    return out


def _post_nominal(word: str) -> bool:
    """Letters after a name: "OBE", "FRHistS", "PhD" (two capitals or more, no initial "J.")."""
    return sum(c.isupper() for c in word) >= 2 and word.isalpha() or word == "PhD"


def _metadata_mentions(view: DocView, authors: Sequence[str]) -> list[Candidate]:
    """Every analyzed mention of a metadata author's full name, token-aligned."""
    text, starts = view.text, view.starts
    out = []
    for name in authors:
        pos = text.find(name)
        while pos >= 0:
            k = bisect_left(starts, pos)
            end_char = pos + len(name)
            if k < view.n and starts[k] == pos and view.in_region[k]:
                e = bisect_left(starts, end_char, k)  # the first token starting at or after the end
                last = e - 1
                if starts[last] + len(view.texts[last]) == end_char and e <= view.region_end[k]:
                    out.append(Candidate(k, e, "PERSON", name, slug_id(name), None, "pattern", PRIO_TITLE))
            pos = text.find(name, pos + 1)
    return out


def _unit_names(view: DocView, gaz: Gazetteer, start: int, end: int) -> list[Candidate]:
    """Research units named in an author block: a capitalized run (a list "A, B, and C" included)
    before a unit word ("Program", "Chair", "Team"), with an "in/on/of ..." complement after it:
    "Europe, Russia, and Eurasia Program", "Freeman Chair in China Studies"."""
    out = []
    for k in range(start + 1, end):
        if view.lower[k] not in gaz.unit_heads or not view.cap[k]:
            continue
        first = _unit_start(view, gaz, start, k)
        names = [m for m in range(first, k) if view.cap[m] or view.upper[m]]
        if not names or (len(names) == 1 and view.is_common(names[0])):
            continue  # "Research Team", "the Program": no name before the unit word
        last = k + 1
        if last + 1 < end and view.lower[last] in ("in", "on", "of", "for") and view.cap[last + 1]:
            last += 1
            while last < end and (view.cap[last] or view.upper[last] or view.texts[last] in ("-", "‐", ".")
                                  or (view.lower[last] in gaz.connectors and last + 1 < end and view.cap[last + 1])):
                last += 1
        text = normalize_name(view.span_text(first, last))
        out.append(Candidate(first, last, "ORG", text, slug_id(text), None, "pattern", PRIO_HEAD))
    return out


def _unit_start(view: DocView, gaz: Gazetteer, start: int, k: int) -> int:
    """Where the name of a unit word at ``k`` starts: back over capitalized words, glued
    hyphens, inner connectors and the commas of a list that ends in "and"."""
    first, seen_and = k, False
    m = k - 1
    while m >= start:
        word = view.lower[m]
        if view.cap[m] or view.upper[m]:
            first = m
        elif view.texts[m] in ("-", "‐") and not view.space_after[m] and m > start and not view.space_after[m - 1]:
            pass
        elif word in ("and", "&") and m > start and (view.cap[m - 1] or view.texts[m - 1] == ","):
            seen_and = True
        elif word == "," and seen_and and m > start and view.cap[m - 1]:
            pass
        elif word in gaz.connectors and word != "the" and m > start and view.cap[m - 1]:
            pass
        elif not view.is_space[m] or "\n" in view.texts[m]:
            break
        m -= 1
    return first
