"""Reference lists as real tools write them (tests/conformance/SOURCES.md says where each comes from).

The RIS files (CC0) and the `jabref-*.bib` files (JabRef's own, MIT) are the real files. The
JabRef 2.10 BibTeX and the Better BibTeX CSL-JSON are small files written here with the structure
those tools write. Expected values come from
reading the files.
"""

from __future__ import annotations

import pytest

from kb.errors import UsageError
from loaders.citations.model import Citation
from loaders.citations.read import decode_reference_list, read_citations
from loaders.citations.resolve import resolve
from loaders.citations.works import CitedRef
from support.paths import CONFORMANCE

HERE = CONFORMANCE / "citations"


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
        "mirror-jabref-2.10.bib, row 23: entry 'Undefined2012' uses the string macro 'hsj', which the file does not "
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


def test_jabref_utf16_with_byte_order_marks_and_string_macros():
    (big_endian,), _ = _first("jabref-encoding-utf-16BE-with-header.bib")
    assert big_endian.title == "Ü ist ein Umlaut"  # UTF-16BE, a byte-order mark, old Mac \r line ends
    (turkey,), _ = _first("jabref-tiny-LE-withBOM.bib")
    assert turkey.title == "Investigation of the best suture pattern to close a stuffed Christmas turkey"
    assert [(a.family, a.initials) for a in turkey.authors] == [
        ("Verwilghen", "D"),
        ("Busoni", "V"),
        ("van Galen", "G"),
        ("Wilke", "M"),
    ]
    assert (turkey.year, turkey.venue) == (2011, "Veterinary Record")


def test_jabref_padded_capitalised_fields_a_braced_first_name_and_a_collection():
    (aalst, hsu), warnings = _first("jabref-utf8-bom.bib")
    assert aalst.title == (
        "Pi Calculus Versus Petri Nets: Let Us Eat Humble Pie Rather Than Further Inflate the Pi Hype"
    )
    # Author = {{W.M.P. van der} Aalst}: "van der" sits inside the braced given names
    assert [(a.family, a.initials) for a in aalst.authors] == [("Aalst", "WMP")]
    assert (aalst.year, aalst.venue) == (2005, "BPTrends")
    # a @Collection has no title field: its booktitle is its title, its publisher the venue
    assert (hsu.title, hsu.year, hsu.venue, hsu.kind) == (
        "Special issue on workflow and extented transaction systems",
        1993,
        "IEEE Computer Society",
        "book",
    )
    assert warnings == []


def test_jabref_windows_1252_header_is_honoured():
    data = (HERE / "jabref-encoding-windows-1252-with-header.bib").read_bytes()
    assert b"25\xb0 C" in data
    assert "abstract = {25° C}" in decode_reference_list(data, "jabref.bib")
    result = read_citations(HERE / "jabref-encoding-windows-1252-with-header.bib")
    # its one entry has no key and no title: skipped, and said so
    assert [str(p) for p in result.problems] == [
        "jabref-encoding-windows-1252-with-header.bib, row 3: entry '' has no title; it was skipped (add a title field)"
    ]


def test_a_header_that_contradicts_the_bytes_is_refused_in_one_line():
    with pytest.raises(UsageError) as caught:
        read_citations(HERE / "jabref-windows-1252-but-utf-8-declared.bib")
    assert str(caught.value) == (
        f"{HERE / 'jabref-windows-1252-but-utf-8-declared.bib'}: its '% Encoding: UTF-8' header does not match its "
        "bytes (byte 47 is not UTF-8); save the file as UTF-8 and load it again"
    )


def test_a_utf16_file_cut_short_is_refused_in_one_line(tmp_path):
    data = (HERE / "jabref-tiny-LE-withBOM.bib").read_bytes()
    cut = tmp_path / "cut.bib"
    cut.write_bytes(data[:101])  # an odd number of bytes: half a UTF-16 code unit at the end
    with pytest.raises(UsageError) as caught:
        read_citations(cut)
    assert str(caught.value) == (
        f"{cut}: starts as UTF-16 text but is not (byte 100); the file may be cut short: "
        "save it as UTF-8 and load it again"
    )
