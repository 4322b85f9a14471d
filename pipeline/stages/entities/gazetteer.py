"""The compiled gazetteer: the PhraseMatchers and lookup tables built once from the entries and
word lists (:mod:`.resources`) for one vocab, and the gazetteer reading of a surface name."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .normalize import normalize_name
from .patterns import LazyTokenizer, PatternWords, pattern_keys
from .speed import OrthSet


@dataclass
class Gazetteer:
    """Everything the stage matches with, compiled from entries + lexicons for one vocab."""

    entries: list[dict]
    lexicons: dict[str, list]
    orth_matcher: PhraseMatcher
    lower_matcher: PhraseMatcher
    title_matcher: PhraseMatcher
    key_info: dict[int, tuple[int, bool]]
    alias_index: dict[str, int]
    title_kind: dict[int, str]
    given_names: frozenset[str]
    heads: dict[str, str]
    non_entities: frozenset[str]
    name_stop: frozenset[str]
    title_words: frozenset[str]
    title_phrases: frozenset[str]
    persons_by_first: dict[tuple[str, str | None], list[int]]
    exercise_re: re.Pattern | None
    common_words: frozenset[str]
    # the rule words of rule_words.tsv, by role
    connectors: frozenset[str]
    name_particles: frozenset[str]
    apposition_openers: frozenset[str]
    reporting_verbs: frozenset[str]
    title_premodifiers: frozenset[str]
    bio_verbs: frozenset[str] = frozenset()
    unit_heads: frozenset[str] = frozenset()
    event_premodifiers: frozenset[str] = frozenset()
    # lower-case event / law heads: word -> (label, the kinds of name they accept before them)
    event_heads: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    event_head_orths: OrthSet | None = None
    title_year_heads: frozenset[str] = frozenset()  # heads whose name keeps a leading year
    place_given_names: frozenset[str] = frozenset()  # "Georgia", "Jordan": places and given names
    place_given_orths: OrthSet | None = None
    org_words: frozenset[str] = frozenset()  # words organisations are named with ("Aerospace", "Stiftung")
    event_openers: frozenset[str] = frozenset()  # "Operation", "Hurricane": an event's name follows
    short_owner: dict[str, int] = field(default_factory=dict)
    make_doc: Callable[[str], Doc] | None = None
    exercise_names_re: re.Pattern | None = None  # any exercise name (prefilter for exercise_re)
    # match id -> (entry index, short, label, canonical, kb_id, actor, flags): what find_gazetteer
    # reads of the entry, in one lookup
    match_info: dict[int, tuple] = field(default_factory=dict)
    head_orths: OrthSet | None = None  # the head words' ORTH ids


@dataclass
class _NameTables:
    """The name matchers and lookup tables of the entries (see :func:`_compile_names`)."""

    orth_matcher: PhraseMatcher
    lower_matcher: PhraseMatcher
    key_info: dict[int, tuple[int, bool]]
    alias_index: dict[str, int]
    short_owner: dict[str, int]
    persons_by_first: dict[tuple[str, str | None], list[int]]


def compile_gazetteer(nlp: Language, entries: list[dict], lexicons: dict[str, list]) -> Gazetteer:
    """Build the matchers and lookup tables (called once, from initialize / from_disk)."""
    vocab = nlp.vocab
    splitter = PatternWords(nlp.tokenizer)
    names = _compile_names(nlp, entries, splitter)
    title_matcher, title_kind = _compile_titles(nlp, lexicons["titles"], splitter)
    connectors = frozenset(lexicons["connectors"])
    # words of titles (never part of a person's name; evidence of an apposition) and whole titles
    # (never an entity on their own: "President", "Prime Minister")
    title_words = frozenset(
        v for title, _ in lexicons["titles"] for w in title.split() if w.lower() not in connectors | {"to"}
        for v in (w, w.lower())
    )
    title_phrases = frozenset(v for title, _ in lexicons["titles"] for v in (title, title.lower(), title.title()))
    exercises = sorted(lexicons.get("exercises", []), key=len, reverse=True)
    exercise_re = (
        re.compile(r"(?<![\w-])(" + "|".join(re.escape(e) for e in exercises) + r")(?:[-–‐ ](\d{4}|\d{2}))(?![\w-])")
        if exercises
        else None
    )
    return Gazetteer(
        entries=entries,
        lexicons=lexicons,
        orth_matcher=names.orth_matcher,
        lower_matcher=names.lower_matcher,
        title_matcher=title_matcher,
        key_info=names.key_info,
        alias_index=names.alias_index,
        title_kind=title_kind,
        given_names=frozenset(lexicons["given_names"]),
        heads={w: label for w, label in lexicons["heads"]},
        non_entities=frozenset(normalize_name(t) for t in lexicons["non_entities"]),
        name_stop=frozenset(lexicons["name_stop"]),
        title_words=title_words,
        title_phrases=title_phrases,
        persons_by_first=names.persons_by_first,
        exercise_re=exercise_re,
        common_words=frozenset(lexicons.get("common_words", ())),
        connectors=connectors,
        name_particles=frozenset(lexicons["name_particles"]),
        apposition_openers=frozenset(lexicons["apposition_openers"]),
        reporting_verbs=frozenset(lexicons["reporting_verbs"]),
        title_premodifiers=frozenset(lexicons["title_premodifiers"]),
        bio_verbs=frozenset(lexicons.get("bio_verbs", ())),
        unit_heads=frozenset(lexicons.get("unit_heads", ())),
        event_premodifiers=frozenset(lexicons.get("event_premodifiers", ())),
        event_heads=_event_heads(lexicons.get("event_heads", ())),
        event_head_orths=OrthSet(vocab.strings.add(w) for w, _, _ in lexicons.get("event_heads", ())),
        title_year_heads=frozenset(lexicons.get("title_year_heads", ())),
        place_given_names=frozenset(lexicons.get("place_given_names", ())),
        place_given_orths=OrthSet(vocab.strings.add(w) for w in lexicons.get("place_given_names", ())),
        org_words=frozenset(lexicons.get("org_words", ())),
        event_openers=frozenset(lexicons.get("event_openers", ())),
        short_owner=names.short_owner,
        make_doc=LazyTokenizer(nlp),
        exercise_names_re=re.compile("|".join(re.escape(e) for e in exercises)) if exercises else None,
        match_info={
            key: (idx, short, entries[idx]["label"], entries[idx]["canonical"], entries[idx]["kb_id"],
                  entries[idx].get("actor"), entries[idx]["flags"])
            for key, (idx, short) in names.key_info.items()
        },
        head_orths=OrthSet(vocab.strings.add(w) for w, _ in lexicons["heads"]),
    )


def _event_heads(rows) -> dict[str, tuple[str, frozenset[str]]]:
    """event_heads.tsv rows (word, label, modifier) by word: (label, modifiers)."""
    out: dict[str, tuple[str, set[str]]] = {}
    for word, label, modifier in rows:
        out.setdefault(word, (label, set()))[1].add(modifier)
    return {word: (label, frozenset(mods)) for word, (label, mods) in out.items()}


def _compile_names(nlp: Language, entries: list[dict], splitter: PatternWords) -> _NameTables:
    """The entries' matchers: every alias (match key ``E<index>``) and short form (``S<index>``)
    case-sensitively, the acronyms of ``lower`` entries also lowercased; and the alias index."""
    vocab = nlp.vocab
    key_info: dict[int, tuple[int, bool]] = {}
    alias_index: dict[str, int] = {}
    short_owner: dict[str, int] = {}
    persons_by_first: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    orth_patterns: dict[str, list[str]] = {}
    lower_patterns: dict[str, list[str]] = {}
    for idx, entry in enumerate(entries):
        for alias in entry["aliases"]:
            if not alias.startswith(("the ", "The ")):  # "the Alliance" is NATO, "Alliance" is not
                alias_index.setdefault(normalize_name(alias), idx)
        full_key, short_key = f"E{idx}", f"S{idx}"
        key_info[vocab.strings.add(full_key)] = (idx, False)
        key_info[vocab.strings.add(short_key)] = (idx, True)
        orth_patterns[full_key] = list(entry["aliases"])
        if entry["short"]:
            orth_patterns[short_key] = list(entry["short"])
            for short in entry["short"]:
                short_owner[short] = idx
        if "lower" in entry["flags"]:  # acronyms only: "Nato" is NATO, "the alliance" is not
            lower_patterns[full_key] = [a for a in entry["aliases"] if a.isupper()]
        if entry["label"] == "PERSON":
            first = entry["canonical"].split()[0]
            persons_by_first[(first, entry.get("country"))].append(idx)
    orth = PhraseMatcher(vocab, attr="ORTH")
    lower = PhraseMatcher(vocab, attr="LOWER")
    all_texts = sorted({t for ps in (orth_patterns, lower_patterns) for v in ps.values() for t in v})
    docs = pattern_keys(nlp, all_texts, splitter=splitter)
    for key, texts in orth_patterns.items():
        orth.add(key, [docs[t] for t in texts])
    lower_docs = pattern_keys(nlp, sorted({t for v in lower_patterns.values() for t in v}), "LOWER", splitter)
    for key, texts in lower_patterns.items():
        lower.add(key, [lower_docs[t] for t in texts])
    return _NameTables(orth, lower, key_info, alias_index, short_owner, dict(persons_by_first))


def _compile_titles(nlp: Language, titles: list[list[str]], splitter: PatternWords) -> tuple[PhraseMatcher, dict[int, str]]:
    """The title matcher (match key ``T_<kind>``) and the kind of each match key."""
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    title_kind: dict[int, str] = {}
    by_kind: dict[str, set[str]] = defaultdict(set)
    for title, kind in titles:
        variants = {title}
        if kind == "role":  # job nouns also appear lowercase and capitalized
            variants |= {title.lower(), title[:1].upper() + title[1:].lower()}
        by_kind[kind] |= variants
    for kind, texts in by_kind.items():
        title_kind[nlp.vocab.strings.add(f"T_{kind}")] = kind
        title_texts = sorted(texts)
        title_docs = pattern_keys(nlp, title_texts, splitter=splitter)
        matcher.add(f"T_{kind}", [title_docs[t] for t in title_texts])
    return matcher, title_kind


def normalize_entity(text: str, gaz: Gazetteer) -> dict | None:
    """Gazetteer reading of a surface name: {label, canonical, kb_id, actor} or None."""
    idx = gaz.alias_index.get(normalize_name(text))
    if idx is None:
        return None
    entry = gaz.entries[idx]
    return {"label": entry["label"], "canonical": entry["canonical"], "kb_id": entry["kb_id"], "actor": entry.get("actor")}
