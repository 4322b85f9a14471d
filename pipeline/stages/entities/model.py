"""Entities of a statistical NER (en_core_web_sm and the like) as evidence: spans trimmed to the
name (no article, title, date or possessive; not cut at a glued hyphen; lists split at commas),
looked up in the gazetteer, which decides label and canonical name where it knows the name; the
names it does not know are kept only after filters: a proper-noun span outside headings, no
product, number or title, no bare acronym or common words, and a label the span's head word and
context agree with (PERSON needs a name's shape, GPE a place's context, EVENT and LAW a head)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.tokens import Span

from .authors import person_like
from .candidates import MODEL_LABEL_MAP, PRIO_MODEL, Candidate
from .normalize import normalize_name, slug_id
from .scene import Scene
from .speed import DocView

DETERMINERS = frozenset({"the", "a", "an"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
_HYPHENS = frozenset({"-", "‐", "–"})
_LIST = frozenset({",", ";", "and", "&"})
# (not "of", "to", "from": "a letter from Isaev", "the rise of Khalifa")
_LOCATIVE = frozenset({"in", "near", "at", "around", "outside", "into", "across", "towards", "toward", "via", "through"})
_PLACE_NOUNS = frozenset({"region", "province", "state", "oblast", "district", "county", "governorate", "city", "town", "village"})
_DEMONYM_ENDINGS = ("ian", "ese", "ish", "ean", "ic", "i")


def find_model_entities(ents: Sequence[Span], scene: Scene) -> list[Candidate]:
    """Entities of an earlier statistical NER, labels mapped, trimmed, looked up in the gazetteer,
    the unknown ones filtered (see the module)."""
    view, gaz = scene.view, scene.gaz
    out = []
    for ent in ents:
        label = MODEL_LABEL_MAP.get(ent.label_)
        if label is None:
            continue
        for start, end, titled in model_pieces(scene, ent.start, ent.end):
            if not view.in_region[start] or end > view.region_end[start]:
                continue
            text = normalize_name(view.span_text(start, end))
            idx = gaz.alias_index.get(text)
            if idx is not None:
                entry = gaz.entries[idx]
                if not _flags_allow(view, entry["flags"], start):
                    continue  # "Army" alone: the gazetteer names it only with its country
                out.append(Candidate(start, end, entry["label"], entry["canonical"], entry["kb_id"], entry.get("actor"), "gazetteer", PRIO_MODEL))
                continue
            checked = checked_label(scene, start, end, "PERSON" if titled else label)
            if checked is not None:
                out.append(Candidate(start, end, checked, text, slug_id(text), None, "model", PRIO_MODEL))
    return out


def _flags_allow(view: DocView, flags: list[str], start: int) -> bool:
    """The gazetteer entry's flags allow this mention (as they do its own matches)."""
    if not flags:
        return True
    if "qualified_only" in flags or ("not_initial" in flags and view.initial[start]):
        return False
    return "after_the" not in flags or (start > 0 and view.lower[start - 1] == "the")


def model_pieces(scene: Scene, start: int, end: int) -> Iterator[tuple[int, int, bool]]:
    """The name(s) in a model span [start, end): (start, end, after a title) for each piece
    between list commas, each without a leading article, title or date and a trailing possessive
    or punctuation, and widened over glued hyphens ("Jean" + "-Yves Le Drian")."""
    view, gaz = scene.view, scene.gaz
    whole = normalize_name(view.span_text(start, end))
    if gaz.alias_index.get(whole) is None and any(view.lower[k] in _LIST for k in range(start, end)):
        pieces, a = [], start
        for k in range(start, end + 1):
            if k == end or view.lower[k] in _LIST:
                pieces.append((a, k))
                a = k + 1
    else:
        pieces = [(start, end)]
    for a, b in pieces:
        titled = False
        while a < b and (view.lower[a] in DETERMINERS or view.is_space[a] or _is_date_word(view, a)
                         or view.texts[a] in gaz.title_words or view.lower[a] in gaz.title_premodifiers or view.texts[a] == "."):
            titled = titled or view.texts[a] in gaz.title_words
            a += 1
        while b > a and (view.texts[b - 1] in POSSESSIVES or view.is_space[b - 1] or not view.texts[b - 1].strip(".,;:()“”\"'‘’")):
            b -= 1
        while a > 1 and view.texts[a - 1] in _HYPHENS and not view.space_after[a - 2] and not view.space_after[a - 1] and view.cap[a - 2]:
            a -= 2
        while b + 1 < view.n and view.texts[b] in _HYPHENS and not view.space_after[b - 1] and not view.space_after[b] and view.cap[b + 1]:
            b += 2
        if a < b:
            yield a, b, titled


def _is_date_word(view: DocView, k: int) -> bool:
    """A month, weekday or number opening a span ("June 2021 Vilnius Summit")."""
    word = view.texts[k]
    return word[:1].isdigit() or word in _MONTHS


_MONTHS = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)


