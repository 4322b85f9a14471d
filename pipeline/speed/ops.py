"""Which library multiplies the statistical components' matrices: thinc's blis or numpy's BLAS.

thinc's ``NumpyOps.gemm`` calls ``blis``, which picks a kernel for the CPU it recognises. On CPUs
it does not know (AMD family 25, e.g. EPYC Genoa, where it prints ``libblis: selecting
sub-configuration 'generic'``) it runs its generic C kernel, about a third of the speed of the
OpenBLAS that numpy ships. :class:`NumpyBlasOps` is ``NumpyOps`` with numpy's ``dot`` as ``gemm``
and, for the parser's C loop, numpy's ``sgemm`` (:mod:`.cblas`); everything else is thinc's.

The backend is chosen once per process (:func:`choose_gemm`): the environment variable
``CLAIMS_GEMM`` (``numpy`` | ``blis``), else the config's ``[system] gemm``, else ``numpy``
(measured: ``claims bench`` prints both backends' GFLOP/s). :func:`use_gemm` puts it on every
model of a built pipeline. BLAS threads are pinned (``CLAIMS_BLAS_THREADS``, default 1): a run's
parallelism is its worker processes, and a multi-threaded BLAS in each would oversubscribe cores.
The records do not depend on the choice (tests/test_golden_snapshot.py runs the default,
tests/speed/test_ops.py compares the two).
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator

from spacy.language import Language
from thinc.api import NumpyOps, Ops

from .cblas import numpy_blas_cblas, set_blas_threads

GEMM_BACKENDS = ("numpy", "blis")
DEFAULT_GEMM = "numpy"
GEMM_ENV = "CLAIMS_GEMM"
THREADS_ENV = "CLAIMS_BLAS_THREADS"
# Read at library load by the BLAS builds numpy, scipy and torch ship: set for child processes
# started afterwards (and for this one, when set before numpy is imported).
_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class GemmChoiceError(ValueError):
    """An unknown backend name in ``CLAIMS_GEMM`` or ``[system] gemm``."""


class NumpyBlasOps(NumpyOps):
    """thinc's CPU ops with numpy's BLAS for matrix products (``gemm`` and the parser's ``sgemm``)."""

    name = "claims_numpy_blas"

    def __init__(self, device_type: str = "cpu", device_id: int = -1, *, parser_sgemm: bool = True, **kwargs) -> None:
        kwargs["use_blis"] = False  # NumpyOps.gemm then delegates to Ops.gemm: numpy.dot
        super().__init__(device_type, device_id, **kwargs)
        self.parser_sgemm = parser_sgemm

    def cblas(self):
        """The BLAS functions of the parser's C loop: numpy's ``sgemm`` where it can be wired
        (``parser_sgemm=False``: blis's, as thinc's own ops)."""
        return (numpy_blas_cblas() if self.parser_sgemm else None) or super().cblas()


def choose_gemm(configured: str | None = None) -> str:
    """The backend: ``$CLAIMS_GEMM``, else ``configured`` (the config's ``[system] gemm``), else numpy."""
    name = (os.environ.get(GEMM_ENV) or configured or DEFAULT_GEMM).strip().lower()
    if name not in GEMM_BACKENDS:
        source = f"${GEMM_ENV}" if os.environ.get(GEMM_ENV) else "[system] gemm"
        raise GemmChoiceError(f"{source} = {name!r}: expected one of {', '.join(GEMM_BACKENDS)}")
    return name


def gemm_ops(backend: str) -> Ops:
    """A fresh ops object of ``backend`` (``numpy-gemm``: numpy's gemm, blis in the parser's loop;
    for measuring the hook, not offered as a setting)."""
    if backend == "numpy-gemm":
        return NumpyBlasOps(parser_sgemm=False)
    return NumpyBlasOps() if backend == "numpy" else NumpyOps()


def pin_blas_threads() -> int:
    """Pin BLAS threads to ``$CLAIMS_BLAS_THREADS`` (default 1) for this process and its children."""
    raw = os.environ.get(THREADS_ENV, "1")
    try:
        n = max(1, int(raw))
    except ValueError:
        raise GemmChoiceError(f"${THREADS_ENV} = {raw!r}: expected a whole number of threads") from None
    for var in _THREAD_VARS:
        os.environ.setdefault(var, str(n))
    set_blas_threads(n)
    return n


def _models(nlp: Language) -> Iterator:
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None and hasattr(model, "walk"):
            yield from model.walk()


def use_gemm(nlp: Language, backend: str) -> Ops:
    """Give every model node of ``nlp``'s components the ops of ``backend``; returns those ops."""
    ops = gemm_ops(backend)
    for node in _models(nlp):
        node.ops = ops
    nlp.meta["claims_gemm"] = backend
    return ops


def gemm_gflops(backend: str, shape: tuple[int, int, int] = (512, 192, 288), seconds: float = 0.2) -> float:
    """GFLOP/s of ``backend``'s ``gemm`` on an (m x k) @ (k x n) float32 product, in this process.

    The default (m, n, k) is the shipped tok2vec's layer: 512 tokens, each a window of three
    96-wide vectors (k = 288) into two maxout pieces of 96 (n = 192). BLAS threads are pinned
    first, as in a run."""
    import numpy

    pin_blas_threads()
    m, n, k = shape
    rng = numpy.random.default_rng(0)
    a = rng.random((m, k), dtype=numpy.float32)
    b = rng.random((k, n), dtype=numpy.float32)
    ops = gemm_ops(backend)
    ops.gemm(a, b)
    runs, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        ops.gemm(a, b)
        runs += 1
    return round(2 * m * n * k * runs / elapsed / 1e9, 1)
