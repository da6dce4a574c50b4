"""Citation readers on small hand-written files, one per format, each with broken entries.

Expected values are read off the fixture files in tests/fixtures/citations/ (line numbers are
1-based lines of those files).
"""

from __future__ import annotations

import pytest

from kb.errors import UsageError, ValidationError
from loaders.citations import Name, guess_format, read_citations
from support.paths import CITATION_FIXTURES as FIXTURES


def by_line(result):
    return {citation.line: citation for citation in result.citations}


def messages(problems):
    return [str(problem) for problem in problems]


def test_bibtex_reads_good_entries_and_reports_broken_ones():
    result = read_citations(FIXTURES / "refs.bib")
    assert result.fmt == "bibtex"
    assert sorted(by_line(result)) == [2, 11, 25]
    goodwin, van_wijk, dh = (by_line(result)[line] for line in (2, 11, 25))
    assert goodwin.title == "Are networks the answer to achieving integrated care?"
    assert goodwin.authors == (Name("Goodwin", "N"),)
    assert (goodwin.year, goodwin.kind) == (2008, "article")
    assert goodwin.venue == "Journal of Health Services Research & Policy"  # \& decoded
    assert (goodwin.doi, goodwin.pmid) == ("10.5555/jhsrp.2008.058", "18416908")  # DOI lower-cased
    assert goodwin.raw.startswith("@article{goodwin2008,")
    # editors are not authors; "and others" marks a truncated list
    assert van_wijk.authors == (Name("van Wijk", "R"), Name("Van den Bosch", "FAJ"), Name("Volberda", "HW"))
    assert van_wijk.authors_truncated
    assert (van_wijk.kind, van_wijk.year) == ("chapter", 2003)
    assert van_wijk.venue == "The Blackwell Handbook of Organizational Learning and Knowledge Management"
    # a braced name is an organisation, not "Health, Department of"
    assert dh.authors == (Name("Department of Health"),)
    assert (dh.kind, dh.url) == ("report", "https://example.org/liberating-the-nhs")
    assert messages(result.problems) == [
        "refs.bib, row 20: BibTeX entry could not be parsed (Unexpected block start: `@techreport`. "
        "Was still looking for field-value closing `}`); it was skipped",
        "refs.bib, row 33: entry 'notitle' has no title; it was skipped (add a title field)",
    ]


def test_ris_reads_each_record_on_its_own():
    result = read_citations(FIXTURES / "refs.ris")
    assert result.fmt == "ris"
    assert sorted(by_line(result)) == [1, 14, 32]
    mannion, dowling, chapter = (by_line(result)[line] for line in (1, 14, 32))
    assert mannion.title == "General practitioner-led commissioning in the NHS: progress, prospects and pitfalls"
    assert (mannion.year, mannion.venue, mannion.kind) == (2011, "British Medical Bulletin", "article")
    assert (mannion.doi, mannion.pmid) == ("10.5555/bmb.2011.007", "21257619")  # AN is a PMID when DB is PubMed
    assert (dowling.kind, dowling.authors) == ("book", (Name("Dowling", "B"),))
    assert chapter.kind == "chapter"
    assert chapter.venue == "Understanding New Labour's Market Reforms of the English NHS"
    assert chapter.authors == (Name("Smith", "J"), Name("Curry", "N"))
    assert messages(result.problems) == [
        "refs.ris, row 22: record does not start with a 'TY  -' line; it was skipped",
        "refs.ris, row 27: record has no title (TI or T1); it was skipped",
    ]
    assert messages(result.warnings) == ["refs.ris, row 39: line is not a 'TAG  - value' line; it was ignored"]


