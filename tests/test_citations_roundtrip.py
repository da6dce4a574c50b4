"""Round trips: records written by other tools (rispy, JSON, a BibTeX template) read back unchanged,
and a citation stored on a CITES relationship comes back as the same citation."""

from __future__ import annotations

import json
import string

import rispy
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.citations import Citation, CitedRef, Name
from loaders.citations.bibtex import read_bibtex
from loaders.citations.csl import read_csl_json
from loaders.citations.graph import citation_row, ref_from_row
from loaders.citations.ris import read_ris

word = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=9)
# "and" separates BibTeX names and "others" stands for "et al.", so neither can be a name here
capitalised = (
    st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=9)
    .filter(lambda s: s not in ("and", "others"))
    .map(str.capitalize)
)
titles = st.lists(word, min_size=1, max_size=8).map(lambda words: " ".join(words).capitalize())
people = st.lists(st.tuples(capitalised, st.lists(capitalised, min_size=1, max_size=3)), min_size=1, max_size=4)
years = st.integers(min_value=1900, max_value=2030)
dois = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12).map(lambda s: f"10.5555/{s}")


def expected_names(persons) -> tuple[Name, ...]:
    # initials are the first letter of each given name, written in capitals
    return tuple(Name(family, "".join(g[0].upper() for g in given)) for family, given in persons)


@settings(max_examples=50, deadline=None)
@given(title=titles, persons=people, year=years, doi=dois, venue=titles)
def test_csl_json_items_read_back(title, persons, year, doi, venue):
    item = {
        "id": "x",
        "type": "article-journal",
        "title": title,
        "author": [{"family": f, "given": " ".join(g)} for f, g in persons],
        "issued": {"date-parts": [[year]]},
        "container-title": venue,
        "DOI": doi.upper(),
    }
    [citation] = read_csl_json(json.dumps([item], indent=1), "x.json").citations
    assert (citation.title, citation.year, citation.venue, citation.doi) == (title, year, venue, doi)
    assert citation.authors == expected_names(persons)


@settings(max_examples=50, deadline=None)
@given(title=titles, persons=people, year=years, doi=dois, venue=titles)
def test_ris_records_written_by_rispy_read_back(title, persons, year, doi, venue):
    record = {
        "type_of_reference": "JOUR",
        "authors": [f"{f}, {' '.join(g)}" for f, g in persons],
        "title": title,
        "year": str(year),
        "journal_name": venue,
        "doi": doi,
    }
    [citation] = read_ris(rispy.dumps([record]), "x.ris").citations
    assert (citation.title, citation.year, citation.venue, citation.doi, citation.kind) == (
        title,
        year,
        venue,
        doi,
        "article",
    )
    assert citation.authors == expected_names(persons)


@settings(max_examples=50, deadline=None)
@given(title=titles, persons=people, year=years)
def test_bibtex_entries_read_back(title, persons, year):
    authors = " and ".join(f"{f}, {' '.join(g)}" for f, g in persons)
    text = f"@book{{key,\n  author = {{{authors}}},\n  title = {{{title}}},\n  year = {year}\n}}\n"
    [citation] = read_bibtex(text, "x.bib").citations
    assert (citation.title, citation.year, citation.kind, citation.line) == (title, year, "book", 1)
    assert citation.authors == expected_names(persons)


optional_text = st.none() | titles
citations = st.builds(
    Citation,
    raw=st.text(max_size=80),
    title=titles,
    source=st.sampled_from(["a.txt", "b.bib"]),
    line=st.integers(min_value=1, max_value=10_000),
    fmt=st.sampled_from(["bibtex", "pmc", "vancouver"]),
    n=st.none() | st.integers(min_value=1, max_value=500),
    authors=st.lists(st.builds(Name, capitalised, st.sampled_from(["", "J", "JA"])), max_size=4).map(tuple),
    authors_truncated=st.booleans(),
    year=st.none() | years,
    venue=optional_text,
    doi=st.none() | dois,
    pmid=st.none() | st.integers(min_value=1, max_value=40_000_000).map(str),
    url=st.none() | st.just("https://example.org/x"),
    kind=st.sampled_from(["article", "book", "chapter", "report", "web", "other"]),
)


@given(citation=citations, wave=st.none() | st.just("t:wave:1"))
def test_a_citation_survives_its_cites_row(citation, wave):
    ref = CitedRef("t:pub:1", citation, wave)
    assert ref_from_row(citation_row(ref, "work:abc")) == ref
