"""Binds every name a config file can refer to. Importing this module registers them all.

This is the only module that calls ``Language.factory``; stage modules hold the logic.
``pyproject.toml`` points the ``spacy_factories`` entry points here, so ``spacy.load`` and
``spacy.blank("en").add_pipe("claims_...")`` find the factories without importing ``pipeline``.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.util import registry

from .speed import NumpyBlasOps
from .syntax import make_install_ud_noun_chunks

from .stages import segment
from .stages.segment import make_segmenter
from .stages import entities
from .stages.entities import make_entities
from .stages import dates
from .stages.dates import make_dates
from .stages import figures
from .stages.figures import make_figures
from .stages import claims
from .stages.claims import make_claims

Language.factory(
    "claims_segmenter",
    default_config=segment.DEFAULT_CONFIG,
    assigns=["token.is_sent_start", "doc.sents", "doc.spans"],
)(make_segmenter)

Language.factory(
    "claims_entities",
    default_config=entities.DEFAULT_CONFIG,
    requires=["doc.sents"],
    assigns=["doc.ents", "doc.spans", "span._.entity"],
)(make_entities)

Language.factory(
    "claims_dates",
    default_config=dates.DEFAULT_CONFIG,
    requires=["doc.sents"],
    assigns=["doc.spans", "span._.date"],
)(make_dates)

Language.factory(
    "claims_figures",
    default_config=figures.DEFAULT_CONFIG,
    requires=["token.is_sent_start"],
    assigns=["doc.spans", "span._.figure"],
)(make_figures)

# Claims read the body sentences (doc.sents and the segmenter's doc.spans["boilerplate"]), the entity
# spans (doc.spans["entities"], else doc.ents) and the span groups "dates" and "figures". spaCy cannot
# name a span group in `requires`, so the extension each of those stages assigns with its group
# stands for it: analyze_pipes then reports a pipeline that runs them after claims, or not at all.
Language.factory(
    "claims_claims",
    default_config=claims.DEFAULT_CONFIG,
    requires=["doc.sents", "doc.spans", "doc.ents", "span._.entity", "span._.date", "span._.figure"],
    assigns=["doc.spans", "span._.claim"],
)(make_claims)

# thinc ops: numpy's BLAS for matrix products (pipeline.speed; build_nlp puts it on every model),
# so that thinc.api.get_ops("claims_numpy_blas") / use_ops(...) find it by name too
registry.ops("ClaimsNumpyBlasOps")(NumpyBlasOps)

# [nlp.after_pipeline_creation] callback: doc.noun_chunks for UD dependency labels
registry.callbacks("claims.install_ud_noun_chunks.v1")(make_install_ud_noun_chunks)

__all__ = ["NumpyBlasOps", "make_install_ud_noun_chunks", "make_dates", "make_figures", "make_segmenter", "make_claims", "make_entities"]
