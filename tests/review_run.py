"""Hand-made run folders for the review, export and report tests (no pipeline stage involved).

The articles are short texts written for these tests. Records of every kind are declared by the
text they cover; offsets and stable ids are computed exactly as the pipeline computes them, so
the folders satisfy the record contract (``text == source_text[start_char:end_char]``).
"""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.io import sha256_text, write_json, write_jsonl
from pipeline.records import assign_ids

ARCTIC = (
    "Ice, Ports and Patience: Moscow's Northern Bet\n\n"
    "By Maria Okafor\n\n"
    "Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets. "
    "Cargo volumes reached 36 million tonnes in 2023, far below the 80 million tonnes the Kremlin promised for 2024. "
    "\u201cThe route will remain a seasonal curiosity for at least a decade,\u201d said Lars Henriksen, a shipping analyst in Oslo.\n\n"
    "Western governments should not mistake this slowdown for a retreat. "
    "Beijing is likely to keep investing in Arctic ports because it wants leverage over future trade lanes.\n\n"
    "Maria Okafor is a senior fellow at the Atlantic Policy Forum."
)

ESCAPES = (
    "Testing <script>alert(1)</script> and other tags\n\n"
    "The ministry said <img src=x onerror=alert(1)> was only a test of 5 percent of the network. "
    "Officials in <b>Kyiv</b> argue that the sanctions will fail by 2026."
)

BALTIC = (
    "Baltic Cables: A Cheap Way to Cause Expensive Trouble\n\n"
    "Sabotage of undersea cables costs little and achieves a lot. "
    "NATO will probably expand its patrols in the Baltic Sea before 2026, said Ingrid Holm of the Baltic Security Centre. "
    "Repairs to the damaged line took 40 days and cost about \u20ac25 million."
)

DEFAULTS = {
    "entities": {"label": "ORG", "canonical": None, "kb_id": None, "actor": None, "source": "pattern"},
    "dates": {"type": "DATE", "value": None, "mod": None, "relative": False, "anchor": None, "begin": None, "end": None, "unresolved": False},
    "figures": {"value": None, "unit": None, "kind": "quantity", "currency": None, "scale": None, "qualifier": None, "change": None,
                "change_from": None, "change_to": None, "measured": None, "source": None, "compared_with": None},
    "claims": {"type": "evaluation", "score": 0.5, "hedged": False, "certainty": "high", "negated": False, "speaker": None,
               "speaker_entity": None, "attribution_cue": None, "quote": None, "about": [], "evidence": [], "cues": []},
}


def _find(text: str, needle: str, nth: int = 0, start: int = 0) -> tuple[int, int]:
    pos = start - 1
    for _ in range(nth + 1):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            raise ValueError(f"{needle!r} (#{nth}) not in text")
    return pos, pos + len(needle)


