"""Converting UD treebanks (CoNLL-U) into the spaCy ``DocBin`` files the syntax model trains on.

Training docs of 10 sentences, ``"\\n\\n"`` after 30% of their sentence ends, the ~60 inverted
quote-attribution sentences upsampled 5x (see :func:`convert_treebanks`).
"""
from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin
from spacy.training.converters import conllu_to_docs

logger = logging.getLogger(__name__)

EWT_DIR = "ud-english-ewt"
EWT_FILES = {split: f"en_ewt-ud-{split}.conllu" for split in ("train", "dev", "test")}
GUM_TRAIN_DIR = Path("gum") / "train"
#: Extra copies of inverted quote-attribution sentences in the training set (0 = off).
INVERSION_COPIES = 5
#: Share of sentence boundaries in training Docs that get a "\n\n" paragraph break.
PARAGRAPH_BREAKS = 0.3

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
