"""Training code for the project's own statistical models.

Only the syntax model so far: :mod:`pipeline.training.syntax` drives it: it converts the UD
English treebanks (EWT, optionally GUM) to spaCy's binary format (``convert``), trains the CNN
syntax pipeline described by ``configs/train-syntax.cfg``, scores it (``evaluate``) and packages
the result into ``pipeline/models/syntax`` (``package``: meta.json and the model card).

Nothing here is imported by the runtime pipeline; importing this package is cheap.
"""
from __future__ import annotations

__all__ = ["syntax"]
