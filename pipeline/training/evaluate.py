"""Scoring the syntax model: EWT test on raw text, on paragraphs, and its speed."""
from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import DocBin

from .convert import _write_docbin

logger = logging.getLogger(__name__)


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
