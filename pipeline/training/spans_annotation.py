"""The held-out span sample: which commentaries are annotated for entities, figures and dates, and
how annotators' label files become stored offsets.

The sample is fixed by a seed and disjoint from every article of the claim corpus's train and dev
splits (models and rules are tuned there). Each article gives one or two windows: its head (title,
byline, first paragraphs, up to a paragraph end near :data:`HEAD_CHARS`) and, when the page ends
with an author bio or credit block, that block. Text is read as the pipeline reads it
(:func:`pipeline.io.load_articles`); offsets are Python ``str`` indices into it.

Annotators never count characters: a label line names the mention's text and which whole-word
occurrence of it in the windows it is (``n``: 1, 2 ... or ``"all"``); :func:`resolve_labels` turns
that into offsets, and the stored file ``annotations/spans/<split>.jsonl`` holds offsets, labels and
values plus the file's sha256, never article text.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..io import Article, load_articles
from .claims_annotation import AnnotationError, write_jsonl  # noqa: F401  (shared JSONL helpers)
from .claims_annotation import read_jsonl as _read_jsonl

ANNOTATION_DIR = Path(__file__).parent / "annotations" / "spans"
CLAIMS_DIR = Path(__file__).parent / "annotations" / "claims"
TUNING_SPLITS = ("train", "dev")  # claim-corpus splits others tune on: never in this sample
DEFAULT_SEED = 31
SAMPLE_SIZE = 48
HEAD_CHARS = 3500
MIN_HEAD_CHARS = 2000
MIN_YEAR_ARTICLES = 20  # years with fewer articles (a handful of doctrine papers) are not drawn from
TAIL_MAX_CHARS = 1500
TAIL_MAX_PARAGRAPHS = 6
KINDS = ("entity", "figure", "date")
KIND_KEYS = {"entity": "entities", "figure": "figures", "date": "dates"}
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "LAW")
FIGURE_KINDS = ("percent", "money", "count", "quantity", "ordinal", "year", "fraction", "multiplier")
DATE_TYPES = ("date", "relative", "duration", "set")
QUALIFIERS = ("about", "around", "nearly", "almost", "over", "more than", "less than", "up to", "at least", "some",
              "estimated", "only", "just", "or so", "between")
_BIO_START = re.compile(r"^[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4}(?:\s+(?:is|was|are|serves|served|holds|leads|directs)\b|,)")
_BIO_WORDS = re.compile(r"\b(?:fellow|director|professor|researcher|analyst|chair|adviser|advisor|editor|"
                        r"view profile|associate|scholar|intern|head of|assistant|coordinator|manager|officer|lecturer|member|"
                        r"founder|partner|president|chief|ambassador|correspondent|journalist|author|consultant|"
                        r"student|candidate|lead|specialist|expert)\b", re.IGNORECASE)
_CAL = r"(?:\d{4}|\d{3}X|\d{2}XX)(?:-(?:\d{2}(?:-\d{2})?|Q[1-4]|H[12]|SP|SU|FA|WI|W\d{2}(?:-WE)?))?"
_CAL_VALUE = re.compile(rf"^{_CAL}(?:T\d{{2}}:\d{{2}}(?:[+-]\d{{2}}:\d{{2}}|Z)?)?(?:/{_CAL})?$")
_DURATION = re.compile(r"^P(?:(?:\d+(?:\.\d+)?|X)(?:Y|M|W|D|DE|CE)|T(?:\d+|X)(?:H|M|S))$")
_ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")
# 1:1 character folds, so offsets in the folded text are offsets in the original.
_FOLD = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "’": "'", "‘": "'", "“": '"', "”": '"',
                       "–": "-", "—": "-", "\u2011": "-"})


class SpanAnnotationError(ValueError):
    """A label line or a stored annotation that does not fit the guide or the sample."""


# ---------------------------------------------------------------- reading articles

def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_article(path: Path, rel: str) -> Article:
    """The article as a run reads it (decoded text, sidecar metadata); fails on a bad file."""
    for item in load_articles(path, rel, Path(rel).stem):
        if isinstance(item, Article):
            return item
        if item.skipped:
            raise SpanAnnotationError(str(item))
    raise SpanAnnotationError(f"{rel}: no article read")


def tuning_shas(directory: Path = CLAIMS_DIR) -> set[str]:
    """sha256 of every article in the claim corpus's train and dev splits."""
    shas: set[str] = set()
    for split in TUNING_SPLITS:
        path = directory / f"{split}.jsonl"
        if path.is_file():
            shas |= {row["sha256"] for row in read_jsonl(path)}
    return shas


