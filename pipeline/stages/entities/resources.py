"""The entity stage's rule data: one :class:`~pipeline.resources.TableSpec` per file under
``pipeline/resources/entities/`` (see its README), the gazetteer entries merged from them, and
the word lists the rules use.

``geo.jsonl`` is generated (``python -m pipeline.training.gazetteer``); the curated tables are
merged over it by :func:`merge_entries`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ...resources import ResourceError, TableSpec, load_table, read_jsonl
from .candidates import LABELS

RESOURCE_DIR = "entities"
GAZETTEER_FILES = ("places.tsv", "groups.tsv", "organisations.tsv", "people.tsv", "events_laws.tsv")
GENERATED_FILE = "geo.jsonl"
FLAGS = frozenset({"lower", "qualify", "qualified_only", "after_the", "not_initial"})
KB_ID_RE = re.compile(r"^(Q[1-9][0-9]*|geonames:[0-9]+|slug:[a-z0-9]+(?:-[a-z0-9]+)*)$")
_LABEL_SET = frozenset(LABELS)
# What may name a lower-case event or law head (event_heads.tsv): see that file.
EVENT_MODIFIERS = frozenset({"place", "city", "norp", "org", "person", "name"})


def _entry_table(name: str) -> TableSpec:
    """A gazetteer table: lists (aliases, short, flags) are ``|``-separated."""
    return TableSpec(f"{RESOURCE_DIR}/{name}", ("label", "canonical", "kb_id", "aliases"),
                     ("actor", "short", "flags", "country"), enums={"label": _LABEL_SET})


GAZETTEER_TABLES = {name: _entry_table(name) for name in GAZETTEER_FILES}
# The word lists of rule_words.tsv, by role (each role one list of the lexicons).
RULE_WORD_ROLES = {
    "connector": "connectors",                   # joins capitalized words inside a name ("of", "and")
    "name_particle": "name_particles",           # inside a person's name ("bin", "von")
    "apposition_opener": "apposition_openers",   # "X Y, the former minister"
    "reporting_verb": "reporting_verbs",         # "said X Y", "X Y argued"
    "title_premodifier": "title_premodifiers",   # before a title: "former", "acting"
    "bio_verb": "bio_verbs",                     # after an author bio's subject: "X Y is a ..."
    "unit_head": "unit_heads",                   # a research unit in an author block: "Asia Program"
    "event_premodifier": "event_premodifiers",   # "the US presidential election"
}
LEXICON_TABLES = {
    "titles": TableSpec(f"{RESOURCE_DIR}/titles.tsv", ("title", "kind"), enums={"kind": frozenset({"title", "role"})}),
    "given_names": TableSpec(f"{RESOURCE_DIR}/given_names.tsv", ("name",)),
    "model_words": TableSpec(f"{RESOURCE_DIR}/model_words.tsv", ("word", "role"), enums={"role": frozenset({"org_word", "event_opener"})}),
    "place_given_names": TableSpec(f"{RESOURCE_DIR}/place_given_names.tsv", ("name",)),
    "heads": TableSpec(f"{RESOURCE_DIR}/heads.tsv", ("word", "label"), ("year",),
                       enums={"label": _LABEL_SET, "year": frozenset({"title"})}),
    "event_heads": TableSpec(f"{RESOURCE_DIR}/event_heads.tsv", ("word", "label", "modifier"),
                             enums={"label": frozenset({"EVENT", "LAW"}), "modifier": EVENT_MODIFIERS}),
    "non_entities": TableSpec(f"{RESOURCE_DIR}/non_entities.tsv", ("text",), ("note",)),
    "name_stop": TableSpec(f"{RESOURCE_DIR}/name_stop.tsv", ("word",)),
    "exercises": TableSpec(f"{RESOURCE_DIR}/exercises.tsv", ("name",)),
    "common_words": TableSpec(f"{RESOURCE_DIR}/common_words.tsv", ("word",)),
    "rule_words": TableSpec(f"{RESOURCE_DIR}/rule_words.tsv", ("word", "role"), enums={"role": frozenset(RULE_WORD_ROLES)}),
}


def split_list(value: str | None) -> list[str]:
    """The items of a ``|``-separated cell."""
    return [part.strip() for part in (value or "").split("|") if part.strip()]


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
    for name, spec in GAZETTEER_TABLES.items():
        for row in load_table(spec, root=root):
            curated.append(
                {
                    "label": row["label"],
                    "canonical": row["canonical"],
                    "kb_id": row["kb_id"],
                    "aliases": split_list(row["aliases"]),
                    "actor": row.get("actor") or None,
                    "short": split_list(row.get("short")),
                    "flags": split_list(row.get("flags")),
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
            entry = _entry_of(row)
            _check_entry(entry, row.get("_where") or f"{GENERATED_FILE}:{row['canonical']}")
            if key in by_key:
                _merge_into(by_key[key], entry, row, curated=source_rank == 0)
                continue
            by_key[key] = entry
            order.append(key)
    return _one_owner_per_alias([by_key[key] for key in order])


def _entry_of(row: dict) -> dict:
    """A gazetteer entry of one row: aliases without duplicates, the canonical one of them."""
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
    return entry


def _merge_into(old: dict, entry: dict, row: dict, *, curated: bool) -> None:
    """Add ``entry``'s aliases to ``old`` (the same label and canonical); a curated row also
    overrides kb_id / actor / country and adds its flags, a generated one only fills a missing actor."""
    old["aliases"] += [a for a in entry["aliases"] if a not in old["aliases"]]
    old["short"] += [a for a in entry["short"] if a not in old["short"]]
    if curated:
        for name in ("kb_id", "actor", "country"):
            if row.get(name):
                old[name] = entry[name]
        old["flags"] = sorted(set(old["flags"]) | set(entry["flags"]))
    elif not old.get("actor") and entry["actor"]:
        old["actor"] = entry["actor"]


def _one_owner_per_alias(entries: list[dict]) -> list[dict]:
    """Each alias kept only by its first claimant (curated before generated, file order);
    entries left without any name are dropped."""
    owner: dict[str, int] = {}
    kept_entries = []
    for idx, entry in enumerate(entries):
        for alias in entry["aliases"] + entry["short"]:
            if alias not in owner:
                owner[alias] = idx
        entry["aliases"] = [a for a in entry["aliases"] if owner.get(a) == idx]
        entry["short"] = [a for a in entry["short"] if owner.get(a) == idx]
        if entry["aliases"] + entry["short"]:
            kept_entries.append(entry)
    return kept_entries


def load_lexicons(root: str | Path | None = None) -> dict[str, list]:
    """Word lists the rules use: person titles, given names, head words, non-entities, name stops,
    exercise names, common words, and the rule words by role (:data:`RULE_WORD_ROLES`)."""
    tables = {name: load_table(spec, root=root) for name, spec in LEXICON_TABLES.items()}
    lexicons = {
        "titles": [[r["title"], r["kind"]] for r in tables["titles"]],
        "given_names": [r["name"] for r in tables["given_names"]],
        "place_given_names": [r["name"] for r in tables["place_given_names"]],
        "heads": [[r["word"], r["label"]] for r in tables["heads"]],
        "title_year_heads": [r["word"] for r in tables["heads"] if r.get("year") == "title"],
        "event_heads": [[r["word"], r["label"], r["modifier"]] for r in tables["event_heads"]],
        "non_entities": [r["text"] for r in tables["non_entities"]],
        "name_stop": [r["word"] for r in tables["name_stop"]],
        "exercises": [r["name"] for r in tables["exercises"]],
        "common_words": [r["word"] for r in tables["common_words"]],
    }
    lexicons["org_words"] = [r["word"] for r in tables["model_words"] if r["role"] == "org_word"]
    lexicons["event_openers"] = [r["word"] for r in tables["model_words"] if r["role"] == "event_opener"]
    for role, name in RULE_WORD_ROLES.items():
        lexicons[name] = [r["word"] for r in tables["rule_words"] if r["role"] == role]
    return lexicons
