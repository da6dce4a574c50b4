"""`kb bench`: measure loading, querying and rendering at national scale on a fresh embedded engine.

    figures = run_benchmark(scale=1.0, seed=1)    # every measurement, each target judged
    render(figures)                                # rich tables; write_json(figures, path)

See docs/performance.md for what is measured, the targets and the latest results.

The three are imported when first asked for: the process that loads a wave for the benchmark
(`python -m kb.bench.child`) is timed whole, and importing the runner and the report with it took
about 0.1 s that a user's `kb load` never spends.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["run_benchmark", "render", "write_json"]
_HOME = {"run_benchmark": "kb.bench.runner", "render": "kb.bench.report", "write_json": "kb.bench.report"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'kb.bench' has no attribute {name!r}")
    return getattr(import_module(_HOME[name]), name)