# ---------------------------------------------------------------- windows

def paragraph_ends(text: str) -> list[int]:
    """Offsets just after each non-empty line's last non-space character, in order."""
    ends, at = [], 0
    for line in text.split("\n"):
        stripped = line.rstrip()
        if stripped.strip():
            ends.append(at + len(stripped))
        at += len(line) + 1
    return ends


def head_window(text: str, target: int = HEAD_CHARS, minimum: int = MIN_HEAD_CHARS) -> tuple[int, int]:
    """[0, end) where end is the paragraph end nearest ``target`` (at least ``minimum`` if any is)."""
    ends = paragraph_ends(text)
    if not ends:
        return (0, len(text))
    candidates = [e for e in ends if e >= minimum] or ends
    return (0, min(candidates, key=lambda e: (abs(e - target), e)))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line, whitespace trimmed."""
    out, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            out.append((at + lead, at + len(line.rstrip())))
        at += len(line) + 1
    return out


def is_bio_paragraph(para: str, authors: Sequence[str]) -> bool:
    """A paragraph that reads as an author bio or credit: it names an author at its start, or opens
    like "Jane Roe is a senior fellow ..." with a role word."""
    head = para[:120].lower()
    for author in authors:
        parts = [p for p in re.split(r"[\s,]+", author) if len(p) > 2 and p.lower() not in ("and", "et", "al.")]
        if parts and (head.startswith(author.lower()) or parts[-1].lower() in head[:60]):
            return True
    return bool(_BIO_START.match(para) and _BIO_WORDS.search(para[:300]))


def tail_window(text: str, authors: Sequence[str], after: int) -> tuple[int, int] | None:
    """The trailing bio / credit block: the last paragraphs (short name or link lines included)
    back to the first bio paragraph, if any bio paragraph lies after ``after``."""
    paras = [p for p in _paragraphs(text) if p[0] >= after]
    block: list[tuple[int, int]] = []
    found = None
    for start, end in reversed(paras[-TAIL_MAX_PARAGRAPHS:]):
        para = text[start:end]
        if is_bio_paragraph(para, authors):
            found = start
        elif len(para.split()) > 12:
            break
        block.append((start, end))
        if block[0][1] - start > TAIL_MAX_CHARS:
            break
    if found is None:
        return None
    return (found, block[0][1])


def article_windows(article: Article) -> list[list[int]]:
    head = head_window(article.text)
    tail = tail_window(article.text, article.authors, head[1])
    return [list(head)] + ([list(tail)] if tail else [])


# ---------------------------------------------------------------- the sample

def select_sample(commentary: Path, *, n: int = SAMPLE_SIZE, seed: int = DEFAULT_SEED,
                  exclude: set[str] | None = None) -> list[dict]:
    """``n`` English articles, not in ``exclude`` (sha256), at most one per first author, drawn per
    publication year in proportion to the corpus (years with few articles skipped); sorted by path."""
    exclude = tuning_shas() if exclude is None else exclude
    by_year: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(commentary.glob("*.txt")):
        meta = _meta(path)
        by_year[str(meta.get("published") or "")[:4]].append(path)
    years = {y: ps for y, ps in by_year.items() if len(ps) >= MIN_YEAR_ARTICLES}
    quotas = _quotas({y: len(ps) for y, ps in years.items()}, n)
    rng = random.Random(seed)
    authors: set[str] = set()
    chosen: list[dict] = []
    for year in sorted(years):
        pool = list(years[year])
        rng.shuffle(pool)
        taken = 0
        for path in pool:
            if taken == quotas[year]:
                break
            row = _eligible(path, commentary, exclude, authors)
            if row:
                chosen.append(row)
                taken += 1
    return sorted(chosen, key=lambda r: r["path"])


def _meta(path: Path) -> dict:
    side = path.with_name(path.name + ".meta.json")
    return json.loads(side.read_text(encoding="utf-8")) if side.is_file() else {}


def _quotas(counts: dict[str, int], n: int) -> dict[str, int]:
    """Largest-remainder allocation of ``n`` over years in proportion to ``counts``."""
    total = sum(counts.values())
    exact = {y: n * c / total for y, c in counts.items()}
    quotas = {y: int(v) for y, v in exact.items()}
    for y in sorted(exact, key=lambda y: (-(exact[y] - quotas[y]), y))[: n - sum(quotas.values())]:
        quotas[y] += 1
    return quotas


def _eligible(path: Path, commentary: Path, exclude: set[str], authors: set[str]) -> dict | None:
    from ..run.doc_records import detect_language

    sha = file_sha256(path)
    if sha in exclude:
        return None
    rel = path.relative_to(commentary).as_posix()
    article = read_article(path, rel)
    first = re.split(r",| and ", (article.authors or ["?"])[0])[0].strip()
    if first in authors or len(article.text) < HEAD_CHARS + 1000 or not is_english(article.text, detect_language):
        return None
    authors.add(first)
    return {"sha256": sha, "path": rel, "published": article.published, "windows": article_windows(article)}


def is_english(text: str, detect_language) -> bool:
    """English by the pipeline's test, with at most 1% CJK characters (some pages mix scripts)."""
    cjk = sum(1 for ch in text[:20000] if "\u3000" <= ch <= "\u9fff")
    return detect_language(text) == "en" and cjk <= 0.01 * min(len(text), 20000)


