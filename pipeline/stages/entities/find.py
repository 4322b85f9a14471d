"""All entities of a Doc: every rule's candidates, filtered, resolved and linked (pure: the Doc
is not modified). The component writes the result with :func:`~.speed.set_entity_annotation`."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ...extensions import doc_text
from .acronyms import find_acronym_definitions
from .authors import find_author_names
from .events import find_lower_events, find_quoted_titles
from .candidates import LABELS, Candidate
from .filters import drop_non_entities, is_disjoint_in_order, prefer_curated, resolve_overlaps
from .gazetteer import Gazetteer
from .heads import find_head_names
from .linking import link_aliases
from .matching import find_exercises, find_gazetteer
from .model import find_model_entities
from .names import find_name_persons, find_place_given_persons, find_title_persons
from .scene import Scene
from .spaces import plain_spaces, twin_doc
from .speed import DocView


@dataclass
class EntityMatch:
    """A found entity: the span (label and kb_id set) and its normalized values."""

    span: Span
    canonical: str
    kb_id: str
    actor: str | None
    source: str

    def value(self) -> dict:
        """The ``span._.entity`` value."""
        return {"canonical": self.canonical, "kb_id": self.kb_id, "actor": self.actor, "source": self.source}


def find_entities(
    doc: Doc,
    gaz: Gazetteer,
    *,
    model_ents: Sequence[Span] | None = None,
    patterns: bool = True,
    link: bool = True,
) -> list[EntityMatch]:
    """All entities of ``doc`` in analyzed regions (pure: the Doc is not modified).

    A text with non-breaking or thin spaces is analyzed on a twin Doc where they are plain
    spaces (same character offsets), and the results are mapped back to ``doc``'s tokens.
    """
    text = doc_text(doc)
    fixed = plain_spaces(text) if gaz.make_doc is not None else None
    if fixed is None:
        return _matches(doc, _candidates(DocView(doc, gaz.common_words, gaz.connectors, text), gaz,
                                         model_ents=model_ents, patterns=patterns, link=link))
    twin = twin_doc(doc, fixed, gaz.make_doc)
    twin_ents = [twin.char_span(e.start_char, e.end_char, label=e.label_, alignment_mode="expand") for e in model_ents or ()]
    found = _matches(twin, _candidates(DocView(twin, gaz.common_words, gaz.connectors, fixed), gaz,
                                       model_ents=[e for e in twin_ents if e is not None], patterns=patterns, link=link))
    out = []
    for m in found:
        span = None
        for mode in ("strict", "contract"):
            span = doc.char_span(m.span.start_char, m.span.end_char, label=m.span.label_, kb_id=m.kb_id, alignment_mode=mode)
            if span is not None and len(span):
                break
        if span is not None and len(span):
            out.append(EntityMatch(span, m.canonical, m.kb_id, m.actor, m.source))
    return out


def _candidates(view: DocView, gaz: Gazetteer, *, model_ents: Sequence[Span] | None, patterns: bool,
                link: bool) -> list[Candidate]:
    """The entities of one document as candidates: sorted, disjoint."""
    cands, cover = find_gazetteer(view, gaz)
    scene = Scene(view, gaz, cover)
    if model_ents:
        cands += find_model_entities(model_ents, scene)
    defined: dict[str, Candidate] = {}
    if patterns:
        cands += find_title_persons(scene)
        cands += find_name_persons(scene)
        cands += find_place_given_persons(scene)
        acr, defined = find_acronym_definitions(scene)
        cands += acr
        cands += find_head_names(scene)
        cands += find_lower_events(scene)
        cands += find_quoted_titles(scene)
        cands += find_exercises(scene)
        cands += find_author_names(scene)
    kept = prefer_curated(drop_non_entities(cands, scene))
    if link:
        kept = link_aliases(kept, scene, defined)
        if not is_disjoint_in_order(kept):  # (it is when link_aliases adds no overlap)
            kept = resolve_overlaps(kept)
    return kept


def _matches(doc: Doc, kept: list[Candidate]) -> list[EntityMatch]:
    """An :class:`EntityMatch` of each candidate, its span on ``doc``."""
    add = doc.vocab.strings.add
    label_ids = {label: add(label) for label in LABELS}  # (a str label is hashed by each Span)
    out = []
    for cand in kept:
        span = Span(doc, cand.start, cand.end, label=label_ids.get(cand.label) or cand.label, kb_id=cand.kb_id)
        out.append(EntityMatch(span, cand.canonical, cand.kb_id, cand.actor, cand.source))
    return out
