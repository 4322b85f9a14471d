"""The matrix backend: numpy's BLAS gives the same products, annotations and records as blis."""
from __future__ import annotations

import ctypes
import hashlib
import os

import numpy
import pytest

from pipeline.speed import GEMM_ENV, THREADS_ENV, GemmChoiceError, NumpyBlasOps, choose_gemm, gemm_gflops, pin_blas_threads, use_gemm
from pipeline.speed.cblas import _sgemm_callback, numpy_blas, numpy_blas_cblas
from pipeline.syntax import syntax_model_available
from tests.conftest import PROJECT_ROOT

needs_model = pytest.mark.skipif(not syntax_model_available(), reason="syntax model not built (run `make model`)")
RECORD_FILES = ("documents", "sentences", "entities", "dates", "figures", "claims", "errors")

# Written for these tests: varied shapes of sentence (quotes, numbers, lists, a long one).
TEXTS = [
    "The foreign ministers of Norland and Vesteria met in Port Alden on Tuesday.",
    "\"We will not accept a partition,\" said Ilsa Marten, the deputy minister, adding that talks could resume in May.",
    "Exports fell 12.5% to $3.2bn in 2023, while imports, mostly gas and grain, rose by a third.",
    "If the sanctions hold, the regime will likely run out of hard currency by late 2026; if not, it may well recover.",
    "Officials -- at least three of them -- denied it. Others didn't. Nobody asked why.",
    " ".join(["The council, which had met twice before, argued that the treaty, signed in haste, was void"] * 6) + ".",
    "",
    "Yes.",
]


@pytest.fixture()
def no_gemm_env(monkeypatch):
    monkeypatch.delenv(GEMM_ENV, raising=False)
    return monkeypatch


def test_choose_gemm_env_then_config_then_numpy(no_gemm_env):
    assert choose_gemm(None) == "numpy"
    assert choose_gemm("blis") == "blis"
    no_gemm_env.setenv(GEMM_ENV, "BLIS")
    assert choose_gemm("numpy") == "blis"
    no_gemm_env.setenv(GEMM_ENV, "mkl")
    with pytest.raises(GemmChoiceError, match=r"\$CLAIMS_GEMM = 'mkl': expected one of numpy, blis"):
        choose_gemm("numpy")


def test_a_bad_backend_fails_the_build_in_one_line(no_gemm_env):
    from pipeline.run import PipelineConfigError, build_nlp

    with pytest.raises(PipelineConfigError, match=r"\[system\] gemm = 'fast'"):
        build_nlp(PROJECT_ROOT / "configs" / "rules.cfg", {"system.gemm": "fast"})


def test_threads_pinned(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "1")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert pin_blas_threads() == 1
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv(THREADS_ENV, "two")
    with pytest.raises(GemmChoiceError, match="CLAIMS_BLAS_THREADS"):
        pin_blas_threads()


@pytest.mark.parametrize("trans1, trans2", [(False, False), (True, False), (False, True), (True, True)])
def test_numpy_gemm_is_numpy_dot_and_close_to_blis(trans1, trans2):
    from thinc.api import NumpyOps

    rng = numpy.random.default_rng(1)
    x = rng.random((37, 53), dtype=numpy.float32)
    y = rng.random((53, 29), dtype=numpy.float32)
    x_in = numpy.ascontiguousarray(x.T) if trans1 else x
    y_in = numpy.ascontiguousarray(y.T) if trans2 else y
    ops = NumpyBlasOps()
    got = ops.gemm(x_in, y_in, trans1=trans1, trans2=trans2)
    assert numpy.array_equal(got, numpy.dot(x, y))
    out = numpy.empty((37, 29), dtype=numpy.float32)
    assert ops.gemm(x_in, y_in, out=out, trans1=trans1, trans2=trans2) is out and numpy.array_equal(out, got)
    assert numpy.allclose(got, NumpyOps().gemm(x_in, y_in, trans1=trans1, trans2=trans2), rtol=1e-5)


@pytest.mark.skipif(numpy_blas() is None, reason="numpy without a bundled OpenBLAS")
@pytest.mark.parametrize("trans_b", [False, True])
def test_parser_sgemm_hook_is_numpy_sgemm(trans_b):
    """The C function handed to the parser computes C = A @ B(^T) exactly as numpy does."""
    assert numpy_blas_cblas() is not None
    rng = numpy.random.default_rng(2)
    a = rng.random((7, 64), dtype=numpy.float32)
    b = rng.random((40, 64) if trans_b else (64, 40), dtype=numpy.float32)
    c = numpy.full((7, 40), 9.0, dtype=numpy.float32)
    ptr = lambda arr: arr.ctypes.data_as(ctypes.c_void_p)  # noqa: E731
    _sgemm_callback()(0, int(trans_b), 7, 40, 64, 1.0, ptr(a), 64, ptr(b), b.shape[1], 0.0, ptr(c), 40)
    assert numpy.array_equal(c, numpy.dot(a, b.T if trans_b else b))


def test_gflops_measured_for_both():
    assert gemm_gflops("numpy", seconds=0.02) > 0 and gemm_gflops("blis", seconds=0.02) > 0


def _annotations(docs) -> list:
    return [[(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.is_sent_start) for t in doc] for doc in docs]


@needs_model
def test_annotations_identical_under_both_backends(default_nlp):
    try:
        use_gemm(default_nlp, "blis")
        blis = _annotations(default_nlp.pipe(TEXTS))
        use_gemm(default_nlp, "numpy")
        ours = _annotations(default_nlp.pipe(TEXTS))
    finally:
        use_gemm(default_nlp, choose_gemm(default_nlp.config["system"].get("gemm")))
    assert ours == blis
    assert {type(node.ops) for _, pipe in default_nlp.pipeline if hasattr(pipe, "model") and hasattr(pipe.model, "walk")
            for node in pipe.model.walk()} == {NumpyBlasOps}


@needs_model
def test_records_byte_identical_under_both_backends(default_nlp, tmp_path, monkeypatch):
    """corpus/ through the default pipeline with blis and with numpy's BLAS: the same bytes."""
    from pipeline.run import run_corpus

    monkeypatch.chdir(PROJECT_ROOT)
    digests = {}
    try:
        for backend in ("blis", "numpy"):
            use_gemm(default_nlp, backend)
            out = tmp_path / backend
            run_corpus(["corpus"], out, nlp=default_nlp, config_path=PROJECT_ROOT / "configs" / "default.cfg", published=None)
            digests[backend] = {name: hashlib.sha256((out / f"{name}.jsonl").read_bytes()).hexdigest() for name in RECORD_FILES}
    finally:
        use_gemm(default_nlp, choose_gemm(default_nlp.config["system"].get("gemm")))
    assert digests["numpy"] == digests["blis"]
    assert (tmp_path / "numpy" / "claims.jsonl").stat().st_size > 0
