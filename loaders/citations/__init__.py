"""Reference lists: read them (BibTeX, RIS, CSL-JSON and three plain-text styles), resolve
citations into deduplicated works, and write works, authors and citations to the graph.

Readers (`read_citations`) and resolution (`resolve`) never touch a database; `load_citations`,
`review`, `merge` and `split` work on a Store.
"""

from loaders.citations.model import FORMATS, KINDS, Citation, Name, ReadResult
from loaders.citations.read import guess_format, read_citations, read_citations_text
from loaders.citations.resolve import Decision, Resolution, resolve
from loaders.citations.works import CitedRef
from loaders.citations.write import load_citations, load_reference_lists, merge, remove_wave_citations, review, split

__all__ = [
    "FORMATS",
    "KINDS",
    "Citation",
    "CitedRef",
    "Decision",
    "Name",
    "ReadResult",
    "Resolution",
    "guess_format",
    "load_citations",
    "load_reference_lists",
    "merge",
    "read_citations",
    "read_citations_text",
    "remove_wave_citations",
    "resolve",
    "review",
    "split",
]
