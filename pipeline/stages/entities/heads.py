"""Names the gazetteer does not know, found by their head word: a capitalized run ending in
"Institute", "Declaration", "War", "Strait" ... (the label comes from the head word, see
``heads.tsv``), with its "of ..." complement."""
from __future__ import annotations

import numpy as np

from .candidates import PRIO_GAZETTEER, PRIO_HEAD, Candidate
from .gazetteer import Gazetteer
from .normalize import normalize_name, slug_id
from .scene import Scene
from .speed import DocView, OrthSet

_MONTHS = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)
_ROMAN = frozenset({"I", "II", "III", "IV", "V", "VI"})


def find_head_names(scene: Scene) -> list[Candidate]:
    """Capitalized names ending in a head word: "National Research Institute of World Economy
    and International Relations" (ORG), "Tokyo Declaration" (LAW), "Russo-Japanese War" (EVENT)."""
    view, gaz = scene.view, scene.gaz
    texts, head_words = view.texts, gaz.heads.keys()
    head_orths = gaz.head_orths or OrthSet(map(view.doc.vocab.strings.add, head_words))
    out = []
    i = 0
    for first in capitals_before_heads(view, head_orths.positions(view.orths)):
        if first < i:
            continue
        run_end = _run_end(view, first, view.region_end[first], gaz.connectors)
        i = max(run_end, first + 1)  # next run (moved back when "X and the Y" splits this one)
        if head_words.isdisjoint(texts[first:run_end]):
            continue  # no head word in the run
        end, label_head, split_at = _name_end(view, gaz, first, run_end, scene.cover.nonperson)
        if split_at is not None:
            i = split_at
        if end is None:
            continue
        start = _name_start(scene, first, end, label_head)
        if end - start < 2 or start > label_head:
            continue
        while start < label_head and (texts[start][:1].isdigit() or texts[start] in _MONTHS or _opening_verb(scene, start)):
            start += 1  # "The 2022 Strategic Concept", "July 2023 ...", "Implement Defence Data Strategy"
        year = start - 1 if _title_year(view, gaz, start, label_head) else None
        cand = _head_candidate(scene, start, end, label_head, year)
        if cand is not None:
            out.append(cand)
    return out


def _opening_verb(scene: Scene, k: int) -> bool:
    """A sentence-opening verb before a name ("Implement Defence Data Strategy", a bullet point),
    as the syntax model tags it (never without tags)."""
    return scene.view.initial[k] and scene.doc.has_annotation("POS") and scene.doc[k].pos_ == "VERB"


def _title_year(view: DocView, gaz: Gazetteer, start: int, label_head: int) -> bool:
    """A year right before a name whose head keeps it ("the 2029 Defence Update", "the 2022
    Strategic Concept"); before other heads a year is a date ("the 2031 Lisbon Summit")."""
    if start == 0 or view.texts[label_head] not in gaz.title_year_heads:
        return False
    word = view.texts[start - 1]
    return len(word) == 4 and word.isdigit() and word[:2] in ("19", "20") and view.in_region[start - 1]


def _run_end(view: DocView, i: int, limit: int, connectors: frozenset[str]) -> int:
    """End of the capitalized run from token ``i``, with internal connectors and glued hyphens."""
    # (locals: the run scan visits every capitalized token)
    texts, lower, cap, upper, space_after = view.texts, view.lower, view.cap, view.upper, view.space_after
    j = i
    while j < limit:
        if cap[j] or upper[j] or (texts[j][:1].isdigit() and j > i):
            j += 1
        elif lower[j] in connectors and j > i and texts[j] != "The":
            # "of", "of the", "and": only inside the run, i.e. followed by a capitalized word
            k = j + 1
            if k < limit and lower[k] == "the":
                k += 1
            if k < limit and (cap[k] or upper[k]):
                j = k
            else:
                break
        elif texts[j] in ("-", "‐", "–") and j > i and not space_after[j - 1] and not space_after[j] and j + 1 < limit and cap[j + 1]:
            j += 1
        else:
            break
    return j


