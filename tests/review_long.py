"""A generated long article (tens of thousands of words, invented text) as a run folder, for the review
page's speed test (``tests/review_speed.py``) and the queue tests that need many records.

Every sentence is built from a template whose slots are filled with invented names, places, years and
figures; the offsets of each slot are known as the text is built, so records are exact
(``text == source_text[start_char:end_char]``) without searching the text.
"""
from __future__ import annotations

import random
from pathlib import Path

from pipeline.io import sha256_text, write_json, write_jsonl
from pipeline.records import assign_ids

PEOPLE = ["Ilse Marwood", "Tomas Vedrin", "Anouk Salter", "Rafael Imbert", "Keiko Dunmore", "Oren Pask", "Lidia Varga", "Samir Oduya"]
PLACES = ["Velmora", "Ostrand", "Kaspia", "Durnholt", "Maridan", "Tessaly Bay", "Corvin Strait", "Halvik"]
ORGS = ["Northern Policy Forum", "Council of Ports", "Meridian Institute", "Ostrand Navy", "Velmora Ministry of Trade"]
UNITS = [("million tonnes", "t", "quantity", 1e6), ("percent", "%", "percent", 1), ("billion euros", "EUR", "money", 1e9)]
CLAIM_TYPES = ["prediction", "recommendation", "evaluation", "interpretation"]

# (template, claim type or None); slots: {P} place, {Q} second place, {N} person, {O} organisation,
# {Y} year, {F} figure. The cue word of a claim is the first of its cue words found in the template.
TEMPLATES = [
    ("{P} will probably expand its patrols near {Q} before {Y}, said {N} of the {O}.", "prediction"),
    ("Trade through {P} reached {F} in {Y}, well below what the {O} had promised.", None),
    ("{P} should not mistake the slowdown in {Q} for a retreat.", "recommendation"),
    ("The plan of the {O} is a costly mistake that leaves {P} exposed.", "evaluation"),
    ("{N} argues that {P} is likely to keep investing because it wants leverage over {Q}.", "interpretation"),
    ("Officials in {P} met their counterparts from {Q} in {Y} to discuss shipping lanes and cable repairs.", None),
    ("Spending by the {O} rose by {F} after {Y}, according to figures published in {P}.", None),
    ("Governments in {Q} must prepare for a longer standoff with {P}, {N} said.", "recommendation"),
]
CUES = {"prediction": ("will", "type"), "recommendation": ("should", "type"), "evaluation": ("mistake", "type"), "interpretation": ("because", "type")}
CUES_ALT = {"recommendation": ("must", "type")}
SENTENCES_PER_PARAGRAPH = 4


def _fill(template: str, rng: random.Random) -> tuple[str, list[tuple[str, int, int, dict]]]:
    """The sentence text and its slots (kind, start, end, fields) relative to the sentence."""
    out, spans, i = [], [], 0
    pos = 0
    while i < len(template):
        if template[i] == "{":
            slot = template[i + 1]
            i += 3
            kind, value, fields = _slot(slot, rng)
            spans.append((kind, pos, pos + len(value), fields))
            out.append(value)
            pos += len(value)
        else:
            out.append(template[i])
            pos += 1
            i += 1
    return "".join(out), spans


def _slot(slot: str, rng: random.Random) -> tuple[str, str, dict]:
    if slot in "PQ":
        name = rng.choice(PLACES)
        return "entities", name, {"label": "GPE", "canonical": name, "kb_id": None, "source": "gazetteer"}
    if slot == "N":
        name = rng.choice(PEOPLE)
        return "entities", name, {"label": "PERSON", "canonical": name, "kb_id": None, "source": "pattern"}
    if slot == "O":
        name = rng.choice(ORGS)
        return "entities", name, {"label": "ORG", "canonical": name, "kb_id": None, "source": "gazetteer"}
    if slot == "Y":
        year = str(rng.randint(1990, 2035))
        return "dates", year, {"type": "DATE", "value": year}
    words, unit, kind, scale = rng.choice(UNITS)
    n = rng.randint(2, 95)
    return "figures", f"{n} {words}", {"value": n * scale, "unit": unit, "kind": kind}


DEFAULTS = {
    "entities": {"label": "ORG", "canonical": None, "kb_id": None, "actor": None, "source": "pattern"},
    "dates": {"type": "DATE", "value": None, "mod": None, "relative": False, "anchor": None, "begin": None, "end": None, "unresolved": False},
    "figures": {"value": None, "unit": None, "kind": "quantity", "currency": None, "scale": None, "qualifier": None, "change": None,
                "change_from": None, "change_to": None, "measured": None, "source": None, "compared_with": None},
    "claims": {"type": "evaluation", "score": 0.5, "hedged": False, "certainty": "high", "negated": False, "speaker": None,
               "speaker_entity": None, "attribution_cue": None, "quote": None, "about": [], "evidence": [], "cues": []},
}


