"""Document-level linking: short mentions take the canonical of a full name in the same
document ("Shinzo Abe ... Abe"), defined acronyms their long form, and mentions no rule caught
are added."""
from __future__ import annotations

from .candidates import PRIO_ALIAS_DEF, PRIO_NAME, Candidate
from .normalize import normalize_name, slug_id
from .scene import Scene


def link_aliases(kept: list[Candidate], scene: Scene, defined: dict[str, Candidate]) -> list[Candidate]:
    """Link short mentions to full names in the same document and add uncaught ones.

    "Shinzo Abe ... Abe" and "Alexander Panov ... Mr Panov" -> the full name's canonical with
    source "alias"; a defined acronym's later mentions -> the long form's entity.
    """
    view = scene.view
    full_by_word, first_pos = _full_names_by_word(kept, scene)
    out = []
    taken: set[int] = set()
    for cand in kept:
        taken.update(range(cand.start, cand.end))
        if cand.label == "PERSON" and (cand.short or cand.length == 1 or len(cand.canonical.split()) == 1):
            text = view.texts[cand.start] if cand.length == 1 else normalize_name(view.span_text(cand.start, cand.end))
            full = full_by_word.get(text)
            if full is not None and full.canonical != cand.canonical:
                cand = Candidate(cand.start, cand.end, "PERSON", full.canonical, full.kb_id, full.actor, "alias", cand.prio)
            elif full is not None and cand.short and first_pos.get(full.canonical, cand.start + 1) < cand.start:
                cand = Candidate(cand.start, cand.end, "PERSON", cand.canonical, cand.kb_id, cand.actor, "alias", cand.prio)
            elif full is None and cand.source == "pattern" and cand.length == 1:
                cand = _link_first_name(cand, kept, scene)
        out.append(cand)
    out += _uncaught_mentions(scene, taken, defined, full_by_word)
    out.sort(key=lambda c: c.start)
    return out


def _full_names_by_word(kept: list[Candidate], scene: Scene) -> tuple[dict[str, Candidate | None], dict[str, int]]:
    """The full person name each surname or short form stands for (None when two different
    people share it), and where each full name is first mentioned."""
    view, gaz = scene.view, scene.gaz
    full_by_word: dict[str, Candidate | None] = {}
    first_pos: dict[str, int] = {}
    for cand in kept:
        if cand.label != "PERSON":
            continue
        words = cand.canonical.split()
        if len(words) < 2 or cand.short:
            continue
        first_pos.setdefault(cand.canonical, cand.start)
        doc_words = [w for w in view.texts[cand.start:cand.end] if w[:1].isupper()]
        keys = {words[-1], doc_words[-1] if doc_words else words[-1]}
        keys |= set(gaz.entries[gaz.alias_index[cand.canonical]]["short"]) if cand.canonical in gaz.alias_index else set()
        for key in keys:
            if key in gaz.name_stop:
                continue
            prev = full_by_word.get(key, cand)
            full_by_word[key] = cand if prev is cand or prev is None or prev.canonical == cand.canonical else None
    return full_by_word, first_pos


def _uncaught_mentions(scene: Scene, taken: set[int], defined: dict[str, Candidate],
                       full_by_word: dict[str, Candidate | None]) -> list[Candidate]:
    """Mentions no rule caught: a defined acronym or a linked surname standing alone."""
    view, is_name_token = scene.view, scene.is_name_token
    out = []
    for i in view.cap_idx:
        if i in taken or not view.in_region[i]:
            continue
        text = view.texts[i]
        if text in defined:
            d = defined[text]
            out.append(Candidate(i, i + 1, d.label, d.canonical, d.kb_id, d.actor, "alias", PRIO_ALIAS_DEF))
            continue
        full = full_by_word.get(text)
        if full is None or not view.cap[i]:
            continue
        if (i + 1 < view.n and is_name_token(i + 1)) or (i > 0 and is_name_token(i - 1) and (i - 1) not in taken):
            continue  # part of another, longer name
        out.append(Candidate(i, i + 1, "PERSON", full.canonical, full.kb_id, full.actor, "alias", PRIO_NAME))
    return out


def _link_first_name(cand: Candidate, kept: list[Candidate], scene: Scene) -> Candidate:
    """"Russian President Vladimir" (a slip for Vladimir Putin): a lone first name after a
    country-qualified title links to the only known person of that country with that name."""
    gaz = scene.gaz
    first = scene.view.texts[cand.start]
    in_doc = {c.canonical for c in kept if c.label == "PERSON" and c.canonical.split()[0] == first and len(c.canonical.split()) > 1}
    if len(in_doc) == 1:
        canonical = next(iter(in_doc))
        idx = gaz.alias_index.get(canonical)
        kb_id = gaz.entries[idx]["kb_id"] if idx is not None else slug_id(canonical)
        return Candidate(cand.start, cand.end, "PERSON", canonical, kb_id, None, "alias", cand.prio)
    if cand.country:
        matches = gaz.persons_by_first.get((first, cand.country), [])
        if len(matches) == 1:
            entry = gaz.entries[matches[0]]
            return Candidate(cand.start, cand.end, "PERSON", entry["canonical"], entry["kb_id"], entry.get("actor"), "alias", cand.prio)
    return cand
