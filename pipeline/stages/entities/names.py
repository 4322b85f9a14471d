"""People the gazetteer does not know, guessed from capitalized names with evidence: a title
before the name, a known given name, an apposition or a reporting verb."""
from __future__ import annotations

import operator

from .candidates import PRIO_NAME, PRIO_TITLE, Candidate
from .matching import POSSESSIVES
from .normalize import normalize_name, slug_id
from .scene import Scene
from .speed import DocView


def name_run(scene: Scene, i: int, limit: int, max_tokens: int = 4) -> int:
    """End (exclusive) of a person-name run starting at token i, or i when there is none."""
    view, particles, is_name_token = scene.view, scene.gaz.name_particles, scene.is_name_token
    j, count = i, 0
    while j < limit and count < max_tokens:
        if is_name_token(j):
            j += 1
            count += 1
            # "Kim Jong-un", "Shetler-Jones": hyphen glued to both neighbours
            while (j + 1 < limit and view.texts[j] in ("-", "‐") and not view.space_after[j - 1]
                   and not view.space_after[j] and view.texts[j + 1][:1].isalpha()):
                j += 2
            continue
        if count and view.lower[j] in particles and j + 1 < limit and is_name_token(j + 1):
            j += 1  # "Mohammed bin Salman", "Ursula von der Leyen"
            continue
        break
    return j


def find_title_persons(scene: Scene) -> list[Candidate]:
    """Names after titles: "Prime Minister Shinzo Abe", "former Russian Ambassador to Japan
    Alexander Panov", "Senior researcher Marcin Kaczmarski", "Mr Panov"."""
    view, gaz, cover = scene.view, scene.gaz, scene.cover
    out = []
    # by start, then longest first (two stable sorts on one field: no key tuple per match)
    matches = sorted(gaz.title_matcher(scene.doc), key=operator.itemgetter(2), reverse=True)
    matches.sort(key=operator.itemgetter(1))
    last_end = -1
    for match_id, start, end in matches:
        if end <= last_end or not view.in_region[start]:
            continue
        kind = gaz.title_kind[match_id]
        limit = view.region_end[start]
        j = _after_title(scene, end, limit)
        if j is None:
            continue
        name_end = name_run(scene, j, limit)
        n_tokens = name_end - j
        if n_tokens == 0 or (kind == "role" and n_tokens < 2):
            continue
        if all(view.is_common(k) for k in range(j, name_end)):
            continue  # "General Data Protection Regulation" is no general's name
        last_end = name_end
        country = None
        k = start - 1
        while k >= 0 and view.lower[k] in gaz.title_premodifiers:
            k -= 1
        before = cover.at_end.get(k + 1)
        if before is not None:
            country = before.actor
        text = normalize_name(view.span_text(j, name_end))
        out.append(Candidate(j, name_end, "PERSON", text, slug_id(text), None, "pattern", PRIO_TITLE, country=country))
    return out


def _after_title(scene: Scene, end: int, limit: int) -> int | None:
    """Where the name after a title ending at ``end`` starts: after a glued period ("Mr."), and
    after a complement ("Ambassador to Japan", "Minister of the Interior"); None when the
    complement names nothing."""
    view = scene.view
    j = end
    if j < limit and view.texts[j] == "." and not view.space_after[j - 1]:
        j += 1  # "Mr." split off
    if j < limit and view.lower[j] in ("to", "of", "for", "at"):
        k = j + 1 + (j + 1 < limit and view.lower[j + 1] == "the")
        hop = scene.cover.at_start.get(k)
        if hop is not None:
            return hop.end
        hop_end = _cap_run_end(view, k, limit)
        if hop_end == k:
            return None
        j = hop_end
    return j


def _cap_run_end(view: DocView, i: int, limit: int) -> int:
    j = i
    while j < limit and (view.cap[j] or view.upper[j]):
        j += 1
    return j


