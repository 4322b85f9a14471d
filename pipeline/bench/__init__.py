"""Benchmarks, one module per concern; none is imported by the pipeline itself.

``claims bench`` (speed, memory and scaling of the whole pipeline, side by side): ``corpus``
builds the corpora, ``measure`` takes one measurement in a fresh process, ``speed`` plans and runs
them all, ``targets`` checks the issue's goals, ``table`` writes the report.

Side-by-side comparisons with other libraries, which need optional packages (the ``bench`` extra;
imported inside functions, so this package imports without them):

- ``python -m pipeline.bench.figures``: the figures stage vs quantulum3;
- ``python -m pipeline.bench.dates``: the dates stage vs dateparser.
"""
from .corpus import DEFAULT_SOURCES, Corpus, build_corpus
from .speed import Step, rules_only_overrides, run_bench
from .table import format_table, write_report
from .targets import TARGETS, targets

__all__ = [
    "DEFAULT_SOURCES", "TARGETS", "Corpus", "Step", "build_corpus", "format_table", "rules_only_overrides", "run_bench",
    "targets", "write_report",
]
