"""Entities the stage knows by name: gazetteer matches (with country-qualified bodies) and named
exercises with a year (a statistical NER's entities are :mod:`.model`'s)."""
from __future__ import annotations

from .candidates import PRIO_GAZETTEER, Candidate
from .gazetteer import Gazetteer
from .normalize import normalize_name, slug_id
from .scene import GazetteerCover, Scene, gazetteer_cover
from .speed import DocView

DETERMINERS = frozenset({"the", "a", "an"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})


def find_gazetteer(view: DocView, gaz: Gazetteer) -> tuple[list[Candidate], GazetteerCover]:
    """Gazetteer matches inside analyzed regions, with country-qualified bodies extended, and the
    cover of the plain matches (what the name rules read of them)."""
    doc = view.doc
    cands: list[Candidate] = []
    seen: set[tuple[int, int, int]] = set()
    # (locals: this loop runs once per match, some ten thousand times per long article)
    in_region, region_end, lower, initial = view.in_region, view.region_end, view.lower, view.initial
    match_info = gaz.match_info
    matches = gaz.orth_matcher(doc)
    matches += gaz.lower_matcher(doc)
    for match_id, start, end in matches:
        if not in_region[start] or end > region_end[start]:
            continue
        idx, short, label, canonical, kb_id, actor, flags = match_info[match_id]
        if (start, end, idx) in seen:
            continue
        seen.add((start, end, idx))
        if lower[start] == "the" and end - start > 1:
            start += 1  # an alias written with its article ("the Alliance"): the name follows it
        if flags:
            if "after_the" in flags and (start == 0 or lower[start - 1] != "the"):
                continue
            if "not_initial" in flags and initial[start]:
                continue
        cands.append(Candidate(start, end, label, canonical, kb_id, actor, "gazetteer", PRIO_GAZETTEER, short, None, idx))
    cover = gazetteer_cover(cands, view.n)
    qualified = _qualified(cands, view, gaz, cover)
    # "Government", "Embassy": entities only with their country ("the Japanese Government")
    cands = [c for c in cands if c.entry < 0 or "qualified_only" not in gaz.entries[c.entry]["flags"]]
    if qualified:  # a body qualified without a longer span ("Poland's Ministry ...") replaces its plain reading
        same = {(q.start, q.end) for q in qualified}
        cands = [c for c in cands if (c.start, c.end) not in same or c.entry < 0 or "qualify" not in gaz.entries[c.entry]["flags"]]
    return cands + qualified, cover


def _qualified(cands: list[Candidate], view: DocView, gaz: Gazetteer, cover: GazetteerCover) -> list[Candidate]:
    """"Russian Defence Ministry", "Ministry of Defence of Japan": a generic body + its country."""
    out = []
    for cand in cands:
        if cand.short or cand.entry < 0 or "qualify" not in gaz.entries[cand.entry]["flags"]:
            continue
        country, start, end = None, cand.start, cand.end
        before = cover.at_end.get(cand.start)
        if before is not None and (before.label == "NORP" or view.upper[before.start] or before.length == 1):
            country, start = before.actor, before.start
        elif cand.start > 1 and view.texts[cand.start - 1] in POSSESSIVES and cover.at_end.get(cand.start - 1) is not None:
            # "Poland's Ministry of National Defence": the country's, the span the body's alone
            country = cover.at_end[cand.start - 1].actor
        elif end + 1 < view.n and view.lower[end] == "of":
            k = end + 1 + (view.lower[end + 1] == "the")
            after = cover.at_start.get(k)
            if after is not None and after.label == "GPE":
                country, end = after.actor, after.end
        if country:
            canonical = f"{cand.canonical} ({country})"
            out.append(Candidate(start, end, cand.label, canonical, slug_id(canonical), country, "gazetteer", PRIO_GAZETTEER))
    return out


def find_exercises(scene: Scene) -> list[Candidate]:
    """Named exercises with a year: "Vostok-2018", "Zapad 2021" -> EVENT "Vostok 2018"."""
    doc, view, gaz = scene.doc, scene.view, scene.gaz
    if gaz.exercise_re is None:
        return []
    text = view.text
    # Most documents name no exercise: one search for the bare names (or substring tests) is far
    # cheaper than the full pattern with its look-behind.
    if gaz.exercise_names_re is not None:
        if gaz.exercise_names_re.search(text) is None:
            return []
    elif not any(name in text for name in gaz.lexicons.get("exercises", ())):
        return []
    out = []
    for m in gaz.exercise_re.finditer(text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="strict")
        if span is None or not view.in_region[span.start]:
            continue
        year = m.group(2)
        if len(year) == 2:
            year = ("19" if int(year) > 50 else "20") + year
        canonical = f"{m.group(1)}-{year}"
        out.append(Candidate(span.start, span.end, "EVENT", canonical, slug_id(canonical), None, "pattern", PRIO_GAZETTEER))
    return out


