"""Old path of :mod:`pipeline.bench.dates` (kept while pipeline/resources/dates/README.md still
names it); ``python -m pipeline.bench_dates`` runs it."""
from .bench.dates import *  # noqa: F403
from .bench.dates import benchmark_dates, format_table, load_corpus, main  # noqa: F401

if __name__ == "__main__":
    raise SystemExit(main())
