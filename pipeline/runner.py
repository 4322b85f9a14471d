"""Build the pipeline from a config, annotate articles, write the record files of a run.

Plain functions, no typer and no printing: the CLI (``cli.py``) and the tests call these.
"""
from __future__ import annotations

import hashlib
import heapq
import importlib
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from . import registry as _registry  # noqa: F401  (registers the factories)
from .extensions import SPANS_BOILERPLATE, SPANS_PARAGRAPHS, ensure_extensions
from .io import (
    DEFAULT_MAX_BYTES,
    Article,
    InputError,
    dumps_record,
    iter_input_files,
    load_articles,
    read_jsonl,
    write_json,
    write_jsonl,
)
from .records import RECORD_KINDS, RecordContext, boilerplate_kind_at, build_context, sort_records
from .resources import PACKAGE_ROOT as RESOURCES_ROOT

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "configs"
DEFAULT_CONFIG = CONFIG_DIR / "default.cfg"
MODEL_CONFIG = CONFIG_DIR / "model.cfg"

# Record kinds produced by stage modules: kind -> module with build_records(doc, ctx).
STAGE_MODULES = {
    "entities": "pipeline.stages.entities",
    "dates": "pipeline.stages.dates",
    "figures": "pipeline.stages.figures",
    "claims": "pipeline.stages.claims",
}
OUTPUT_FILES = ("documents",) + RECORD_KINDS


class PipelineConfigError(ValueError):
    """The config cannot build a pipeline (unknown file, missing model, bad override)."""


# --- building -----------------------------------------------------------------------------------


def parse_overrides(items: Sequence[str]) -> dict[str, object]:
    """``["components.claims.min_score=0.4"]`` -> ``{"components.claims.min_score": 0.4}`` (JSON values)."""
    overrides: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip() or "." not in key:
            raise PipelineConfigError(f"--set {item!r}: expected section.key=value")
        try:
            value: object = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        overrides[key.strip()] = value
    return overrides


def config_sources(config) -> list[str]:
    """Every spaCy model (package name or path) the config sources components from."""
    sources = []
    for name, comp in config.get("components", {}).items():
        source = comp.get("source") if isinstance(comp, dict) else None
        if source:
            sources.append(str(source))
    return sorted(set(sources))


def check_model_available(source: str) -> None:
    """Fail at once, in one line, when a model named by the config is not installed."""
    if Path(source).exists():
        return
    if "/" in source or source.startswith("."):
        raise PipelineConfigError(f"model path {source!r} does not exist (run `make model` to train the shipped syntax model)")
    if not util.is_package(source):
        raise PipelineConfigError(
            f"spaCy model {source!r} is not installed: install it with `python -m spacy download {source}` "
            f"(or `pip install` its wheel), or use the default config"
        )


def default_paths() -> dict[str, str]:
    """Values for the config's ``[paths]`` placeholders that point into the installed package."""
    from .syntax import SYNTAX_MODEL_DIR  # may not exist yet: check_model_available says how to build it

    return {"paths.syntax_model": str(SYNTAX_MODEL_DIR)}


def load_pipeline_config(config_path: str | Path | None = None, overrides: dict | None = None, *, model: str | None = None):
    """The resolved config: ``model`` switches to configs/model.cfg sourcing that spaCy model."""
    if model:
        config_path = config_path or MODEL_CONFIG
        overrides = {"paths.model": model, **(overrides or {})}
    path = Path(config_path) if config_path else DEFAULT_CONFIG
    if not path.is_file():
        raise PipelineConfigError(f"config file {path} not found")
    raw = util.load_config(path, interpolate=False)
    all_overrides = {k: v for k, v in default_paths().items() if _has_path(raw, k) and raw["paths"].get(k.split(".", 1)[1]) is None}
    all_overrides.update(overrides or {})
    try:
        config = util.load_config(path, overrides=all_overrides, interpolate=True)
    except Exception as err:  # spaCy raises ConfigValidationError / KeyError for bad overrides
        raise PipelineConfigError(f"config {path}: {str(err).strip().splitlines()[0]}") from None
    return config


def _has_path(config, key: str) -> bool:
    section, _, name = key.partition(".")
    return section in config and name in config[section]


def build_nlp(config_path: str | Path | None = None, overrides: dict | None = None, *, model: str | None = None) -> Language:
    """Assemble and initialize the pipeline the way ``spacy assemble`` does.

    Sourced (trained) components are not re-initialized; the project's rule components load
    their data in ``initialize``.
    """
    config = load_pipeline_config(config_path, overrides, model=model)
    for source in config_sources(config):
        check_model_available(source)
    try:
        nlp = util.load_model_from_config(config, auto_fill=True, validate=True)
        sourced = util.get_sourced_components(config)
        with nlp.select_pipes(disable=[name for name in sourced if name in nlp.pipe_names]):
            nlp.initialize()
    except (OSError, ValueError) as err:
        raise PipelineConfigError(f"cannot build the pipeline: {str(err).strip().splitlines()[0]}") from None
    # Gazetteer patterns fill the default 10,000-entry tokenizer cache before any text is read.
    nlp.tokenizer.max_cache_size = 1_000_000  # type: ignore[attr-defined]
    ensure_extensions()
    return nlp


