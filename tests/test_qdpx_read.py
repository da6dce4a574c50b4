"""Reading REFI-QDA projects: code book, sources, coded selections, cases, notes, warnings."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import ValidationError
from loaders.qdpx import read_qde, read_qdpx
from support.qdpx_builder import ProjectBuilder

GP1_TEXT = (
    "We meet the PCT directors every week.\n"
    "They hold the data we need, so we ask them first.\n"
    "Without them the board would be guessing."
)
# Accented letters and a dash before the coded phrase: offsets must count characters, not bytes.
PM2_TEXT = "Café meetings — informal, but useful. The federation links us to the hospital."


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def board_project(tmp_path):
    """A project like study 1's: nested codes, overlapping codings, an interviewee per source."""
    p = ProjectBuilder("Board interviews 2011")
    coder = p.user("Coder One")
    flows = p.code("Managing knowledge flows", color="#336699", description="How knowledge moves around the board")
    pct = p.code("Relations with the PCT", parent=flows, color="#99CCFF")
    brokers = p.code("Knowledge brokers", parent=pct)
    stability = p.code("Network stability")
    for name, kind in (("Site", "Text"), ("Role", "Text"), ("Board member", "Boolean"), ("Years in post", "Integer")):
        p.variable(name, kind)
    gp1 = p.text_source("Interview GP1", GP1_TEXT)
    pm2 = p.text_source(
        "Interview PM2", PM2_TEXT, as_file=True, file_bytes=("\ufeff" + PM2_TEXT).encode("utf-8")
    )  # a BOM, as Windows tools write
    first = p.selection(
        gp1,
        *_span(GP1_TEXT, "We meet the PCT directors every week."),
        [flows, pct],
        user=coder,
        date="2011-03-04T10:15:00Z",
    )
    p.selection(
        gp1,
        *_span(GP1_TEXT, "every week.\nThey hold the data we need"),
        [brokers],
        user=coder,
        date="2011-03-05T11:00:00Z",
    )
    p.selection(pm2, *_span(PM2_TEXT, "The federation links us to the hospital"), [stability])
    p.selection(gp1, *_span(GP1_TEXT, "Without them"), [])  # selected but never coded
    p.case("GP1", {"Site": "A", "Role": "GP", "Board member": True, "Years in post": 3}, sources=[gp1])
    p.case("PM2", {"Site": "B", "Role": "Practice manager", "Board member": False}, sources=[pm2])
    p.note("Memo on brokers", "Brokers sit between the PCT and practices.", attach_to=brokers)
    p.unknown_element()
    p.unknown_element(p.codes[stability], tag="Weight")
    path = p.write(tmp_path / "board.qdpx", qde_name="Board interviews 2011.qde")
    return {"path": path, "codes": (flows, pct, brokers, stability), "gp1": gp1, "pm2": pm2, "first": first}


def test_code_book_keeps_nesting_colours_and_descriptions(board_project):
    project = read_qdpx(board_project["path"])
    flows, pct, brokers, stability = (g.lower() for g in board_project["codes"])
    themes = {t.guid: t for t in project.themes}
    assert [t.name for t in project.themes] == [
        "Managing knowledge flows",
        "Relations with the PCT",
        "Knowledge brokers",
        "Network stability",
    ]
    assert (themes[flows].parent, themes[pct].parent, themes[brokers].parent, themes[stability].parent) == (
        None,
        flows,
        pct,
        None,
    )
    assert themes[flows].color == "#336699"
    assert themes[flows].description == "How knowledge moves around the board"


def test_segments_are_exact_slices_even_when_they_overlap(board_project):
    project = read_qdpx(board_project["path"])
    texts = [s.text for s in project.segments]
    assert texts == [
        "We meet the PCT directors every week.",
        "every week.\nThey hold the data we need",
        "The federation links us to the hospital",
    ]
    first = project.segments[0]
    assert (first.start, first.end) == (0, 37)
    assert first.coder == "Coder One"
    assert first.coded_at == "2011-03-04T10:15:00Z"
    assert len(first.codes) == 2


def test_file_source_offsets_count_characters_after_the_byte_order_mark(board_project):
    project = read_qdpx(board_project["path"])
    federation = project.segments[2]
    # "Café meetings — informal, but useful. " is 38 characters (more in UTF-8 bytes).
    assert (federation.start, federation.end) == (38, 77)
    source = next(s for s in project.sources if s.name == "Interview PM2")
    assert source.member == f"Sources/{board_project['pm2']}.txt"


def test_cases_carry_typed_variables_and_the_sources_they_cover(board_project):
    project = read_qdpx(board_project["path"])
    gp1, pm2 = project.cases
    assert gp1.variables == (("Site", "A"), ("Role", "GP"), ("Board member", True), ("Years in post", 3))
    assert gp1.sources == (board_project["gp1"].lower(),)
    assert pm2.variable("board member") is False


