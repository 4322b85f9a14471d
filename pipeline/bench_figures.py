"""Old path of :mod:`pipeline.bench.figures` (kept while the figures stage tests and
pipeline/resources/figures/README.md still name it); ``python -m pipeline.bench_figures`` runs it."""
from .bench.figures import *  # noqa: F403
from .bench.figures import GOLD, Found, gold_scores, main, ours_extractor, quantulum_extractor  # noqa: F401

if __name__ == "__main__":
    main()
