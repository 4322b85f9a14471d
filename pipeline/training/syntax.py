"""Train, evaluate and package the project's English syntax model.

The model is a small CPU pipeline (CNN ``tok2vec`` shared by ``tagger``, ``morphologizer``,
``trainable_lemmatizer`` and ``parser``, plus a ``senter`` that ships disabled) trained on
Universal Dependencies English-EWT and, when present, the openly licensed GUM documents.
The recipe lives in ``configs/train-syntax.cfg``; this module is the plain-Python driver over
one module per step (:mod:`.convert`, :mod:`.evaluate`, :mod:`.package`):

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
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import spacy

# The steps this driver runs, one module each (their public names stay importable from here).
from .convert import EWT_DIR, EWT_FILES, INVERSION_COPIES, PARAGRAPH_BREAKS, convert_treebanks, gum_train_files
from .evaluate import _as_docbin, _test_texts, evaluate_paragraphs, evaluate_syntax, measure_speed
from .package import REPORTED_SCORES, _dir_size_mb, _finalize_config, _pct, _write_meta, package_model, write_model_card

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO_ROOT / "configs" / "train-syntax.cfg"
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "models" / "syntax"
DEFAULT_WORK_DIR = Path("build") / "syntax"

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
