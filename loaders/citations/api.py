"""The citations loader's entry points, for `kb load FILE --cited-by ID` and `kb citations ...`."""

from loaders.citations.read import read_citations, read_citations_text
from loaders.citations.write import load_citations, load_reference_lists, merge, remove_wave_citations, review, split

__all__ = [
    "load_citations",
    "load_reference_lists",
    "merge",
    "read_citations",
    "read_citations_text",
    "remove_wave_citations",
    "review",
    "split",
]
