"""Access to the project's own English syntax model and UD-label noun chunks.

The model in ``pipeline/models/syntax`` (built by ``make model``, i.e.
``python -m pipeline.training.syntax``) is trained on Universal Dependencies treebanks, so its
dependency labels are UD (``nsubj``, ``obj``, ``obl``, ``nmod``, ``nsubj:pass``, ...). spaCy's
built-in English noun-chunk iterator expects ClearNLP labels (``dobj``, ``pobj``,
``nsubjpass``) and would miss most chunks; :func:`ud_noun_chunks` is the UD replacement and
:func:`load_syntax_model` installs it.

This module imports without the model being present; only :func:`syntax_model_path` and
:func:`load_syntax_model` need it and fail with a message naming ``make model``.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from spacy.errors import Errors
from spacy.language import Language
from spacy.symbols import NOUN, PRON, PROPN
from spacy.tokens import Doc, Span, Token

__all__ = [
    "SYNTAX_MODEL_DIR",
    "SyntaxModelMissing",
    "install_ud_noun_chunks",
    "load_syntax_model",
    "syntax_model_available",
    "syntax_model_path",
    "ud_noun_chunks",
]

#: Where the packaged model lives (inside the ``pipeline`` package, shipped with it).
SYNTAX_MODEL_DIR = Path(__file__).resolve().parent / "models" / "syntax"

# Nominal heads with these (base) relations start a chunk. ``nmod:poss`` is excluded: a
# possessor belongs to its possessee's chunk ("the country's leader"). Clausal relations
# are included for predicate nominals ("... that the deal is a mistake" -> "a mistake"),
# whose subject and copula are never part of the chunk (see _LEFT_DEPS).
_CHUNK_DEPS = frozenset(
    {
        "ROOT", "root", "nsubj", "obj", "iobj", "obl", "nmod", "appos", "vocative",
        "dislocated", "list", "xcomp", "ccomp", "csubj", "advcl", "acl", "parataxis",
        "orphan",
    }
)
_EXCLUDED_FULL_DEPS = frozenset({"nmod:poss"})
# Left dependents that belong inside the chunk (with their whole subtree): determiners,
# modifiers, possessors, numbers and name parts; not case markers ("in"), coordinators,
# punctuation, adverbs ("only") or clause-level dependents (nsubj, cop, aux, mark).
_LEFT_DEPS = frozenset({"det", "amod", "compound", "nummod", "nmod", "flat", "fixed", "goeswith"})
# Right dependents that continue the chunk when adjacent: the rest of a multi-word name
# (UD heads "Shinzo Abe" on "Shinzo" with flat "Abe") and numbers ("Resolution 1441").
_RIGHT_DEPS = frozenset({"flat", "fixed", "goeswith", "compound", "nummod"})
_NOMINAL_POS = (NOUN, PROPN, PRON)
# Core relations a predicate has at most once: two adjacent proper nouns attached to the
# same head with one of these ("Prime Minister Shinzo/nsubj Abe/nsubj met") are a parser
# error on an unfamiliar multi-word name, so the chunk covers both.
_UNIQUE_DEPS = frozenset({"nsubj", "nsubj:pass", "obj", "iobj"})


class SyntaxModelMissing(FileNotFoundError):
    """The packaged syntax model has not been built (run ``make model``)."""


def _base(dep: str) -> str:
    return dep.split(":", 1)[0]


def _chunk_start(word: Token) -> int:
    """Leftmost index of ``word``'s contiguous NP-internal left dependents."""
    start = word.i
    for child in reversed(list(word.lefts)):
        if _base(child.dep_) not in _LEFT_DEPS or child.right_edge.i != start - 1:
            break
        start = child.left_edge.i
    return start


def _chunk_end(word: Token) -> int:
    """Exclusive end index: ``word`` plus adjacent name/number right dependents.

    Also absorbs a directly following proper noun that the parser gave the same head and
    the same once-only relation (see ``_UNIQUE_DEPS``): the rest of a split name.
    """
    end = word.i + 1
    for child in word.rights:
        if _base(child.dep_) not in _RIGHT_DEPS or child.left_edge.i != end:
            break
        end = child.right_edge.i + 1
    doc = word.doc
    while (
        word.pos == PROPN
        and word.dep_ in _UNIQUE_DEPS
        and end < len(doc)
        and doc[end - 1].pos == PROPN
        and doc[end].pos == PROPN
        and doc[end].head == word.head
        and doc[end].dep_ == word.dep_
        and doc[end].left_edge.i == end
    ):
        end = _chunk_end_plain(doc[end])
    return end