def test_notes_know_what_they_are_attached_to(board_project):
    project = read_qdpx(board_project["path"])
    (note,) = project.notes
    assert note.text == "Brokers sit between the PCT and practices."
    assert note.attached_to == (board_project["codes"][2].lower(),)


def test_oddities_of_real_exports_are_warnings(board_project):
    project = read_qdpx(board_project["path"])
    assert project.name == "Board interviews 2011"
    assert project.origin == "ATLAS.ti 9"
    assert project.warnings == (
        "the project file is 'Board interviews 2011.qde' rather than project.qde; it was read as the project",
        "1 selection skipped: no code is applied to them",
        "ignored 1 unknown element <Weight> inside <Code>",
        "ignored 1 unknown element <VendorExtension> inside <Project>",
    )


def test_a_coding_of_a_code_missing_from_the_code_book_is_refused(tmp_path):
    p = ProjectBuilder()
    source = p.text_source("Interview", "Some words here")
    p.selection(source, 0, 4, ["0DEAD000-0000-0000-0000-000000000000"], name="first words")
    with pytest.raises(ValidationError) as caught:
        read_qdpx(p.write(tmp_path / "p.qdpx"))
    assert str(caught.value) == (
        "p.qdpx/project.qde: selection 'first words' of source 'Interview' is coded with "
        "'0dead000-0000-0000-0000-000000000000', which is not in the code book"
    )


def test_a_selection_beyond_its_text_is_refused(tmp_path):
    p = ProjectBuilder()
    code = p.code("A code")
    source = p.text_source("Interview", "Short")
    p.selection(source, 2, 9, [code], name="too long")
    with pytest.raises(ValidationError) as caught:
        read_qdpx(p.write(tmp_path / "p.qdpx"))
    assert str(caught.value) == (
        "p.qdpx/project.qde: selection 'too long' of source 'Interview' spans characters 2-9, "
        "outside the source's 5 characters"
    )


def test_an_integer_variable_that_is_not_a_number_is_refused(tmp_path):
    p = ProjectBuilder()
    p.variable("Years in post", "Integer")
    p.case("GP1", {"Years in post": "three"})
    with pytest.raises(ValidationError) as caught:
        read_qdpx(p.write(tmp_path / "p.qdpx"))
    assert str(caught.value) == (
        "p.qdpx/project.qde: variable 'Years in post' of case 'GP1' has IntegerValue 'three', "
        "which is not a valid integer"
    )


def test_a_source_whose_file_is_missing_is_skipped_with_a_warning(tmp_path):
    p = ProjectBuilder()
    code = p.code("A code")
    source = p.text_source("Lost interview", "text", as_file=True)
    p.selection(source, 0, 4, [code])
    p.files.clear()
    project = read_qdpx(p.write(tmp_path / "p.qdpx"))
    assert project.segments == ()
    assert project.warnings == (
        "1 source not read: the archive lacks the text file the project names for it; export the project again "
        f"(e.g. source 'Lost interview' at 'internal://{source}.txt')",
        "1 coded selection skipped: their sources are not in the archive",
    )


def test_a_project_in_another_namespace_is_read_with_a_warning(tmp_path):
    xml = (
        b'<Project name="Plain"><CodeBook><Codes><Code guid="{AB}" name="Only code" isCodable="true"/>'
        b"</Codes></CodeBook></Project>"
    )
    project = read_qdpx(ProjectBuilder().write(tmp_path / "p.qdpx", xml=xml))
    assert [(t.guid, t.name) for t in project.themes] == [("ab", "Only code")]
    assert project.warnings[0] == (
        "the project is in namespace 'none', not 'urn:QDA-XML:project:1.0'; it was read by element names"
    )


# XML 1.0 cannot carry most control characters, and an inline \r would be normalised by any XML parser.
_xml_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff") | st.sampled_from("\n\t"),
    min_size=1,
    max_size=60,
)


@given(text=_xml_text, data=st.data(), as_file=st.booleans())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_offsets_round_trip_to_the_exact_text(tmp_path, text, data, as_file):
    p = ProjectBuilder(origin="QualCoder 3.5")  # a tool that counts code points
    code = p.code("Theme")
    source = p.text_source("Doc", text, as_file=as_file)
    spans = data.draw(
        st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted), min_size=1, max_size=5)
    )
    for start, end in spans:
        p.selection(source, start, end, [code])
    project = read_qdpx(p.write(tmp_path / "round.qdpx"))
    # a selection of no text, or of spaces only, is skipped (and counted)
    assert [(s.start, s.end, s.text) for s in project.segments] == [
        (a, b, text[a:b]) for a, b in spans if text[a:b].strip()
    ]


