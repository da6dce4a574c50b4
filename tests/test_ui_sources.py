"""How the Sources section writes a publication (ui/sources.py)."""

from __future__ import annotations

from ui.sources import citation_text


def test_a_publication_reads_as_a_reference_with_its_doi_as_a_link():
    row = {
        "authors": ["Zachariadis M", "Oborn E"],
        "year": 2013,
        "title": "Leadership of healthcare commissioning networks in England.",
        "venue": "BMJ Open 3(2):e002112",
        "doi": "10.1136/bmjopen-2012-002112",
    }
    assert citation_text(row) == (
        "Zachariadis M, Oborn E (2013). Leadership of healthcare commissioning networks in England. "
        "BMJ Open 3(2):e002112. https://doi.org/10.1136/bmjopen-2012-002112"
    )


def test_a_publication_without_year_or_doi_leaves_them_out_rather_than_writing_none():
    row = {
        "authors": ["Marshall M"],
        "year": None,
        "title": "GPs as leaders",
        "venue": "Author manuscript",
        "doi": None,
    }
    assert citation_text(row) == "Marshall M. GPs as leaders. Author manuscript"
