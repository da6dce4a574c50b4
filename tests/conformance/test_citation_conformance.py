"""Reference lists as real tools write them (tests/conformance/SOURCES.md says where each comes from).

The RIS files are the real exports (CC0). The JabRef 2.10 BibTeX and the Better BibTeX CSL-JSON
are small files written here with the structure those tools write. Expected values come from
reading the files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.citations.model import Citation
from loaders.citations.read import read_citations
from loaders.citations.resolve import resolve
from loaders.citations.works import CitedRef

HERE = Path(__file__).parent / "citations"


def _first(name: str) -> tuple[list[Citation], list[str]]:
    result = read_citations(HERE / name)
    assert result.problems == ()
    return list(result.citations), [str(w) for w in result.warnings]


@pytest.mark.parametrize(
    ("name", "title", "authors", "year", "doi"),
    [
        (
            "asreview-scopus.ris",
            "Global latitudinal gradients and the evolution of body size in dinosaurs and mammals",
            ["Wilson", "Gardner", "Wilson"],
            2024,
            "10.1038/s41467-024-46843-2",
        ),
        (
            "asreview-webofscience.ris",
            "New Horned Dinosaurs from Utah Provide Evidence for Intracontinental Dinosaur Endemism",
            ["Sampson", "Loewen", "Farke"],
            2010,
            "10.1371/journal.pone.0012292",
        ),
        (
            "asreview-endnote.ris",
            "Description of a new specimen of Haplocanthosaurus from the Dry Mesa Dinosaur Quarry",
            ["Boisvert", "Curtice", "Wedel"],
            2024,
            "10.1002/ar.25520",
        ),
        (
            "asreview-zotero.ris",
            "Cellular structure of dinosaur scales reveals retention of reptile-type skin during the evolutionary "
            "transition to feathers",
            ["Yang", "Jiang", "Xu"],
            2024,
            "10.1038/s41467-024-48400-3",
        ),
        (
            "asreview-mendeley.ris",
            "Description of a new specimen of Haplocanthosaurus from the Dry Mesa Dinosaur Quarry",
            ["Boisvert", "Curtice", "Wedel"],
            2024,
            "10.1002/ar.25520",
        ),
    ],
)
def test_ris_exports_read_ten_works_each(name, title, authors, year, doi):
    citations, warnings = _first(name)
    assert len(citations) == 10 and warnings == []
    first = citations[0]
    assert first.title.startswith(title[:60])
    assert [a.family for a in first.authors][:3] == authors
    assert (first.year, first.doi) == (year, doi)


def test_the_same_ten_articles_from_three_managers_are_ten_works():
    refs = [
        CitedRef(f"pub:{name}", c)
        for name in ("asreview-endnote.ris", "asreview-zotero.ris", "asreview-mendeley.ris")
        for c in _first(name)[0]
    ]
    assert len(resolve(refs).works) == 10


def test_jabref_2_10_bibtex_with_its_encoding_header_capitalised_fields_and_macros():
    citations, warnings = _first("mirror-jabref-2.10.bib")
    checkland, naylor, smith = citations
    assert checkland.title.startswith("Primary care-led commissioning: applying lessons from the past")
    assert [a.family for a in checkland.authors][:3] == ["Checkland", "Coleman", "Segar"]
    assert (checkland.year, checkland.doi) == (2013, "10.3399/bjgp13x671597")
    # "Naylor" # {, Chris and } # "Curry, Natasha" is two authors; journal = bmj is the macro's text
    assert [(a.family, a.initials) for a in naylor.authors] == [("Naylor", "C"), ("Curry", "N")]
    assert naylor.venue == "BMJ"
    # the file is Cp1252, as its header says: é is byte 0xE9
    assert smith.title == "Commissioning and the café economy"
    assert warnings == [
        "mirror-jabref-2.10.bib, row 24: entry 'Undefined2012' uses the string macro 'hsj', which the file does not "
        "define; its name was kept as the text"
    ]


def test_better_bibtex_csl_json_dates_give_a_year_each():
    citations, warnings = _first("mirror-betterbibtex.json")
    assert [(c.title[:30], c.year) for c in citations] == [
        ("Caster Semenya: The 100 most i", 2019),
        ("The 100 most influential peopl", 2019),
        ("Commissioning reform in transi", 2014),  # EDTF range 2014-05/2015-06
        ("The history of the poor law", 1929),  # circa
        ("Winter pressures in primary ca", 2016),  # season
        ("De officiis", -44),  # 44 BC
        ("Uncertain year report", 2011),  # EDTF 2011~
    ]
    assert warnings == []


def test_a_title_contained_in_another_without_authors_is_reviewed_not_merged():
    semenya, time = _first("mirror-betterbibtex.json")[0][:2]
    result = resolve([CitedRef("pub:1", semenya), CitedRef("pub:2", time)])
    assert len(result.works) == 2
    assert len(result.possibly_same) == 1