def render_task(row: dict, article: Article) -> str:
    """An annotator's view: a ``#`` header, then each window's text exactly as stored."""
    lines = [f"# file: {row['path']}", f"# sha256: {row['sha256']}",
             f"# published: {article.published or 'unknown (leave relative dates null)'}",
             f"# title: {article.title or '?'}", f"# authors: {', '.join(article.authors) or '?'}",
             "# Count occurrences (n) only in the text between the ==== lines, windows in order.", ""]
    for i, (start, end) in enumerate(row["windows"], 1):
        lines += [f"==== WINDOW {i} of {len(row['windows'])} (characters {start}-{end}) ====",
                  article.text[start:end], ""]
    lines.append("==== END ====")
    return "\n".join(lines) + "\n"


def write_sample(commentary: Path, task_dir: Path, *, seed: int = DEFAULT_SEED, n: int = SAMPLE_SIZE,
                 directory: Path = ANNOTATION_DIR) -> list[dict]:
    """Draw the sample, store ``sample.jsonl`` (offsets only) and write one task file per article
    (with text, outside the project) as ``task_dir/<sha12>.txt``."""
    rows = select_sample(commentary, n=n, seed=seed)
    task_dir.mkdir(parents=True, exist_ok=True)
    for row in rows:
        article = read_article(commentary / row["path"], row["path"])
        (task_dir / f"{row['sha256'][:12]}.txt").write_text(render_task(row, article), encoding="utf-8")
    write_jsonl(directory / "sample.jsonl", rows)
    return rows


# ---------------------------------------------------------------- label lines

def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check_entity(label: dict) -> list[str]:
    problems = []
    if label.get("label") not in ENTITY_LABELS:
        problems.append(f"label {label.get('label')!r} not one of {', '.join(ENTITY_LABELS)}")
    canonical = label.get("canonical", label.get("text"))
    if not isinstance(canonical, str) or not canonical.strip():
        problems.append("canonical must be a non-empty string")
    if not isinstance(label.get("boilerplate", False), bool):
        problems.append("boilerplate must be true or false")
    return problems


def check_figure(label: dict) -> list[str]:
    problems = []
    value, unit, kind = label.get("value"), label.get("unit", "missing"), label.get("figure_kind")
    if not (_is_number(value) or (isinstance(value, list) and len(value) == 2 and all(map(_is_number, value)))):
        problems.append("value must be a number or [low, high]")
    if unit == "missing" or not (unit is None or (isinstance(unit, str) and unit.strip())):
        problems.append("unit must be given: a string, or null (calendar years)")
    if kind not in FIGURE_KINDS:
        problems.append(f"figure_kind {kind!r} not one of {', '.join(FIGURE_KINDS)}")
    elif (kind == "percent") != (unit in ("percent", "percentage_point", "basis_point")):
        problems.append("figure_kind percent goes with unit percent / percentage_point / basis_point (and only it)")
    elif kind == "money" and not (isinstance(unit, str) and _ISO_CURRENCY.match(unit)):
        problems.append("figure_kind money needs an ISO currency code as unit (USD, EUR ...)")
    elif kind == "year" and unit not in (None, "calendar_year"):
        problems.append("figure_kind year needs unit null (or calendar_year for a range of years)")
    elif kind in ("fraction", "multiplier") and unit != kind:
        problems.append(f"figure_kind {kind} needs unit {kind!r}")
    elif kind not in ("year",) and unit is None:
        problems.append("only calendar years have unit null")
    if label.get("qualifier") not in (None, *QUALIFIERS):
        problems.append(f"qualifier {label.get('qualifier')!r} not one of {', '.join(QUALIFIERS)} or null")
    return problems