@given(text=_xml_text, data=st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_nvivo_positions_are_utf16_code_units(tmp_path, text, data):
    p = ProjectBuilder(origin="NVivo for Windows 12.6")
    code = p.code("Theme")
    source = p.text_source("Doc", text, as_file=True)
    spans = data.draw(
        st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted), min_size=1, max_size=5)
    )
    for start, end in spans:  # as NVivo writes them: UTF-16 units before each position
        p.selection(
            source, len(text[:start].encode("utf-16-le")) // 2, len(text[:end].encode("utf-16-le")) // 2, [code]
        )
    project = read_qdpx(p.write(tmp_path / "round.qdpx"))
    # a selection of no text, or of spaces only, is skipped (and counted)
    assert [(s.start, s.end, s.text) for s in project.segments] == [
        (a, b, text[a:b]) for a, b in spans if text[a:b].strip()
    ]
    assert project.positions == "UTF-16 code units"


def test_a_pdf_is_read_through_its_text_representation_and_media_are_skipped(tmp_path):
    xml = b"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Mixed">
  <CodeBook><Codes><Code guid="C1" name="Governance" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <PDFSource guid="P1" name="Board minutes.pdf" path="internal://P1.pdf">
      <Representation guid="R1" name="Board minutes.txt">
        <PlainTextContent>Item 4: the board agreed the pathway.</PlainTextContent>
        <PlainTextSelection guid="S1" startPosition="8" endPosition="36">
          <Coding guid="K1"><CodeRef targetGUID="C1"/></Coding>
        </PlainTextSelection>
      </Representation>
    </PDFSource>
    <AudioSource guid="A1" name="Interview 9.mp3" path="internal://A1.mp3"/>
  </Sources>
</Project>"""
    project = read_qdpx(ProjectBuilder().write(tmp_path / "mixed.qdpx", xml=xml))
    assert [(s.source_name, s.text) for s in project.segments] == [
        ("Board minutes.pdf", "the board agreed the pathway")
    ]
    assert project.warnings == (
        "<AudioSource> 'Interview 9.mp3' is not a text source; it and its codings were not imported",
    )


def test_a_bare_project_file_can_be_read(tmp_path):
    p = ProjectBuilder("Loose")
    code = p.code("Theme")
    source = p.text_source("Notes", "Board met in March.")
    p.selection(source, 10, 18, [code])
    path = tmp_path / "loose.qde"
    path.write_bytes(p.xml())
    project = read_qde(path)
    assert [(s.text, s.source_name) for s in project.segments] == [("in March", "Notes")]
    assert project.file == "loose.qde"


def _emoji_project(tmp_path, origin, utf16):
    """Three selections after an emoji, written as code points or as UTF-16 units."""
    text = "Tweet 😀 the board decided. Then 😀😀 the practices followed. Done."
    p = ProjectBuilder(origin=origin)
    code = p.code("Theme")
    source = p.text_source("Feed", text, as_file=True)
    words = ("the board decided", "the practices followed", "Done")
    for words_ in words:
        start = text.index(words_)
        end = start + len(words_)
        if utf16:
            start, end = (len(text[:i].encode("utf-16-le")) // 2 for i in (start, end))
        p.selection(source, start, end, [code])
    return read_qdpx(p.write(tmp_path / "feed.qdpx")), words


def test_an_unknown_tools_utf16_positions_are_recognised_by_word_boundaries(tmp_path):
    project, words = _emoji_project(tmp_path, "MAXQDA 24 (Release 24.7.0)", utf16=True)
    assert tuple(s.text for s in project.segments) == words
    assert project.positions == "UTF-16 code units"
    # read as code points the selections would be "he board decided." (its end fits), " practices followed. D"
    # (its start fits) and "e." running past the text: 2 of 6 ends on word boundaries
    assert project.warnings == (
        "the project comes from 'MAXQDA 24 (Release 24.7.0)', whose way of counting character positions is not "
        "known here; positions were read as UTF-16 code units, which puts 6 of 6 selection ends on word boundaries "
        "(code points: 2)",
    )


def test_an_unknown_tools_code_point_positions_are_kept(tmp_path):
    project, words = _emoji_project(tmp_path, "ATLAS.ti 9", utf16=False)
    assert tuple(s.text for s in project.segments) == words
    assert project.positions == "code points"
    # read as UTF-16 units, the first selection starts at the space after the emoji and the second just after
    # the two emoji (both fit); no end fits
    assert project.warnings[0].endswith(
        "positions were read as code points, which puts 6 of 6 selection ends on word boundaries (UTF-16 code units: 2)"
    )


def test_selections_of_no_text_are_skipped_and_counted(tmp_path):
    p = ProjectBuilder()
    code = p.code("Theme")
    source = p.text_source("Doc", "One.\n\nTwo.", as_file=True)
    p.selection(source, 4, 4, [code])  # zero length, as ATLAS.ti writes to hold a comment
    p.selection(source, 4, 6, [code])  # the two line breaks only
    p.selection(source, 6, 10, [code])
    project = read_qdpx(p.write(tmp_path / "p.qdpx"))
    assert [s.text for s in project.segments] == ["Two."]
    assert project.warnings == ("2 coded selections skipped: they select no text, or only spaces and line breaks",)
