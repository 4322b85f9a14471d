"""Build the pipeline from a config, annotate articles, write the record files of a run.

Plain functions, no typer and no printing: the CLI (``cli.py``) and the tests call these.
"""
from __future__ import annotations

import gc
import hashlib
import heapq
import importlib
import json
import os
import shutil
import tempfile
import time
import weakref
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import spacy
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from . import registry as _registry  # noqa: F401  (registers the factories)
from .extensions import SPANS_BOILERPLATE, SPANS_PARAGRAPHS, doc_text, ensure_extensions, remember_text
from .io import (
    DEFAULT_MAX_BYTES,
    Article,
    InputError,
    atomic_writer,
    dumps_record,
    iter_input_files,
    load_articles,
    read_jsonl,
    write_json,
    write_jsonl,
)
from .records import RECORD_KINDS, RecordContext, build_context, encode_record, sort_records
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


def check_pipeline_config(config_path: str | Path | None = None, overrides: dict | None = None, *, model: str | None = None) -> None:
    """The checks of :func:`build_nlp` that need no build: the config parses, its models exist."""
    config = load_pipeline_config(config_path, overrides, model=model)
    for source in config_sources(config):
        check_model_available(source)


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
    nlp.meta["claims_sources"] = config_sources(config)  # the assembled config no longer names them
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
    """Which statistical model the pipeline sources its trained components from (name, version)."""
    sources = nlp.meta.get("claims_sources", [])
    metas = []
    for source in sources:
        try:
            meta = util.get_model_meta(Path(source) if Path(source).exists() else util.get_package_path(source))
        except Exception:  # a model without readable meta still ran; say so rather than fail the run
            meta = {}
        metas.append({"source": source, "name": meta.get("name"), "version": meta.get("version"),
                      "license": meta.get("license"), "performance": meta.get("performance")})
    trained = [name for name, pipe in nlp.pipeline if hasattr(pipe, "model") and getattr(pipe, "is_trainable", False)]
    return {
        "name": metas[0]["name"] if metas else None,
        "version": metas[0]["version"] if metas else None,
        "sources": sources,
        "models": metas,
        "trained_components": trained,
        "pipeline": list(nlp.pipe_names),  # a SimpleFrozenList cannot be unpickled
    }


# --- annotation ---------------------------------------------------------------------------------


def make_doc(nlp: Language, article: Article) -> Doc:
    doc = nlp.make_doc(article.text)
    remember_text(doc, article.text)
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
    layout = page_layout(doc)  # read once for both sentence and document records
    out: dict[str, list[dict]] = {kind: [] for kind in RECORD_KINDS}
    out["sentences"] = sentence_records(doc, ctx, layout=layout)
    for kind in kind_spans:
        module = _stage_module(kind)
        if module is not None:
            out[kind] = sort_records(module.build_records(doc, ctx))
    out["documents"] = [document_record(doc, article, out, layout=layout)]
    return out


class PageLayout(NamedTuple):
    """Offsets of the segmenter's paragraphs and boilerplate spans, in span-group order."""

    paragraphs: list[tuple[int, int]]
    boilerplate: list[tuple[int, int, str]]  # (start_char, end_char, label)