def _chunk_end_plain(word: Token) -> int:
    """Like :func:`_chunk_end` without the split-name repair."""
    end = word.i + 1
    for child in word.rights:
        if _base(child.dep_) not in _RIGHT_DEPS or child.left_edge.i != end:
            break
        end = child.right_edge.i + 1
    return end


def _is_chunk_head(word: Token) -> bool:
    if word.dep_ in _EXCLUDED_FULL_DEPS:
        return False
    if (
        word.head.i > word.i
        and word.head.pos in _NOMINAL_POS
        and _base(word.dep_) in _LEFT_DEPS
    ):
        # NP-internal left dependent of a later nominal: a title ("President" is
        # nmod:desc of "Vladimir" in EWT) or a modifier noun; it is inside that chunk
        return False
    if _base(word.dep_) in _CHUNK_DEPS:
        return True
    if word.dep_ == "conj":
        # a conjunct is a chunk if the first conjunct of its coordination is one
        head = word.head
        while head.dep_ == "conj" and head.head.i < head.i:
            head = head.head
        return head.dep_ not in _EXCLUDED_FULL_DEPS and _base(head.dep_) in _CHUNK_DEPS
    return False


def ud_noun_chunks(doclike: Doc | Span) -> Iterator[tuple[int, int, int]]:
    """Yield ``(start, end, label)`` base noun phrases from a Doc/Span parsed with UD labels.

    A chunk is a noun, proper noun or pronoun in an argument/modifier relation (``nsubj``,
    ``nsubj:pass``, ``obj``, ``iobj``, ``obl``, ``nmod`` except ``nmod:poss``, ``appos``,
    root, predicate nominals, and ``conj`` of those) plus its contiguous left determiners,
    modifiers, possessors and name parts, plus right ``flat``/``fixed``/``compound``/number
    dependents. A name the parser split into two sibling subjects/objects (``Shinzo/nsubj
    Abe/nsubj``) is repaired into one chunk. Prepositions (``case``), coordinators and trailing modifiers (PPs, relative
    clauses) are excluded, as in spaCy's English iterator. Chunks never nest; indices are
    Doc token indices and ``label`` is the hash of ``"NP"``.

    Raises:
        ValueError: if the document has no dependency parse (spaCy error E029).
    """
    doc = doclike.doc
    if not doc.has_annotation("DEP"):
        raise ValueError(Errors.E029)
    np_label = doc.vocab.strings.add("NP")
    lo, hi = (doclike.start, doclike.end) if isinstance(doclike, Span) else (0, len(doc))
    prev_end = -1
    for word in doclike:
        if word.pos not in _NOMINAL_POS or not _is_chunk_head(word):
            continue
        start = max(_chunk_start(word), lo)
        if start <= prev_end:
            continue
        end = min(_chunk_end(word), hi)
        prev_end = end - 1
        yield start, end, np_label


def install_ud_noun_chunks(nlp: Language) -> Language:
    """Make ``doc.noun_chunks`` use :func:`ud_noun_chunks` for Docs created by ``nlp``."""
    nlp.vocab.get_noun_chunks = ud_noun_chunks
    return nlp


def make_install_ud_noun_chunks() -> Any:
    """Config callback (e.g. ``[nlp.after_pipeline_creation]``) installing UD noun chunks."""
    return install_ud_noun_chunks


def syntax_model_available() -> bool:
    """True if the packaged model has been built (``config.cfg`` and ``meta.json`` exist)."""
    return (SYNTAX_MODEL_DIR / "config.cfg").is_file() and (
        SYNTAX_MODEL_DIR / "meta.json"
    ).is_file()


def syntax_model_path() -> Path:
    """Path of the packaged syntax model, ``pipeline/models/syntax``.

    Raises:
        SyntaxModelMissing: if the model has not been built; run ``make model``.
    """
    if not syntax_model_available():
        raise SyntaxModelMissing(
            f"The syntax model is missing from {SYNTAX_MODEL_DIR}. Build it with `make model` "
            "(or `python -m pipeline.training.syntax --data <treebank dir> "
            "--out pipeline/models/syntax`)."
        )
    return SYNTAX_MODEL_DIR


def load_syntax_model(**kwargs: Any) -> Language:
    """``spacy.load`` the packaged syntax model and install :func:`ud_noun_chunks`.

    Keyword arguments (``exclude=``, ``disable=``, ``enable=``, ``config=``) are passed to
    ``spacy.load``. The ``senter`` component ships disabled: the parser segments sentences
    and respects boundaries set by earlier components.

    Raises:
        SyntaxModelMissing: if the model has not been built; run ``make model``.
    """
    import spacy

    nlp = spacy.load(syntax_model_path(), **kwargs)
    return install_ud_noun_chunks(nlp)
