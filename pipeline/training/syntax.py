"""Train, evaluate and package the project's English syntax model.

The model is a small CPU pipeline (CNN ``tok2vec`` shared by ``tagger``, ``morphologizer``,
``trainable_lemmatizer`` and ``parser``, plus a ``senter`` that ships disabled) trained on
Universal Dependencies English-EWT and, when present, the openly licensed GUM documents.
The recipe lives in ``configs/train-syntax.cfg``; this module is the plain-Python driver:

* :func:`convert_treebanks` turns CoNLL-U files into spaCy ``DocBin`` files;
* :func:`train_syntax` converts, trains, evaluates on EWT test, writes ``meta.json`` and a
  model card, and copies the inference-only pipeline into ``pipeline/models/syntax``;
* :func:`evaluate_syntax` scores a trained pipeline on a CoNLL-U or ``.spacy`` test file.

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
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training.converters import conllu_to_docs
from thinc.api import Config

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO_ROOT / "configs" / "train-syntax.cfg"
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "models" / "syntax"
DEFAULT_WORK_DIR = Path("build") / "syntax"

MODEL_NAME = "claims_syntax"
MODEL_VERSION = "0.1.0"
LICENSE = "CC BY-SA 4.0"

EWT_DIR = "ud-english-ewt"
EWT_FILES = {split: f"en_ewt-ud-{split}.conllu" for split in ("train", "dev", "test")}
GUM_TRAIN_DIR = Path("gum") / "train"

EWT_SOURCE: dict[str, str] = {
    "name": "Universal Dependencies English Web Treebank (UD English-EWT) v2.16",
    "url": "https://github.com/UniversalDependencies/UD_English-EWT",
    "revision": "15d613d8447b3478787d4c278730a1e48a945efb",
    "license": "CC BY-SA 4.0",
    "author": "Natalia Silveira, Timothy Dozat, Marie-Catherine de Marneffe, Samuel Bowman, "
    "Miriam Connor, John Bauer, Christopher D. Manning, Nathan Schneider et al.",
    "used_for": "train, dev (model selection), test (reported accuracy)",
}
GUM_SOURCE: dict[str, str] = {
    "name": "GUM (Georgetown University Multilayer) corpus v11, openly licensed genres "
    "(academic, bio, conversation, court, interview, news, speech, textbook, vlog, voyage)",
    "url": "https://github.com/amir-zeldes/gum",
    "revision": "72ce5ac14978a324c2fd18d49484e65292cbe316",
    "license": "annotations CC BY 4.0; texts CC BY / CC BY-SA / public domain per genre",
    "author": "Amir Zeldes and the GUM contributors",
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


def _write_docbin(sources: Sequence[Path], out: Path, n_sents: int) -> Path:
    """Convert CoNLL-U ``sources`` (each grouped separately) into one ``.spacy`` file."""
    doc_bin = DocBin(store_user_data=False)
    n_docs = 0
    for source in sources:
        for doc in _conllu_docs(source, n_sents):
            doc_bin.add(doc)
            n_docs += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    doc_bin.to_disk(out)
    logger.info("wrote %s (%d docs from %d file(s))", out, n_docs, len(sources))
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
        suffix = "-gum" if split == "train" and len(sources) > 1 else ""
        out = work_dir / f"{split}{suffix}.spacy"
        if force or not _is_fresh(out, sources):
            _write_docbin(sources, out, n_sents)
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


def measure_speed(nlp: Language, texts: Sequence[str], *, repeats: int = 3) -> float:
    """Best-of-``repeats`` words per second of ``nlp.pipe`` on raw ``texts`` (one process)."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        n_words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256))
        rates.append(n_words / (time.perf_counter() - start))
    logger.info("words/s over %d runs: %s", repeats, ", ".join(f"{r:.0f}" for r in rates))
    return max(rates)


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
    speed: float,
    *,
    used_gum: bool,
    train_seconds: float | None,
) -> dict[str, Any]:
    """Add name, version, licence, sources and EWT-test performance to ``meta.json``."""
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf8"))
    dev_performance = meta.get("performance", {})
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
            "sources": sources,
            "performance": {
                **{key: round(scores[key], 4) for key in REPORTED_SCORES if key in scores},
                "speed": round(speed),
                "words_per_second": round(speed),
                "evaluated_on": "UD English-EWT v2.16 test (en_ewt-ud-test.conllu), raw text "
                "re-tokenized by the pipeline; speed = best of 3 runs of nlp.pipe over the "
                "test texts, tokenizer included, one CPU core",
            },
            "performance_dev": dev_performance,
        }
    )
    if train_seconds is not None:
        meta["training_seconds"] = round(train_seconds)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf8")
    return meta


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}"