def _name_end(view: DocView, gaz: Gazetteer, run_start: int, run_end: int,
              nonperson: list[bool]) -> tuple[int | None, int | None, int | None]:
    """(end, label head, split) of the name in a run: it ends at the last head outside a
    complement, or at the end of an "of/for/on ..." complement after it; the label comes from
    that head ("Main Directorate of Deep-Sea Research" is an ORG, not a sea). ``split``: where
    "X and the Y" (or "X and <a known name>") starts a second name, to be scanned next (else
    None)."""
    end = label_head = None
    k = run_start
    in_comp = False
    while k < run_end:
        word = view.texts[k]
        if word in gaz.heads and not in_comp:
            end, label_head = k + 1, k
        elif end == k and (view.lower[k] == "of" or (
            view.lower[k] in ("for", "on") and gaz.heads[view.texts[label_head]] in ("ORG", "EVENT", "LAW")
        )):
            in_comp = True  # "Strait of Hormuz", "Conference on Disarmament", not "Strait on Monday"
        elif view.lower[k] in ("and", "&") and end == k and (
            k + 1 < run_end and (view.lower[k + 1] == "the" or all(nonperson[k + 1:run_end]) or view.texts[k + 1] in gaz.heads
                                 or (not in_comp and any(view.texts[m] in gaz.heads for m in range(k + 1, run_end))))
        ):
            # "Bank of Japan and the Ministry of Finance", "... Ministry of Defense and Wikimedia
            # Commons": two names (not "Institute for National Security and Zionist Strategy")
            return end, label_head, k + 1
        elif in_comp and word in gaz.title_phrases and gaz.heads[view.texts[label_head]] in ("EVENT", "LAW"):
            end = label_head + 1  # "Riviera Plan of US President Donald Trump": the plan's name is its own
            break
        elif in_comp and (view.cap[k] or view.upper[k]) and word not in _MONTHS:
            end = k + 1  # "... of World Economy and International Relations"
        elif end == k and (word[:1].isdigit() or word in _ROMAN):
            end = k + 1  # "Resolution 2231", "World War I"
        elif in_comp and word in _MONTHS:
            break  # "Munich Security Conference on February 18"
        k += 1
    return end, label_head, None


def _name_start(scene: Scene, run_start: int, end: int, label_head: int) -> int:
    """Where the name ending at ``end`` starts: no leading connector or sentence-initial stop
    word, nothing before a conjunction that follows a known name, nothing before the head's own
    modifiers."""
    view = scene.view
    start = run_start
    while start < end and (view.lower[start] in scene.gaz.connectors or (view.initial[start] and view.is_stop(start))):
        start += 1
    # "Kunashiri and Shikotan Islands": a conjunction after a known name before the first head
    # joins two names, not one: the name starts after it
    nonperson = scene.cover.nonperson
    for k in range(start, label_head):
        if view.lower[k] in ("and", "&") and any(nonperson[m] for m in range(start, k)):
            start = k + 1
    # "Dr. Farah Qureshi of the Institute of ...": a name before the head's own modifiers is
    # a different entity; the head's name starts after the last "of/for/the" before it
    for k in range(start, label_head):
        if view.lower[k] in ("of", "for", "on", "the"):
            start = k + 1
    return start


