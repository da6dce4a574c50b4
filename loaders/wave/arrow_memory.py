"""Where the column-wise reader's Arrow buffers live: the C library's allocator, handed back after each file.

pyarrow's default pool (mimalloc) keeps the pages a file's columns used for the next allocation,
so a load's memory kept the high-water mark of every file it had read (about 40 MB more at scale
0.25). The system pool frees into malloc, and `release_unused` asks it to return what is free to
the operating system once the file's records exist. The pool is made the default only while one
file is read (the compute functions take the default), and put back afterwards.

glibc's malloc gives a block of 128 KiB or more pages of its own (mmap), returned whole when it
is freed, but it raises that threshold to the size of every such block freed, up to 32 MiB: after
the first file's columns were freed, every later column, list and packed chunk of a load came
from the heap, where the records made meanwhile pinned the freed space (about 80 MB of a load's
peak at scale 0.5). Setting the threshold once, on the first file, keeps it where it starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

POOL = pa.system_memory_pool()
M_MMAP_THRESHOLD = -3  # mallopt's parameter number, glibc's malloc.h
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value
_threshold_set = False


def fix_mmap_threshold() -> None:
    """Keep glibc from raising its mmap threshold (see above); nothing elsewhere, or after the first call."""
    global _threshold_set
    if _threshold_set or not sys.platform.startswith("linux"):
        return
    _threshold_set = True
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):  # another C library (musl): its malloc does not adapt the threshold
        return


@contextmanager
def file_pool() -> Iterator[None]:
    """Arrow allocations of the block in the system pool; its unused memory returned when it ends."""
    fix_mmap_threshold()
    previous = pa.default_memory_pool()
    pa.set_memory_pool(POOL)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)
        POOL.release_unused()
