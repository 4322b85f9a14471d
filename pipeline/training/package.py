"""Packaging the trained syntax model: inference-only config, ``meta.json``, the model card, the copy.

Used by :func:`pipeline.training.syntax.finalize_model`; nothing here trains.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import spacy
from thinc.api import Config

MODEL_NAME = "claims_syntax"
MODEL_VERSION = "0.2.0"
LICENSE = "CC BY-SA 4.0"

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

# The model card (README.md of the model folder): ``str.format`` fields filled by :func:`_card_values`.
MODEL_CARD = """# {name} {version}: English syntax model

A small CPU pipeline for spaCy `{spacy_version}`, trained for this project
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
**{license}** (<https://creativecommons.org/licenses/by-sa/4.0/>). If you
redistribute it, keep this attribution and licence. The project's code is licensed
separately.

{sources}

Training data: EWT train + GUM train; the ~60 training sentences with quote-attribution
inversion (`"...," said the ambassador`) are included 5 extra times. Model selection: EWT
dev. No training text is included in this directory.

## Accuracy (UD English-EWT v2.16 test)

| metric | raw text | paragraphs, preset sentences | paragraphs, parser sentences |
|---|---|---|---|
| POS (UPOS) | {raw_pos_acc} | {preset_pos_acc} | {parser_pos_acc} |
| TAG (PTB) | {raw_tag_acc} | | |
| morphology | {raw_morph_acc} | | |
| UAS | {raw_dep_uas} | {preset_dep_uas} | {parser_dep_uas} |
| LAS | {raw_dep_las} | {preset_dep_las} | {parser_dep_las} |
| lemma | {raw_lemma_acc} | | |
| sentences F | {raw_sents_f} | (preset) | {parser_sents_f} |

- *raw text*: the test text re-tokenized by the pipeline's tokenizer and segmented by the
  parser (no gold tokens or sentence boundaries): end-to-end scores, as `spacy evaluate`
  reports them.
- *paragraphs*: every test sentence made its own paragraph (sentences joined by
  `"\\n\\n"` in one Doc), with the boundaries set before the parser (how the claims
  pipeline runs it; gold boundaries are why UAS/LAS are higher than on raw text) or left
  to the parser.
- Speed: ~{speed:,} words/s on one CPU core (best of 3 runs of `nlp.pipe` over
  the EWT test texts, tokenizer included, words per second of process CPU time; the
  wall-clock rate on the busy shared build machine was {speed_wall:,}).
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
    out = model_dir / "README.md"
    out.write_text(MODEL_CARD.format(**_card_values(model_dir, meta)), encoding="utf8")
    return out


# Scores of the accuracy table: on raw text ("raw_*"), and on paragraphs with preset
# ("preset_*") or parser ("parser_*") sentence boundaries.
_CARD_SCORES = ("pos_acc", "tag_acc", "morph_acc", "dep_uas", "dep_las", "lemma_acc", "sents_f")


def _card_values(model_dir: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """The values :data:`MODEL_CARD` shows, from ``meta.json`` and the model's files."""
    perf = meta.get("performance", {})
    para = meta.get("performance_paragraphs", {})
    preset = para.get("preset_sentences", {})
    by_parser = para.get("parser_sentences", {})
    sources = "\n".join(
        f"- **{s['name']}**: <{s['url']}> (revision `{s['revision'][:12]}`), licence "
        f"{s['license']}. Authors: {s['author']}. Used for: {s['used_for']}."
        for s in meta.get("sources", [])
    )
    encoder = {}
    if (model_dir / "config.cfg").is_file():
        encoder = Config().from_disk(model_dir / "config.cfg", interpolate=False)["components"]["tok2vec"]["model"]["encode"]
    seconds = meta.get("training_seconds") or {}
    train_time = (
        f"{seconds['cpu'] / 60:.0f} minutes of CPU time ({seconds['wall'] / 60:.0f} minutes "
        "wall-clock on a shared 2-core machine), single process, including initialization "
        "and dev evaluations"
        if {"cpu", "wall"} <= set(seconds)
        else "n/a"
    )
    return {
        "name": meta["name"], "version": meta["version"], "spacy_version": meta.get("spacy_version", ""), "license": meta["license"],
        "pipes": ", ".join(meta.get("pipeline", [])), "disabled": ", ".join(meta.get("disabled", [])) or "none",
        "shape": f"width {encoder.get('width', '?')}, depth {encoder.get('depth', '?')}",
        "sources": sources, "size": _dir_size_mb(model_dir), "train_time": train_time,
        "speed": perf.get("speed", 0), "speed_wall": perf.get("words_per_second_wall", 0),
        **{f"raw_{key}": _pct(perf.get(key)) for key in _CARD_SCORES},
        **{f"preset_{key}": _pct(preset.get(key)) for key in _CARD_SCORES},
        **{f"parser_{key}": _pct(by_parser.get(key)) for key in _CARD_SCORES},
    }


def package_model(trained_dir: Path, output_dir: Path) -> Path:
    """Copy the inference files of ``trained_dir`` to ``output_dir`` (replacing it)."""
    trained_dir, output_dir = Path(trained_dir), Path(output_dir)
    if output_dir.exists():
        shutil.rmtree(output_dir)
    shutil.copytree(
        trained_dir, output_dir, ignore=shutil.ignore_patterns(*_NOT_FOR_INFERENCE, "*.spacy")
    )
    return output_dir