def find_name_persons(scene: Scene) -> list[Candidate]:
    """People named without a title: a known given name ("Kristina Voda"), an apposition
    ("Kristina Voda, who ...", "X Y, the former minister"), or a reporting verb ("said X Y")."""
    view, is_name_token = scene.view, scene.is_name_token
    out = []
    i = 0
    for first in view.cap_idx:
        if first < i or not view.in_region[first] or view.heading[first] or not is_name_token(first):
            continue
        i = first
        limit = view.region_end[i]
        end = name_run(scene, i, limit)
        if end - i < 2 or (i > 0 and is_name_token(i - 1)):
            i = max(end, i + 1)
            continue
        start = i
        # a sentence-initial common word is not part of a name ("However Putin" cannot occur,
        # but "Officials Kristina ..." can): drop an initial stop word
        if view.initial[start] and view.is_stop(start):
            start += 1
            if end - start < 2:
                i = end
                continue
        if all(view.is_common(k) for k in range(start + 1, end)):
            i = end
            continue  # "Christian Democratic ...", "Grant Funding": no surname
        known = scene.cover.any_at_end.get(end)
        if known is not None and known.label == "PERSON" and known.start > start and known.length > 1:
            i = end
            continue  # "Secretary of Commerce Gina Raimondo": the known name is the person
        if _person_evidence(scene, start, end):
            text = normalize_name(view.span_text(start, end))
            out.append(Candidate(start, end, "PERSON", text, slug_id(text), None, "pattern", PRIO_NAME))
        i = end
    return out


def _person_evidence(scene: Scene, start: int, end: int) -> bool:
    """Whether the capitalized run [start, end) names a person: a known given name first, an
    apposition after it with a title word ("X Y, the former minister", "X Y, who"), or a
    reporting verb after or before it ("X Y said", "said X Y", "according to X Y")."""
    view, gaz = scene.view, scene.gaz
    n = view.n
    if view.texts[start] in gaz.given_names:
        return True
    if end < n and view.texts[end] == ",":
        k = end + 1
        if k < n and view.lower[k] in gaz.apposition_openers:
            if view.lower[k] == "who":
                return True
            if any(w in gaz.title_words for w in view.lower[k:min(n, k + 8)]):
                return True
        elif k + 1 < n and k in scene.cover.at_start and view.texts[scene.cover.at_start[k].end] in POSSESSIVES:
            if any(w in gaz.title_words for w in view.lower[k:min(n, k + 8)]):
                return True
    if end < n and view.lower[end] in gaz.reporting_verbs:
        return True
    if start > 0:
        k = start - 1
        if view.lower[k] in gaz.reporting_verbs or (k > 0 and view.lower[k - 1] == "according" and view.lower[k] == "to"):
            return True
    return False


def find_place_given_persons(scene: Scene) -> list[Candidate]:
    """People whose given name is also a place or nationality: "Georgia Hale", "Victoria Ortiz",
    "Jordan Pike". The gazetteer reads the first word as a place; followed by a surname-like word
    (capitalized, no place, title, head or common word: not "Jordan Valley", "Georgia Tech"), or by
    any capitalized word when the context says person ("Jordan Pike said"), it starts a name."""
    view, gaz = scene.view, scene.gaz
    if gaz.place_given_orths is None:
        return []
    out = []
    for i in gaz.place_given_orths.positions(view.orths):
        if not view.in_region[i] or view.heading[i] or i + 1 >= view.n:
            continue
        known = scene.cover.any_at_end.get(i + 1)
        if known is not None and (known.start != i or known.label not in ("GPE", "LOC", "NORP")):
            continue  # part of a longer known name ("New South Wales" cannot occur, "Jordan River" can)
        if i > 0 and (scene.is_name_token(i - 1) or scene.cover.nonperson[i - 1]) and not view.initial[i]:
            continue  # inside a longer name
        limit = view.region_end[i]
        end = name_run(scene, i + 1, limit, max_tokens=3)
        if end == i + 1 or any(view.texts[k] in gaz.heads for k in range(i + 1, end)):
            continue
        if all(view.is_common(k) for k in range(i + 1, end) if view.cap[k]) and not _person_evidence(scene, i, end):
            continue
        text = normalize_name(view.span_text(i, end))
        surname = scene.cover.any_at_end.get(end)
        if surname is not None and surname.label == "PERSON" and surname.start == i + 1:
            # "Georgia Meloni": the known person, her first name spelled as a place
            out.append(Candidate(i, end, "PERSON", surname.canonical, surname.kb_id, surname.actor, "gazetteer", PRIO_NAME))
            continue
        out.append(Candidate(i, end, "PERSON", text, slug_id(text), None, "pattern", PRIO_NAME))
    return out