def config_hash(nlp: Language) -> str:
    """Changes whenever the config, the pipeline version or any packaged rule file changes."""
    h = hashlib.sha256()
    h.update(nlp.config.to_str().encode("utf-8"))
    h.update(__version__.encode())
    for path in sorted(RESOURCES_ROOT.rglob("*")):
        if path.is_file() and path.suffix in (".tsv", ".jsonl", ".json", ".txt"):
            h.update(path.relative_to(RESOURCES_ROOT).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def model_info(nlp: Language) -> dict:
    """Which statistical model the pipeline carries (name, version) or none."""
    meta = nlp.meta
    trained = [name for name, pipe in nlp.pipeline if hasattr(pipe, "model") and getattr(pipe, "is_trainable", False)]
    return {
        "name": meta.get("name") if trained else None,
        "version": meta.get("version") if trained else None,
        "sources": sorted(config_sources(nlp.config)),
        "trained_components": trained,
        "pipeline": nlp.pipe_names,
    }


# --- annotation ---------------------------------------------------------------------------------


def make_doc(nlp: Language, article: Article) -> Doc:
    doc = nlp.make_doc(article.text)
    doc._.doc_id = article.doc_id
    doc._.published = article.published
    doc._.title = article.title
    doc._.authors = list(article.authors)
    return doc


@dataclass
class StageTimer:
    """Seconds spent in each component (plus the tokenizer) across a run."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, name: str, dt: float) -> None:
        self.seconds[name] += dt


def annotate(
    nlp: Language,
    docs: Iterable[Doc],
    *,
    batch_size: int = 32,
    timer: StageTimer | None = None,
    on_error: Callable[[str, str], None] | None = None,
) -> Iterator[Doc]:
    """Run every component over batches of Docs; a Doc whose stage raised is reported and dropped."""
    timer = timer or StageTimer()
    batch: list[Doc] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= batch_size:
            yield from _annotate_batch(nlp, batch, timer, on_error)
            batch = []
    if batch:
        yield from _annotate_batch(nlp, batch, timer, on_error)


def _annotate_batch(nlp: Language, docs: list[Doc], timer: StageTimer, on_error) -> list[Doc]:
    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        if hasattr(proc, "pipe"):
            try:
                docs = list(proc.pipe(docs, batch_size=len(docs)))
            except Exception:  # a batch failed as a whole: retry one by one to find the bad doc
                docs = _per_doc(name, lambda d, p=proc: next(iter(p.pipe([d]))), docs, on_error)
        else:
            docs = _per_doc(name, proc, docs, on_error)
        timer.add(name, time.perf_counter() - start)
    return docs


def _per_doc(name: str, fn, docs: list[Doc], on_error) -> list[Doc]:
    kept = []
    for doc in docs:
        try:
            kept.append(fn(doc))
        except Exception as err:  # one bad article must not stop the batch
            if on_error:
                on_error(doc._.doc_id, f"stage {name} failed: {type(err).__name__}: {err}")
    return kept


# --- records ------------------------------------------------------------------------------------


def _stage_module(kind: str):
    try:
        return importlib.import_module(STAGE_MODULES[kind])
    except ModuleNotFoundError:
        return None


def doc_records(doc: Doc, article: Article) -> dict[str, list[dict]]:
    """Every record of one annotated Doc, by kind, each list in contract order."""
    doc_id = article.doc_id
    kind_spans = {kind: list(doc.spans[kind]) for kind in STAGE_MODULES if kind in doc.spans}
    ctx = build_context(doc, doc_id, kind_spans)
    out: dict[str, list[dict]] = {kind: [] for kind in RECORD_KINDS}
    out["sentences"] = sentence_records(doc, ctx)
    for kind in kind_spans:
        module = _stage_module(kind)
        if module is not None:
            out[kind] = sort_records(module.build_records(doc, ctx))
    out["documents"] = [document_record(doc, article, out)]
    return out


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_records(doc: Doc, ctx: RecordContext) -> list[dict]:
    """One record per sentence (boilerplate lines included, marked with their kind)."""
    kind_of = boilerplate_kind_at(doc)
    para_starts = sorted(p.start_char for p in doc.spans.get(SPANS_PARAGRAPHS, []))
    from bisect import bisect_right

    records = []
    for sent in doc.sents:
        start, end = _trim(doc, sent.start_char, sent.end_char)
        if start == end:
            continue
        records.append(
            {
                "id": ctx.id_of("sentences", sent),
                "doc_id": ctx.doc_id,
                "paragraph": max(bisect_right(para_starts, start) - 1, 0),
                "start_char": start,
                "end_char": end,
                "text": doc.text[start:end],
                "boilerplate": kind_of(sent),
            }
        )
    return records


_LANG_HINTS = {
    "en": frozenset("the of and to in is that for with as on by was it this are be which from has have not".split()),
}


def detect_language(text: str) -> str | None:
    """'en' when English function words dominate, else None (only English is analyzed well)."""
    words = re.findall(r"[a-z]+", text[:20000].lower())
    if not words:
        return None
    share = sum(1 for w in words if w in _LANG_HINTS["en"]) / len(words)
    return "en" if share >= 0.12 else None


def document_record(doc: Doc, article: Article, records: dict[str, list[dict]]) -> dict:
    from .stages.segment import page_metadata

    paragraphs = list(doc.spans.get(SPANS_PARAGRAPHS, []))
    bp_by_start = {s.start_char: s.label_ for s in doc.spans.get(SPANS_BOILERPLATE, [])}
    page = page_metadata([p.text for p in paragraphs], [bp_by_start.get(p.start_char) for p in paragraphs])
    boilerplate = [
        {"start_char": s.start_char, "end_char": s.end_char, "kind": s.label_, "text": s.text}
        for s in sorted(doc.spans.get(SPANS_BOILERPLATE, []), key=lambda s: s.start_char)
    ]
    entities_module = _stage_module("entities")
    summary = entities_module.entity_summary(records["entities"]) if entities_module and records["entities"] else []
    dates_unresolved = sum(1 for r in records["dates"] if r.get("unresolved"))
    return {
        "doc_id": article.doc_id,
        "source": article.source,
        "source_line": article.source_line,
        "title": page["title"] or article.title,
        "authors": page["authors"] or list(article.authors),
        "author_roles": page["author_roles"],
        "published": article.published,
        "published_from": article.published_from,
        "url": article.url,
        "publisher": article.publisher,
        "language": detect_language(article.text),
        "encoding": article.encoding,
        "sha256": article.sha256,
        "n_chars": len(article.text),
        "n_words": len(article.text.split()),
        "n_sentences": len(records["sentences"]),
        "counts": {kind: len(records[kind]) for kind in RECORD_KINDS},
        "dates_unresolved": dates_unresolved,
        "boilerplate": boilerplate,
        "entities": summary,
    }


# --- a run --------------------------------------------------------------------------------------


@dataclass
class RunResult:
    out_dir: Path
    processed: list[str]
    reused: list[str]
    errors: list[InputError]
    counts: dict[str, int]
    n_words: int
    seconds: float
    stage_seconds: dict[str, float]
    manifest: dict


def _record_key(record: dict) -> tuple:
    return (record["doc_id"], record.get("start_char", -1), record.get("end_char", -1), record.get("id", ""))


def run_corpus(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    nlp: Language | None = None,
    config_path: str | Path | None = None,
    overrides: dict | None = None,
    model: str | None = None,
    published: str | None = None,
    force: bool = False,
    strict: bool = False,
    batch_size: int = 16,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_progress: Callable[[int, int], None] | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> RunResult:
    """Annotate every article under ``inputs`` and write the run's files into ``out_dir``.

    Unchanged inputs (same text sha256 and config hash as in the previous run in ``out_dir``) are
    reused unless ``force``; documents of earlier runs that are not among ``inputs`` are kept.
    Every output file is replaced atomically; ``run.json`` is written last.
    """
    from .io import normalize_published

    started = time.perf_counter()
    out = Path(out_dir)
    default_published = normalize_published(published) if published else None
    nlp = nlp or build_nlp(config_path, overrides, model=model)
    chash = config_hash(nlp)
    errors: list[InputError] = []

    def report(err: InputError) -> None:
        errors.append(err)
        if on_error:
            on_error(err)
        if strict and err.skipped:
            raise InputFailure(err)

    # Scan: every article's id and hash; texts are not kept, so memory stays flat.
    refs: dict[str, tuple[Path, str, str, int | None, str]] = {}
    for item in iter_input_files(inputs):
        if isinstance(item, InputError):
            report(item)
            continue
        path, source, base_id = item
        for art in load_articles(path, source, base_id, max_bytes=max_bytes):
            if isinstance(art, InputError):
                report(art)
                continue
            doc_id = art.doc_id
            if doc_id in refs:
                doc_id = f"{doc_id}{path.suffix}" if not art.source_line else f"{doc_id}-{art.source_line}"
            if doc_id in refs:
                report(InputError(source, f"duplicate document id {art.doc_id!r}", line=art.source_line))
                continue
            refs[doc_id] = (path, source, base_id, art.source_line, art.sha256)

    previous = _previous_run(out) if not force else {}
    prev_hashes = previous.get("documents", {}) if previous.get("config_hash") == chash else {}
    reuse = {d for d, ref in refs.items() if prev_hashes.get(d) == ref[4]}
    keep_old = set(previous.get("documents", {})) - set(refs) if not force else set()
    keep_old |= reuse
    todo = sorted(d for d in refs if d not in reuse)

    timer = StageTimer()
    tmp_dir = Path(tempfile.mkdtemp(prefix=".claims-run-", dir=_ensure_dir(out)))
    n_words = 0
    processed: list[str] = []
    counts: Counter[str] = Counter()
    try:
        new_files = {kind: (tmp_dir / f"{kind}.new.jsonl").open("w", encoding="utf-8") for kind in OUTPUT_FILES}
        articles: dict[str, Article] = {}

        def article_docs() -> Iterator[Doc]:
            for doc_id in todo:
                path, source, base_id, line, _ = refs[doc_id]
                for art in load_articles(path, source, base_id, max_bytes=max_bytes):
                    if isinstance(art, Article) and art.source_line == line:
                        art.doc_id = doc_id
                        if art.published is None and default_published:
                            art.published, art.published_from = default_published, "cli"
                        articles[doc_id] = art
                        t0 = time.perf_counter()
                        doc = make_doc(nlp, art)
                        timer.add("tokenizer", time.perf_counter() - t0)
                        yield doc
                        break

        def stage_error(doc_id: str, reason: str) -> None:
            art = articles.get(doc_id)
            report(InputError(art.source if art else doc_id, reason, line=art.source_line if art else None))

        done = 0
        for doc in annotate(nlp, article_docs(), batch_size=batch_size, timer=timer, on_error=stage_error):
            art = articles.pop(doc._.doc_id)
            t0 = time.perf_counter()
            try:
                recs = doc_records(doc, art)
            except Exception as err:  # a record builder bug must not lose the batch
                stage_error(art.doc_id, f"building records failed: {type(err).__name__}: {err}")
                continue
            for kind in OUTPUT_FILES:
                for record in recs[kind]:
                    new_files[kind].write(dumps_record(record) + "\n")
                    counts[kind] += 1
            timer.add("records", time.perf_counter() - t0)
            n_words += recs["documents"][0]["n_words"]
            processed.append(art.doc_id)
            done += 1
            if on_progress:
                on_progress(done, len(todo))
        for fh in new_files.values():
            fh.close()
        # Merge: kept old documents + new ones, both streams already ordered by doc_id.
        for kind in OUTPUT_FILES:
            old = (r for r in read_jsonl(out / f"{kind}.jsonl") if r["doc_id"] in keep_old)
            new = read_jsonl(tmp_dir / f"{kind}.new.jsonl")
            write_jsonl(out / f"{kind}.jsonl", heapq.merge(old, new, key=_record_key))
        write_jsonl(out / "errors.jsonl", sorted((e.to_record() for e in errors), key=lambda r: (r["file"], r["line"] or 0, r["reason"])))
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)

    documents = {r["doc_id"]: r["sha256"] for r in read_jsonl(out / "documents.jsonl")}
    total_counts = {kind: sum(1 for _ in read_jsonl(out / f"{kind}.jsonl")) for kind in OUTPUT_FILES}
    seconds = time.perf_counter() - started
    manifest = {
        "pipeline_version": __version__,
        "config_hash": chash,
        "config": str(config_path or (MODEL_CONFIG if model else DEFAULT_CONFIG)),
        "overrides": {k: v for k, v in (overrides or {}).items()},
        "model": model_info(nlp),
        "spacy_version": spacy.__version__,
        "inputs": [{"doc_id": d, "source": refs[d][1], "line": refs[d][3], "sha256": refs[d][4]} for d in sorted(refs)],
        "documents": documents,
        "processed": len(processed),
        "reused": len(reuse),
        "kept_from_earlier_runs": len(keep_old - reuse),
        "counts": total_counts,
        "dates_unresolved": sum(1 for r in read_jsonl(out / "dates.jsonl") if r.get("unresolved")),
        "errors": [e.to_record() for e in errors],
        "timings": {
            "seconds": round(seconds, 3),
            "words_processed": n_words,
            "words_per_second": round(n_words / seconds, 1) if seconds else None,
            "stage_seconds": {k: round(v, 4) for k, v in sorted(timer.seconds.items())},
        },
        "published_default": default_published,
    }
    write_json(out / "run.json", manifest)
    return RunResult(out, processed, sorted(reuse), errors, dict(counts), n_words, seconds, dict(timer.seconds), manifest)


class InputFailure(RuntimeError):
    """Raised in --strict mode at the first input error."""

    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error


def _ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _previous_run(out: Path) -> dict:
    path = out / "run.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