def check_date(label: dict) -> list[str]:
    problems = []
    kind, value = label.get("type"), label.get("value", "missing")
    if kind not in DATE_TYPES:
        return [f"type {kind!r} not one of {', '.join(DATE_TYPES)}"]
    if value == "missing":
        return ["value must be given (null when text and publication date cannot give one)"]
    if kind in ("duration", "set"):
        ok = value is None or (isinstance(value, str) and _DURATION.match(value)) or (
            kind == "duration" and isinstance(value, list) and len(value) == 2
            and all(isinstance(v, str) and _DURATION.match(v) for v in value))
        if not ok:
            problems.append(f"{kind} value {value!r} is not a duration like P3Y, P6M, PXY, PT2H (or [P2Y, P4Y])")
    elif not (value is None or (isinstance(value, str) and _CAL_VALUE.match(value))):
        problems.append(f"{kind} value {value!r} is not a date like 2030, 2030-05, 2030-05-02, 2030-Q1, 2030-SU, "
                        "2030-W17-WE, 203X, 2030-01/2030-07 or null")
    return problems


CHECKS = {"entity": check_entity, "figure": check_figure, "date": check_date}


def check_label(label: object) -> list[str]:
    """Every problem of one label line (empty when it follows the guide's format)."""
    if not isinstance(label, dict):
        return ["a label line must be a JSON object"]
    kind = label.get("kind")
    if kind not in KINDS:
        return [f"kind {kind!r} not one of {', '.join(KINDS)}"]
    problems = []
    if not isinstance(label.get("text"), str) or not label["text"].strip() or label["text"] != label["text"].strip():
        problems.append("text must be the mention exactly, without surrounding spaces")
    n = label.get("n", 1)
    if not (n == "all" or (isinstance(n, int) and not isinstance(n, bool) and n >= 1)):
        problems.append('n must be 1, 2, ... or "all"')
    return problems + CHECKS[kind](label)


# ---------------------------------------------------------------- resolving to offsets

def occurrences(text: str, windows: Sequence[Sequence[int]], needle: str) -> list[tuple[int, int]]:
    """Whole-word occurrences of ``needle`` in the windows, in order; nbsp, curly quotes and dashes
    match their plain forms."""
    folded, target = text.translate(_FOLD), needle.translate(_FOLD)
    out = []
    for start, end in windows:
        at = folded.find(target, start, end)
        while at >= 0:
            stop = at + len(target)
            before_ok = at == 0 or not (target[0].isalnum() and folded[at - 1].isalnum())
            after_ok = stop >= len(folded) or not (target[-1].isalnum() and folded[stop].isalnum())
            if before_ok and after_ok:
                out.append((at, stop))
            at = folded.find(target, at + 1, end)
    return out


def stored_span(kind: str, label: dict, start: int, end: int) -> dict:
    """The committed fields of one mention (offsets and values, no text)."""
    if kind == "entity":
        canonical = label.get("canonical") or label["text"]
        return {"start_char": start, "end_char": end, "label": label["label"], "canonical": canonical,
                "boilerplate": bool(label.get("boilerplate", False))}
    if kind == "figure":
        return {"start_char": start, "end_char": end, "value": label["value"], "unit": label["unit"],
                "kind": label["figure_kind"], "qualifier": label.get("qualifier")}
    return {"start_char": start, "end_char": end, "type": label["type"], "value": label["value"]}


def resolve_labels(text: str, windows: Sequence[Sequence[int]], labels: Iterable[tuple[int, object]]) -> tuple[dict, list[str]]:
    """Offsets of every (line number, label line): ({kind key: spans sorted}, errors as "line N: problem")."""
    spans: dict[str, list[tuple[dict, bool]]] = {key: [] for key in KIND_KEYS.values()}
    errors: list[str] = []
    for lineno, label in labels:
        problems = check_label(label)
        if problems:
            errors += [f"line {lineno}: {p}" for p in problems]
            continue
        found = occurrences(text, windows, label["text"])
        n = label.get("n", 1)
        if not found:
            errors.append(f"line {lineno}: text {label['text']!r} not found (whole words) in the windows")
            continue
        if n != "all" and n > len(found):
            errors.append(f"line {lineno}: n={n} but {label['text']!r} occurs {len(found)} time(s)")
            continue
        for start, end in (found if n == "all" else [found[n - 1]]):
            spans[KIND_KEYS[label["kind"]]].append((stored_span(label["kind"], label, start, end) | {"_line": lineno}, n == "all"))
    out = {key: _drop_overlaps(rows, errors) for key, rows in spans.items()}
    tail = [w for w in windows[1:]]  # the bio / credit block: every name there lies in boilerplate
    for ent in out["entities"]:
        ent["boilerplate"] = ent["boilerplate"] or any(a <= ent["start_char"] < b for a, b in tail)
    return out, errors


