"""Entities stage: who and what an article names, each under one canonical name.

Reads: sentence boundaries and ``doc.spans["boilerplate"]`` from the segmenter (the body sentences
and the ``title`` paragraph are analyzed; every other boilerplate paragraph is skipped), and
``doc.ents`` when a statistical ``ner`` (an en_core_web_* component sourced into the config) ran
earlier. Works on a blank pipeline with a sentencizer, and without any parse.

Writes: ``doc.ents`` (non-overlapping, longest first) and ``doc.spans["entities"]`` (the same
spans), labels PERSON ORG GPE LOC NORP EVENT FAC LAW, ``span.kb_id_``, and
``span._.entity = {"canonical": str, "kb_id": str, "actor": str | None, "source": str}`` where
``source`` is ``"model"`` (the statistical NER), ``"gazetteer"`` (the packaged name lists),
``"pattern"`` (a title, apposition, given-name, acronym or head-word rule) or ``"alias"`` (a short
mention linked to a full name or acronym defined in the same document). ``actor`` is the state a
mention stands for: the country itself, a capital or seat of government ("Tokyo will be
disappointed" -> Japan), a demonym, or a country-qualified body ("Russian Defence Ministry").

Evidence is combined in one pass: model entities (labels mapped, the gazetteer overriding label
and canonical where it knows the name), the gazetteer (one case-sensitive PhraseMatcher plus a
lowercase one for curated acronyms), rules run only where a cheap lexical trigger fired, then a
document-level linking pass. All rule data is loaded once in :meth:`EntityStage.initialize`.
"""
from __future__ import annotations

import json
import operator
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress
from pathlib import Path

import numpy as np
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, LOWER, ORTH, SENT_START, SPACY
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

from ..extensions import SPANS_BOILERPLATE, SPANS_ENTITIES, doc_text, ensure_extensions, set_span_extension
from ..records import RecordContext
from ..resources import ResourceError, gc_paused, read_jsonl, read_table

LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "LAW")
SOURCES = ("model", "gazetteer", "pattern", "alias")
KIND = "entities"

# Labels of other NER schemes mapped onto ours; anything else (DATE, MONEY, ...) is dropped.
MODEL_LABEL_MAP = {label: label for label in LABELS} | {"PER": "PERSON", "LOCATION": "LOC", "ORGANIZATION": "ORG"}

DEFAULT_CONFIG = {
    "spans_key": SPANS_ENTITIES,
    "use_model_ents": True,
    "patterns": True,
    "link_aliases": True,
}

RESOURCE_DIR = "entities"
GAZETTEER_FILES = ("places.tsv", "groups.tsv", "organisations.tsv", "people.tsv", "events_laws.tsv")
GENERATED_FILE = "geo.jsonl"
ENTRY_COLUMNS = ("label", "canonical", "kb_id", "aliases")
ENTRY_OPTIONAL = ("actor", "short", "flags", "country")
FLAGS = frozenset({"lower", "qualify", "qualified_only", "after_the", "not_initial"})
KB_ID_RE = re.compile(r"^(Q[1-9][0-9]*|geonames:[0-9]+|slug:[a-z0-9]+(?:-[a-z0-9]+)*)$")

# Priorities when candidates of equal length overlap (longer spans always win first).
PRIO_ALIAS_DEF = 6
PRIO_GAZETTEER = 5
PRIO_TITLE = 4
PRIO_MODEL = 3
PRIO_NAME = 2
PRIO_HEAD = 1