def checked_label(scene: Scene, start: int, end: int, label: str) -> str | None:
    """The label of a model span the gazetteer does not know, or None when it is no name: see
    the module. A head word at the end decides the label ("X Institute" is an ORG)."""
    view, gaz = scene.view, scene.gaz
    words = [k for k in range(start, end) if not view.is_space[k]]
    if view.heading[start] or not _proper(view, gaz, words):
        return None
    k = start - 1
    if k >= 0 and (view.cap[k] or view.upper[k]) and not view.initial[k] and view.texts[k] not in gaz.title_words and not scene.cover.nonperson[k]:
        return None  # "H. W. Bush" of "George H. W. Bush": a piece of a longer name
    if any(view.lower[k] in gaz.title_words for k in words):
        return None  # "Consul General", "Professorial Fellow": a title, not a name
    texts = [view.texts[k] for k in words]
    if _has_number(texts, label) or _acronym_only(texts) or not _latin(texts):
        return None
    if all(scene.cover.nonperson[k] or view.texts[k] in _HYPHENS for k in words) or any(
        "-" in t and any(part in gaz.alias_index for part in t.split("-")) for t in texts
    ):
        return None  # "U.S.-Japan", "U.S.-China": known names joined, no name of its own
    if scene.doc.has_annotation("POS") and not any(scene.doc[k].pos_ == "PROPN" for k in words):
        return None  # "Almost Complete": capitals, but no proper noun
    if len(texts) == 1 and texts[0] in gaz.name_stop:
        return None  # "Central", "Union": a word of names, not a name
    if texts[0] in gaz.event_openers and len(texts) > 1:
        return "EVENT"  # "Operation Peace Spring", "Hurricane Ian"
    head_label = gaz.heads.get(texts[-1])
    if head_label is not None and len(texts) > 1:
        # "Action Plan", "Future of Command": a common word + head is no name (nor, from a model,
        # is a name opening with one: "Atmospheric Administration" is a piece of a longer name)
        return None if view.is_common(words[0]) else head_label
    if all(view.is_common(k) for k in words if view.texts[k][:1].isalpha()):
        return None  # "Target Acquisition", "Success": common words
    return _context_label(scene, start, end, label, texts)


def _context_label(scene: Scene, start: int, end: int, label: str, texts: list[str]) -> str | None:
    """The model's label where the span's shape and context agree with it, else None."""
    view, gaz = scene.view, scene.gaz
    if label == "PERSON":
        if len(texts) < 2 or not person_like(texts, gaz) or any(t in gaz.org_words for t in texts):
            return None  # a surname alone is linked to its full name, or is no evidence
        # a common word in it ("Cosin Solar", "Sandy Cay", "Golden Dawn") needs a known given name
        # first ("Bernard Gray", "Gary Powers")
        words = [k for k in range(start, end) if view.texts[k][:1].isalpha() and len(view.texts[k]) > 2]
        return label if texts[0] in gaz.given_names or not any(view.is_common(k) for k in words) else None
    if label in ("GPE", "LOC"):
        if texts[-1].endswith(("ist", "ists")):
            return None  # "Qaidist"
        before = start - 1
        while before >= 0 and view.is_space[before]:
            before -= 1
        after = end + 1 if end < view.n and view.texts[end] == "," else end
        return label if (before >= 0 and view.lower[before] in _LOCATIVE) or (
            after < view.n and (view.lower[after] in _PLACE_NOUNS or scene.cover.at_start.get(after) is not None)
        ) else None
    if label == "ORG":
        # one word is as often a product, a surname or a common noun ("Delta", "Wolff", "Union")
        # as an organisation, and so are most capitalized phrases ("Wayback Machine", "Sky
        # Fortress"): kept with a word organisations are named with ("GKN Aerospace", "Clearview
        # AI", "Institut Montaigne", "Konrad-Adenauer Stiftung")
        return label if len(texts) > 1 and texts[0] not in gaz.name_stop and any(t in gaz.org_words for t in texts) else None
    if label == "NORP":
        return label if len(texts) == 1 and texts[0].lower().endswith(_DEMONYM_ENDINGS) else None
    return None  # EVENT, LAW, FAC: only with a head word or an opener (above)


def _proper(view: DocView, gaz, words: list[int]) -> bool:
    """Every word capitalized (connectors and name particles aside), the first and last too."""
    if not words:
        return False
    for i, k in enumerate(words):
        word = view.texts[k]
        if view.cap[k] or view.upper[k] or word in _HYPHENS or word in ("&", ".", "'", "’"):
            continue
        if 0 < i < len(words) - 1 and (view.lower[k] in gaz.connectors or view.lower[k] in gaz.name_particles):
            continue
        return False
    return True


def _latin(texts: list[str]) -> bool:
    """Latin letters only (a Cyrillic or Chinese word quoted in an English text is no name here)."""
    return all(ord(c) < 0x250 for word in texts for c in word if c.isalpha())


def _has_number(texts: list[str], label: str) -> bool:
    """A number or a code with digits ("F-35B", "Block 4", "Article 3") or a one-letter variant
    ("Msta-S", "Borey-A": products), except a year in an event's or a law's name."""
    for i, word in enumerate(texts):
        if len(word) == 1 and word.isupper() and i > 0 and texts[i - 1] in _HYPHENS:
            return True
        if any(c.isdigit() for c in word):
            if label in ("EVENT", "LAW") and len(word) == 4 and word.isdigit():
                continue
            return True
    return False


def _acronym_only(texts: list[str]) -> bool:
    """One acronym-like word no list knows ("LNG", "UAVs", "DDoS"): defined acronyms are the
    acronym rule's, known ones the gazetteer's."""
    if len(texts) != 1:
        return False
    word = texts[0]
    return sum(c.isupper() for c in word) >= 2 and not word.istitle()

