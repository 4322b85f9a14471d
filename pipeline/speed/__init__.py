"""The speed layer of the statistical components: which BLAS multiplies the matrices, and fast
paths for the per-token Python of spaCy's components.

- :mod:`.ops`: the matrix-multiplication backend (thinc's ``blis`` or numpy's BLAS), chosen once
  per process by :func:`choose_gemm` (``CLAIMS_GEMM``, else the config's ``[system] gemm``, else
  ``numpy``) and put on every model of a pipeline by :func:`use_gemm`; BLAS threads pinned.
- :mod:`.cblas`: the parser's own C loop given the same BLAS (thinc's ``CBlas`` hook).
- :mod:`.lemmatizer`: spaCy's trainable lemmatizer with a batch cache of (word, edit tree) -> lemma.
- :mod:`.memory`: glibc's malloc keeps freed memory for the next batch (no page faults to refill).

Each fast path has a test that it equals what it replaces (``tests/speed/``); the golden snapshot
holds the records byte-identical whichever backend runs.
"""
from .lemmatizer import FastEditTreeLemmatizer, speed_up_lemmatizers
from .memory import MALLOC_ENV, keep_freed_memory
from .ops import (
    DEFAULT_GEMM, GEMM_BACKENDS, GEMM_ENV, THREADS_ENV, GemmChoiceError, NumpyBlasOps, choose_gemm, gemm_gflops, gemm_ops,
    pin_blas_threads, use_gemm,
)

__all__ = [
    "DEFAULT_GEMM", "GEMM_BACKENDS", "GEMM_ENV", "MALLOC_ENV", "THREADS_ENV", "FastEditTreeLemmatizer", "GemmChoiceError",
    "NumpyBlasOps", "choose_gemm", "keep_freed_memory", "gemm_gflops", "gemm_ops", "pin_blas_threads", "speed_up_lemmatizers", "use_gemm",
]