CONNECTORS = frozenset({"of", "and", "for", "on", "the", "de", "&"})
NAME_PARTICLES = frozenset({"bin", "ibn", "al", "el", "van", "von", "de", "der", "den", "da", "dos", "del", "la", "le", "du", "ben", "di", "zu"})
QUOTE_OPENERS = frozenset("“‘\"'([:–—-")
DETERMINERS = frozenset({"the", "a", "an"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
APPOSITION_OPENERS = frozenset({"the", "a", "an", "former", "then", "its", "his", "her", "their", "now", "currently", "also", "who"})
REPORTING_VERBS = frozenset({"said", "says", "told", "wrote", "writes", "argued", "argues", "noted", "notes", "added",
                             "warned", "warns", "stated", "explained", "claimed", "claims", "believes", "suggested"})
EXERCISE_YEAR_RE = re.compile(r"^(\d{4}|\d{2})$")


# --------------------------------------------------------------------------------------------
# Rule data: loading, merging and validation (pure)
# --------------------------------------------------------------------------------------------


def _split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


@lru_cache(maxsize=16384)  # the same names recur in every article
def slugify(text: str) -> str:
    """ASCII slug of a name: "Kuril Islands" -> "kuril-islands"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-") or "x"


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_id(text: str) -> str:
    """Stable kb_id for a name without a knowledge-base identifier."""
    return f"slug:{slugify(text)}"


def normalize_name(text: str) -> str:
    """Canonical form of a surface name found by a rule or a model: spaces collapsed, straight
    apostrophes, leading article and trailing possessive removed."""
    if not ("’" in text or "'" in text or "  " in text or "\u00a0" in text or "\n" in text
            or text[:4] in ("the ", "The ", "THE ") or text != text.strip()):
        return text  # the common case, without regular expressions
    text = _WS.sub(" ", text.replace("’", "'").replace("\u00a0", " ")).strip()
    text = _LEADING_THE.sub("", text)
    text = _TRAILING_POSSESSIVE.sub("", text).strip()
    return text


_WS = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING_POSSESSIVE = re.compile(r"(?:'s|')$")


def _check_entry(entry: dict, where: str) -> None:
    if entry["label"] not in LABELS:
        raise ResourceError(f"{where}: label {entry['label']!r} not one of {LABELS}")
    if not KB_ID_RE.match(entry["kb_id"]):
        raise ResourceError(f"{where}: kb_id {entry['kb_id']!r} is not a QID, geonames:<id> or slug:<slug>")
    unknown = set(entry["flags"]) - FLAGS
    if unknown:
        raise ResourceError(f"{where}: unknown flag(s) {sorted(unknown)}")
    if not entry["aliases"]:
        raise ResourceError(f"{where}: no aliases")


def load_entries(root: str | Path | None = None) -> list[dict]:
    """All gazetteer entries: the generated geography file, then the curated tables.

    A curated row whose (label, canonical) already exists adds its aliases to that entry and
    overrides its kb_id / actor / flags; the first entry to claim an alias keeps it, curated
    rows first, so a curated reading of an ambiguous name ("Georgia") wins over a generated one.
    """
    generated = read_jsonl(
        f"{RESOURCE_DIR}/{GENERATED_FILE}",
        root=root,
        required={"label": str, "canonical": str, "kb_id": str, "aliases": list},
        optional={"actor": str, "short": list, "flags": list, "country": str},
    )
    curated: list[dict] = []
    for name in GAZETTEER_FILES:
        for row in read_table(f"{RESOURCE_DIR}/{name}", root=root, columns=ENTRY_COLUMNS, optional=ENTRY_OPTIONAL):
            curated.append(
                {
                    "label": row["label"],
                    "canonical": row["canonical"],
                    "kb_id": row["kb_id"],
                    "aliases": _split_list(row["aliases"]),
                    "actor": row.get("actor") or None,
                    "short": _split_list(row.get("short")),
                    "flags": _split_list(row.get("flags")),
                    "country": row.get("country") or None,
                    "_where": f"{name}:{row['canonical']}",
                }
            )
    return merge_entries(curated, generated)


def merge_entries(curated: Sequence[dict], generated: Sequence[dict]) -> list[dict]:
    """Merge curated rows over generated ones (see :func:`load_entries`); validates every entry."""
    by_key: dict[tuple[str, str], dict] = {}
    order: list[tuple[str, str]] = []
    for source_rank, rows in ((0, curated), (1, generated)):
        for row in rows:
            key = (row["label"], row["canonical"])
            entry = {
                "label": row["label"],
                "canonical": row["canonical"],
                "kb_id": row["kb_id"],
                "aliases": list(dict.fromkeys(a.strip() for a in row.get("aliases") or [] if a.strip())),
                "actor": row.get("actor") or None,
                "short": [],
                "flags": list(row.get("flags") or []),
                "country": row.get("country") or None,
            }
            entry["short"] = [a for a in dict.fromkeys(row.get("short") or []) if a not in entry["aliases"]]
            if row["canonical"] not in entry["aliases"]:
                entry["aliases"].insert(0, row["canonical"])
            where = row.get("_where") or f"{GENERATED_FILE}:{row['canonical']}"
            _check_entry(entry, where)
            if key in by_key:
                old = by_key[key]
                old["aliases"] += [a for a in entry["aliases"] if a not in old["aliases"]]
                old["short"] += [a for a in entry["short"] if a not in old["short"]]
                if source_rank == 0:
                    for name in ("kb_id", "actor", "country"):
                        if row.get(name):
                            old[name] = entry[name]
                    old["flags"] = sorted(set(old["flags"]) | set(entry["flags"]))
                elif not old.get("actor") and entry["actor"]:
                    old["actor"] = entry["actor"]
                continue
            by_key[key] = entry
            order.append(key)
    # One owner per alias: first claimant (curated before generated, file order) keeps it.
    owner: dict[str, tuple[str, str]] = {}
    entries = []
    for key in order:
        entry = by_key[key]
        kept = []
        for alias in entry["aliases"] + entry["short"]:
            if alias not in owner:
                owner[alias] = key
        entry["aliases"] = [a for a in entry["aliases"] if owner.get(a) == key]
        entry["short"] = [a for a in entry["short"] if owner.get(a) == key]
        kept = entry["aliases"] + entry["short"]
        if kept:
            entries.append(entry)
    return entries


def load_lexicons(root: str | Path | None = None) -> dict[str, list]:
    """Word lists the rules use: person titles, given names, head words, non-entities, name stops."""
    base = RESOURCE_DIR
    titles = read_table(f"{base}/titles.tsv", root=root, columns=("title", "kind"))
    for row in titles:
        if row["kind"] not in ("title", "role"):
            raise ResourceError(f"{base}/titles.tsv: kind {row['kind']!r} must be 'title' or 'role'")
    heads = read_table(f"{base}/heads.tsv", root=root, columns=("word", "label"))
    for row in heads:
        if row["label"] not in LABELS:
            raise ResourceError(f"{base}/heads.tsv: label {row['label']!r} for {row['word']!r}")
    return {
        "titles": [[r["title"], r["kind"]] for r in titles],
        "given_names": [r["name"] for r in read_table(f"{base}/given_names.tsv", root=root, columns=("name",))],
        "heads": [[r["word"], r["label"]] for r in heads],
        "non_entities": [r["text"] for r in read_table(f"{base}/non_entities.tsv", root=root, columns=("text",), optional=("note",))],
        "name_stop": [r["word"] for r in read_table(f"{base}/name_stop.tsv", root=root, columns=("word",))],
        "exercises": [r["name"] for r in read_table(f"{base}/exercises.tsv", root=root, columns=("name",))],
        "common_words": [r["word"] for r in read_table(f"{base}/common_words.tsv", root=root, columns=("word",))],
    }


# --------------------------------------------------------------------------------------------
# The compiled gazetteer: matchers and lookup tables built once
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Candidate:
    """One proposed entity over tokens [start, end)."""

    start: int
    end: int
    label: str
    canonical: str
    kb_id: str
    actor: str | None
    source: str
    prio: int
    short: bool = False          # a standalone short form of a longer gazetteer name ("Putin")
    country: str | None = None   # country hint of a person found after "<NORP> <title>"
    entry: int = -1              # gazetteer entry index, when the gazetteer supplied the reading

    @property
    def length(self) -> int:
        return self.end - self.start


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
    short_owner: dict[str, int] = field(default_factory=dict)
    make_doc: Callable[[str], Doc] | None = None
    exercise_names_re: re.Pattern | None = None  # any exercise name (prefilter for exercise_re)
    # match id -> (entry index, short, label, canonical, kb_id, actor, flags): what find_gazetteer
    # reads of the entry, in one lookup
    match_info: dict[int, tuple] = field(default_factory=dict)
    head_orths: OrthSet | None = None  # the head words' ORTH ids


def _pattern_tokenizer(nlp: Language) -> Callable[[str], Doc]:
    """A private copy of the pipeline's tokenizer (for :func:`respace_tokens`).

    Strings tokenized by ``nlp.tokenizer`` would fill its (bounded) cache; a copy with the
    same rules tokenizes identically and keeps its own cache.
    """
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):
        copy = Tokenizer(nlp.vocab)
        copy.from_bytes(tokenizer.to_bytes(exclude=["vocab"]))
        return copy
    return nlp.make_doc


class _LazyTokenizer:
    """:func:`_pattern_tokenizer`, made on the first call: only texts with odd spaces need it
    (copying the tokenizer's rules costs a fifth of the stage's build)."""

    def __init__(self, nlp: Language) -> None:
        self._nlp = nlp
        self._make: Callable[[str], Doc] | None = None
        self._lock = threading.Lock()

    def __call__(self, text: str) -> Doc:
        if self._make is None:
            with self._lock:
                if self._make is None:
                    self._make = _pattern_tokenizer(self._nlp)
        return self._make(text)


class PatternWords:
    """The tokens the pipeline's tokenizer makes of a pattern string, when that is certain
    without running it; ``words`` answers None otherwise, and the caller tokenizes the string.

    Certain: every space-separated chunk is either one token (no special case, prefix, suffix or
    infix matches it) or a suffix split off such a stem ("russia's" -> "russia", "'s": the
    tokenizer's own steps for that case, see ``Tokenizer._split_affixes``), and no special case
    can apply to the tokens afterwards (a token that is a special case must be one of the
    special cases that keep it whole, and no run of tokens may spell a special case).

    Lets the gazetteer and the claims cues give the PhraseMatcher their patterns as hashes: a
    pattern Doc costs a Doc and a lexeme per new word, most of those stages' build time.
    """

    def __init__(self, tokenizer) -> None:
        self.ok = isinstance(tokenizer, Tokenizer)
        if not self.ok:
            return
        none = lambda _text: None  # noqa: E731
        self.prefix = tokenizer.prefix_search or none
        self.suffix = tokenizer.suffix_search or none
        infix = tokenizer.infix_finditer
        if infix is None:
            self.has_infix = none
        elif isinstance(getattr(infix, "__self__", None), re.Pattern) and infix.__name__ == "finditer":
            self.has_infix = infix.__self__.search  # (finds something exactly when finditer does)
        else:
            self.has_infix = lambda text: next(iter(infix(text)), None)
        self.token_match = tokenizer.token_match or none
        rules = tokenizer.rules or {}
        # special cases that keep their string one token (its ORTH: "'s" -> "'s")
        self.whole = frozenset(k for k, v in rules.items() if len(v) == 1)
        # A special case is applied to a run of tokens whose texts joined are its string (spaces
        # dropped); a chunk equal to one of these (or to a special case) is left to the tokenizer.
        self.special = frozenset(k.replace(" ", "") for k in rules) | frozenset(rules)
        # every start of those strings: a run of tokens is checked only while it spells one
        self.special_starts = frozenset(k[:i] for k in self.special for i in range(1, len(k) + 1))
        self._chunks: dict[str, tuple[str, ...] | None] = {}

    def _plain(self, text: str) -> bool:
        """No prefix, suffix or infix in ``text``."""
        return self.prefix(text) is None and self.suffix(text) is None and self.has_infix(text) is None

    def chunk_tokens(self, chunk: str) -> tuple[str, ...] | None:
        """The tokens of one space-free chunk (None: not certain)."""
        got = self._chunks.get(chunk, False)
        if got is not False:
            return got
        got = None
        if chunk and chunk not in self.special and not _HAS_SPACE(chunk):
            if self._plain(chunk):
                got = (chunk,)
            elif self.prefix(chunk) is None and not self.token_match(chunk):
                m = self.suffix(chunk)
                n = m.end() - m.start() if m is not None else 0
                if 0 < n < len(chunk):
                    stem, suffix = chunk[:-n], chunk[-n:]
                    if stem not in self.special and self._plain(stem) and (suffix not in self.special or suffix in self.whole):
                        got = (stem, suffix)
        self._chunks[chunk] = got
        return got

    def words(self, text: str) -> tuple[str, ...] | None:
        if not self.ok:
            return None
        chunk_tokens = self.chunk_tokens
        if " " not in text:
            tokens = chunk_tokens(text)
            if tokens is None:
                return None
        else:
            tokens = ()
            for chunk in text.split(" "):
                got = chunk_tokens(chunk)
                if got is None:
                    return None
                tokens += got
        n = len(tokens)
        if n > 1:
            starts, special = self.special_starts, self.special
            for i in range(n - 1):
                joined = tokens[i]
                j = i + 1
                while j < n and joined in starts:
                    joined += tokens[j]
                    if joined in special:
                        return None
                    j += 1
        return tokens


_HAS_SPACE = re.compile(r"\s").search  # (str.isspace per character: what the tokenizer splits at)


def pattern_keys(nlp: Language, texts: Iterable[str], attr: str = "ORTH",
                 splitter: PatternWords | None = None) -> dict[str, Doc | tuple[int, ...]]:
    """PhraseMatcher patterns (``attr`` ORTH or LOWER) of the distinct ``texts``, in order: per text
    its tokens' attribute values (what ``PhraseMatcher.add`` reads from a pattern Doc: the hash of
    the word, or of what the vocab's LOWER getter makes of it, as a new lexeme would have it), or
    the Doc itself when :class:`PatternWords` cannot tell the tokens. Those Docs come from the
    pipeline's tokenizer, with its cache left as it was. ``splitter``: a :class:`PatternWords` of
    ``nlp.tokenizer`` to reuse."""
    if attr not in ("ORTH", "LOWER"):
        raise ValueError(f"pattern_keys: attr {attr!r} is not ORTH or LOWER")
    splitter = splitter or PatternWords(nlp.tokenizer)
    add = nlp.vocab.strings.add
    lower_of = nlp.vocab.lex_attr_getters.get(LOWER) if attr == "LOWER" else None
    out: dict[str, Doc | tuple[int, ...] | None] = {}
    rest = []
    for text in texts:
        if text in out:
            continue
        words = splitter.words(text)
        if words is not None and attr == "LOWER":
            values = tuple(map(lower_of, words)) if lower_of is not None else ()
            words = values if values and all(type(v) is str for v in values) else None
        if words is None:
            out[text] = None  # (keeps the order; tokenized below)
            rest.append(text)
        else:
            out[text] = tuple(map(add, words))
    if rest:
        with _uncached(nlp.tokenizer):
            for text in rest:
                out[text] = nlp.make_doc(text)
    return out


class _uncached:
    """The tokenizer adds nothing to its cache inside the block (the tokens are the same: the
    cache only remembers them)."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.size = getattr(tokenizer, "max_cache_size", None) if isinstance(tokenizer, Tokenizer) else None

    def __enter__(self) -> "_uncached":
        if self.size is not None:
            self.tokenizer.max_cache_size = 0
        return self

    def __exit__(self, *exc) -> bool:
        if self.size is not None:
            self.tokenizer.max_cache_size = self.size
        return False


def compile_gazetteer(nlp: Language, entries: list[dict], lexicons: dict[str, list]) -> Gazetteer:
    """Build the matchers and lookup tables (called once, from initialize / from_disk)."""
    vocab = nlp.vocab
    orth = PhraseMatcher(vocab, attr="ORTH")
    lower = PhraseMatcher(vocab, attr="LOWER")
    key_info: dict[int, tuple[int, bool]] = {}
    alias_index: dict[str, int] = {}
    short_owner: dict[str, int] = {}
    persons_by_first: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    orth_patterns: dict[str, list[str]] = {}
    lower_patterns: dict[str, list[str]] = {}
    for idx, entry in enumerate(entries):
        flags = set(entry["flags"])
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
        if "lower" in flags:  # acronyms only: "Nato" is NATO, "the alliance" is not
            lower_patterns[full_key] = [a for a in entry["aliases"] if a.isupper()]
        if entry["label"] == "PERSON":
            first = entry["canonical"].split()[0]
            persons_by_first[(first, entry.get("country"))].append(idx)
    all_texts = sorted({t for ps in (orth_patterns, lower_patterns) for v in ps.values() for t in v})
    splitter = PatternWords(nlp.tokenizer)
    docs = pattern_keys(nlp, all_texts, splitter=splitter)
    for key, texts in orth_patterns.items():
        orth.add(key, [docs[t] for t in texts])
    lower_docs = pattern_keys(nlp, sorted({t for v in lower_patterns.values() for t in v}), "LOWER", splitter)
    for key, texts in lower_patterns.items():
        lower.add(key, [lower_docs[t] for t in texts])

    titles = PhraseMatcher(vocab, attr="ORTH")
    title_kind: dict[int, str] = {}
    by_kind: dict[str, set[str]] = defaultdict(set)
    for title, kind in lexicons["titles"]:
        variants = {title}
        if kind == "role":  # job nouns also appear lowercase and capitalized
            variants |= {title.lower(), title[:1].upper() + title[1:].lower()}
        by_kind[kind] |= variants
    for kind, texts in by_kind.items():
        title_kind[vocab.strings.add(f"T_{kind}")] = kind
        title_texts = sorted(texts)
        title_docs = pattern_keys(nlp, title_texts, splitter=splitter)
        titles.add(f"T_{kind}", [title_docs[t] for t in title_texts])
    # words of titles (never part of a person's name; evidence of an apposition) and whole titles
    # (never an entity on their own: "President", "Prime Minister")
    title_words = frozenset(
        v for title, _ in lexicons["titles"] for w in title.split() if w.lower() not in CONNECTORS | {"to"}
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
        orth_matcher=orth,
        lower_matcher=lower,
        title_matcher=titles,
        key_info=key_info,
        alias_index=alias_index,
        title_kind=title_kind,
        given_names=frozenset(lexicons["given_names"]),
        heads={w: label for w, label in lexicons["heads"]},
        non_entities=frozenset(normalize_name(t) for t in lexicons["non_entities"]),
        name_stop=frozenset(lexicons["name_stop"]),
        title_words=title_words,
        title_phrases=title_phrases,
        persons_by_first=dict(persons_by_first),
        exercise_re=exercise_re,
        common_words=frozenset(lexicons.get("common_words", ())),
        short_owner=short_owner,
        make_doc=_LazyTokenizer(nlp),
        exercise_names_re=re.compile("|".join(re.escape(e) for e in exercises)) if exercises else None,
        match_info={
            key: (idx, short, entries[idx]["label"], entries[idx]["canonical"], entries[idx]["kb_id"],
                  entries[idx].get("actor"), entries[idx]["flags"])
            for key, (idx, short) in key_info.items()
        },
        head_orths=OrthSet(vocab.strings.add(w) for w, _ in lexicons["heads"]),
    )


# --------------------------------------------------------------------------------------------
# Pure finding functions
# --------------------------------------------------------------------------------------------


def analyzed_token_ranges(doc: Doc, sent_starts: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """Token ranges to analyze: body sentences plus the title paragraph (sorted, merged).

    Body sentences are those of :func:`pipeline.stages.segment.body_sentences` (sentences not
    starting inside a boilerplate paragraph), computed here from the sentence-start flags so no
    Span or Token objects are created. ``sent_starts``: token indices starting a sentence.
    """
    if sent_starts is None:
        if doc.has_annotation("SENT_START"):
            sent_starts = [s.start for s in doc.sents]
        else:
            sent_starts = [0]
    return [tuple(r) for r in _analyzed_ranges(doc, sent_starts).tolist()]


def _analyzed_ranges(doc: Doc, sent_starts: Sequence[int]) -> np.ndarray:
    """:func:`analyzed_token_ranges` as an (n, 2) array, computed with array operations (one
    vector test per boilerplate paragraph, not a loop over the sentences)."""
    boilerplate = sorted((s.start, s.end, s.label_) for s in doc.spans.get(SPANS_BOILERPLATE, []))
    titles = [(b_start, b_end) for b_start, b_end, label in boilerplate if label == "title"]
    starts = np.unique(np.array([*sent_starts, 0], dtype=np.int64))
    ends = np.append(starts[1:], len(doc))
    keep = starts < ends
    for b_start, b_end, label in boilerplate:
        if label != "title":
            keep &= (starts < b_start) | (starts >= b_end)
    starts, ends = starts[keep], ends[keep]
    if titles:
        starts = np.append(starts, [t[0] for t in titles])
        ends = np.append(ends, [t[1] for t in titles])
        order = np.lexsort((ends, starts))
        starts, ends = starts[order], ends[order]
    if len(starts) < 2:
        return np.stack([starts, ends], axis=1)
    # merge overlapping ranges (touching ones stay apart): a range opens a new group unless it
    # starts before the furthest end so far; a group ends at its furthest end
    reach = np.maximum.accumulate(ends)
    opens = np.ones(len(starts), dtype=bool)
    opens[1:] = starts[1:] >= reach[:-1]
    closes = np.append(np.flatnonzero(opens)[1:] - 1, len(starts) - 1)
    return np.stack([starts[opens], reach[closes]], axis=1)


def _heading_mask(texts: list[str], is_space: list[bool], cap: list[bool], upper: list[bool],
                  breaks: list[int] | None = None, lower: list[str] | None = None) -> list[bool]:
    """Tokens of title-case lines without final punctuation (headings, page labels, titles).

    Rules that guess names from capitalization are switched off there: in "Preparing for the
    Wider War" every word is capitalized, so capitalization says nothing.
    """
    n = len(texts)
    mask = [False] * n
    if breaks is None:  # line breaks: whitespace tokens holding a newline
        breaks = [i for i in compress(range(n), is_space) if "\n" in texts[i]]
    if lower is None:
        lower = [t.lower() for t in texts]
    start = 0
    for i in breaks + [n]:
        if i - start > 40:  # headings are short lines
            start = i + 1
            continue
        words = [k for k in range(start, i) if not is_space[k] and texts[k][:1].isalpha() and lower[k] not in CONNECTORS]
        last = next((k for k in range(i - 1, start - 1, -1) if not is_space[k]), None)
        if len(words) >= 2 and last is not None and texts[last] not in (".", "?", "!", ":", ";", ")"):
            capitalized = sum(1 for k in words if cap[k] or upper[k])
            if capitalized >= 0.75 * len(words):
                mask[start:i] = [True] * (i - start)
        start = i + 1
    return mask


_UPPER_INITIALS = frozenset(chr(c) for c in range(0x41, 0x2000) if chr(c).isupper())
_CAMEL_NAME = re.compile(r"^(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z]+[A-Z][a-z]+$")

# Bits of a token string's flags (see _token_flags)
_F_CAP, _F_UPPER, _F_SPACE, _F_OPENER, _F_NEWLINE = 1, 2, 4, 8, 16


def _token_flags(text: str) -> int:
    """Flag bits of one token string: a capitalized word ("Putin", "McFaul", "O’Neill",
    "Shetler-Jones", "Vostok-2018", an initial "C."), an acronym ("NATO", "U.S.", "G7"), a
    whitespace token (with a line break), a character that opens a quote or bracket."""
    flags = 0
    if text[:1] in _UPPER_INITIALS:  # uppercase first character (Latin, Greek, Cyrillic ...)
        if len(text) == 2 and text[1] == ".":
            flags |= _F_CAP  # an initial: "Gregory C. Allen"
        elif len(text) > 1 and text.isupper():
            flags |= _F_UPPER
        elif text.istitle() or not text.isalpha() or _CAMEL_NAME.match(text) is not None:
            flags |= _F_CAP
    if text.isspace():
        flags |= _F_SPACE
        if "\n" in text:
            flags |= _F_NEWLINE
    if text in QUOTE_OPENERS:
        flags |= _F_OPENER
    return flags


class OrthSet:
    """A set of ORTH ids that finds its members among a document's tokens with array reads.

    A bitmap over the ids' low bits rules out nearly every token at once (``np.isin`` or a
    binary search per token costs ten times more); the few tokens it lets through are checked
    in the set itself.
    """

    BITS = 16

    def __init__(self, orths: Iterable[int]) -> None:
        self.orths = frozenset(int(orth) for orth in orths)
        self.mask = (1 << self.BITS) - 1
        self.maybe = np.zeros(1 << self.BITS, dtype=bool)
        self.maybe[[orth & self.mask for orth in self.orths]] = True

    def positions(self, orths: np.ndarray) -> list[int]:
        """Ascending indices of the ``orths`` (uint64 ORTH ids) that are in the set."""
        maybe = np.flatnonzero(self.maybe[(orths & np.uint64(self.mask)).astype(np.intp)])
        return [i for i, orth in zip(maybe.tolist(), orths[maybe].tolist()) if orth in self.orths]


class _TokenTable:
    """Facts about token strings (text, lowercase, flag bits, length), one row per distinct ORTH
    hash, kept across documents: most of an article's tokens are strings seen before.

    A hash names the same string in every StringStore (including transient strings of a memory
    zone), so one table serves all pipelines. It is emptied when it would outgrow ``max_rows``,
    and locked while in use (pipelines in threads of one process share it).

    Rows are found with a direct-mapped index: slot ``orth & SLOT_MASK`` remembers the first
    string that fell into it, so a token's row is two array reads (numpy, for all tokens at
    once); the few tokens whose slot belongs to another string are looked up in ``row_of``.
    """

    SLOT_BITS = 18  # 262,144 slots (3 MB): few of at most max_rows strings share a slot
    SLOT_MASK = (1 << SLOT_BITS) - 1

    def __init__(self, max_rows: int = 30_000) -> None:  # ~11 MB; more would grow with the corpus (issue 9)
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.row_of: dict[int, int] = {}
        self.texts = np.empty(4096, dtype=object)
        self.lower = np.empty(4096, dtype=object)
        self.flags = np.zeros(4096, dtype=np.uint8)
        self.lengths = np.zeros(4096, dtype=np.int64)
        # an empty slot s holds s + 1, which no hash with s in its low bits equals
        self.slot_orth = np.arange(1, self.SLOT_MASK + 2, dtype=np.uint64)
        self.slot_row = np.zeros(self.SLOT_MASK + 1, dtype=np.int32)

    def lookup(self, orths: np.ndarray, strings) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
        """Texts, lowercase texts, flag bits and lengths of tokens given by their ORTH hashes.

        The per-token values are gathered by numpy fancy indexing: a StringStore lookup,
        ``str.lower`` and flag tests per token cost more than the rest of the view.
        """
        orths = np.ascontiguousarray(orths, dtype=np.uint64)
        with self._lock:
            idx = self._rows(orths, strings)
            return self.texts[idx].tolist(), self.lower[idx].tolist(), self.flags[idx], self.lengths[idx]

    def _rows(self, orths: np.ndarray, strings, may_clear: bool = True) -> np.ndarray:
        """Table rows of the hashes (strings not in the table yet are added)."""
        slots = (orths & np.uint64(self.SLOT_MASK)).astype(np.intp)
        rows = self.slot_row[slots]
        other = np.flatnonzero(self.slot_orth[slots] != orths)
        if len(other):
            keys = orths[other].tolist()
            found = list(map(self.row_of.get, keys))
            if None in found:
                new = list(dict.fromkeys(key for key, row in zip(keys, found) if row is None))
                if may_clear and len(self.row_of) + len(new) > self.max_rows:
                    self.clear()  # (then every string of the document is new)
                    return self._rows(orths, strings, may_clear=False)
                self._add(new, strings)
                found = list(map(self.row_of.__getitem__, keys))
            rows[other] = found
        return rows

    def _add(self, orths: list[int], strings) -> None:
        start, end = len(self.row_of), len(self.row_of) + len(orths)
        if end > len(self.texts):
            size = max(end, 2 * len(self.texts))
            for name in ("texts", "lower", "flags", "lengths"):
                old = getattr(self, name)
                grown = np.zeros(size, dtype=old.dtype) if old.dtype != object else np.empty(size, dtype=object)
                grown[:len(old)] = old
                setattr(self, name, grown)
        texts = [strings[orth] for orth in orths]
        for k, text in enumerate(texts, start):  # (element-wise: a list slice could be read as a shape)
            self.texts[k] = text
            self.lower[k] = text.lower()
        self.flags[start:end] = [_token_flags(text) for text in texts]
        self.lengths[start:end] = [len(text) for text in texts]
        self.row_of.update(zip(orths, range(start, end)))
        if orths:
            # each new string takes its slot if the slot is empty (the first one, when several
            # new strings share an empty slot)
            new = np.array(orths, dtype=np.uint64)
            slots = (new & np.uint64(self.SLOT_MASK)).astype(np.intp)
            distinct, first = np.unique(slots, return_index=True)
            first = first[self.slot_orth[distinct] == distinct.astype(np.uint64) + np.uint64(1)]
            self.slot_orth[slots[first]] = new[first]
            self.slot_row[slots[first]] = np.arange(start, end, dtype=np.int32)[first]


_TOKENS = _TokenTable()


class _DocView:
    """Per-document token facts, computed once per Doc from token attribute arrays.

    Token objects are never created (``doc[i]``, ``for t in doc`` and ``doc.text`` build one per
    token, which costs more than the rest of the stage); texts and flags come from a table keyed
    by the token's ORTH hash, and per-token lists from numpy arrays.
    """

    def __init__(self, doc: Doc, gaz: Gazetteer, text: str | None = None) -> None:
        self.doc = doc
        self.gaz = gaz
        n = self.n = len(doc)
        arr = doc.to_array([ORTH, SPACY, SENT_START])  # uint64 (SENT_START -1 wraps around)
        self.text = text if text is not None else doc_text(doc)
        self.orths = arr[:, 0]
        self.texts, self.lower, flags, lengths = _TOKENS.lookup(self.orths, doc.vocab.strings)
        self.space_after = (arr[:, 1] == 1).tolist()
        # token offsets (token.idx): the doc's text is each token's text and trailing space in turn
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum((lengths + arr[:, 1].astype(np.int64))[:-1], out=starts[1:])
        self.starts = starts.tolist()  # (a token ends at its start plus the length of its text)
        is_space = self.is_space = (flags & _F_SPACE != 0).tolist()
        has_sents = doc.has_annotation("SENT_START")
        sent_starts = np.flatnonzero(arr[:, 2] == 1).tolist() if has_sents else [0]
        # in_region: token in an analyzed range; region_end: the end of that range
        in_region = np.zeros(n, dtype=bool)
        region_end = np.zeros(n, dtype=np.int64)
        ranges = _analyzed_ranges(doc, sent_starts)
        if len(ranges):  # (sorted, disjoint, not empty: the ends ascend as the starts do)
            # the end of the last range starting at or before each token
            reach = np.zeros(n, dtype=np.int64)
            reach[ranges[:, 0]] = ranges[:, 1]
            np.maximum.accumulate(reach, out=reach)
            in_region = np.arange(n) < reach
            region_end = np.where(in_region, reach, 0)
        for span in doc.spans.get(SPANS_BOILERPLATE, []):
            if span.label_ != "title":  # a sentence running on into a byline stops at the byline
                in_region[span.start:span.end] = False
                before = region_end[max(0, span.start - 200):span.start]
                np.minimum(before, span.start, out=before)
        self.in_region_array, self.region_end_array = in_region, region_end
        self.in_region = in_region.tolist()
        self.region_end = region_end.tolist()
        # sentence-initial, or after whitespace or an opening quote / bracket
        initial = np.ones(n, dtype=bool)
        initial[1:] = flags[:-1] & (_F_SPACE | _F_OPENER) != 0
        initial[sent_starts] = True
        self.initial = initial.tolist()
        self.cap = (flags & _F_CAP != 0).tolist()
        self.upper = (flags & _F_UPPER != 0).tolist()
        self.cap_idx = np.flatnonzero(flags & (_F_CAP | _F_UPPER)).tolist()
        self.heading = _heading_mask(self.texts, is_space, self.cap, self.upper,
                                     np.flatnonzero(flags & _F_NEWLINE).tolist(), self.lower)
        # filled by find_gazetteer: non-person gazetteer cover, for name rules
        self.gaz_nonperson: list[bool] = [False] * n
        self.gaz_at_start: dict[int, Candidate] = {}
        self.gaz_at_end: dict[int, Candidate] = {}

    def is_stop(self, i: int) -> bool:
        return self.lower[i] in STOP_WORDS

    def is_common(self, i: int) -> bool:
        """A word mostly written in lowercase ("Data", "Wider"), i.e. not a proper name."""
        return self.lower[i] in self.gaz.common_words

    def span_text(self, start: int, end: int) -> str:
        """Text of tokens [start, end) without building a Span."""
        return self.text[self.starts[start]:self.starts[end - 1] + len(self.texts[end - 1])] if end > start else ""

    def is_name_token(self, i: int) -> bool:
        """Capitalized word that can be part of a person's name."""
        return (
            0 <= i < self.n
            and self.cap[i]
            and not self.gaz_nonperson[i]
            and self.texts[i] not in self.gaz.name_stop
            and self.texts[i] not in self.gaz.title_words
        )


def find_gazetteer(doc: Doc, gaz: Gazetteer, view: _DocView | None = None) -> list[Candidate]:
    """Gazetteer matches inside analyzed regions, with country-qualified bodies extended."""
    view = view or _DocView(doc, gaz)
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
    nonperson = view.gaz_nonperson
    for cand in cands:
        if cand.label != "PERSON":
            nonperson[cand.start:cand.end] = [True] * (cand.end - cand.start)
        if cand.label in ("GPE", "NORP") and cand.actor:
            prev = view.gaz_at_end.get(cand.end)
            if prev is None or prev.length < cand.length:
                view.gaz_at_end[cand.end] = cand
            nxt = view.gaz_at_start.get(cand.start)
            if nxt is None or nxt.length < cand.length:
                view.gaz_at_start[cand.start] = cand
    qualified = _qualified(cands, view, gaz)
    # "Government", "Embassy": entities only with their country ("the Japanese Government")
    cands = [c for c in cands if c.entry < 0 or "qualified_only" not in gaz.entries[c.entry]["flags"]]
    return cands + qualified


def _qualified(cands: list[Candidate], view: _DocView, gaz: Gazetteer) -> list[Candidate]:
    """"Russian Defence Ministry", "Ministry of Defence of Japan": a generic body + its country."""
    out = []
    for cand in cands:
        if cand.short or cand.entry < 0 or "qualify" not in gaz.entries[cand.entry]["flags"]:
            continue
        country, start, end = None, cand.start, cand.end
        before = view.gaz_at_end.get(cand.start)
        if before is not None and (before.label == "NORP" or view.upper[before.start] or before.length == 1):
            country, start = before.actor, before.start
        elif end + 1 < view.n and view.lower[end] == "of":
            k = end + 1 + (view.lower[end + 1] == "the")
            after = view.gaz_at_start.get(k)
            if after is not None and after.label == "GPE":
                country, end = after.actor, after.end
        if country:
            canonical = f"{cand.canonical} ({country})"
            out.append(Candidate(start, end, cand.label, canonical, slug_id(canonical), country, "gazetteer", PRIO_GAZETTEER))
    return out


def find_model_entities(doc: Doc, ents: Sequence[Span], gaz: Gazetteer, view: _DocView) -> list[Candidate]:
    """Entities of an earlier statistical NER, labels mapped, trimmed, looked up in the gazetteer."""
    out = []
    for ent in ents:
        label = MODEL_LABEL_MAP.get(ent.label_)
        if label is None:
            continue
        start, end = ent.start, ent.end
        while start < end and (view.lower[start] in DETERMINERS or view.is_space[start]):
            start += 1
        while end > start and (view.texts[end - 1] in POSSESSIVES or view.is_space[end - 1] or not view.texts[end - 1].strip(".,;:")):
            end -= 1
        if start >= end or not view.in_region[start] or end > view.region_end[start]:
            continue
        text = normalize_name(view.span_text(start, end))
        idx = gaz.alias_index.get(text)
        if idx is not None:
            entry = gaz.entries[idx]
            out.append(Candidate(start, end, entry["label"], entry["canonical"], entry["kb_id"], entry.get("actor"), "gazetteer", PRIO_MODEL))
        else:
            out.append(Candidate(start, end, label, text, slug_id(text), None, "model", PRIO_MODEL))
    return out


def _name_run(view: _DocView, i: int, limit: int, max_tokens: int = 4) -> int:
    """End (exclusive) of a person-name run starting at token i, or i when there is none."""
    j, count = i, 0
    while j < limit and count < max_tokens:
        if view.is_name_token(j):
            j += 1
            count += 1
            # "Kim Jong-un", "Shetler-Jones": hyphen glued to both neighbours
            while (j + 1 < limit and view.texts[j] in ("-", "‐") and not view.space_after[j - 1]
                   and not view.space_after[j] and view.texts[j + 1][:1].isalpha()):
                j += 2
            continue
        if count and view.lower[j] in NAME_PARTICLES and j + 1 < limit and view.is_name_token(j + 1):
            j += 1  # "Mohammed bin Salman", "Ursula von der Leyen"
            continue
        break
    return j


def find_title_persons(doc: Doc, gaz: Gazetteer, view: _DocView) -> list[Candidate]:
    """Names after titles: "Prime Minister Shinzo Abe", "former Russian Ambassador to Japan
    Alexander Panov", "Senior researcher Marcin Kaczmarski", "Mr Panov"."""
    out = []
    # by start, then longest first (two stable sorts on one field: no key tuple per match)
    matches = sorted(gaz.title_matcher(doc), key=operator.itemgetter(2), reverse=True)
    matches.sort(key=operator.itemgetter(1))
    last_end = -1
    for match_id, start, end in matches:
        if end <= last_end or not view.in_region[start]:
            continue
        kind = gaz.title_kind[match_id]
        limit = view.region_end[start]
        j = end
        if j < limit and view.texts[j] == "." and not view.space_after[j - 1]:
            j += 1  # "Mr." split off
        if j < limit and view.lower[j] in ("to", "of", "for", "at"):
            k = j + 1 + (j + 1 < limit and view.lower[j + 1] == "the")
            hop = view.gaz_at_start.get(k)
            if hop is None:
                hop_end = _cap_run_end(view, k, limit)
                if hop_end == k:
                    continue
                j = hop_end
            else:
                j = hop.end
        name_end = _name_run(view, j, limit)
        n_tokens = name_end - j
        if n_tokens == 0 or (kind == "role" and n_tokens < 2):
            continue
        if all(view.is_common(k) for k in range(j, name_end)):
            continue  # "General Data Protection Regulation" is no general's name
        last_end = name_end
        country = None
        k = start - 1
        while k >= 0 and view.lower[k] in ("former", "then", "the", "late", "acting", "deputy", "current"):
            k -= 1
        before = view.gaz_at_end.get(k + 1)
        if before is not None:
            country = before.actor
        text = normalize_name(view.span_text(j, name_end))
        out.append(Candidate(j, name_end, "PERSON", text, slug_id(text), None, "pattern", PRIO_TITLE, country=country))
    return out


def _cap_run_end(view: _DocView, i: int, limit: int) -> int:
    j = i
    while j < limit and (view.cap[j] or view.upper[j]):
        j += 1
    return j


def find_name_persons(doc: Doc, gaz: Gazetteer, view: _DocView) -> list[Candidate]:
    """People named without a title: a known given name ("Kristina Voda"), an apposition
    ("Kristina Voda, who ...", "X Y, the former minister"), or a reporting verb ("said X Y")."""
    out = []
    n = view.n
    i = 0
    for first in view.cap_idx:
        if first < i or not view.in_region[first] or view.heading[first] or not view.is_name_token(first):
            continue
        i = first
        limit = view.region_end[i]
        end = _name_run(view, i, limit)
        if end - i < 2 or (i > 0 and view.is_name_token(i - 1)):
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
        evidence = view.texts[start] in gaz.given_names
        if not evidence and end < n and view.texts[end] == ",":
            k = end + 1
            if k < n and view.lower[k] in APPOSITION_OPENERS:
                if view.lower[k] == "who":
                    evidence = True
                else:
                    window = view.lower[k:min(n, k + 8)]
                    evidence = any(w in gaz.title_words for w in window)
            elif k + 1 < n and k in view.gaz_at_start and view.texts[view.gaz_at_start[k].end] in POSSESSIVES:
                window = view.lower[k:min(n, k + 8)]
                evidence = any(w in gaz.title_words for w in window)
        if not evidence and end < n and view.lower[end] in REPORTING_VERBS:
            evidence = True
        if not evidence and start > 0:
            k = start - 1
            if view.lower[k] in REPORTING_VERBS or (k > 0 and view.lower[k - 1] == "according" and view.lower[k] == "to"):
                evidence = True
        if evidence:
            text = normalize_name(view.span_text(start, end))
            out.append(Candidate(start, end, "PERSON", text, slug_id(text), None, "pattern", PRIO_NAME))
        i = end
    return out


def _positions(items: list, value) -> list[int]:
    """Indices of ``value`` in ``items`` (list.index scans in C)."""
    out = []
    i = -1
    try:
        while True:
            i = items.index(value, i + 1)
            out.append(i)
    except ValueError:
        return out


def _initials(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def find_acronym_definitions(doc: Doc, gaz: Gazetteer, view: _DocView) -> tuple[list[Candidate], dict[str, Candidate]]:
    """"International Criminal Court (ICC)": the long form and the acronym, plus the acronym's
    document-wide meaning for later mentions."""
    out: list[Candidate] = []
    defined: dict[str, Candidate] = {}
    for i in _positions(view.texts, "("):
        if not 2 <= i < view.n - 2 or view.texts[i + 2] != ")" or not view.in_region[i] or view.heading[i]:
            continue
        acr = view.texts[i + 1]
        if not (2 <= len(acr) <= 10 and acr[0].isupper() and sum(c.isupper() for c in acr) >= 2 and acr.isalnum()):
            continue
        # long form: capitalized run (with connectors) ending right before "("
        j = i
        while j - 1 >= 0 and view.in_region[j - 1] and (
            view.cap[j - 1] or view.upper[j - 1]
            or (view.lower[j - 1] in CONNECTORS and j - 2 >= 0 and (view.cap[j - 2] or view.upper[j - 2]))
        ):
            j -= 1
        while j < i and (view.lower[j] in CONNECTORS or view.is_stop(j) and view.initial[j]):
            j += 1
        if j >= i:
            continue
        words = [t for t in view.texts[j:i] if t.lower() not in CONNECTORS]
        letters = _initials(words)
        acr_letters = "".join(c for c in acr if c.isupper())
        if not letters or not _initials_match(acr_letters, letters):
            continue
        long_text = normalize_name(view.span_text(j, i))
        idx = gaz.alias_index.get(long_text)
        if idx is None:
            idx = gaz.alias_index.get(acr)
            if idx is not None and gaz.entries[idx]["label"] == "PERSON":
                idx = None
        if idx is not None:
            entry = gaz.entries[idx]
            label, canonical, kb_id, actor, source = entry["label"], entry["canonical"], entry["kb_id"], entry.get("actor"), "gazetteer"
        else:
            label = _head_label(view.texts[j:i], gaz)
            if label is None:
                continue  # "Artificial Intelligence (AI)", "Electronic Warfare (EW)": terms, not names
            canonical, kb_id, actor, source = long_text, slug_id(long_text), None, "pattern"
        long_cand = Candidate(j, i, label, canonical, kb_id, actor, source, PRIO_ALIAS_DEF)
        acr_cand = Candidate(i + 1, i + 2, label, canonical, kb_id, actor, "alias", PRIO_ALIAS_DEF)
        out += [long_cand, acr_cand]
        defined.setdefault(acr, acr_cand)
    return out, defined


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


def find_head_names(doc: Doc, gaz: Gazetteer, view: _DocView) -> list[Candidate]:
    """Capitalized names ending in a head word: "National Research Institute of World Economy
    and International Relations" (ORG), "Tokyo Declaration" (LAW), "Russo-Japanese War" (EVENT)."""
    out = []
    i = 0
    # (locals: the run scan visits every capitalized token)
    texts, lower, cap, upper, space_after = view.texts, view.lower, view.cap, view.upper, view.space_after
    region_end, head_words = view.region_end, gaz.heads.keys()
    head_orths = gaz.head_orths or OrthSet(map(view.doc.vocab.strings.add, head_words))
    for first in _capitals_before_heads(view, head_orths.positions(view.orths)):
        if first < i:
            continue
        i = first
        limit = region_end[i]
        # the capitalized run with internal connectors and glued hyphens
        j = i
        while j < limit:
            if cap[j] or upper[j] or (texts[j][:1].isdigit() and j > i):
                j += 1
            elif lower[j] in CONNECTORS and j > i and texts[j] != "The":
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
        run_start, run_end = i, j
        i = max(j, i + 1)  # next run (moved back when "X and the Y" splits this one)
        if head_words.isdisjoint(texts[run_start:run_end]):
            continue  # no head word in the run
        # where the name ends: the last head outside a complement, or the end of an "of/for/on ..."
        # complement after it; the label comes from that head ("Main Directorate of Deep-Sea
        # Research" is an ORG, not a sea)
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
                k + 1 < run_end and (view.lower[k + 1] == "the" or any(view.texts[m] in gaz.heads for m in range(k + 1, run_end)))
            ):
                i = k + 1
                break  # "Bank of Japan and the Ministry of Finance": two names; Y is scanned next
            elif in_comp and (view.cap[k] or view.upper[k]) and word not in _MONTHS:
                end = k + 1  # "... of World Economy and International Relations"
            elif end == k and (word[:1].isdigit() or word in _ROMAN):
                end = k + 1  # "Resolution 2231", "World War I"
            elif in_comp and word in _MONTHS:
                break  # "Munich Security Conference on February 18"
            k += 1
        if end is None:
            continue
        start = run_start
        while start < end and (view.lower[start] in CONNECTORS or (view.initial[start] and view.is_stop(start))):
            start += 1
        # "Kunashiri and Shikotan Islands": a conjunction after a known name before the first head
        # joins two names, not one: the name starts after it
        for k in range(start, label_head):
            if view.lower[k] in ("and", "&") and any(view.gaz_nonperson[m] for m in range(start, k)):
                start = k + 1
        # "Dr. Farah Qureshi of the Institute of ...": a name before the head's own modifiers is
        # a different entity; the head's name starts after the last "of/for/the" before it
        for k in range(start, label_head):
            if view.lower[k] in ("of", "for", "on", "the"):
                start = k + 1
        if end - start < 2 or start > label_head:
            continue
        text = normalize_name(view.span_text(start, end))
        if text in gaz.non_entities:
            continue
        label = gaz.heads[view.texts[label_head]]
        idx = gaz.alias_index.get(text)
        if idx is None and end - 1 == label_head and end - 1 > start:
            # "Sakhalin Island", "Minsk II Accords", "Huawei Group": a known name plus a head word
            idx = gaz.alias_index.get(normalize_name(view.span_text(start, end - 1)))
            if idx is not None and _label_family(gaz.entries[idx]["label"]) != _label_family(label):
                idx = None
        if idx is None and start in view.gaz_at_start and view.gaz_at_start[start].end <= label_head:
            # "Russian Black Sea Fleet", "UK Royal Air Force": a country word before a known body
            rest = gaz.alias_index.get(normalize_name(view.span_text(view.gaz_at_start[start].end, end)))
            if rest is not None and gaz.entries[rest]["label"] == label:
                idx = rest
        if idx is not None:
            entry = gaz.entries[idx]
            out.append(Candidate(start, end, entry["label"], entry["canonical"], entry["kb_id"], entry.get("actor"), "gazetteer", PRIO_GAZETTEER))
            continue
        if view.heading[start]:
            continue  # title-case headings: capitalization is no evidence of a name
        modifiers = [k for k in range(start, label_head) if view.lower[k] not in CONNECTORS and view.texts[k][:1].isalnum()]
        if label_head + 1 == end and (not modifiers or (len(modifiers) == 1 and view.is_common(modifiers[0]))):
            continue  # "Wider War", "Task Force", "Security Department": a common word + head
        if label == "ORG" and view.texts[label_head] == "Administration" and any(
            view.gaz_at_start.get(k) is None and not view.gaz_nonperson[k] and view.cap[k] for k in range(start, label_head)
        ):
            continue  # "Trump Administration": a person's name + administration
        out.append(Candidate(start, end, label, text, slug_id(text), None, "pattern", PRIO_HEAD))
    return out


def _capitals_before_heads(view: _DocView, heads_at: list[int]) -> list[int]:
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


_MONTHS = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)
_ROMAN = frozenset({"I", "II", "III", "IV", "V", "VI"})


def find_exercises(doc: Doc, gaz: Gazetteer, view: _DocView) -> list[Candidate]:
    """Named exercises with a year: "Vostok-2018", "Zapad 2021" -> EVENT "Vostok 2018"."""
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


def link_aliases(doc: Doc, kept: list[Candidate], gaz: Gazetteer, view: _DocView,
                 defined: dict[str, Candidate]) -> list[Candidate]:
    """Link short mentions to full names in the same document and add uncaught ones.

    "Shinzo Abe ... Abe" and "Alexander Panov ... Mr Panov" -> the full name's canonical with
    source "alias"; a defined acronym's later mentions -> the long form's entity.
    """
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
                cand = _link_first_name(cand, kept, gaz, view)
        out.append(cand)
    # uncaught mentions: a linked surname or a defined acronym standing alone
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
        if (i + 1 < view.n and view.is_name_token(i + 1)) or (i > 0 and view.is_name_token(i - 1) and (i - 1) not in taken):
            continue  # part of another, longer name
        out.append(Candidate(i, i + 1, "PERSON", full.canonical, full.kb_id, full.actor, "alias", PRIO_NAME))
    out.sort(key=lambda c: c.start)
    return out


def _link_first_name(cand: Candidate, kept: list[Candidate], gaz: Gazetteer, view: _DocView) -> Candidate:
    """"Russian President Vladimir" (a slip for Vladimir Putin): a lone first name after a
    country-qualified title links to the only known person of that country with that name."""
    first = view.texts[cand.start]
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


def _drop_non_entities(cands: Iterable[Candidate], doc: Doc, gaz: Gazetteer, view: _DocView) -> list[Candidate]:
    out = []
    for cand in cands:
        text = normalize_name(view.span_text(cand.start, cand.end))
        if not text or text in gaz.non_entities:
            continue
        if text in gaz.title_phrases:
            continue  # "President", "Prime Minister" alone
        if cand.source == "model" and cand.label != "NORP" and all(view.lower[i] == view.texts[i] for i in range(cand.start, cand.end)):
            continue  # lowercase model entities ("the white paper")
        out.append(cand)
    return out


@dataclass
class EntityMatch:
    """A found entity: the span (label and kb_id set) and its normalized values."""

    span: Span
    canonical: str
    kb_id: str
    actor: str | None
    source: str

    def value(self) -> dict:
        return {"canonical": self.canonical, "kb_id": self.kb_id, "actor": self.actor, "source": self.source}


# Inline spaces that the tokenizer turns into tokens of their own ("of\u00a0World"), which would
# split names; they are read as plain spaces (same length, so offsets are unchanged).
_ODD_SPACES = ("\u00a0", "\u2007", "\u2009", "\u202f")
_SPACE_FIX = str.maketrans({c: " " for c in _ODD_SPACES})


def find_entities(
    doc: Doc,
    gaz: Gazetteer,
    *,
    model_ents: Sequence[Span] | None = None,
    patterns: bool = True,
    link: bool = True,
) -> list[EntityMatch]:
    """All entities of ``doc`` in analyzed regions (pure: the Doc is not modified).

    A text with non-breaking or thin spaces is analyzed on a twin Doc where they are plain
    spaces (same character offsets), and the results are mapped back to ``doc``'s tokens.
    """
    text = doc_text(doc)
    # (substring tests: translate() maps the whole text one character at a time)
    if gaz.make_doc is None or not any(c in text for c in _ODD_SPACES):
        return _find_entities(_DocView(doc, gaz, text), model_ents=model_ents, patterns=patterns, link=link)
    fixed = text
    for c in _ODD_SPACES:  # (str.replace finds them in C; str.translate maps every character)
        fixed = fixed.replace(c, " ")
    twin = _twin_doc(doc, fixed, gaz.make_doc)
    twin_ents = [twin.char_span(e.start_char, e.end_char, label=e.label_, alignment_mode="expand") for e in model_ents or ()]
    out = []
    for m in _find_entities(_DocView(twin, gaz, fixed), model_ents=[e for e in twin_ents if e is not None],
                            patterns=patterns, link=link):
        span = None
        for mode in ("strict", "contract"):
            span = doc.char_span(m.span.start_char, m.span.end_char, label=m.span.label_, kb_id=m.kb_id, alignment_mode=mode)
            if span is not None and len(span):
                break
        if span is not None and len(span):
            out.append(EntityMatch(span, m.canonical, m.kb_id, m.actor, m.source))
    return out


def respace_tokens(words: Sequence[str], spaces: Sequence[bool], text: str,
                   tokenize: Callable[[str], Doc]) -> tuple[list[str], list[bool]]:
    """Tokens (words, trailing-space flags) that ``tokenize`` makes of ``text``, given the tokens
    it made of a text of the same length that differs only in which whitespace characters it has
    (no-break spaces where ``text`` has plain ones).

    The tokenizer splits a text into chunks at whitespace and tokenizes each chunk on its own,
    so the non-space tokens are the same; only the whitespace between them is redone, the way
    the tokenizer does it: a plain space right after a token is that token's trailing space, and
    the rest of the stretch (all of it at the start of the text) is tokenized by itself.
    Retokenizing the whole text costs as much as the rest of the entity stage for the Doc.
    """
    out_words: list[str] = []
    out_spaces: list[bool] = []
    space_tokens: dict[str, list[tuple[str, bool]]] = {}

    def add_stretch(stretch: str) -> None:
        if out_words and stretch[0] == " ":
            out_spaces[-1] = True
            stretch = stretch[1:]
        if stretch:
            if stretch not in space_tokens:
                space_tokens[stretch] = [(t.text, bool(t.whitespace_)) for t in tokenize(stretch)]
            for word, space in space_tokens[stretch]:
                out_words.append(word)
                out_spaces.append(space)

    # Between two non-space tokens with no whitespace token between them the stretch is the
    # first one's trailing space or nothing, so such tokens are copied as they are (in slices);
    # only the stretches around whitespace tokens (line breaks, no-break spaces) are redone.
    n = len(words)
    starts = [0, *accumulate(map(operator.add, map(len, words), spaces))]  # (token offsets)
    is_space = list(map(str.isspace, words))
    copied = 0  # tokens before this one are done
    for a in compress(range(n), is_space):
        if a < copied:
            continue  # inside a run of whitespace tokens already done
        b = a + 1
        while b < n and is_space[b]:
            b += 1
        out_words += words[copied:a]
        out_spaces += spaces[copied:a]
        last_end = starts[a - 1] + len(words[a - 1]) if a else 0
        add_stretch(text[last_end:starts[b]] if b < n else text[last_end:])
        copied = b
    if copied < n:
        out_words += words[copied:]
        out_spaces += spaces[copied:]
        last_end = starts[n - 1] + len(words[n - 1])
        if len(text) > last_end:
            add_stretch(text[last_end:])
    return out_words, out_spaces


def _twin_doc(doc: Doc, text: str, make_doc: Callable[[str], Doc]) -> Doc:
    """``text`` (same length as doc.text) tokenized, with doc's sentence starts and boilerplate."""
    arr = doc.to_array([ORTH, SPACY])
    words, _, _, _ = _TOKENS.lookup(arr[:, 0], doc.vocab.strings)
    twin = Doc(doc.vocab, *respace_tokens(words, (arr[:, 1] == 1).tolist(), text, make_doc))
    if doc.has_annotation("SENT_START") and len(twin):
        from .segment import sentence_spans

        starts = {s.start_char for s in sentence_spans(doc)}
        # One array write: setting token.is_sent_start per token re-checks the whole Doc each time.
        is_start = np.isin(twin.to_array("IDX").astype(np.int64), np.array(sorted(starts), dtype=np.int64))
        is_start[0] = True
        values = np.where(is_start, 1, -1).astype("int64").reshape(-1, 1)
        twin.from_array([SENT_START], values.astype("uint64"))
    spans = []
    for span in doc.spans.get(SPANS_BOILERPLATE, []):
        twin_span = twin.char_span(span.start_char, span.end_char, label=span.label_, alignment_mode="expand")
        if twin_span is not None:
            spans.append(twin_span)
    twin.spans[SPANS_BOILERPLATE] = spans
    return twin


def _find_entities(
    view: _DocView,
    *,
    model_ents: Sequence[Span] | None,
    patterns: bool,
    link: bool,
) -> list[EntityMatch]:
    doc, gaz = view.doc, view.gaz
    cands = find_gazetteer(doc, gaz, view)
    if model_ents:
        cands += find_model_entities(doc, model_ents, gaz, view)
    defined: dict[str, Candidate] = {}
    if patterns:
        cands += find_title_persons(doc, gaz, view)
        cands += find_name_persons(doc, gaz, view)
        acr, defined = find_acronym_definitions(doc, gaz, view)
        cands += acr
        cands += find_head_names(doc, gaz, view)
        cands += find_exercises(doc, gaz, view)
    cands = _drop_non_entities(cands, doc, gaz, view)
    # Curated names win over a statistical model's spans: a model span is kept only where no
    # gazetteer / pattern entity overlaps it (a model's "Abe" never cuts "Shinzo Abe" short).
    kept = resolve_overlaps(c for c in cands if c.source != "model")
    if any(c.source == "model" for c in cands):
        taken = {t for c in kept for t in range(c.start, c.end)}
        extra = [c for c in resolve_overlaps(c for c in cands if c.source == "model")
                 if not any(t in taken for t in range(c.start, c.end))]
        kept = sorted(kept + extra, key=lambda c: c.start)
    if link:
        kept = link_aliases(doc, kept, gaz, view, defined)
        if not is_disjoint_in_order(kept):  # (it is when link_aliases adds no overlap)
            kept = resolve_overlaps(kept)
    out = []
    add = doc.vocab.strings.add
    label_ids = {label: add(label) for label in LABELS}  # (a str label is hashed by each Span)
    for cand in kept:
        span = Span(doc, cand.start, cand.end, label=label_ids.get(cand.label) or cand.label, kb_id=cand.kb_id)
        out.append(EntityMatch(span, cand.canonical, cand.kb_id, cand.actor, cand.source))
    return out


def set_entity_annotation(doc: Doc, spans: Sequence[Span]) -> None:
    """``doc.ents = spans`` for sorted, non-overlapping, labelled spans, written as token arrays.

    The same token annotation as ``Doc.set_ents(spans, default="outside")`` (entity tokens B / I
    with label and kb_id, every other token O without a label, kb_id and ent_id untouched), but
    ``set_ents`` tests each of the Doc's tokens against a Python set, and the ``ents`` setter first
    copies every Span.
    """
    n = len(doc)
    if not n:
        return
    iob = np.full(n, 2, dtype=np.uint64)  # O
    label = np.zeros(n, dtype=np.uint64)
    kb_id = doc.to_array(ENT_KB_ID).astype(np.uint64)
    if spans:
        starts = np.array([s.start for s in spans], dtype=np.int64)
        lengths = np.array([s.end for s in spans], dtype=np.int64) - starts
        # the token indices of all spans, and each one's span
        which = np.repeat(np.arange(len(spans)), lengths)
        tokens = np.arange(len(which)) - np.repeat(np.cumsum(lengths) - lengths, lengths) + starts[which]
        iob[tokens] = 1  # I
        iob[starts] = 3  # B
        label[tokens] = np.array([s.label for s in spans], dtype=np.uint64)[which]
        kb_id[tokens] = np.array([s.kb_id for s in spans], dtype=np.uint64)[which]
    doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], np.stack([iob, label, kb_id], axis=1))


def normalize_entity(text: str, gaz: Gazetteer) -> dict | None:
    """Gazetteer reading of a surface name: {label, canonical, kb_id, actor} or None."""
    idx = gaz.alias_index.get(normalize_name(text))
    if idx is None:
        return None
    entry = gaz.entries[idx]
    return {"label": entry["label"], "canonical": entry["canonical"], "kb_id": entry["kb_id"], "actor": entry.get("actor")}


# --------------------------------------------------------------------------------------------
# The component
# --------------------------------------------------------------------------------------------


class EntityStage:
    """spaCy component ``claims_entities``.

    Reads sentence boundaries, ``doc.spans["boilerplate"]`` and (optionally) ``doc.ents`` from an
    earlier ``ner``; writes ``doc.ents``, ``doc.spans[spans_key]`` and ``span._.entity``.
    Rule data loads in :meth:`initialize` (or lazily on the first call) and is saved by
    :meth:`to_disk`, so a saved pipeline reloads without the package's resource files.
    """

    def __init__(self, nlp: Language, name: str, *, spans_key: str, use_model_ents: bool,
                 patterns: bool, link_aliases: bool) -> None:
        ensure_extensions()
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.use_model_ents = use_model_ents
        self.patterns = patterns
        self.link_aliases = link_aliases
        self.entries: list[dict] | None = None
        self.lexicons: dict[str, list] | None = None
        self.gazetteer: Gazetteer | None = None

    def __call__(self, doc: Doc) -> Doc:
        if self.gazetteer is None:
            self.initialize()
        model_ents = list(doc.ents) if self.use_model_ents and doc.has_annotation("ENT_IOB") else None
        matches = find_entities(doc, self.gazetteer, model_ents=model_ents, patterns=self.patterns, link=self.link_aliases)
        spans = [m.span for m in matches]
        set_entity_annotation(doc, spans)
        doc.spans[self.spans_key] = spans
        set_span_extension(doc, spans, "entity", [m.value() for m in matches])
        return doc

    def initialize(self, get_examples: Callable | None = None, *, nlp: Language | None = None,
                   resources_root: str | None = None) -> None:
        """Load the packaged gazetteer and lexicons (or those under ``resources_root``) and compile them."""
        with gc_paused():
            self.set_data(load_entries(resources_root), load_lexicons(resources_root))

    def set_data(self, entries: list[dict], lexicons: dict[str, list]) -> None:
        self.entries, self.lexicons = entries, lexicons
        with gc_paused():
            self.gazetteer = compile_gazetteer(self.nlp, entries, lexicons)

    def _cfg(self) -> dict:
        return {"spans_key": self.spans_key, "use_model_ents": self.use_model_ents,
                "patterns": self.patterns, "link_aliases": self.link_aliases}

    def to_bytes(self, *, exclude: Sequence[str] = ()) -> bytes:
        if self.gazetteer is None:
            self.initialize()
        return json.dumps({"cfg": self._cfg(), "entries": self.entries, "lexicons": self.lexicons}, ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Sequence[str] = ()) -> "EntityStage":
        obj = json.loads(data.decode("utf-8"))
        self.set_data(obj["entries"], obj["lexicons"])
        return self

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        if self.gazetteer is None:
            self.initialize()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with (path / "entries.jsonl").open("w", encoding="utf-8") as fh:
            for entry in self.entries:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        (path / "lexicons.json").write_text(json.dumps(self.lexicons, ensure_ascii=False), encoding="utf-8")
        (path / "cfg.json").write_text(json.dumps(self._cfg()), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> "EntityStage":
        path = Path(path)
        with (path / "entries.jsonl").open(encoding="utf-8") as fh:
            entries = [json.loads(line) for line in fh if line.strip()]
        lexicons = json.loads((path / "lexicons.json").read_text(encoding="utf-8"))
        self.set_data(entries, lexicons)
        return self


def make_entities(nlp: Language, name: str, spans_key: str, use_model_ents: bool, patterns: bool,
                  link_aliases: bool) -> EntityStage:
    """Factory of ``claims_entities`` (cheap: data loads in initialize)."""
    return EntityStage(nlp, name, spans_key=spans_key, use_model_ents=use_model_ents,
                       patterns=patterns, link_aliases=link_aliases)


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


def build_records(doc: Doc, ctx: RecordContext) -> list[dict]:
    """One ``entities.jsonl`` record per span in ``doc.spans["entities"]``."""
    records = []
    for span, record, value, sentence_id in ctx.iter_spans(SPANS_ENTITIES, "entity"):
        value = value or {}
        text = record["text"]  # == span.text, without building a Token per token
        record["label"] = span.label_
        record["canonical"] = value.get("canonical") or normalize_name(text)
        record["kb_id"] = value.get("kb_id") or span.kb_id_ or slug_id(text)
        record["actor"] = value.get("actor")
        record["source"] = value.get("source") or "model"
        record["sentence_id"] = sentence_id
        records.append(record)
    return records


def entity_summary(records: Iterable[dict]) -> list[dict]:
    """Distinct entities of one document's records with mention counts.

    Sorted by mentions (descending), then label, canonical and kb_id, so the order is stable.
    """
    counts: Counter[tuple[str, str, str]] = Counter()
    for r in records:
        counts[(r["canonical"], r["kb_id"], r["label"])] += 1
    rows = [{"canonical": c, "kb_id": k, "label": lab, "mentions": n} for (c, k, lab), n in counts.items()]
    rows.sort(key=lambda r: (-r["mentions"], r["label"], r["canonical"], r["kb_id"]))
    return rows


__all__ = [
    "DEFAULT_CONFIG",
    "LABELS",
    "EntityMatch",
    "EntityStage",
    "Gazetteer",
    "build_records",
    "compile_gazetteer",
    "entity_summary",
    "find_entities",
    "load_entries",
    "load_lexicons",
    "make_entities",
    "normalize_entity",
    "normalize_name",
]
