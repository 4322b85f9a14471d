"""claims: a staged spaCy pipeline that turns foreign-policy analysis articles into reviewable,
normalized records (entities, dates, figures, argumentative claims) with exact character offsets.

For notebooks: ``from pipeline import load; nlp = load(); doc = nlp(text)`` (see ``pipeline.api``).
``import pipeline`` itself stays light: ``load`` and ``annotate_text`` import spaCy and the stages
only when first used.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"
__all__ = ["__version__", "annotate_text", "load"]

_API = ("load", "annotate_text")


def __getattr__(name: str):
    # pipeline.api sits in the top layer (it builds the pipeline through pipeline.run); importing it
    # by name here, lazily, keeps this package at the bottom of the import layers and acyclic.
    if name in _API:
        return getattr(importlib.import_module("pipeline.api"), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
