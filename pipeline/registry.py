"""Binds every name a config file can refer to. Importing this module registers them all.

This is the only module that calls ``Language.factory``; stage modules hold the logic.
``pyproject.toml`` points the ``spacy_factories`` entry points here, so ``spacy.load`` and
``spacy.blank("en").add_pipe("claims_...")`` find the factories without importing ``pipeline``.
"""
from __future__ import annotations

from spacy.language import Language

from .stages import segment
from .stages.segment import make_segmenter

Language.factory(
    "claims_segmenter",
    default_config=segment.DEFAULT_CONFIG,
    assigns=["token.is_sent_start", "doc.spans"],
)(make_segmenter)

__all__ = ["make_segmenter"]
