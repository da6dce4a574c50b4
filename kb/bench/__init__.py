"""`kb bench`: measure loading, querying and rendering at national scale on a fresh embedded engine.

    figures = run_benchmark(scale=1.0, seed=1)    # every measurement, each target judged
    render(figures)                                # rich tables; write_json(figures, path)

See docs/performance.md for what is measured, the targets and the latest results.
"""

from kb.bench.report import render, write_json
from kb.bench.runner import run_benchmark

__all__ = ["run_benchmark", "render", "write_json"]
