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
        """The lemma of each word under each tree (None: the tree does not apply, or is -1: none
        applied), via the cache."""
        cache, strings, apply = self._lemma_cache(), self.vocab.strings, self.trees.apply
        out = []
        for key in zip(orths, tree_ids):
            if key[1] < 0:
                out.append(None)
                continue
            lemma = cache.get(key, _MISSING)
            if lemma is _MISSING:
                lemma = cache[key] = apply(key[1], strings[key[0]])
            out.append(lemma)
        return out

    def _scores2guesses_top_k_equals_1(self, docs, scores):
        labels = numpy.asarray(self.cfg["labels"], dtype="int64")
        guesses = []
        for doc, doc_scores in zip(docs, scores):
            tree_ids = labels[self.numpy_ops.asarray(doc_scores.argmax(axis=1))].tolist() if len(doc) else []
            orths = doc.to_array(ORTH).tolist()
            lemmas = self._lemmas(orths, tree_ids)
            guesses.append(numpy.array([tree if lemma is not None else -1 for tree, lemma in zip(tree_ids, lemmas)], dtype="int64"))
        return guesses

    def set_annotations(self, docs, batch_tree_ids) -> None:
        backoff = None if self.backoff is None else IDS.get(str(self.backoff).upper())
        if self.backoff is not None and backoff is None:  # a backoff to_array cannot read: spaCy's loop
            return super().set_annotations(docs, batch_tree_ids)
        strings = self.vocab.strings
        for doc, tree_ids in zip(docs, batch_tree_ids):
            if hasattr(tree_ids, "get"):
                tree_ids = tree_ids.get()
            if not len(doc):
                continue
            columns = doc.to_array([LEMMA, ORTH] + ([backoff] if backoff is not None else []))
            lemmas = columns[:, 0].copy()
            tree_ids = [int(t) for t in tree_ids]
            applied = self._lemmas(columns[:, 1].tolist(), tree_ids)
            for j, (tree, lemma) in enumerate(zip(tree_ids, applied)):
                if not (self.overwrite or lemmas[j] == 0):
                    continue
                if tree != -1:  # the tree applies (predict checked it)
                    lemmas[j] = strings.add(lemma)
                elif backoff is not None:
                    lemmas[j] = columns[j, 2]
            doc.from_array([LEMMA], lemmas.reshape(-1, 1))

    def initialize(self, *args, **kwargs):
        self.__dict__.pop("_claims_lemma_cache", None)
        return super().initialize(*args, **kwargs)

    def from_bytes(self, bytes_data, *, exclude=tuple()):
        self.__dict__.pop("_claims_lemma_cache", None)
        return super().from_bytes(bytes_data, exclude=exclude)

    def from_disk(self, path, exclude=tuple()):
        self.__dict__.pop("_claims_lemma_cache", None)
        return super().from_disk(path, exclude=exclude)


def speed_up_lemmatizers(nlp: Language) -> list[str]:
    """Switch every spaCy ``EditTreeLemmatizer`` of ``nlp`` to :class:`FastEditTreeLemmatizer` (same
    state, same results); returns their names."""
    switched = []
    for name, pipe in nlp.pipeline:
        if type(pipe) is EditTreeLemmatizer:
            pipe.__class__ = FastEditTreeLemmatizer
            switched.append(name)
    return switched
