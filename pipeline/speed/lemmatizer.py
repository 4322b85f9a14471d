"""spaCy's trainable lemmatizer without its per-token Python: each (word, edit tree) applied once.

spaCy's ``EditTreeLemmatizer`` applies the predicted edit tree to every token twice, through
Python ``Token`` objects: once in ``predict`` (is the tree applicable to this word?) and again in
``set_annotations`` (the lemma). Here both read one cache of ``(word, tree) -> lemma`` (words by
their ORTH hash), the words come from one ``doc.to_array`` and the lemmas go back with one
``doc.from_array``. Guesses, lemmas and every rule (``overwrite``, ``backoff``, trees that do not
apply) are spaCy's: tests/speed/test_lemmatizer.py compares the two token by token.

:func:`speed_up_lemmatizers` switches the ``trainable_lemmatizer`` components of a built pipeline
(those sourced from the shipped model) to this subclass: same state, same config, same results;
only the two methods above run differently.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

import numpy
from spacy.attrs import IDS, LEMMA, ORTH
from spacy.language import Language
from spacy.pipeline.edit_tree_lemmatizer import EditTreeLemmatizer

# Entries kept before the cache starts again (checked before each Doc; ~150 bytes an entry):
# bounded memory on any corpus.
MAX_CACHE = 100_000
_MISSING = object()


class FastEditTreeLemmatizer(EditTreeLemmatizer):
    """The trainable lemmatizer with a (word, tree) -> lemma cache; reads and writes ``token.lemma``."""

    def _lemma_cache(self) -> dict:
        cache = self.__dict__.get("_claims_lemma_cache")
        if cache is None or len(cache) > MAX_CACHE:
            cache = self.__dict__["_claims_lemma_cache"] = {}
        return cache

    def _lemmas(self, orths: Iterable[int], tree_ids: Iterable[int]) -> list[Optional[str]]:
        """The lemma of each (word, tree) pair via the cache (None: the tree does not apply, or is
        -1, "none applies")."""
        cache, strings, apply = self._lemma_cache(), self.vocab.strings, self.trees.apply
        get, out = cache.get, []
        for key in zip(orths, tree_ids):
            lemma = get(key, _MISSING)
            if lemma is _MISSING:
                lemma = cache[key] = apply(key[1], strings[key[0]]) if key[1] >= 0 else None
            out.append(lemma)
        return out

    def _scores2guesses_top_k_equals_1(self, docs, scores):
        labels = numpy.asarray(self.cfg["labels"], dtype="int64")
        guesses = []
        for doc, doc_scores in zip(docs, scores):
            if not len(doc):
                guesses.append(numpy.zeros(0, dtype="int64"))
                continue
            trees = labels[self.numpy_ops.asarray(doc_scores.argmax(axis=1))]
            lemmas = self._lemmas(doc.to_array(ORTH).tolist(), trees.tolist())
            guesses.append(numpy.where([lemma is not None for lemma in lemmas], trees, -1))
        return guesses

    def set_annotations(self, docs, batch_tree_ids) -> None:
        backoff = None if self.backoff is None else IDS.get(str(self.backoff).upper())
        if self.backoff is not None and backoff is None:  # a backoff to_array cannot read: spaCy's loop
            return super().set_annotations(docs, batch_tree_ids)
        attrs = [LEMMA, ORTH] + ([backoff] if backoff is not None else [])
        for doc, tree_ids in zip(docs, batch_tree_ids):
            if hasattr(tree_ids, "get"):
                tree_ids = tree_ids.get()
            if not len(doc):
                continue
            columns = doc.to_array(attrs)
            trees = numpy.asarray(tree_ids, dtype="int64").tolist()
            lemmas = self._lemmas(columns[:, 1].tolist(), trees)
            new = _new_lemmas(self.vocab.strings, trees, lemmas, columns[:, 0].tolist(), self.overwrite,
                              columns[:, 2].tolist() if backoff is not None else None)
            doc.from_array([LEMMA], numpy.array(new, dtype="uint64").reshape(-1, 1))
        return None

    def initialize(self, *args, **kwargs):
        self.__dict__.pop("_claims_lemma_cache", None)
        return super().initialize(*args, **kwargs)

    def from_bytes(self, bytes_data, *, exclude=tuple()):
        self.__dict__.pop("_claims_lemma_cache", None)
        return super().from_bytes(bytes_data, exclude=exclude)

    def from_disk(self, path, exclude=tuple()):
        self.__dict__.pop("_claims_lemma_cache", None)
        return super().from_disk(path, exclude=exclude)


def _new_lemmas(strings, trees: list[int], lemmas: list[Optional[str]], current: list[int], overwrite: bool,
                fallback: Optional[list[int]]) -> list[int]:
    """Each token's LEMMA hash as spaCy's ``set_annotations`` sets it: kept when set and not
    ``overwrite``; else the tree's lemma (tree != -1, so it applies), the backoff value, or kept."""
    added: dict[str, int] = {}  # strings.add once per lemma and Doc (memory zones drop what they added)
    new = []
    for j, (tree, lemma, value) in enumerate(zip(trees, lemmas, current)):
        if value and not overwrite:
            new.append(value)
        elif tree >= 0:
            key = added.get(lemma)  # type: ignore[arg-type]
            new.append(key if key is not None else added.setdefault(lemma, strings.add(lemma)))  # type: ignore[arg-type]
        else:
            new.append(fallback[j] if fallback is not None else value)
    return new


def speed_up_lemmatizers(nlp: Language) -> list[str]:
    """Switch every spaCy ``EditTreeLemmatizer`` of ``nlp`` to :class:`FastEditTreeLemmatizer` (same
    state, same results); returns their names."""
    switched = []
    for name, pipe in nlp.pipeline:
        if type(pipe) is EditTreeLemmatizer:
            pipe.__class__ = FastEditTreeLemmatizer
            switched.append(name)
    return switched