def test_csl_json_reads_items_with_their_lines():
    result = read_citations(FIXTURES / "refs.csl.json")
    assert result.fmt == "csl-json"
    assert sorted(by_line(result)) == [2, 5, 11]
    lee, ancona, ham = (by_line(result)[line] for line in (2, 5, 11))
    assert (lee.title, lee.year, lee.pmid, lee.kind) == ("Turning doctors into leaders", 2010, "20402055", "article")
    assert lee.authors == (Name("Lee", "TH"),)
    assert [str(name) for name in ancona.authors] == ["Ancona D", "Malone TW", "Orlikowski WJ", "Senge PM"]
    assert ancona.venue == "Harvard Business Review"  # container-title given as a list
    assert (ham.year, ham.kind, ham.venue, ham.url) == (2011, "report", "Nuffield Trust", "https://example.org/ham2011")
    assert '"id": "ham2011"' in ham.raw
    assert messages(result.problems) == [
        "refs.csl.json, row 9: item 'untitled' has no title; it was skipped",
        "refs.csl.json, row 10: item is not a JSON object; it was skipped",
    ]


def test_csl_json_syntax_error_keeps_the_items_before_it():
    result = read_citations(FIXTURES / "broken.csl.json")
    assert [c.title for c in result.citations] == ["GPs and purchasing in the NHS"]
    assert messages(result.problems) == [
        "broken.csl.json, row 4: invalid JSON (Expecting property name enclosed in double quotes at line 5, "
        "column 1); this item and any after it were not read"
    ]


def test_pmc_refs_block():
    result = read_citations(FIXTURES / "pmc_refs.txt")
    assert result.fmt == "pmc"
    assert [c.n for c in result.citations] == [1, 2, 5, 6]
    goodwin, chapter, dowling, lessons = result.citations
    assert (goodwin.line, goodwin.year, goodwin.venue, goodwin.pmid) == (
        7,
        2008,
        "J Health Serv Res Policy",
        "18416908",
    )
    assert goodwin.raw.splitlines()[0] == "1 Goodwin N"
    # a chapter: its own title, the book as venue, the book's editors not among the authors
    assert (chapter.title, chapter.kind, chapter.year) == ("Commissioning", "chapter", 2011)
    assert chapter.venue == "Understanding New Labour's market reforms of the English NHS"
    assert chapter.authors == (Name("Smith", "J"), Name("Curry", "N"))
    assert (dowling.title, dowling.kind, dowling.venue) == (
        "GPs and purchasing in the NHS",
        "book",
        "Aldershot : Ashgate",
    )
    # a title that starts with a number is not mistaken for reference 10
    assert (lessons.title, lessons.year) == ("10 lessons from practice-based commissioning", 2009)
    assert messages(result.problems) == [
        "pmc_refs.txt, row 13: reference 3 has no title line after its authors; it was skipped"
    ]
    assert messages(result.warnings) == ["pmc_refs.txt, row 14: reference 5 follows reference 3; kept as written"]


def test_search_export():
    result = read_citations(FIXTURES / "search_export.txt")
    assert result.fmt == "search-export"
    assert [c.n for c in result.citations] == [1, 2, 5]
    goodwin, smith, formula = result.citations
    # one author: no wide gap, the name is read up to the family name
    assert goodwin.authors == (Name("Goodwin", "N"),) and not goodwin.authors_truncated
    assert (goodwin.title, goodwin.year) == ("Are Networks the Answer to Achieving Integrated Care?", 2008)
    assert (goodwin.venue, goodwin.kind) == ("Journal of health services research & policy", "article")
    assert smith.authors == (Name("Smith", "JA"),) and smith.authors_truncated
    assert (smith.year, smith.venue) == (2005, None)
    assert formula.authors == (Name("Smith", "PC"),)  # two plain spaces work as the gap too
    assert formula.venue == "BMJ : British Medical Journal"
    assert messages(result.problems) == [
        "search_export.txt, row 9: reference [3] does not start with an author's name; it was skipped"
    ]
    assert messages(result.warnings) == ["search_export.txt, row 11: reference 5 follows reference 3; kept as written"]


