"""The old path to the run's public names; the code lives in the package :mod:`pipeline.run`.

Kept for callers of ``pipeline.runner`` (tests of the stages, notebooks); new code imports from
``pipeline.run``. ``OUTPUT_FILES`` is the contract's ``OUTPUT_KINDS``.
"""
from .contract import OUTPUT_KINDS as OUTPUT_FILES
from .run import *  # noqa: F403
from .run import __all__ as _run_names

__all__ = ["OUTPUT_FILES", *_run_names]
