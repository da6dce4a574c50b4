"""Micro-benchmark of the embedded adapter's parameter header against the client's (not a test).

    python tests/support/bench_params.py

Times, for the two shapes a national load sends most, the client's `_build_params_header` after
the old separate check, and `kb.store.falkor_params.header` (checks and text in one pass), and
prints the best of several runs of each in milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from falkordb.graph import Graph

from kb.store import falkor_params

CLIENT = Graph(SimpleNamespace(execute_command=None), "g")


def old(params: dict[str, Any]) -> str:
    return str(CLIENT._build_params_header(falkor_params.check(params)))


def new(params: dict[str, Any]) -> str:
    return falkor_params.header(CLIENT, params)[1]


def best_ms(make: Callable[[dict[str, Any]], str], params: dict[str, Any], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make(params)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    # The measures write-back: 5,000 rows of [participant id, degree, betweenness, closeness, brokerage].
    rows = [[f"syn:person:{i:06d}", i % 17, i / 7919, 1 / (1 + i % 13), i % 5] for i in range(5000)]
    shapes = {
        "measures rows (5,000 x 5)": {"wave": "syn:wave:1", "source": "s", "locator": "l", "rows": rows},
        "ids (20,000)": {"keys": [f"syn:person:{i:06d}" for i in range(20000)]},
    }
    for name, params in shapes.items():
        assert old(params) == new(params)
        before, after = best_ms(old, params), best_ms(new, params)
        print(f"{name}: client {before:.1f} ms, falkor_params {after:.1f} ms ({before / after:.1f}x)")


if __name__ == "__main__":
    main()
