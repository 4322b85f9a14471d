"""Train, evaluate and package the project's English syntax model.

The model is a small CPU pipeline (CNN ``tok2vec`` shared by ``tagger``, ``morphologizer``,
``trainable_lemmatizer`` and ``parser``, plus a ``senter`` that ships disabled) trained on
Universal Dependencies English-EWT and, when present, the openly licensed GUM documents.
The recipe lives in ``configs/train-syntax.cfg``; this module is the plain-Python driver:

* :func:`convert_treebanks` turns CoNLL-U files into spaCy ``DocBin`` files (training
  docs of 10 sentences, ``"\n\n"`` after 30% of their sentence ends, the ~60 inverted
  quote-attribution sentences upsampled 5x);
* :func:`train_syntax` converts, trains (``spacy.cli.train.train``) and calls
  :func:`finalize_model`, which evaluates on EWT test, writes ``meta.json`` and the model
  card, and copies the inference-only pipeline into ``pipeline/models/syntax``;
* :func:`evaluate_syntax` scores a trained pipeline on a CoNLL-U or ``.spacy`` test file;
  :func:`evaluate_paragraphs` scores it on "\n\n"-separated text as the claims pipeline
  sees it.

Run it as ``python -m pipeline.training.syntax --data /work/shared/data --out
pipeline/models/syntax``. The data directory must contain ``ud-english-ewt/en_ewt-ud-
{train,dev,test}.conllu`` and may contain ``gum/train/*.conllu``.

The trained model is a derivative of CC BY-SA 4.0 data and is shipped under that licence
with attribution to UD English-EWT (and GUM when used); the code's licence is unaffected.
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training.converters import conllu_to_docs
from thinc.api import Config

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO_ROOT / "configs" / "train-syntax.cfg"
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "models" / "syntax"
DEFAULT_WORK_DIR = Path("build") / "syntax"

MODEL_NAME = "claims_syntax"
MODEL_VERSION = "0.2.0"
LICENSE = "CC BY-SA 4.0"

EWT_DIR = "ud-english-ewt"
EWT_FILES = {split: f"en_ewt-ud-{split}.conllu" for split in ("train", "dev", "test")}
GUM_TRAIN_DIR = Path("gum") / "train"
#: Extra copies of inverted quote-attribution sentences in the training set (0 = off).
INVERSION_COPIES = 5
#: Share of sentence boundaries in training Docs that get a "\n\n" paragraph break.
PARAGRAPH_BREAKS = 0.3

EWT_SOURCE: dict[str, str] = {
    "name": "Universal Dependencies English Web Treebank (UD English-EWT) v2.16",
    "url": "https://github.com/UniversalDependencies/UD_English-EWT",
    "revision": "15d613d8447b3478787d4c278730a1e48a945efb",
    "license": "CC BY-SA 4.0",
    "author": "Natalia Silveira et al., 'A Gold Standard Dependency Corpus for English' "
    "(LREC 2014), and the UD English-EWT contributors",
    "used_for": "train, dev (model selection), test (reported accuracy)",
}
GUM_SOURCE: dict[str, str] = {
    "name": "GUM (Georgetown University Multilayer) corpus v11, openly licensed genres "
    "(academic, bio, conversation, court, interview, news, speech, textbook, vlog, voyage)",
    "url": "https://github.com/amir-zeldes/gum",
    "revision": "72ce5ac14978a324c2fd18d49484e65292cbe316",
    "license": "annotations CC BY 4.0; texts CC BY / CC BY-SA / public domain per genre",
    "author": "Amir Zeldes, 'The GUM Corpus' (Language Resources and Evaluation 51, 2017), "
    "and the GUM contributors",
    "used_for": "train",
}

#: Scores copied from spaCy's scorer into ``meta.json`` (fractions, as spaCy reports them).
REPORTED_SCORES = (
    "pos_acc",
    "tag_acc",
    "morph_acc",
    "dep_uas",
    "dep_las",
    "lemma_acc",
    "sents_p",
    "sents_r",
    "sents_f",
)

#: Files of a trained pipeline that inference does not need.
_NOT_FOR_INFERENCE = ("training", "corpus", "corpora")


# --------------------------------------------------------------------------- conversion


def _conllu_docs(path: Path, n_sents: int) -> Iterable[Any]:
    """Yield spaCy Docs of ``n_sents`` sentences each from one CoNLL-U file."""
    text = path.read_text(encoding="utf8")
    # Multi-word tokens ("don't" = do + n't) stay split, as spaCy's English tokenizer splits
    # them; empty nodes (enhanced UD) are skipped by the converter.
    yield from conllu_to_docs(text, n_sents=n_sents, no_print=True, merge_subtokens=False)


def _conllu_sentences(text: str) -> list[str]:
    """Split CoNLL-U text into sentence blocks (comments included)."""
    return [block for block in text.strip().split("\n\n") if block.strip()]


def is_inverted_report(block: str) -> bool:
    """True if a CoNLL-U sentence has a non-copular verb with a post-verbal subject.

    This is mostly quote attribution with subject-verb inversion (``"...," said the
    ambassador``; ``asked Bush``; ``added the minister``), which is frequent in news and
    analysis but rare in the treebanks (~50 sentences in EWT + GUM train). Existential
    "there is/are" and questions (an auxiliary before the subject) do not count.
    """
    rows = [line.split("\t") for line in block.splitlines() if line and not line.startswith("#")]
    rows = [row for row in rows if len(row) == 10 and row[0].isdigit()]
    for verb in rows:
        if verb[3] != "VERB" or verb[2] == "be":
            continue
        position = int(verb[0])
        subjects = [
            int(row[0]) for row in rows
            if row[6] == verb[0] and row[7] in ("nsubj", "nsubj:pass") and int(row[0]) > position
        ]
        if not subjects:
            continue
        aux_before_subject = any(
            row[6] == verb[0] and row[7] in ("aux", "aux:pass") and int(row[0]) < subjects[0]
            for row in rows
        )
        if not aux_before_subject:
            return True
    return False


def with_paragraph_breaks(doc: Doc, rng: random.Random, prob: float, text: str = "\n\n") -> Doc:
    """Copy of a gold ``doc`` with a whitespace token after some sentence ends.

    Each sentence boundary inside the Doc gets ``text`` with probability ``prob``, the way
    our articles separate paragraphs: ``"...act.\n\nThe ..."`` (no space before the break).
    The whitespace token is annotated like spaCy's whitespace augmenter does (TAG ``_SP``,
    POS ``SPACE``, lemma = text, ``dep`` arc from the previous token), so it ends the
    previous sentence and the next token still starts a new one.
    """
    breaks = {sent.end for sent in doc.sents if sent.end < len(doc) and rng.random() < prob}
    if not breaks:
        return doc
    new_index, j = {}, 0
    for token in doc:
        j += token.i in breaks
        new_index[token.i] = j
        j += 1
    words: list[str] = []
    spaces: list[bool] = []
    tags: list[str] = []
    pos: list[str] = []
    morphs: list[str] = []
    lemmas: list[str] = []
    heads: list[int] = []
    deps: list[str] = []
    for token in doc:
        if token.i in breaks:
            spaces[-1] = False
            words.append(text)
            spaces.append(False)
            tags.append("_SP")
            pos.append("SPACE")
            morphs.append("")
            lemmas.append(text)
            heads.append(new_index[token.i - 1])
            deps.append("dep")
        words.append(token.text)
        spaces.append(bool(token.whitespace_))
        tags.append(token.tag_)
        pos.append(token.pos_)
        morphs.append(str(token.morph))
        lemmas.append(token.lemma_)
        heads.append(new_index[token.head.i])
        deps.append(token.dep_)
    return Doc(
        doc.vocab, words=words, spaces=spaces, tags=tags, pos=pos, morphs=morphs,
        lemmas=lemmas, heads=heads, deps=deps,
    )


def _write_docbin(
    sources: Sequence[Path],
    out: Path,
    n_sents: int,
    *,
    inversion_copies: int = 0,
    paragraph_breaks: float = 0.0,
    seed: int = 0,
) -> Path:
    """Convert CoNLL-U ``sources`` (each grouped separately) into one ``.spacy`` file.

    With ``inversion_copies`` > 0, sentences matching :func:`is_inverted_report` are added
    that many extra times, one sentence per Doc (targeted upsampling of a construction
    our articles use constantly). With ``paragraph_breaks`` > 0, that share of the sentence
    boundaries inside each Doc get a ``"\n\n"`` token (:func:`with_paragraph_breaks`).
    """
    rng = random.Random(seed)
    doc_bin = DocBin(store_user_data=False)
    n_docs = n_extra = 0
    for source in sources:
        for doc in _conllu_docs(source, n_sents):
            if paragraph_breaks > 0:
                doc = with_paragraph_breaks(doc, rng, paragraph_breaks)
            doc_bin.add(doc)
            n_docs += 1
        if inversion_copies > 0:
            blocks = _conllu_sentences(source.read_text(encoding="utf8"))
            extra = "\n\n".join(b for b in blocks if is_inverted_report(b))
            if extra:
                docs = list(conllu_to_docs(extra + "\n", n_sents=1, no_print=True))
                for _ in range(inversion_copies):
                    for doc in docs:
                        doc_bin.add(doc)
                        n_extra += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    doc_bin.to_disk(out)
    logger.info(
        "wrote %s (%d docs from %d file(s), %d upsampled sentences)",
        out, n_docs, len(sources), n_extra,
    )
    return out


def _is_fresh(out: Path, sources: Sequence[Path]) -> bool:
    """True if ``out`` exists and is newer than every source file."""
    if not out.exists():
        return False
    built = out.stat().st_mtime
    return all(src.stat().st_mtime <= built for src in sources)


def gum_train_files(data_dir: Path) -> list[Path]:
    """The GUM training documents under ``data_dir/gum/train`` (empty list if absent)."""
    gum_dir = Path(data_dir) / GUM_TRAIN_DIR
    return sorted(gum_dir.glob("*.conllu")) if gum_dir.is_dir() else []


def convert_treebanks(
    data_dir: Path,
    work_dir: Path,
    *,
    include_gum: bool = True,
    n_sents: int = 10,
    inversion_copies: int = INVERSION_COPIES,
    paragraph_breaks: float = PARAGRAPH_BREAKS,
    force: bool = False,
) -> dict[str, Path]:
    """Convert the UD treebanks under ``data_dir`` into spaCy ``DocBin`` files.

    Args:
        data_dir: directory holding ``ud-english-ewt/en_ewt-ud-{train,dev,test}.conllu``
            and optionally ``gum/train/*.conllu``.
        work_dir: where the ``.spacy`` files are written (created if needed).
        include_gum: add the GUM training documents to the training set if they exist.
        n_sents: sentences per training Doc (grouping gives the parser and senter
            multi-sentence inputs to learn sentence boundaries from).
        inversion_copies: extra copies of training sentences with subject-verb inversion
            (``"...," said the ambassador``), see :func:`is_inverted_report`; 0 disables.
        paragraph_breaks: share of sentence boundaries inside training Docs that get a
            ``"\n\n"`` token, as between the paragraphs of our articles; 0 disables. (The
            config's ``combined_augmenter`` adds whitespace at random positions on top.)
        force: reconvert even if the outputs are newer than the inputs.

    Returns:
        ``{"train": ..., "dev": ..., "test": ...}`` paths; ``train`` is EWT train plus GUM
        train when used, ``dev`` and ``test`` are EWT only.
    """
    data_dir, work_dir = Path(data_dir), Path(work_dir)
    ewt = {split: data_dir / EWT_DIR / name for split, name in EWT_FILES.items()}
    missing = [str(p) for p in ewt.values() if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"UD English-EWT files not found: {', '.join(missing)}")
    inputs: dict[str, list[Path]] = {split: [path] for split, path in ewt.items()}
    if include_gum:
        gum = gum_train_files(data_dir)
        if gum:
            inputs["train"] += gum
        else:
            logger.warning("no GUM files under %s; training on EWT only", data_dir / GUM_TRAIN_DIR)
    outputs: dict[str, Path] = {}
    for split, sources in inputs.items():
        is_train = split == "train"
        copies = inversion_copies if is_train else 0
        breaks = paragraph_breaks if is_train else 0.0
        suffix = (
            ("-gum" if is_train and len(sources) > 1 else "")
            + (f"-inv{copies}" if copies else "")
            + (f"-par{round(breaks * 100)}" if breaks else "")
        )
        out = work_dir / f"{split}{suffix}.spacy"
        if force or not _is_fresh(out, sources):
            _write_docbin(
                sources, out, n_sents, inversion_copies=copies, paragraph_breaks=breaks
            )
        outputs[split] = out
    return outputs


# --------------------------------------------------------------------------- evaluation


def _as_docbin(test_path: Path, tmp_dir: Path) -> Path:
    """Return ``test_path`` as a ``.spacy`` file, converting CoNLL-U into ``tmp_dir``."""
    test_path = Path(test_path)
    if test_path.suffix == ".spacy":
        return test_path
    if test_path.suffix == ".conllu":
        return _write_docbin([test_path], tmp_dir / f"{test_path.stem}.spacy", n_sents=10)
    raise ValueError(f"test data must be .conllu or .spacy, got {test_path}")


def evaluate_syntax(model_dir: Path, test_path: Path) -> dict[str, float]:
    """Score a trained syntax pipeline on a CoNLL-U or ``.spacy`` test file.

    The text is re-tokenized by the pipeline's own tokenizer (no gold tokenization or
    sentence boundaries), so the scores are what a user gets on raw text.

    Args:
        model_dir: a directory loadable with ``spacy.load``.
        test_path: ``*.conllu`` (converted on the fly) or ``*.spacy`` gold data.

    Returns:
        Flat scores as fractions (``pos_acc``, ``tag_acc``, ``morph_acc``, ``dep_uas``,
        ``dep_las``, ``lemma_acc``, ``sents_p``, ``sents_r``, ``sents_f``) plus ``speed``
        in words per second, as measured by spaCy's ``Language.evaluate`` (tokenizer and
        all enabled components, one process).
    """
    from spacy.training import Corpus

    nlp = spacy.load(model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus(_as_docbin(test_path, Path(tmp)), gold_preproc=False)
        examples = list(corpus(nlp))
    scores = nlp.evaluate(examples)
    result = {
        key: float(value)
        for key, value in scores.items()
        if isinstance(value, (int, float)) and value is not None
    }
    return result


def evaluate_paragraphs(
    model_dir: Path, test_path: Path, *, preset_sentences: bool = True, separator: str = "\n\n"
) -> dict[str, float]:
    """Score the pipeline on test docs whose sentences are joined by ``separator``.

    This mimics the claims pipeline: a whole article is one Doc, paragraphs are separated by
    ``"\n\n"`` and (with ``preset_sentences``) the sentence boundaries are set before the
    parser runs, as the project's segmenter does. Here every gold sentence becomes its own
    "paragraph", which is harsher than real articles.

    Returns:
        ``pos_acc``, ``dep_uas``, ``dep_las`` and ``sents_f`` (fractions).
    """
    from spacy.scorer import Scorer
    from spacy.training import Example

    nlp = spacy.load(model_dir)
    examples = []
    with tempfile.TemporaryDirectory() as tmp:
        gold_docs = list(DocBin().from_disk(_as_docbin(test_path, Path(tmp))).get_docs(nlp.vocab))
    for gold in gold_docs:
        sentences = [sent.text.strip() for sent in gold.sents]
        text = separator.join(sentences)
        doc = nlp.make_doc(text)
        if preset_sentences:
            starts, offset = set(), 0
            for sentence in sentences:
                offset = text.index(sentence, offset)
                starts.add(offset)
                offset += len(sentence)
            for token in doc:
                token.is_sent_start = token.i == 0 or token.idx in starts
        examples.append(Example(nlp(doc), gold))
    deps = Scorer.score_deps(
        examples,
        "dep",
        head_attr="head",
        getter=getattr,
        head_getter=getattr,
        ignore_labels=("p", "punct"),
    )
    pos = Scorer.score_token_attr(examples, "pos")
    sents = Scorer.score_spans(examples, "sents")
    return {
        "pos_acc": float(pos["pos_acc"]),
        "dep_uas": float(deps["dep_uas"]),
        "dep_las": float(deps["dep_las"]),
        "sents_f": float(sents["sents_f"]),
    }


def measure_speed(nlp: Language, texts: Sequence[str], *, repeats: int = 3) -> dict[str, float]:
    """Words per second of ``nlp.pipe`` on raw ``texts`` (tokenizer included, one process).

    Returns the best of ``repeats`` runs as ``{"cpu": ..., "wall": ...}``: ``cpu`` divides by
    the process CPU time, which is what one dedicated core achieves and stays meaningful on
    a shared machine; ``wall`` divides by elapsed time and drops when other jobs compete.
    """
    cpu_rates, wall_rates = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        n_words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256))
        wall_rates.append(n_words / (time.perf_counter() - wall))
        cpu_rates.append(n_words / (time.process_time() - cpu))
    logger.info(
        "words/s over %d runs: cpu %s; wall %s",
        repeats,
        ", ".join(f"{r:.0f}" for r in cpu_rates),
        ", ".join(f"{r:.0f}" for r in wall_rates),
    )
    return {"cpu": max(cpu_rates), "wall": max(wall_rates)}


def _test_texts(test_spacy: Path) -> list[str]:
    """Raw texts of the docs in a ``.spacy`` file (used for the speed measurement)."""
    vocab = spacy.blank("en").vocab
    return [doc.text for doc in DocBin().from_disk(test_spacy).get_docs(vocab)]


# --------------------------------------------------------------------------- packaging


def _dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _finalize_config(model_dir: Path) -> None:
    """Make the saved config inference-only: no local corpus paths, senter disabled.

    The parser does sentence segmentation (and respects boundaries preset by an earlier
    component); ``senter`` ships disabled like in spaCy's own pipelines and can be enabled
    with ``nlp.enable_pipe("senter")`` for parser-free segmentation.
    """
    cfg_path = model_dir / "config.cfg"
    config = Config().from_disk(cfg_path, interpolate=False)
    for key in ("train", "dev"):
        if key in config.get("paths", {}):
            config["paths"][key] = None
    pipeline = config["nlp"]["pipeline"]
    if "senter" in pipeline and "parser" in pipeline:
        disabled = list(config["nlp"].get("disabled", []))
        if "senter" not in disabled:
            disabled.append("senter")
        config["nlp"]["disabled"] = disabled
    config.to_disk(cfg_path)


def _write_meta(
    model_dir: Path,
    scores: dict[str, float],
    speed: dict[str, float],
    *,
    used_gum: bool,
    train_seconds: dict[str, float] | None,
    paragraphs: dict[str, dict[str, float]] | None = None,
) -> dict[str, Any]:
    """Add name, version, licence, sources and EWT-test performance to ``meta.json``."""
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf8"))
    # spaCy's training leaves the dev scores in "performance"; keep them as
    # "performance_dev" (already there if this model was packaged before)
    dev_performance = meta.get("performance_dev") or {
        key: value
        for key, value in meta.get("performance", {}).items()
        if isinstance(value, float) and not key.endswith("_loss") and "_micro_" not in key
    }
    config = Config().from_disk(model_dir / "config.cfg", interpolate=False)
    sources = [EWT_SOURCE] + ([GUM_SOURCE] if used_gum else [])
    meta.update(
        {
            "name": MODEL_NAME,
            "version": MODEL_VERSION,
            "description": "English CPU syntax pipeline for the claims project: tok2vec (CNN), "
            "tagger (PTB tags), morphologizer (UPOS + UD features), trainable lemmatizer, "
            "dependency parser (UD labels, sentence segmentation) and a disabled senter. "
            "Trained with whitespace augmentation so that paragraph breaks ('\\n\\n') "
            "inside a Doc do not disturb the parse.",
            "author": "claims project",
            "license": LICENSE,
            "spacy_version": _spacy_version_range(),
            "pipeline": list(config["nlp"]["pipeline"]),
            "disabled": list(config["nlp"].get("disabled", [])),
            "sources": sources,
            "performance": {
                **{key: round(scores[key], 4) for key in REPORTED_SCORES if key in scores},
                "speed": round(speed["cpu"]),
                "words_per_second": round(speed["cpu"]),
                "words_per_second_wall": round(speed["wall"]),
                "evaluated_on": "UD English-EWT v2.16 test (en_ewt-ud-test.conllu), raw text "
                "re-tokenized by the pipeline, parser sentence segmentation; speed = best of 3 "
                "runs of nlp.pipe(batch_size=256) over the test texts, tokenizer included, "
                "words per second of process CPU time (one core); words_per_second_wall = the "
                "same per elapsed second on the (shared) build machine",
            },
            "performance_dev": dev_performance,
        }
    )
    if paragraphs:
        meta["performance_paragraphs"] = {
            "description": "EWT test with every sentence as its own paragraph: sentences "
            "joined by '\\n\\n' in one Doc; preset_sentences = boundaries set before the "
            "parser (as the claims segmenter does), parser_sentences = parser segments",
            **{
                setting: {key: round(value, 4) for key, value in values.items()}
                for setting, values in paragraphs.items()
            },
        }
    if train_seconds:
        meta["training_seconds"] = {key: round(value) for key, value in train_seconds.items()}
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf8")
    return meta


def _spacy_version_range() -> str:
    """The minor-version range of the running spaCy, e.g. ``>=3.8.0,<3.9.0``."""
    major, minor = (int(part) for part in spacy.__version__.split(".")[:2])
    return f">={major}.{minor}.0,<{major}.{minor + 1}.0"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}"


def write_model_card(model_dir: Path, meta: dict[str, Any]) -> Path:
    """Write ``README.md`` (the model card) into ``model_dir`` from its ``meta.json``."""
    perf = meta.get("performance", {})
    para = meta.get("performance_paragraphs", {})
    preset = para.get("preset_sentences", {})
    by_parser = para.get("parser_sentences", {})
    size = _dir_size_mb(model_dir)
    pipes = ", ".join(meta.get("pipeline", []))
    disabled = ", ".join(meta.get("disabled", [])) or "none"
    sources = "\n".join(
        f"- **{s['name']}**: <{s['url']}> (revision `{s['revision'][:12]}`), licence "
        f"{s['license']}. Authors: {s['author']}. Used for: {s['used_for']}."
        for s in meta.get("sources", [])
    )
    encoder = {}
    if (model_dir / "config.cfg").is_file():
        encoder = Config().from_disk(model_dir / "config.cfg", interpolate=False)["components"]["tok2vec"]["model"]["encode"]
    shape = f"width {encoder.get('width', '?')}, depth {encoder.get('depth', '?')}"
    seconds = meta.get("training_seconds") or {}
    train_time = (
        f"{seconds['cpu'] / 60:.0f} minutes of CPU time ({seconds['wall'] / 60:.0f} minutes "
        "wall-clock on a shared 2-core machine), single process, including initialization "
        "and dev evaluations"
        if {"cpu", "wall"} <= set(seconds)
        else "n/a"
    )
    card = f"""# {meta['name']} {meta['version']}: English syntax model

A small CPU pipeline for spaCy `{meta.get('spacy_version', '')}`, trained for this project
because no pretrained spaCy model can be downloaded in our environment. Load it with
`pipeline.syntax.load_syntax_model()`, which also installs the UD noun-chunk iterator
(`pipeline.syntax.ud_noun_chunks`), or with `spacy.load("pipeline/models/syntax")`.

- Components: {pipes}; disabled by default: {disabled}. One CNN `tok2vec`
  (MultiHashEmbed + MaxoutWindowEncoder, {shape}) is shared by all of them.
- Annotation: Universal Dependencies v2 labels (`nsubj`, `obj`, `obl`, `nmod:desc`,
  `nsubj:pass`, ...) in `token.dep_`, Penn Treebank tags in `token.tag_`, UPOS in
  `token.pos_`, UD features in `token.morph`, lemmas in `token.lemma_`. spaCy's built-in
  English `doc.noun_chunks` expects ClearNLP labels; use `load_syntax_model()` or
  `pipeline.syntax.install_ud_noun_chunks(nlp)`.
- Sentences: the parser segments and respects boundaries that an earlier component has
  set (the claims segmenter). `senter` is a parser-free alternative
  (`nlp.enable_pipe("senter")`; it runs before the parser).
- Whitespace: paragraph breaks (`"\\n\\n"`) inside a Doc are tagged `_SP`/`SPACE`,
  lemmatized to themselves and attached with `dep` to the preceding token. Training data had
  `"\\n\\n"` after 30% of sentence ends plus random whitespace tokens (spaCy's
  `combined_augmenter`).

## Data and licence

This model is a derivative of the treebanks below and is distributed under
**{meta['license']}** (<https://creativecommons.org/licenses/by-sa/4.0/>). If you
redistribute it, keep this attribution and licence. The project's code is licensed
separately.

{sources}

Training data: EWT train + GUM train; the ~60 training sentences with quote-attribution
inversion (`"...," said the ambassador`) are included 5 extra times. Model selection: EWT
dev. No training text is included in this directory.

## Accuracy (UD English-EWT v2.16 test)

| metric | raw text | paragraphs, preset sentences | paragraphs, parser sentences |
|---|---|---|---|
| POS (UPOS) | {_pct(perf.get('pos_acc'))} | {_pct(preset.get('pos_acc'))} | {_pct(by_parser.get('pos_acc'))} |
| TAG (PTB) | {_pct(perf.get('tag_acc'))} | | |
| morphology | {_pct(perf.get('morph_acc'))} | | |
| UAS | {_pct(perf.get('dep_uas'))} | {_pct(preset.get('dep_uas'))} | {_pct(by_parser.get('dep_uas'))} |
| LAS | {_pct(perf.get('dep_las'))} | {_pct(preset.get('dep_las'))} | {_pct(by_parser.get('dep_las'))} |
| lemma | {_pct(perf.get('lemma_acc'))} | | |
| sentences F | {_pct(perf.get('sents_f'))} | (preset) | {_pct(by_parser.get('sents_f'))} |

- *raw text*: the test text re-tokenized by the pipeline's tokenizer and segmented by the
  parser (no gold tokens or sentence boundaries): end-to-end scores, as `spacy evaluate`
  reports them.
- *paragraphs*: every test sentence made its own paragraph (sentences joined by
  `"\\n\\n"` in one Doc), with the boundaries set before the parser (how the claims
  pipeline runs it; gold boundaries are why UAS/LAS are higher than on raw text) or left
  to the parser.
- Speed: ~{perf.get('speed', 0):,} words/s on one CPU core (best of 3 runs of `nlp.pipe` over
  the EWT test texts, tokenizer included, words per second of process CPU time; the
  wall-clock rate on the busy shared build machine was {perf.get('words_per_second_wall', 0):,}).
- Size on disk: {size:.1f} MB.
- Training time: {train_time}.

## Limitations

- Trained on web text, reviews, email, Q&A (EWT) and mixed genres (GUM), not on news or
  policy analysis; expect lower accuracy on long, formal sentences.
- No named-entity recognizer and no word vectors.
- Sentence segmentation by the parser is weak on unpunctuated text (EWT sentences F is
  low partly because of EWT's own web-text segmentation); the claims pipeline presets
  boundaries.
- The edit-tree lemmatizer sometimes leaves capitalized sentence-initial words unchanged
  ("Officials").
- Unfamiliar multi-word names are sometimes split, e.g. "Prime Minister Shinzo Abe met ..."
  parses "Shinzo" and "Abe" as two `nsubj` of "met"; `ud_noun_chunks` repairs this case
  (adjacent proper nouns with the same head and a once-only relation form one chunk), the
  tree itself is left as predicted.
- Quote attribution with inversion (`"...," said the ambassador`) works for "said" but is
  less reliable with other verbs ("added", "warned", "insisted").

## Reproduce

```bash
python -m pipeline.training.syntax --data /work/shared/data --out pipeline/models/syntax
```

This converts the CoNLL-U files (`build/syntax/corpus/*.spacy`), trains with
`configs/train-syntax.cfg` (into `build/syntax/output`), evaluates `model-best` on EWT test,
writes `meta.json` and this card, and copies the pipeline here. `--set
training.max_steps=300` gives a quick smoke run; `--evaluate-only DIR` re-scores a model.
"""
    out = model_dir / "README.md"
    out.write_text(card, encoding="utf8")
    return out


def package_model(trained_dir: Path, output_dir: Path) -> Path:
    """Copy the inference files of ``trained_dir`` to ``output_dir`` (replacing it)."""
    trained_dir, output_dir = Path(trained_dir), Path(output_dir)
    if output_dir.exists():
        shutil.rmtree(output_dir)
    shutil.copytree(
        trained_dir, output_dir, ignore=shutil.ignore_patterns(*_NOT_FOR_INFERENCE, "*.spacy")
    )
    return output_dir


# --------------------------------------------------------------------------- training


def _parse_override(value: str) -> Any:
    """Parse a config override value like spaCy's CLI does (JSON if possible, else str)."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def train_syntax(
    data_dir: Path,
    output_dir: Path,
    *,
    config_path: Path | None = None,
    overrides: dict | None = None,
    work_dir: Path | None = None,
    include_gum: bool = True,
    inversion_copies: int = INVERSION_COPIES,
    paragraph_breaks: float = PARAGRAPH_BREAKS,
) -> Path:
    """Convert the treebanks, train the syntax pipeline, evaluate it and package it.

    Args:
        data_dir: the training data directory (see :func:`convert_treebanks`).
        output_dir: where the packaged model goes (normally ``pipeline/models/syntax``);
            replaced if it exists.
        config_path: training config; defaults to ``configs/train-syntax.cfg``.
        overrides: extra config overrides, e.g. ``{"training.max_steps": 300}``.
        work_dir: scratch directory for ``.spacy`` files and training output; defaults to
            ``build/syntax`` under the current directory.
        include_gum: add GUM training documents if present.
        inversion_copies: extra copies of inverted quote-attribution training sentences
            (see :func:`convert_treebanks`).
        paragraph_breaks: share of training sentence boundaries given a ``"\n\n"`` token.

    Returns:
        ``output_dir``, containing the pipeline, ``meta.json`` (licence, sources, EWT-test
        performance and words/s) and ``README.md``.
    """
    data_dir = Path(data_dir)
    output_dir = Path(output_dir)
    work_dir = Path(work_dir) if work_dir is not None else DEFAULT_WORK_DIR
    config_path = Path(config_path) if config_path is not None else DEFAULT_CONFIG
    if not config_path.is_file():
        raise FileNotFoundError(f"training config not found: {config_path}")

    from spacy.cli.train import train as spacy_train

    corpus = convert_treebanks(
        data_dir,
        work_dir / "corpus",
        include_gum=include_gum,
        inversion_copies=inversion_copies,
        paragraph_breaks=paragraph_breaks,
    )
    used_gum = include_gum and bool(gum_train_files(data_dir))
    all_overrides = {"paths.train": str(corpus["train"]), "paths.dev": str(corpus["dev"])}
    all_overrides.update(overrides or {})
    train_out = work_dir / "output"
    started, started_cpu = time.perf_counter(), time.process_time()
    spacy_train(config_path, train_out, use_gpu=-1, overrides=all_overrides)
    train_seconds = {
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - started_cpu,
    }
    return finalize_model(
        train_out / "model-best",
        output_dir,
        corpus["test"],
        used_gum=used_gum,
        train_seconds=train_seconds,
    )


def finalize_model(
    trained_dir: Path,
    output_dir: Path,
    test_path: Path,
    *,
    used_gum: bool = True,
    train_seconds: dict[str, float] | None = None,
) -> Path:
    """Evaluate a trained pipeline on EWT test and package it into ``output_dir``.

    Makes the config inference-only, measures accuracy (:func:`evaluate_syntax`) and speed
    (:func:`measure_speed`), writes ``meta.json`` (name, version, licence, sources,
    performance), copies the pipeline to ``output_dir`` and writes the model card there.

    Args:
        trained_dir: ``model-best`` of a training run (modified in place).
        output_dir: destination, replaced if it exists.
        test_path: EWT test data, ``.conllu`` or ``.spacy``.
        used_gum: whether GUM was in the training data (for the attribution).
        train_seconds: ``{"wall": ..., "cpu": ...}`` training time, if known.

    Returns:
        ``output_dir``.
    """
    trained_dir, output_dir = Path(trained_dir), Path(output_dir)
    _finalize_config(trained_dir)
    with tempfile.TemporaryDirectory() as tmp:
        test_spacy = _as_docbin(Path(test_path), Path(tmp))
        scores = evaluate_syntax(trained_dir, test_spacy)
        paragraphs = {
            "preset_sentences": evaluate_paragraphs(trained_dir, test_spacy),
            "parser_sentences": evaluate_paragraphs(
                trained_dir, test_spacy, preset_sentences=False
            ),
        }
        speed = measure_speed(spacy.load(trained_dir), _test_texts(test_spacy))
    meta = _write_meta(
        trained_dir,
        scores,
        speed,
        used_gum=used_gum,
        train_seconds=train_seconds,
        paragraphs=paragraphs,
    )
    package_model(trained_dir, output_dir)
    write_model_card(output_dir, meta)
    logger.info(
        "EWT test: %s; %.0f words/s (CPU), %.0f words/s (wall); %.1f MB",
        ", ".join(f"{k}={_pct(scores.get(k))}" for k in REPORTED_SCORES),
        speed["cpu"],
        speed["wall"],
        _dir_size_mb(output_dir),
    )
    return output_dir


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m pipeline.training.syntax --data DIR --out DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.training.syntax", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--data", type=Path, required=True, help="training data directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUTPUT, help="packaged model dir")
    parser.add_argument("--config", type=Path, default=None, help="training config")
    parser.add_argument("--work-dir", type=Path, default=None, help="scratch dir (build/syntax)")
    parser.add_argument("--no-gum", action="store_true", help="train on EWT only")
    parser.add_argument("--inversion-copies", type=int, default=INVERSION_COPIES,
                        help="extra copies of '\"...\", said X' training sentences")
    parser.add_argument("--paragraph-breaks", type=float, default=PARAGRAPH_BREAKS,
                        help="share of training sentence boundaries given a '\\n\\n' token")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="config override, e.g. --set training.max_steps=300 (repeatable)",
    )
    parser.add_argument("--evaluate-only", type=Path, default=None, metavar="MODEL_DIR",
                        help="only evaluate MODEL_DIR on EWT test and print the scores")
    parser.add_argument("--package-only", type=Path, default=None, metavar="TRAINED_DIR",
                        help="skip training: evaluate and package an existing model-best")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    if args.evaluate_only is not None:
        test = args.data / EWT_DIR / EWT_FILES["test"]
        print(json.dumps(evaluate_syntax(args.evaluate_only, test), indent=2))
        return 0
    if args.package_only is not None:
        test = args.data / EWT_DIR / EWT_FILES["test"]
        used_gum = not args.no_gum and bool(gum_train_files(args.data))
        print(finalize_model(args.package_only, args.out, test, used_gum=used_gum))
        return 0
    overrides = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set expects SECTION.KEY=VALUE, got {item!r}")
        overrides[key.strip()] = _parse_override(value.strip())
    out = train_syntax(
        args.data,
        args.out,
        config_path=args.config,
        overrides=overrides,
        work_dir=args.work_dir,
        include_gum=not args.no_gum,
        inversion_copies=args.inversion_copies,
        paragraph_breaks=args.paragraph_breaks,
    )
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