def test_vancouver():
    result = read_citations(FIXTURES / "vancouver.txt")
    assert result.fmt == "vancouver"
    assert [c.n for c in result.citations] == [1, 2, 3, 4, 5, 7]
    act, early, signs, complexity, heifetz, bolden = result.citations
    assert act.authors == (Name("Department of Health"),)
    assert (act.title, act.year, act.kind) == ("Health and Social Care Act", 2012, "report")
    assert [str(a) for a in early.authors] == ["Checkland K", "Coleman A", "Segar J", "McDermott I"]
    assert (signs.kind, signs.venue) == ("chapter", "Leadership in Organizations: Current Issues and Key Trends")
    # the year inside the DOI is not taken for the publication year
    assert (complexity.doi, complexity.year, complexity.venue) == ("10.1136/bmjopen-2015-010199", 2016, "BMJ Open")
    # no full stop after the title: it ends before "Place: Publisher; year"
    assert (heifetz.title, heifetz.year) == ("Leadership Without Easy Answers", 1994)
    # a wrapped line belongs to the entry above it
    assert (bolden.venue, bolden.year, bolden.kind) == ("International Journal of Management Reviews", 2011, "article")
    assert messages(result.problems) == [
        "vancouver.txt, row 11: reference 6 has no title after its authors; it was skipped"
    ]
    assert messages(result.warnings) == ["vancouver.txt, row 6: reference has no number; numbered 2 from its position"]


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("a.bib", "", "bibtex"),
        ("a.ris", "", "ris"),
        ("a.json", "[]", "csl-json"),
        ("refs.txt", "@article{x, title={t}}", "bibtex"),
        ("refs.txt", "TY  - JOUR\nER  - \n", "ris"),
        ("refs.txt", '[{"title": "t"}]', "csl-json"),
        ("refs.txt", "text\n==== Refs\n1 A B\n", "pmc"),
        ("refs.txt", "[1]  A. B  T , 2000 .\n[2]  C. D  U , 2001 .\n", "search-export"),
        ("refs.txt", "- 1. A B. T. 2000.\n- 2. C D. U. 2001.\n", "vancouver"),
    ],
)
def test_format_guess(name, text, expected):
    assert guess_format(name, text) == expected


def test_unknown_format_is_refused_with_the_choices(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("nothing that looks like references\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_citations(path)
    assert str(caught.value) == (
        "notes.txt: cannot tell which reference format this is; pass the format explicitly "
        "(one of: bibtex, ris, csl-json, pmc, search-export, vancouver)"
    )
    with pytest.raises(UsageError) as caught:
        read_citations(path, fmt="endnote")
    assert str(caught.value) == (
        "unknown citation format 'endnote'; use one of: bibtex, ris, csl-json, pmc, search-export, vancouver"
    )


def test_a_nul_character_refuses_the_file_naming_its_line(tmp_path):
    path = tmp_path / "refs.ris"
    path.write_bytes(b"TY  - JOUR\nAU  - Smith, J\nTI  - A ti\x00tle\nER  - \n")
    with pytest.raises(ValidationError) as caught:
        read_citations(path)
    assert str(caught.value) == (
        "refs.ris, row 3: contains a NUL character, which a reference list cannot hold; "
        "remove it, or save the file as UTF-8 text if it was saved as UTF-16"
    )


def test_json_nested_50000_deep_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 50_000 + "]" * 50_000)
    result = read_citations(path)
    assert result.citations == ()
    assert messages(result.problems) == [
        "deep.json, row 1: an item is nested too deeply to read (lists or objects within each other thousands of "
        "times); this item and any after it were not read"
    ]


def test_braces_nested_5000_deep_skip_the_entry(tmp_path):
    path = tmp_path / "braces.bib"
    path.write_text(
        "@article{k, title={" + "{" * 5000 + "}" * 5000 + "}, year={2011}}\n"
        "@article{ok, title={A title}, year={2012}}\n"
    )
    result = read_citations(path)
    assert [c.title for c in result.citations] == ["A title"]
    assert messages(result.problems) == ["braces.bib, row 1: entry 'k' nests braces too deeply to read; it was skipped"]


def test_a_doi_longer_than_any_real_one_is_dropped_with_a_warning(tmp_path):
    path = tmp_path / "refs.ris"
    path.write_text("TY  - JOUR\nAU  - Smith, J\nTI  - A title\nDO  - 10.1000/" + "d" * 300 + "\nER  - \n")
    result = read_citations(path)
    assert [(c.title, c.doi) for c in result.citations] == [("A title", None)]
    assert messages(result.warnings) == [
        "refs.ris, row 1: the DOI is 308 characters long, longer than any real one; it was ignored"
    ]