def _head_candidate(scene: Scene, start: int, end: int, label_head: int, year: int | None = None) -> Candidate | None:
    """The candidate of the name [start, end) (from ``year`` when a title year precedes it): the
    gazetteer's reading when it knows the name, else a pattern candidate unless the name is no
    evidence of one (heading, common word + head, a person's administration)."""
    view, gaz, cover = scene.view, scene.gaz, scene.cover
    first = start if year is None else year
    text = normalize_name(view.span_text(first, end))
    if text in gaz.non_entities:
        return None
    label = gaz.heads[view.texts[label_head]]
    idx = gaz.alias_index.get(text) if year is not None else None
    if idx is None:
        plain = text if year is None else normalize_name(view.span_text(start, end))
        idx = _known_name(scene, plain, start, end, label_head, label)
    if idx is not None:
        entry = gaz.entries[idx]
        return Candidate(first, end, entry["label"], entry["canonical"], entry["kb_id"], entry.get("actor"), "gazetteer", PRIO_GAZETTEER)
    if view.heading[start]:
        return None  # title-case headings: capitalization is no evidence of a name
    modifiers = [k for k in range(start, label_head) if view.lower[k] not in gaz.connectors and view.texts[k][:1].isalnum()]
    if year is None and label_head + 1 == end and (not modifiers or (len(modifiers) == 1 and view.is_common(modifiers[0]))):
        return None  # "Wider War", "Task Force", "Security Department": a common word + head
    head = view.texts[label_head]
    if head == "Paper" and view.texts[label_head - 1] not in _PAPERS:
        return None  # "Syassky Pulp & Paper": a company; a law's paper is white, green or a command paper
    if year is None and head in gaz.title_year_heads and len(modifiers) == 1 and _demonym(cover, modifiers[0]):
        return None  # "the German Framework", "Israeli Strategy": a country's document, unnamed
    if label == "ORG" and view.texts[label_head] == "Administration" and any(
        cover.at_start.get(k) is None and not cover.nonperson[k] and view.cap[k] for k in range(start, label_head)
    ):
        return None  # "Trump Administration": a person's name + administration
    return Candidate(first, end, label, text, slug_id(text), None, "pattern", PRIO_HEAD)


_PAPERS = frozenset({"White", "Green", "Command", "Position", "Discussion", "Policy"})


def _demonym(cover, k: int) -> bool:
    """Token ``k`` is a gazetteer demonym (NORP) of its own."""
    known = cover.any_at_end.get(k + 1)
    return known is not None and known.start == k and known.label == "NORP"


def _known_name(scene: Scene, text: str, start: int, end: int, label_head: int, label: str) -> int | None:
    """The gazetteer entry of the name: the whole text, a known name plus its head word, or a
    country word before a known body."""
    view, gaz, at_start = scene.view, scene.gaz, scene.cover.at_start
    idx = gaz.alias_index.get(text)
    if idx is None and end - 1 == label_head and end - 1 > start:
        # "Sakhalin Island", "Minsk II Accords", "Huawei Group": a known name plus a head word
        idx = gaz.alias_index.get(normalize_name(view.span_text(start, end - 1)))
        if idx is not None and (_label_family(gaz.entries[idx]["label"]) != _label_family(label) or label == "EVENT"):
            idx = None  # (an event plus an event word is another event: "Easter Offensive")
    if idx is None and start in at_start and at_start[start].end <= label_head:
        # "Russian Black Sea Fleet", "UK Royal Air Force": a country word before a known body
        rest = gaz.alias_index.get(normalize_name(view.span_text(at_start[start].end, end)))
        if rest is not None and gaz.entries[rest]["label"] == label:
            idx = rest
    return idx


def capitals_before_heads(view: DocView, heads_at: list[int]) -> list[int]:
    """The capitalized tokens in analyzed regions with a head word (``heads_at``: ascending token
    indices) between them and the end of their region.

    A run of find_head_names lies between its first token and the end of its region, so a run
    from any other capital has no head word; and so have the runs of the region's later
    capitals (their regions end there or sooner), which were skipped either way: leaving out
    these capitals changes nothing but the time.
    """
    caps = np.array(view.cap_idx, dtype=np.intp)
    if not len(caps) or not heads_at:
        return []
    heads = np.array(heads_at + [view.n], dtype=np.intp)
    next_head = heads[np.searchsorted(heads, caps)]  # the first head word at or after each capital
    keep = view.in_region_array[caps] & (next_head < view.region_end_array[caps])
    return caps[keep].tolist()


def _label_family(label: str) -> str:
    return "PLACE" if label in ("GPE", "LOC", "FAC") else label
