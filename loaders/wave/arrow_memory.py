"""Where the column-wise reader's Arrow buffers live: the C library's allocator, handed back after each file.

pyarrow's default pool (mimalloc) keeps the pages a file's columns used for the next allocation,
so a load's memory kept the high-water mark of every file it had read (about 40 MB more at scale
0.25). The system pool frees into malloc, and `release_unused` asks it to return what is free to
the operating system once the file's records exist. The pool is made the default only while one
file is read (the compute functions take the default), and put back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

POOL = pa.system_memory_pool()


@contextmanager
def file_pool() -> Iterator[None]:
    """Arrow allocations of the block in the system pool; its unused memory returned when it ends."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(POOL)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)
        POOL.release_unused()