def _drop_overlaps(rows: list[tuple[dict, bool]], errors: list[str]) -> list[dict]:
    """Spans sorted; an "all" occurrence inside a longer labelled span is dropped; other overlaps
    and duplicates are errors."""
    ordered = sorted(rows, key=lambda r: (r[0]["start_char"], -r[0]["end_char"]))
    kept: list[dict] = []
    for span, from_all in ordered:
        clash = next((k for k in kept if span["start_char"] < k["end_char"] and k["start_char"] < span["end_char"]), None)
        if clash is None:
            kept.append(span)
            continue
        inside = clash["start_char"] <= span["start_char"] and span["end_char"] <= clash["end_char"]
        if from_all and inside and (clash["start_char"], clash["end_char"]) != (span["start_char"], span["end_char"]):
            continue
        errors.append(f"line {span['_line']}: overlaps the span of line {clash['_line']} "
                      f"(characters {clash['start_char']}-{clash['end_char']})")
    return [{k: v for k, v in s.items() if k != "_line"} for s in kept]


def read_label_file(path: Path) -> tuple[list[tuple[int, object]], list[str]]:
    """(line number, label) of each non-blank line of one file, and its JSON errors by line."""
    labels, errors = [], []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            labels.append((lineno, json.loads(line)))
        except json.JSONDecodeError as err:
            errors.append(f"line {lineno}: not JSON ({err.msg})")
    return labels, errors


def resolve_file(path: Path, row: dict, text: str) -> tuple[dict, list[str]]:
    """One article's stored annotation from its label file, and the file's errors."""
    labels, errors = read_label_file(path)
    spans, problems = resolve_labels(text, row["windows"], labels)
    record = {"sha256": row["sha256"], "path": row["path"], "published": row.get("published"),
              "windows": row["windows"], **spans}
    return record, errors + problems


def resolve_all(label_dir: Path, commentary: Path, *, directory: Path = ANNOTATION_DIR,
                only: Sequence[str] = ()) -> tuple[list[dict], dict[str, list[str]]]:
    """Stored annotations of every label file ``<sha12>.jsonl`` in ``label_dir`` that matches a
    sample article (or only those named in ``only``), and the errors per file."""
    sample = {row["sha256"][:12]: row for row in read_jsonl(directory / "sample.jsonl")}
    records, errors = [], {}
    for path in sorted(label_dir.glob("*.jsonl")):
        key = path.stem
        if only and key not in only and path.name not in only:
            continue
        row = sample.get(key)
        if row is None:
            errors[path.name] = [f"{key} is not a sample article (name files <sha12>.jsonl)"]
            continue
        source = commentary / row["path"]
        if not source.is_file() or file_sha256(source) != row["sha256"]:
            errors[path.name] = [f"{source}: missing or its sha256 differs from the sample's"]
            continue
        record, problems = resolve_file(path, row, read_article(source, row["path"]).text)
        if problems:
            errors[path.name] = problems
        records.append(record)
    return records, errors


def load_gold(split: str, commentary: Path, *, directory: Path = ANNOTATION_DIR) -> list[tuple[dict, Article]]:
    """Stored annotations of ``split`` with their articles read back (sha256 checked)."""
    path = directory / f"{split}.jsonl"
    if not path.is_file():
        raise SpanAnnotationError(f"{path}: no annotations stored (run `claims train spans-resolve`)")
    out = []
    for record in read_jsonl(path):
        source = commentary / record["path"]
        if not source.is_file():
            raise SpanAnnotationError(f"{source}: annotated article not found (give --commentary)")
        if file_sha256(source) != record["sha256"]:
            raise SpanAnnotationError(f"{source}: sha256 differs from the annotated file")
        out.append((record, read_article(source, record["path"])))
    return out


# ---------------------------------------------------------------- jsonl

def read_jsonl(path: Path) -> Iterator[dict]:
    """The claims corpus's JSONL reader, its errors raised as :class:`SpanAnnotationError`."""
    try:
        yield from _read_jsonl(path)
    except AnnotationError as err:
        raise SpanAnnotationError(str(err)) from None
