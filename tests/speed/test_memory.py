"""malloc tuning: set on Linux/glibc, left alone when switched off."""
from __future__ import annotations

import ctypes
import sys

import pytest

from pipeline.speed import MALLOC_ENV, keep_freed_memory


def _glibc() -> bool:
    try:
        return sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "gnu_get_libc_version")
    except OSError:
        return False


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv(MALLOC_ENV, "0")
    assert keep_freed_memory() is False


@pytest.mark.skipif(not _glibc(), reason="glibc only")
def test_set_on_glibc(monkeypatch):
    monkeypatch.delenv(MALLOC_ENV, raising=False)
    assert keep_freed_memory() is True