def page_layout(doc: Doc) -> PageLayout:
    """The paragraph and boilerplate offsets of ``doc`` (each Span read costs three Tokens)."""
    return PageLayout(
        [(p.start_char, p.end_char) for p in doc.spans.get(SPANS_PARAGRAPHS, [])],
        [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(SPANS_BOILERPLATE, [])],
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_records(doc: Doc, ctx: RecordContext, *, layout: PageLayout | None = None) -> list[dict]:
    """One record per sentence (boilerplate lines included, marked with their kind)."""
    # ``doc.text`` is rebuilt from every token on each access: read it once (quadratic otherwise).
    text = doc_text(doc)
    layout = layout or page_layout(doc)
    para_starts = sorted(start for start, _ in layout.paragraphs)
    # Boilerplate spans are whole paragraphs (never overlapping): find the one a sentence starts
    # in by bisection instead of scanning them all for every sentence.
    boilerplate = sorted(layout.boilerplate)
    bp_starts = [b[0] for b in boilerplate]
    sentence_ids = ctx.ids.get("sentences", {})
    doc_id = ctx.doc_id
    records = []
    from .stages.segment import sentence_spans

    for sent in ctx.sentences or sentence_spans(doc):
        sent_start, sent_end = sent.start_char, sent.end_char
        start, end = sent_start, sent_end
        # Most sentences have no whitespace to trim: test both ends before calling _trim.
        if start == end or text[start].isspace() or text[end - 1].isspace():
            start, end = _trim(text, start, end)
            if start == end:
                continue
        kind = None
        if bp_starts:
            i = bisect_right(bp_starts, sent_start) - 1
            if i >= 0 and sent_start < boilerplate[i][1]:
                kind = boilerplate[i][2]
        records.append(
            {
                "id": sentence_ids.get((sent_start, sent_end)),
                "doc_id": doc_id,
                "paragraph": max(bisect_right(para_starts, start) - 1, 0),
                "start_char": start,
                "end_char": end,
                "text": text[start:end],
                "boilerplate": kind,
            }
        )
    return records


_LANG_HINTS = {
    "en": frozenset("the of and to in is that for with as on by was it this are be which from has have not".split()),
}


_EN_HINTS = frozenset(w.encode("ascii") for w in _LANG_HINTS["en"])
# Byte table keeping a-z and turning every other byte into a space.
_NON_AZ_TO_SPACE = bytes(c if 97 <= c <= 122 else 32 for c in range(256))


def find_az_runs(text: str) -> list[bytes]:
    """``re.findall(r"[a-z]+", text)`` as ASCII bytes, ~4x faster.

    Non-ASCII characters become "?" and every byte but a-z a space, so the a-z runs are
    exactly the whitespace-separated pieces.
    """
    return text.encode("ascii", "replace").translate(_NON_AZ_TO_SPACE).split()


def detect_language(text: str) -> str | None:
    """'en' when English function words dominate, else None (only English is analyzed well)."""
    words = find_az_runs(text[:20000].lower())
    if not words:
        return None
    share = sum(map(_EN_HINTS.__contains__, words)) / len(words)  # bools summed in C
    return "en" if share >= 0.12 else None


def document_record(doc: Doc, article: Article, records: dict[str, list[dict]], *, layout: PageLayout | None = None) -> dict:
    from .stages.segment import page_metadata

    # Span texts sliced from the Doc's text (``span.text`` builds a Token object per token).
    text = doc_text(doc)
    layout = layout or page_layout(doc)
    paragraphs = layout.paragraphs
    bp_spans = sorted(layout.boilerplate, key=lambda b: b[0])
    bp_by_start = {start: label for start, _, label in bp_spans}
    page = page_metadata([text[s:e] for s, e in paragraphs], [bp_by_start.get(s) for s, _ in paragraphs])
    boilerplate = [{"start_char": s, "end_char": e, "kind": label, "text": text[s:e]} for s, e, label in bp_spans]
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
#
# A run is: scan the inputs (ids and text hashes only) -> decide what to reuse -> split the
# documents to process into contiguous shards -> each shard is annotated by one pipeline (in this
# process, in a worker process, or on a Dask worker) and written to its own per-kind files, in
# doc_id order -> once EVERY shard has succeeded, the shards (concatenated in order) are merged
# with the kept records of earlier runs into the output files, each replaced atomically ->
# run.json last. Nothing proportional to the corpus is held in memory but per-document metadata.


MAX_BATCH_CHARS = 50_000  # ~7,500 words: the text of one batch, whatever its number of documents
# Words each process annotates outside memory zones before it starts using them: the tokenizer
# cache and the vocabulary fill with the frequent words of the corpus (spaCy never caches inside
# a zone), after which every batch runs in a zone that frees the strings and lexemes it added, so
# the vocabulary stops growing with the corpus. See docs/performance.md.
WARM_UP_WORDS = 300_000


class DocRef(NamedTuple):
    """Where one article comes from: enough to load it again, anywhere the inputs are mounted."""

    doc_id: str
    path: str
    source: str
    base_id: str
    line: int | None
    sha256: str
    n_chars: int


@dataclass(frozen=True)
class PipelineSpec:
    """What builds the pipeline in another process: the inputs of :func:`build_nlp`, not the nlp.

    Workers build it once and cache it (see ``pipeline.parallel``); ``config_hash`` is the parent's,
    so a worker whose code, config or rule files differ refuses to run instead of writing
    different records.
    """

    config_path: str | None = None
    overrides: tuple[tuple[str, object], ...] = ()
    model: str | None = None
    config_hash: str | None = None

    @classmethod
    def of(cls, config_path=None, overrides: dict | None = None, model: str | None = None, config_hash: str | None = None) -> "PipelineSpec":
        path = str(Path(config_path).resolve()) if config_path else None
        return cls(path, tuple(sorted((overrides or {}).items())), model, config_hash)

    def key(self) -> str:
        return json.dumps([self.config_path, self.overrides, self.model], sort_keys=True, default=str)

    def build(self) -> Language:
        return build_nlp(self.config_path, dict(self.overrides), model=self.model)


@dataclass
class ShardTask:
    """One contiguous slice of the documents to process, and where to write its records."""

    index: int
    refs: list[DocRef]
    out_dir: str
    published: str | None = None  # the batch default publication date (already normalized)
    batch_size: int = 16
    max_bytes: int = DEFAULT_MAX_BYTES
    strict: bool = False
    max_batch_chars: int = MAX_BATCH_CHARS
    warm_up_words: int = WARM_UP_WORDS  # -1: no memory zones
    fail_attempts: int = 0  # fault injection for tests (see parallel.FAULT_ENV)

    @property
    def n_chars(self) -> int:
        return sum(r.n_chars for r in self.refs)

    @property
    def span(self) -> str:
        """'first-doc .. last-doc' for messages."""
        return f"{self.refs[0].doc_id} .. {self.refs[-1].doc_id}" if self.refs else "(empty)"


@dataclass
class ShardResult:
    """What a shard returns to the parent: where its files are and what happened (no records)."""

    index: int
    out_dir: str
    processed: list[str]
    errors: list[InputError]
    counts: dict[str, int]
    n_words: int
    stage_seconds: dict[str, float]
    seconds: float
    worker: dict = field(default_factory=dict)  # host, pid, peak_rss_mb, cpu_seconds, process_cpu_seconds
    failed_attempts: list[str] = field(default_factory=list)  # earlier attempts' errors (retried)
    strict_failure: InputError | None = None


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


class InputFailure(RuntimeError):
    """Raised in --strict mode at the first input error."""

    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error


class ShardFailure(RuntimeError):
    """A shard still failed after its retries: nothing was merged, earlier outputs are untouched."""


ENGINES = ("local", "dask")

# JSON lines exactly as ``io.dumps_record`` writes them; one reusable encoder instead of building
# one per record inside ``json.dumps`` (same bytes, ~20% less time per record). Should
# dumps_record's format ever change, the check below falls back to it.
_ENCODE = encode_record  # json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode, faster
_PROBE = {"id": "x", "text": "“Zürich”\u00a0€", "n": [1, 2.5, None, True], "d": {"k": "v"}}
if _ENCODE(_PROBE) != dumps_record(_PROBE):  # pragma: no cover
    _ENCODE = dumps_record


def _record_key(record: dict) -> tuple:
    return (record["doc_id"], record.get("start_char", -1), record.get("end_char", -1), record.get("id", ""))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def scan_inputs(
    inputs: Sequence[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    report: Callable[[InputError], None],
) -> dict[str, DocRef]:
    """Every article's id, hash and size; texts are not kept, so memory stays flat."""
    refs: dict[str, DocRef] = {}
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
            refs[doc_id] = DocRef(doc_id, str(path), source, base_id, art.source_line, art.sha256, len(art.text))
    return refs


def plan_shards(refs: Sequence[DocRef], n_shards: int, *, batch_size: int = 16, max_chars: int = MAX_BATCH_CHARS) -> list[list[DocRef]]:
    """Split ``refs`` (in order) into at most ``n_shards`` contiguous slices of similar text size.

    Cuts fall between the batches of :func:`make_batches`, so every shard sees the same batches as
    one process reading the whole list: output cannot depend on batch composition, even for
    statistical components. Concatenating the slices in order gives ``refs`` back.
    """
    refs = list(refs)
    if not refs:
        return []
    batches = make_batches(refs, batch_size, max_chars)
    n_shards = max(1, min(n_shards, len(batches)))
    sizes = [sum(r.n_chars for r in b) + 1 for b in batches]
    total = sum(sizes)
    shards: list[list[DocRef]] = [[]]
    done = 0
    for batch, size in zip(batches, sizes):
        # Start a new shard once this one holds its share of the text (by cumulative size).
        if shards[-1] and done >= total * len(shards) / n_shards and len(shards) < n_shards:
            shards.append([])
        shards[-1].extend(batch)
        done += size
    return shards


def shard_count(refs: Sequence[DocRef], workers: int, *, per_worker: int = 8, max_chars: int = 4_000_000) -> int:
    """Enough shards to balance ``workers`` (several each) and to keep a retry cheap."""
    if workers <= 1:
        return 1
    total = sum(r.n_chars for r in refs)
    return max(workers * per_worker, -(-total // max_chars))


def _iter_articles(refs: Sequence[DocRef], *, published: str | None, max_bytes: int) -> Iterator[Article]:
    """Load each ref's article again (a .jsonl file is parsed once for its consecutive refs)."""
    cache: tuple[str, dict[int | None, Article]] | None = None
    for ref in refs:
        if cache is None or cache[0] != ref.path:
            wanted = {r.line for r in refs if r.path == ref.path} if ref.line is not None else {ref.line}
            found: dict[int | None, Article] = {}
            for art in load_articles(Path(ref.path), ref.source, ref.base_id, max_bytes=max_bytes):
                if isinstance(art, Article) and art.source_line in wanted:
                    found[art.source_line] = art
                    if ref.line is None:
                        break
            cache = (ref.path, found)
        art = cache[1].pop(ref.line, None)
        if art is None:
            continue  # the file changed or vanished since the scan
        art.doc_id = ref.doc_id
        if art.published is None and published:
            art.published, art.published_from = published, "cli"
        yield art


def make_batches(refs: Sequence[DocRef], batch_size: int, max_chars: int = MAX_BATCH_CHARS) -> list[list[DocRef]]:
    """Consecutive batches of at most ``batch_size`` documents and ``max_chars`` characters.

    A batch's memory follows its text size, not its document count: sixteen 20,000-word reports
    would hold ten times the memory of sixteen ordinary articles. A longer document is a batch alone.
    """
    batches: list[list[DocRef]] = []
    current: list[DocRef] = []
    size = 0
    for ref in refs:
        if current and (len(current) >= batch_size or size + ref.n_chars > max_chars):
            batches.append(current)
            current, size = [], 0
        current.append(ref)
        size += ref.n_chars
    if current:
        batches.append(current)
    return batches


_words_seen: "weakref.WeakKeyDictionary[Language, int]" = weakref.WeakKeyDictionary()


def _memory_zone(nlp: Language, warm_up_words: int):
    if warm_up_words >= 0 and _words_seen.get(nlp, 0) >= warm_up_words and hasattr(nlp, "memory_zone"):
        return nlp.memory_zone()
    return nullcontext()


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Keep the objects alive now (the pipeline: rule tables, lexicons, model) out of the cyclic GC.

    A run allocates millions of short-lived objects, so Python's full collections come every few
    thousand documents and each walks every object of the pipeline (~50 ms each for the rule
    stages alone). Frozen objects are skipped; ``gc.unfreeze`` at the end makes them collectable
    again, so a process that builds and drops pipelines (tests, notebooks) leaks nothing.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def process_shard(
    nlp: Language,
    task: ShardTask,
    *,
    on_error: Callable[[InputError], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ShardResult:
    """Annotate one shard's documents and write its per-kind files (``<kind>.jsonl``, doc_id order).

    Runs anywhere: in the parent for one worker, in pool processes, on Dask workers. Documents
    are read and annotated one batch at a time (:func:`make_batches`, the same batches whatever
    the number of shards); records are written as each batch finishes, nothing else is kept.
    """
    started, started_at = time.perf_counter(), time.time()
    cpu_started = time.process_time()
    out = Path(task.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timer = StageTimer()
    errors: list[InputError] = []
    counts: Counter[str] = Counter({kind: 0 for kind in OUTPUT_FILES})
    processed: list[str] = []
    n_words = 0
    in_flight: dict[str, Article] = {}

    def report(err: InputError) -> None:
        errors.append(err)
        if on_error:
            on_error(err)
        if task.strict and err.skipped:
            raise InputFailure(err)

    def stage_error(doc_id: str, reason: str, art: Article | None = None) -> None:
        art = art or in_flight.pop(doc_id, None)
        report(InputError(art.source if art else doc_id, reason, line=art.source_line if art else None))

    def write(doc: Doc) -> None:
        nonlocal n_words
        art = in_flight.pop(doc._.doc_id)
        t0 = time.perf_counter()
        try:
            recs = doc_records(doc, art)
            lines = {kind: "".join([_ENCODE(r) + "\n" for r in recs[kind]]) for kind in OUTPUT_FILES}
        except Exception as err:  # a record builder bug must not lose the batch
            stage_error(art.doc_id, f"building records failed: {type(err).__name__}: {err}", art)
            return
        for kind in OUTPUT_FILES:
            files[kind].write(lines[kind])
            counts[kind] += len(recs[kind])
        timer.add("records", time.perf_counter() - t0)
        n_words += recs["documents"][0]["n_words"]
        processed.append(art.doc_id)

    files = {kind: (out / f"{kind}.jsonl").open("w", encoding="utf-8", newline="\n") for kind in OUTPUT_FILES}
    try:
        with _heap_frozen():
            for batch in make_batches(task.refs, task.batch_size, task.max_batch_chars):
                words_before = n_words
                with _memory_zone(nlp, task.warm_up_words):
                    docs: list[Doc] = []
                    for art in _iter_articles(batch, published=task.published, max_bytes=task.max_bytes):
                        in_flight[art.doc_id] = art
                        t0 = time.perf_counter()
                        docs.append(make_doc(nlp, art))
                        timer.add("tokenizer", time.perf_counter() - t0)
                    for annotated in annotate(nlp, docs, batch_size=len(docs) or 1, timer=timer, on_error=stage_error):
                        write(annotated)
                    docs = annotated = None  # nothing allocated in the zone may outlive it
                _words_seen[nlp] = _words_seen.get(nlp, 0) + n_words - words_before
                if on_progress:
                    on_progress(len(processed))
    finally:
        for fh in files.values():
            fh.close()
    return ShardResult(
        index=task.index,
        out_dir=str(out),
        processed=processed,
        errors=errors,
        counts=dict(counts),
        n_words=n_words,
        stage_seconds=dict(timer.seconds),
        seconds=time.perf_counter() - started,
        worker={
            "host": _hostname(), "pid": os.getpid(), "peak_rss_mb": peak_rss_mb(),
            "cpu_seconds": round(time.process_time() - cpu_started, 3), "process_cpu_seconds": round(time.process_time(), 3),
            "started_at": round(started_at, 3), "finished_at": round(time.time(), 3),
        },
    )


def _hostname() -> str:
    import socket

    return socket.gethostname()


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
    max_batch_chars: int = MAX_BATCH_CHARS,
    warm_up_words: int = WARM_UP_WORDS,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    retries: int = 2,
    on_progress: Callable[[int, int], None] | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> RunResult:
    """Annotate every article under ``inputs`` and write the run's files into ``out_dir``.

    Unchanged inputs (same text sha256 and config hash as in the previous run in ``out_dir``) are
    reused unless ``force``; documents of earlier runs that are not among ``inputs`` are kept.
    Every output file is replaced atomically; ``run.json`` is written last.

    Documents go through the pipeline in batches of at most ``batch_size`` documents and
    ``max_batch_chars`` characters, and their records are written as each batch finishes; once a
    process has annotated ``warm_up_words`` words, every batch runs in a spaCy memory zone (``-1``:
    never), so memory stays flat however large the corpus (docs/performance.md).

    ``workers`` > 1 (``engine="local"``) runs shards in a process pool; ``engine="dask"`` runs
    them on a Dask cluster (``scheduler`` address, or a LocalCluster of ``workers`` processes).
    Each worker builds the pipeline once from ``config_path`` / ``overrides`` / ``model`` (not
    from ``nlp``, which stays in this process); the output is byte-identical either way. A shard
    that fails is retried ``retries`` times; if it still fails nothing is merged, the previous
    outputs stay as they were and :class:`ShardFailure` is raised.
    """
    from .io import normalize_published

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    started = time.perf_counter()
    out = Path(out_dir)
    default_published = normalize_published(published) if published else None
    distributed = engine == "dask" or workers > 1
    # Local workers are forked from this process with its pipeline when the platform allows it
    # (parallel.fork_is_safe): build it here once. Otherwise (Dask, or no fork) the workers build
    # it; this process only checks the config (a build here would compete with theirs for the
    # same cores) and takes the pipeline's hash and model from the first worker that is ready.
    from .parallel import fork_is_safe

    if nlp is None and (not distributed or (engine == "local" and fork_is_safe())):
        nlp = build_nlp(config_path, overrides, model=model)
    elif nlp is None:
        check_pipeline_config(config_path, overrides, model=model)
    chash = config_hash(nlp) if nlp is not None else None
    pipeline_model = model_info(nlp) if nlp is not None else None
    errors: list[InputError] = []

    def report(err: InputError) -> None:
        errors.append(err)
        if on_error:
            on_error(err)
        if strict and err.skipped:
            raise InputFailure(err)

    executor = None
    results: list[ShardResult] = []
    try:
        if distributed:  # workers start and load the pipeline while this process scans the inputs
            from .parallel import open_engine

            spec = PipelineSpec.of(config_path, overrides, model, chash)
            executor = open_engine(spec, engine=engine, workers=workers, scheduler=scheduler, retries=retries,
                                   nlp=nlp if engine == "local" else None)
        # Input problems are reported once the pipeline is known to build (as a serial run does).
        scan_errors: list[InputError] = []
        refs = scan_inputs(inputs, max_bytes=max_bytes, report=scan_errors.append)
        if chash is None:
            try:
                info = executor.pipeline_info()
            except ShardFailure:
                raise
            except Exception as err:  # the workers could not build it: one line, as build_nlp says it
                message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                raise PipelineConfigError(message if isinstance(err, PipelineConfigError) else f"cannot build the pipeline: {message}") from None
            chash, pipeline_model = info["config_hash"], info["model"]
            executor.spec = PipelineSpec.of(config_path, overrides, model, chash)
        for err in scan_errors:
            report(err)
        previous = _previous_run(out) if not force else {}
        prev_hashes = previous.get("documents", {}) if previous.get("config_hash") == chash else {}
        reuse = {d for d, ref in refs.items() if prev_hashes.get(d) == ref.sha256}
        keep_old = set(previous.get("documents", {})) - set(refs) if not force else set()
        keep_old |= reuse
        todo = [refs[d] for d in sorted(refs) if d not in reuse]

        n_shards = shard_count(todo, workers) if distributed else 1
        tmp_dir = Path(tempfile.mkdtemp(prefix=".claims-run-", dir=_ensure_dir(out))).resolve()
        tasks = [
            ShardTask(i, shard, str(tmp_dir / f"shard-{i:05d}"), default_published, batch_size, max_bytes, strict, max_batch_chars, warm_up_words)
            for i, shard in enumerate(plan_shards(todo, n_shards, batch_size=batch_size, max_chars=max_batch_chars))
        ]
        if executor is not None:
            from .parallel import injected_failures

            for task in tasks:
                task.fail_attempts = injected_failures(task.index)
        n_scan_errors = len(errors)
        try:
            if executor is None:
                progress = (lambda n: on_progress(n, len(todo))) if on_progress else None
                for task in tasks:
                    results.append(process_shard(nlp, task, on_error=report, on_progress=progress))
            else:
                done = 0
                for result in executor.run(tasks):
                    for err in result.errors:
                        report(err)
                    if result.strict_failure is not None:
                        raise InputFailure(result.strict_failure)
                    done += len(result.processed)
                    if on_progress:
                        on_progress(done, len(todo))
                    results.append(result)
                results.sort(key=lambda r: r.index)
                # Errors in document order, as one process would have reported them.
                errors[n_scan_errors:] = [e for r in results for e in r.errors]
            # Every shard succeeded: only now are the output files replaced.
            merged = _merge_outputs(out, keep_old, [Path(r.out_dir) for r in results])
            write_jsonl(out / "errors.jsonl", sorted((e.to_record() for e in errors), key=lambda r: (r["file"], r["line"] or 0, r["reason"])))
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    finally:
        if executor is not None:
            executor.close()

    timer = StageTimer()
    counts: Counter[str] = Counter()
    for result in results:
        for name, seconds in result.stage_seconds.items():
            timer.add(name, seconds)
        counts.update(result.counts)
    processed = [d for r in results for d in r.processed]
    n_words = sum(r.n_words for r in results)
    seconds = time.perf_counter() - started
    manifest = {
        "pipeline_version": __version__,
        "config_hash": chash,
        "config": str(config_path or (MODEL_CONFIG if model else DEFAULT_CONFIG)),
        "overrides": {k: v for k, v in (overrides or {}).items()},
        "model": pipeline_model,
        "spacy_version": spacy.__version__,
        "inputs": [{"doc_id": d, "source": refs[d].source, "line": refs[d].line, "sha256": refs[d].sha256} for d in sorted(refs)],
        "documents": merged["documents"],
        "processed": len(processed),
        "reused": len(reuse),
        "kept_from_earlier_runs": len(keep_old - reuse),
        "counts": merged["counts"],
        "dates_unresolved": merged["dates_unresolved"],
        "errors": [e.to_record() for e in errors],
        "retried_shards": [
            {"shard": r.index, "documents": len(r.processed), "failed_attempts": r.failed_attempts}
            for r in results if r.failed_attempts
        ],
        "timings": {
            "seconds": round(seconds, 3),
            "words_processed": n_words,
            "words_per_second": round(n_words / seconds, 1) if seconds else None,
            "stage_seconds": {k: round(v, 4) for k, v in sorted(timer.seconds.items())},
            "engine": engine,
            "workers": workers,
            "shards": len(results),
            "peak_rss_mb": {
                "parent": peak_rss_mb(),
                "worker_max": max((r.worker.get("peak_rss_mb", 0.0) for r in results if distributed), default=None),
            },
            "engine_start_seconds": executor.stats.get("engine_start_seconds") if executor is not None else None,
            # local workers forked from this process with its pipeline (else each built its own)
            "workers_inherited_pipeline": executor.stats.get("forked_with_pipeline", False) if executor is not None else None,
            "worker_cpu_seconds": _worker_cpu(results) if distributed else None,
            "worker_cpu_seconds_max": _worker_cpu(results, max) if distributed else None,
        },
        "published_default": default_published,
    }
    write_json(out / "run.json", manifest)
    return RunResult(out, processed, sorted(reuse), errors, dict(counts), n_words, seconds, dict(timer.seconds), manifest)


def _worker_cpu(results: Sequence[ShardResult], combine: Callable = sum) -> float:
    """CPU seconds of the worker processes, summed (or their max): each process counted once."""
    per_process: dict[tuple, float] = {}
    for r in results:
        key = (r.worker.get("host"), r.worker.get("pid"))
        per_process[key] = max(per_process.get(key, 0.0), r.worker.get("process_cpu_seconds", 0.0))
    values = list(per_process.values())
    return round(combine(values), 3) if values else 0.0


def _merge_outputs(out: Path, keep_old: set[str], shard_dirs: Sequence[Path]) -> dict:
    """Write every output file: kept old records + the shards' records, in doc_id order.

    Shards are contiguous slices of the sorted doc ids, so their files concatenated in order are
    sorted already and are copied as bytes (the merge is on the critical path of a parallel run).
    Old records are parsed (to filter them by document) only when some are kept. Returns what
    run.json needs, gathered in the same pass.
    """
    summary: dict = {"documents": {}, "counts": {}, "dates_unresolved": 0}
    for kind in OUTPUT_FILES:
        shard_files = [d / f"{kind}.jsonl" for d in shard_dirs]
        if keep_old and (out / f"{kind}.jsonl").exists():
            old = ((_record_key(r), _ENCODE(r) + "\n") for r in read_jsonl(out / f"{kind}.jsonl") if r["doc_id"] in keep_old)
            new = ((_record_key(json.loads(line)), line) for line in _concat_lines(shard_files))
            lines: Iterator[bytes] | None = (line.encode("utf-8") for _, line in heapq.merge(old, new, key=lambda item: item[0]))
        else:
            lines = None
        n = 0
        with atomic_writer(out / f"{kind}.jsonl", binary=True) as fh:
            if lines is not None or kind == "documents":
                for line in lines if lines is not None else _concat_binary_lines(shard_files):
                    fh.write(line)
                    n += 1
                    if kind == "documents":
                        record = json.loads(line)
                        summary["documents"][record["doc_id"]] = record["sha256"]
                        summary["dates_unresolved"] += record.get("dates_unresolved") or 0
            else:
                for path in shard_files:
                    n += _copy_counting_lines(path, fh)
        summary["counts"][kind] = n
    return summary


def _concat_lines(paths: Sequence[Path]) -> Iterator[str]:
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            yield from fh


def _concat_binary_lines(paths: Sequence[Path]) -> Iterator[bytes]:
    for path in paths:
        with path.open("rb") as fh:
            yield from fh


def _copy_counting_lines(path: Path, dest, chunk_size: int = 1 << 20) -> int:
    """Append the bytes of ``path`` to ``dest``; returns its number of lines (each record ends in "\n")."""
    n = 0
    with path.open("rb") as src:
        while chunk := src.read(chunk_size):
            dest.write(chunk)
            n += chunk.count(b"\n")
    return n


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