def _sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of each sentence: paragraphs split on blank lines, sentences on '. '."""
    import re

    out = []
    for p, match in enumerate(re.finditer(r"[^\n]+", text)):
        base = match.start()
        para = match.group(0)
        for sm in re.finditer(r".+?(?:[.!?](?=\s+[A-Z\u201c\"])|$)", para):
            s, e = base + sm.start(), base + sm.end()
            while s < e and text[s].isspace():
                s += 1
            if s < e:
                out.append((s, e, p))
    return out


DOCS = {
    "arctic-ports": {
        "text": ARCTIC,
        "title": "Ice, Ports and Patience: Moscow's Northern Bet",
        "authors": ["Maria Okafor"],
        "published": "2024-03",
        "boilerplate": [("Ice, Ports and Patience: Moscow's Northern Bet", "title"), ("By Maria Okafor", "byline"),
                        ("Maria Okafor is a senior fellow at the Atlantic Policy Forum.", "author_bio")],
        "entities": [
            ("Moscow", 0, {"label": "GPE", "canonical": "Moscow", "actor": "Russia", "source": "gazetteer"}),
            ("Russia", 0, {"label": "GPE", "canonical": "Russia", "kb_id": "Q159", "actor": "Russia", "source": "gazetteer"}),
            ("Northern Sea Route", 0, {"label": "LOC", "canonical": "Northern Sea Route", "source": "gazetteer"}),
            ("Kremlin", 0, {"label": "ORG", "canonical": "Kremlin", "actor": "Russia", "source": "gazetteer"}),
            ("Lars Henriksen", 0, {"label": "PERSON", "canonical": "Lars Henriksen"}),
            ("Oslo", 0, {"label": "GPE", "canonical": "Oslo", "actor": "Norway", "source": "gazetteer"}),
            ("Beijing", 0, {"label": "GPE", "canonical": "Beijing", "actor": "China", "source": "gazetteer"}),
        ],
        "dates": [
            ("2023", 0, {"type": "DATE", "value": "2023"}),
            ("2024", 0, {"type": "DATE", "value": "2024"}),
            ("at least a decade", 0, {"type": "DURATION", "value": "P10Y", "mod": "MIN"}),
        ],
        "figures": [
            ("36 million tonnes", 0, {"value": 36000000, "unit": "t", "kind": "quantity", "scale": "million", "measured": "cargo volume"}),
            ("80 million tonnes", 0, {"value": 80000000, "unit": "t", "kind": "quantity", "scale": "million", "qualifier": None}),
        ],
        "claims": [
            ("Russia's plan to expand traffic on the Northern Sea Route will fall short of its targets.", 0,
             {"type": "prediction", "score": 0.82, "certainty": "high", "about": [("entities", "Russia"), ("entities", "Northern Sea Route")],
              "evidence": [("figures", "36 million tonnes"), ("dates", "2023")], "cues": [("will", "type")]}),
            ("\u201cThe route will remain a seasonal curiosity for at least a decade,\u201d said Lars Henriksen, a shipping analyst in Oslo.", 0,
             {"type": "prediction", "score": 0.74, "speaker": "Lars Henriksen", "speaker_entity": ("entities", "Lars Henriksen"),
              "attribution_cue": "said", "quote": "direct", "cues": [("will", "type"), ("said", "attribution")]}),
            ("Western governments should not mistake this slowdown for a retreat.", 0,
             {"type": "recommendation", "score": 0.91, "negated": True, "cues": [("should", "type"), ("not", "negation")]}),
            ("Beijing is likely to keep investing in Arctic ports because it wants leverage over future trade lanes.", 0,
             {"type": "interpretation", "score": 0.55, "hedged": True, "certainty": "medium", "about": [("entities", "Beijing")],
              "cues": [("likely", "hedge"), ("because", "type")]}),
        ],
    },
    "baltic-cables": {
        "text": BALTIC,
        "title": "Baltic Cables: A Cheap Way to Cause Expensive Trouble",
        "authors": [],
        "published": "2025-01-15",
        "boilerplate": [("Baltic Cables: A Cheap Way to Cause Expensive Trouble", "title")],
        "entities": [
            ("NATO", 0, {"label": "ORG", "canonical": "NATO", "kb_id": "Q7184", "source": "gazetteer"}),
            ("Baltic Sea", 0, {"label": "LOC", "canonical": "Baltic Sea", "source": "gazetteer"}),
            ("Ingrid Holm", 0, {"label": "PERSON", "canonical": "Ingrid Holm"}),
            ("Baltic Security Centre", 0, {"label": "ORG", "canonical": "Baltic Security Centre"}),
        ],
        "dates": [("before 2026", 0, {"type": "DATE", "value": "2026", "mod": "BEFORE"})],
        "figures": [
            ("40 days", 0, {"value": 40, "unit": "day", "kind": "duration"}),
            ("about \u20ac25 million", 0, {"value": 25000000.0, "unit": "EUR", "kind": "money", "currency": "EUR", "scale": "million", "qualifier": "approx"}),
        ],
        "claims": [
            ("Sabotage of undersea cables costs little and achieves a lot.", 0,
             {"type": "evaluation", "score": 0.63, "cues": [("little", "type")]}),
            ("NATO will probably expand its patrols in the Baltic Sea before 2026, said Ingrid Holm of the Baltic Security Centre.", 0,
             {"type": "prediction", "score": 0.78, "hedged": True, "certainty": "medium", "speaker": "Ingrid Holm",
              "speaker_entity": ("entities", "Ingrid Holm"), "attribution_cue": "said", "about": [("entities", "NATO")],
              "evidence": [("dates", "before 2026")], "cues": [("will", "type"), ("probably", "hedge"), ("said", "attribution")]}),
        ],
    },
    "escapes": {
        "text": ESCAPES,
        "title": "Testing <script>alert(1)</script> and other tags",
        "authors": [],
        "published": None,
        "boilerplate": [("Testing <script>alert(1)</script> and other tags", "title")],
        "entities": [
            ("<script>alert(1)</script>", 0, {"label": "ORG", "canonical": "<script>alert(1)</script>"}),
            ("Kyiv", 0, {"label": "GPE", "canonical": "Kyiv", "actor": "Ukraine", "source": "gazetteer"}),
        ],
        "dates": [("2026", 0, {"type": "DATE", "value": "2026"})],
        "figures": [("5 percent", 0, {"value": 5, "unit": "%", "kind": "percent"})],
        "claims": [
            ("The ministry said <img src=x onerror=alert(1)> was only a test of 5 percent of the network.", 0,
             {"type": "evaluation", "score": 0.41, "speaker": "<img src=x onerror=alert(1)>", "attribution_cue": "said",
              "evidence": [("figures", "5 percent")], "cues": [("<img src=x onerror=alert(1)>", "speaker")]}),
            ("Officials in <b>Kyiv</b> argue that the sanctions will fail by 2026.", 0,
             {"type": "prediction", "score": 0.7, "speaker": "Officials in <b>Kyiv</b>", "attribution_cue": "argue",
              "about": [("entities", "Kyiv")], "cues": [("will", "type"), ("argue", "attribution")]}),
        ],
    },
}


def build_doc_records(doc_id: str, spec: dict, source: str, source_line: int | None = None) -> dict[str, list[dict]]:
    text = spec["text"]
    spans = {kind: [(*_find(text, needle, nth), fields) for needle, nth, fields in spec[kind]] for kind in DEFAULTS}
    ids = {kind: assign_ids(kind, doc_id, [(s, e, text[s:e]) for s, e, _ in spans[kind]]) for kind in DEFAULTS}
    sents = _sentences(text)
    sent_ids = assign_ids("sentences", doc_id, [(s, e, text[s:e]) for s, e, _ in sents])

    def sentence_id(start: int) -> str | None:
        best = None
        for s, e, _ in sents:
            if s <= start:
                best = sent_ids[(s, e)]
        return best

    def ref(item) -> str:
        kind, needle = item[0], item[1]
        s, e = _find(text, needle, item[2] if len(item) > 2 else 0)
        return ids[kind][(s, e)]

    bp_spans = [(*_find(text, needle), kind) for needle, kind in spec["boilerplate"]]

    def bp_kind(start: int) -> str | None:
        return next((k for s, e, k in bp_spans if s <= start < e), None)

    out: dict[str, list[dict]] = {"sentences": [
        {"id": sent_ids[(s, e)], "doc_id": doc_id, "paragraph": p, "start_char": s, "end_char": e, "text": text[s:e], "boilerplate": bp_kind(s)}
        for s, e, p in sents
    ]}
    for kind in DEFAULTS:
        records = []
        for s, e, fields in spans[kind]:
            rec = {"id": ids[kind][(s, e)], "doc_id": doc_id, "start_char": s, "end_char": e, "text": text[s:e], **DEFAULTS[kind]}
            for key, value in fields.items():
                if key in ("about", "evidence"):
                    value = [ref(v) for v in value]
                elif key == "speaker_entity" and value is not None:
                    value = ref(value)
                elif key == "cues":
                    value = [dict(zip(("start_char", "end_char"), _find(text, c, 0, s)), text=c, role=role) for c, role in value]
                rec[key] = value
            rec["sentence_id"] = sentence_id(s)
            records.append(rec)
        out[kind] = sorted(records, key=lambda r: (r["start_char"], r["end_char"], r["id"]))
    counts = {k: len(v) for k, v in out.items()}
    out["documents"] = [{
        "doc_id": doc_id, "source": source, "source_line": source_line, "title": spec["title"], "authors": spec["authors"],
        "author_roles": [], "published": spec["published"], "published_from": "sidecar" if spec["published"] else None,
        "url": None, "publisher": "Test Institute", "language": "en", "encoding": "utf-8", "sha256": sha256_text(text),
        "n_chars": len(text), "n_words": len(text.split()), "n_sentences": len(sents), "counts": counts,
        "dates_unresolved": 0,
        "boilerplate": [{"start_char": s, "end_char": e, "kind": k, "text": text[s:e]} for s, e, k in sorted(bp_spans)],
        "entities": [],
    }]
    return out


def make_run(root: Path, docs: tuple[str, ...] = ("arctic-ports", "baltic-cables", "escapes"), *, jsonl_doc: str | None = None) -> Path:
    """Write the articles under ``root/articles`` and a run folder ``root/run``; returns the run folder.

    ``jsonl_doc`` puts that article into ``articles/batch.jsonl`` (line 2) instead of a .txt file.
    """
    articles, out = root / "articles", root / "run"
    articles.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    merged: dict[str, list[dict]] = {k: [] for k in ("documents", "sentences", *DEFAULTS)}
    inputs = []
    for doc_id in sorted(docs):
        spec = DOCS[doc_id]
        if doc_id == jsonl_doc:
            path = articles / "batch.jsonl"
            other = json.dumps({"id": "filler", "text": "A filler article that is not part of the run."})
            path.write_text(other + "\n" + json.dumps({"id": doc_id, "text": spec["text"]}) + "\n", encoding="utf-8")
            line = 2
        else:
            path = articles / f"{doc_id}.txt"
            path.write_text(spec["text"], encoding="utf-8")
            line = None
        recs = build_doc_records(doc_id, spec, str(path), line)
        for kind, items in recs.items():
            merged[kind] += items
        inputs.append({"doc_id": doc_id, "source": str(path), "line": line, "sha256": sha256_text(spec["text"])})
    for kind, items in merged.items():
        write_jsonl(out / f"{kind}.jsonl", items)
    errors = [{"file": str(articles / "broken.txt"), "line": None, "reason": "empty file <b>not bold</b>", "skipped": True}]
    write_jsonl(out / "errors.jsonl", errors)
    write_json(out / "run.json", {
        "pipeline_version": "0.1.0", "config_hash": "0123456789abcdef", "config": "configs/rules.cfg", "overrides": {},
        "model": {"name": None, "version": None, "sources": [], "trained_components": [], "pipeline": ["segmenter"]},
        "spacy_version": "3.8.18", "inputs": inputs, "documents": {i["doc_id"]: i["sha256"] for i in inputs},
        "processed": len(inputs), "reused": 0, "kept_from_earlier_runs": 0,
        "counts": {k: len(v) for k, v in merged.items()}, "dates_unresolved": 0, "errors": errors,
        "timings": {"seconds": 0.1, "words_processed": 100, "words_per_second": 1000.0, "stage_seconds": {}},
        "published_default": None,
    })
    return out


def record(out: Path, kind: str, text: str) -> dict:
    """The record of ``kind`` whose text is ``text`` (first match)."""
    from pipeline.io import read_jsonl

    for r in read_jsonl(out / f"{kind}.jsonl"):
        if r["text"] == text:
            return r
    raise KeyError(f"no {kind} record {text!r}")