def long_article(n_words: int, seed: int = 0) -> tuple[str, dict[str, list[tuple[int, int, dict]]], list[tuple[int, int, int]]]:
    """(text, spans per kind as (start, end, fields), sentences as (start, end, paragraph))."""
    rng = random.Random(seed)
    parts: list[str] = []
    spans: dict[str, list] = {k: [] for k in DEFAULTS}
    sentences = []
    pos, words, n = 0, 0, 0
    while words < n_words:
        if n and n % SENTENCES_PER_PARAGRAPH == 0:
            parts.append("\n\n")
            pos += 2
        elif n:
            parts.append(" ")
            pos += 1
        template, ctype = TEMPLATES[rng.randrange(len(TEMPLATES))]
        sentence, slots = _fill(template, rng)
        start = pos
        for kind, s, e, fields in slots:
            spans[kind].append((start + s, start + e, fields))
        if ctype:
            spans["claims"].append((start, start + len(sentence), _claim_fields(sentence, start, ctype, slots, rng)))
        parts.append(sentence)
        pos += len(sentence)
        sentences.append((start, pos, n // SENTENCES_PER_PARAGRAPH))
        words += len(sentence.split())
        n += 1
    return "".join(parts), spans, sentences


def _claim_fields(sentence: str, start: int, ctype: str, slots: list, rng: random.Random) -> dict:
    cue_word, role = CUES_ALT.get(ctype, CUES[ctype]) if CUES[ctype][0] not in sentence else CUES[ctype]
    at = sentence.find(cue_word)
    cues = [{"start_char": start + at, "end_char": start + at + len(cue_word), "text": cue_word, "role": role}] if at >= 0 else []
    speaker = next((sentence[s:e] for kind, s, e, f in slots if kind == "entities" and f["label"] == "PERSON"), None)
    hedged = "probably" in sentence or "likely" in sentence
    return {"type": ctype, "score": round(rng.random(), 3), "hedged": hedged, "certainty": "medium" if hedged else "high",
            "speaker": speaker, "cues": cues}


def make_long_run(root: Path, n_words: int = 70_000, doc_id: str = "long-article", seed: int = 0, n_docs: int = 1) -> tuple[Path, dict[str, int]]:
    """A run folder with ``n_docs`` generated articles of about ``n_words`` words each (the first is
    ``doc_id``, the others ``doc_id-2``...); returns it and the record counts."""
    articles, out = root / "articles", root / "run"
    articles.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    merged: dict[str, list[dict]] = {k: [] for k in ("documents", "sentences", *DEFAULTS)}
    inputs, words = [], 0
    for k in range(n_docs):
        did = doc_id if k == 0 else f"{doc_id}-{k + 1}"
        text, records = _document(articles, did, n_words, seed + k)
        for kind, items in records.items():
            merged[kind] += items
        inputs.append({"doc_id": did, "source": records["documents"][0]["source"], "line": None, "sha256": sha256_text(text)})
        words += len(text.split())
    counts = {k: len(v) for k, v in merged.items() if k != "documents"}
    for kind, items in merged.items():
        write_jsonl(out / f"{kind}.jsonl", items)
    write_jsonl(out / "errors.jsonl", [])
    write_json(out / "run.json", {"pipeline_version": "0.1.0", "config_hash": "0123456789abcdef", "inputs": inputs, "counts": counts, "errors": []})
    return out, {**counts, "words": words}


def _document(articles: Path, doc_id: str, n_words: int, seed: int) -> tuple[str, dict[str, list[dict]]]:
    """One generated article written to ``articles/<doc_id>.txt`` and its records of every kind."""
    from bisect import bisect_right

    text, spans, sents = long_article(n_words, seed)
    source = articles / f"{doc_id}.txt"
    source.write_text(text, encoding="utf-8")
    sent_ids = assign_ids("sentences", doc_id, [(s, e, text[s:e]) for s, e, _ in sents])
    starts = [s for s, _, _ in sents]

    def sentence_of(start: int) -> str:
        s, e, _ = sents[bisect_right(starts, start) - 1]
        return sent_ids[(s, e)]

    records: dict[str, list[dict]] = {"sentences": [
        {"id": sent_ids[(s, e)], "doc_id": doc_id, "paragraph": p, "start_char": s, "end_char": e, "text": text[s:e], "boilerplate": None}
        for s, e, p in sents]}
    for kind, items in spans.items():
        ids = assign_ids(kind, doc_id, [(s, e, text[s:e]) for s, e, _ in items])
        records[kind] = [
            {"id": ids[(s, e)], "doc_id": doc_id, "start_char": s, "end_char": e, "text": text[s:e], **DEFAULTS[kind], **fields,
             "sentence_id": sentence_of(s)}
            for s, e, fields in sorted(items, key=lambda x: (x[0], x[1]))
        ]
    counts = {k: len(v) for k, v in records.items()}
    records["documents"] = [{
        "doc_id": doc_id, "source": str(source), "source_line": None, "title": f"A Long Generated Commentary ({doc_id})", "authors": [],
        "author_roles": [], "published": "2025-01-01", "published_from": "sidecar", "url": None, "publisher": "Test Institute",
        "language": "en", "encoding": "utf-8", "sha256": sha256_text(text), "n_chars": len(text), "n_words": len(text.split()),
        "n_sentences": len(sents), "counts": counts, "dates_unresolved": 0, "boilerplate": [], "entities": [],
    }]
    return text, records