def write_model_card(model_dir: Path, meta: dict[str, Any]) -> Path:
    """Write ``README.md`` (the model card) into ``model_dir`` from its ``meta.json``."""
    perf = meta.get("performance", {})
    size = _dir_size_mb(model_dir)
    pipes = ", ".join(meta.get("pipeline", []))
    disabled = ", ".join(meta.get("disabled", [])) or "none"
    sources = "\n".join(
        f"- **{s['name']}** — <{s['url']}> (revision `{s['revision'][:12]}`), licence "
        f"{s['license']}; authors: {s['author']}. Used for: {s['used_for']}."
        for s in meta.get("sources", [])
    )
    minutes = meta.get("training_seconds")
    train_time = f"{minutes / 60:.0f} minutes" if minutes else "n/a"
    card = f"""# {meta['name']} {meta['version']} — English syntax model

A small CPU spaCy {meta.get('spacy_version', '')} pipeline trained for this project, because no
pretrained spaCy model can be downloaded in our environment. Load it with
`pipeline.syntax.load_syntax_model()` (which also installs the UD noun-chunk iterator) or
`spacy.load("pipeline/models/syntax")`.

- Components: {pipes} (disabled by default: {disabled}). One CNN `tok2vec` is shared by all
  enabled components. Labels are Universal Dependencies v2 (`nsubj`, `obj`, `obl`,
  `nsubj:pass`, ...), tags are Penn Treebank (`token.tag_`), UPOS in `token.pos_`, UD
  features in `token.morph`, lemmas in `token.lemma_`.
- Sentence boundaries come from the parser; it respects boundaries that an earlier component
  has set. `senter` is a parser-free alternative (`nlp.enable_pipe("senter")`).
- Trained with whitespace augmentation: whitespace tokens such as `"\\n\\n"` (paragraph
  breaks inside a Doc) are tagged `_SP`/`SPACE` and attached to a neighbour with `dep`.

## Data and licence

This model is a derivative of the treebanks below and is distributed under
**{meta['license']}** (<https://creativecommons.org/licenses/by-sa/4.0/>). If you
redistribute it, keep this attribution and licence. The project's code is licensed
separately.

{sources}

No training text is included in this directory.

## Accuracy (UD English-EWT v2.16 test, raw text)

| metric | score |
|---|---|
| POS (UPOS) | {_pct(perf.get('pos_acc'))} |
| TAG (PTB) | {_pct(perf.get('tag_acc'))} |
| morphology | {_pct(perf.get('morph_acc'))} |
| UAS | {_pct(perf.get('dep_uas'))} |
| LAS | {_pct(perf.get('dep_las'))} |
| lemma | {_pct(perf.get('lemma_acc'))} |
| sentences F (parser) | {_pct(perf.get('sents_f'))} |

The test text is re-tokenized by the pipeline's tokenizer and segmented by the parser
(no gold tokens or sentence boundaries), so these are end-to-end scores.

- Speed: ~{perf.get('speed', 0):,} words/s (best of 3 runs of `nlp.pipe` over the EWT test
  texts, tokenizer included, one process on a shared 2-core machine).
- Size on disk: {size:.1f} MB.
- Training time: {train_time} on one CPU core.

## Reproduce

```bash
python -m pipeline.training.syntax --data /work/shared/data --out pipeline/models/syntax
```

This converts the CoNLL-U files (`build/syntax/corpus/*.spacy`), trains with
`configs/train-syntax.cfg` (into `build/syntax/output`), evaluates `model-best` on EWT test,
writes `meta.json` and this card, and copies the pipeline here. Use `--set
training.max_steps=300` for a quick smoke run.
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

    corpus = convert_treebanks(data_dir, work_dir / "corpus", include_gum=include_gum)
    used_gum = include_gum and bool(gum_train_files(data_dir))
    all_overrides = {"paths.train": str(corpus["train"]), "paths.dev": str(corpus["dev"])}
    all_overrides.update(overrides or {})
    train_out = work_dir / "output"
    started = time.perf_counter()
    spacy_train(config_path, train_out, use_gpu=-1, overrides=all_overrides)
    train_seconds = time.perf_counter() - started
    best = train_out / "model-best"

    _finalize_config(best)
    scores = evaluate_syntax(best, corpus["test"])
    speed = measure_speed(spacy.load(best), _test_texts(corpus["test"]))
    meta = _write_meta(best, scores, speed, used_gum=used_gum, train_seconds=train_seconds)
    package_model(best, output_dir)
    write_model_card(output_dir, meta)
    logger.info(
        "EWT test: %s; %.0f words/s; %.1f MB",
        ", ".join(f"{k}={_pct(scores.get(k))}" for k in REPORTED_SCORES),
        speed,
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
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="config override, e.g. --set training.max_steps=300 (repeatable)",
    )
    parser.add_argument("--evaluate-only", type=Path, default=None, metavar="MODEL_DIR",
                        help="only evaluate MODEL_DIR on EWT test and print the scores")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    if args.evaluate_only is not None:
        test = args.data / EWT_DIR / EWT_FILES["test"]
        print(json.dumps(evaluate_syntax(args.evaluate_only, test), indent=2))
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
    )
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
