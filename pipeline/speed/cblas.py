"""numpy's BLAS for the parser's own C loop, through thinc's ``CBlas`` hook.

spaCy's parser predicts its transitions in a C loop (``spacy.ml.parser_model.predict_states``)
that multiplies the hidden layer by the output weights with the ``sgemm`` of its ops' ``CBlas``
object, blis's by default. thinc exports a setter for that function pointer
(``thinc.backends.cblas.set_sgemm``, in the module's ``__pyx_capi__``); here it is pointed at a
small ctypes function that calls ``cblas_sgemm`` of the OpenBLAS numpy itself loaded. The same
library then multiplies every matrix of the pipeline.

Only the library shipped with numpy is used (``numpy.libs`` / ``numpy/.dylibs``: the one its
``dot`` calls); without it (numpy built against another BLAS), :func:`numpy_blas_cblas` returns
None and the loop keeps blis.
"""
from __future__ import annotations

import ctypes
from functools import lru_cache
from pathlib import Path

# Row-major, no transpose / transpose (CBLAS enums)
_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
# cblas_sgemm under the names OpenBLAS builds give it, with the width of its integers
_SGEMM_SYMBOLS = (("scipy_cblas_sgemm64_", ctypes.c_int64), ("cblas_sgemm64_", ctypes.c_int64), ("cblas_sgemm", ctypes.c_int))
_THREAD_SYMBOLS = ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads")

# thinc's sgemm_ptr: (bint transA, bint transB, int M, int N, int K, float alpha, const float* A,
# int lda, const float* B, int ldb, float beta, float* C, int ldc), row-major like blis.cy.sgemm
_SGEMM_PTR = ctypes.CFUNCTYPE(
    None, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_float, ctypes.c_void_p,
    ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_void_p, ctypes.c_int,
)


def numpy_blas_paths() -> list[Path]:
    """The OpenBLAS libraries shipped inside the installed numpy (wheel layouts of Linux and macOS)."""
    import numpy

    package = Path(numpy.__file__).resolve().parent
    found: list[Path] = []
    for folder in (package.parent / "numpy.libs", package / ".dylibs"):
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if "openblas" in p.name.lower())
    return found


@lru_cache(maxsize=1)
def numpy_blas() -> ctypes.CDLL | None:
    """numpy's OpenBLAS, opened by ctypes (the library numpy already loaded), or None."""
    for path in numpy_blas_paths():
        try:
            return ctypes.CDLL(str(path))
        except OSError:
            continue
    return None


def set_blas_threads(n: int) -> bool:
    """Tell numpy's OpenBLAS to use ``n`` threads; False when there is no such library."""
    lib = numpy_blas()
    for symbol in _THREAD_SYMBOLS if lib is not None else ():
        func = getattr(lib, symbol, None)
        if func is not None:
            func.argtypes, func.restype = [ctypes.c_int], None
            func(int(n))
            return True
    return False


@lru_cache(maxsize=1)
def _sgemm_callback():
    """A C function with thinc's ``sgemm_ptr`` signature that calls numpy's ``cblas_sgemm``."""
    lib = numpy_blas()
    if lib is None:
        return None
    for symbol, int_t in _SGEMM_SYMBOLS:
        func = getattr(lib, symbol, None)
        if func is None:
            continue
        f, p = ctypes.c_float, ctypes.c_void_p
        func.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, int_t, int_t, int_t, f, p, int_t, p, int_t, f, p, int_t]
        func.restype = None

        def sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, _func=func):
            _func(_ROW_MAJOR, _TRANS if trans_a else _NO_TRANS, _TRANS if trans_b else _NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)

        return _SGEMM_PTR(sgemm)  # kept alive by the cache: the parser holds only its address
    return None


def _capi_function(module, name: str, functype):
    """A cdef function a Cython module exports in ``__pyx_capi__``, callable through ctypes."""
    api = ctypes.pythonapi
    api.PyCapsule_GetName.restype, api.PyCapsule_GetName.argtypes = ctypes.c_char_p, [ctypes.py_object]
    api.PyCapsule_GetPointer.restype, api.PyCapsule_GetPointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    capsule = module.__pyx_capi__[name]
    return functype(api.PyCapsule_GetPointer(capsule, api.PyCapsule_GetName(capsule)))


@lru_cache(maxsize=1)
def numpy_blas_cblas():
    """A thinc ``CBlas`` whose ``sgemm`` is numpy's OpenBLAS (``saxpy`` stays blis's), or None."""
    callback = _sgemm_callback()
    if callback is None:
        return None
    try:
        from thinc.backends import cblas as thinc_cblas

        set_sgemm = _capi_function(thinc_cblas, "set_sgemm", ctypes.CFUNCTYPE(None, ctypes.py_object, ctypes.c_void_p))
        get_sgemm = _capi_function(thinc_cblas, "sgemm", ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.py_object))
    except (AttributeError, KeyError, ImportError):  # a thinc without the hook
        return None
    table = thinc_cblas.CBlas()
    address = ctypes.cast(callback, ctypes.c_void_p).value
    set_sgemm(table, address)
    return table if get_sgemm(table) == address else None
