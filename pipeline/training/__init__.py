"""Training code for the project's own statistical models.

Only :mod:`pipeline.training.syntax` exists so far: it converts the UD English treebanks
(EWT, optionally GUM) to spaCy's binary format, trains the CNN syntax pipeline described by
``configs/train-syntax.cfg`` and packages the result into ``pipeline/models/syntax``.

Nothing here is imported by the runtime pipeline; importing this package is cheap.
"""
from __future__ import annotations

__all__ = ["syntax"]
