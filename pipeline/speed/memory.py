"""glibc's malloc told to keep the memory the models free, instead of giving it back to the kernel.

Each batch through the statistical components allocates and frees arrays of several MB. By default
glibc serves such requests with fresh ``mmap`` pages (below a threshold that it raises only as it
goes) and returns free memory at the top of its heap to the kernel; the next batch then faults the
same amount back in, and the kernel zeroes every page first (2 MB pages, since numpy asks for
transparent huge pages). Profiled with ``perf`` on a warm full-pipeline run: 13% of the CPU time in
the kernel's ``clear_page``; with the two settings below it is gone. Peak RSS is the same; the
process keeps the memory it reached until it exits. Linux with glibc only (elsewhere a no-op);
``CLAIMS_MALLOC_TUNING=0`` leaves malloc alone.
"""
from __future__ import annotations

import ctypes
import os
import sys

MALLOC_ENV = "CLAIMS_MALLOC_TUNING"
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
MMAP_THRESHOLD = 64 << 20  # requests below this come from the heap, where freed blocks are reused
TRIM_THRESHOLD = 512 << 20  # free memory at the heap's top kept up to this much


def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds for this process (and the processes it forks); True if set."""
    if os.environ.get(MALLOC_ENV, "1").strip() in ("0", "false", "no") or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    # The mmap threshold first: setting either one stops glibc's own adjustment of the other.
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
