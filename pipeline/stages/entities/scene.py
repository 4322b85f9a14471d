"""What the entity rules read of one document: the token facts (:class:`~.speed.DocView`), the
compiled gazetteer, and where the gazetteer matched (:class:`GazetteerCover`). Built once per
document after the gazetteer pass; nothing in it changes afterwards."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .candidates import Candidate
from .gazetteer import Gazetteer
from .speed import DocView


@dataclass(frozen=True)
class GazetteerCover:
    """Where the gazetteer matched: tokens inside a non-person match (never part of a person's
    name), and the longest country or demonym match (GPE / NORP with an actor) ending or starting
    at each token index, and the longest match of any label ending at each token."""

    nonperson: list[bool]
    at_start: dict[int, Candidate]
    at_end: dict[int, Candidate]
    any_at_end: dict[int, Candidate] = field(default_factory=dict)


def gazetteer_cover(cands: Sequence[Candidate], n: int) -> GazetteerCover:
    """The :class:`GazetteerCover` of the gazetteer's candidates in a document of ``n`` tokens."""
    nonperson = [False] * n
    at_start: dict[int, Candidate] = {}
    at_end: dict[int, Candidate] = {}
    any_at_end: dict[int, Candidate] = {}
    for cand in cands:
        prev = any_at_end.get(cand.end)
        if prev is None or prev.length < cand.length:
            any_at_end[cand.end] = cand
        if cand.label != "PERSON":
            nonperson[cand.start:cand.end] = [True] * (cand.end - cand.start)
        if cand.label in ("GPE", "NORP") and cand.actor:
            prev = at_end.get(cand.end)
            if prev is None or prev.length < cand.length:
                at_end[cand.end] = cand
            nxt = at_start.get(cand.start)
            if nxt is None or nxt.length < cand.length:
                at_start[cand.start] = cand
    return GazetteerCover(nonperson, at_start, at_end, any_at_end)


class Scene:
    """One document as the rules see it: ``view``, ``gaz`` and ``cover`` (read-only)."""

    __slots__ = ("view", "gaz", "cover", "doc", "_n", "_cap", "_nonperson", "_texts", "_name_stop", "_title_words")

    def __init__(self, view: DocView, gaz: Gazetteer, cover: GazetteerCover) -> None:
        self.view, self.gaz, self.cover, self.doc = view, gaz, cover, view.doc
        # (what is_name_token reads, one attribute away: it runs for most capitalized tokens)
        self._n, self._cap, self._texts = view.n, view.cap, view.texts
        self._nonperson, self._name_stop, self._title_words = cover.nonperson, gaz.name_stop, gaz.title_words

    def is_name_token(self, i: int) -> bool:
        """Capitalized word that can be part of a person's name."""
        return (
            0 <= i < self._n
            and self._cap[i]
            and not self._nonperson[i]
            and self._texts[i] not in self._name_stop
            and self._texts[i] not in self._title_words
        )
