"""Generated reference lists, REFI-QDA archives and survey edge lists, as edits of known-good files.

CitationCase   a reference list from tests/fixtures/citations (or a hostile one), edited
QdpxCase       a small coded project built with tests/support/qdpx_builder.py, its XML and zip edited
SurveyCase     a valid survey edge list, edited
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import strategies as st

from support.fuzz.edits import apply_byte_edit, apply_edits, byte_edits, cell_values, file_edits
from support.paths import CITATION_FIXTURES
from support.qdpx_builder import ProjectBuilder

CITATION_FILES = {path.name: path.read_bytes() for path in sorted(CITATION_FIXTURES.iterdir())}
CITED_BY = ("t01:pub:report", "t01:pub:report", "t01:pub:report", "t01:pub:missing", "", "x:y:z")
HOSTILE_REFERENCES = (
    ("deep.json", b"[" * 50_000 + b"]" * 50_000),
    ("long-author.json", b'[{"title": "A title", "author": [{"family": "' + b"Y" * 8000 + b'", "given": "A"}]}]'),
    ("long-title.ris", b"TY  - JOUR\nAU  - Smith, J\nTI  - " + b"T" * 200_000 + b"\nPY  - 2011\nER  - \n"),
    ("long-author.ris", b"TY  - JOUR\nAU  - " + b"Z" * 8000 + b", A\nTI  - A title\nPY  - 2011\nER  - \n"),
    ("braces.bib", b"@article{k, title={" + b"{" * 5000 + b"}" * 5000 + b"}, year={2011}}\n"),
    ("nul.txt", b"\x00" * 100),
    ("refs.txt", b"==== Refs\n" + b"".join(b"%d X Y\nTitle %d\n" % (n, n) for n in range(1, 2000))),
    ("empty.bib", b""),
    ("utf16.ris", "TY  - JOUR\nAU  - Smith, J\nTI  - Title\nER  - \n".encode("utf-16")),
)


@dataclass(frozen=True)
class CitationCase:
    base: str  # a fixture file name, or a HOSTILE_REFERENCES name
    edits: tuple = ()
    suffix: str | None = None  # None keeps the base's own
    cited_by: str = "t01:pub:report"

    def write(self, folder: Path) -> Path:
        data = dict(HOSTILE_REFERENCES).get(self.base, CITATION_FILES.get(self.base, b""))
        for edit in self.edits:
            data = apply_byte_edit(data, edit)
        name = Path(self.base).stem.split(".")[0] + (self.suffix or "".join(Path(self.base).suffixes))
        path = folder / name
        path.write_bytes(data)
        return path


@st.composite
def citation_cases(draw) -> CitationCase:
    hostile = draw(st.integers(0, 9)) == 0
    base = draw(st.sampled_from([name for name, _ in HOSTILE_REFERENCES] if hostile else sorted(CITATION_FILES)))
    edits = () if hostile else tuple(draw(st.lists(byte_edits(), max_size=3)))
    suffix = draw(st.one_of(st.none(), st.sampled_from([".bib", ".ris", ".json", ".txt", ".csl.json", ".xml"])))
    return CitationCase(base, edits, suffix, draw(st.sampled_from(CITED_BY)))


TEXT = "The PCT holds the data. Our locality leads redesign pathways. The board meets monthly."


def base_project() -> tuple[bytes, dict[str, bytes]]:
    p = ProjectBuilder("Fuzz board interviews")
    coder = p.user("Coder One")
    flows = p.code("Managing knowledge flows", color="#336699")
    pct = p.code("Relations with the PCT", parent=flows, description="ties to the primary care trust")
    for name, kind in (("Site", "Text"), ("Role", "Text"), ("Board member", "Boolean")):
        p.variable(name, kind)
    first = p.text_source("Interview GP1", TEXT, as_file=True)
    second = p.text_source("Board notes", TEXT)
    p.selection(first, 0, 23, [flows, pct], user=coder, date="2011-03-04T10:15:00Z")
    p.selection(second, 24, 61, [flows], user=coder, date="2011-05-20T09:00:00Z")
    p.case("GP1", {"Site": "A", "Role": "GP", "Board member": True}, sources=[first])
    p.note("Memo", "A memo on flows", attach_to=flows)
    return p.xml(), dict(p.files)


BASE_QDE, BASE_MEMBERS = base_project()
ATTRIBUTE = re.compile(rb'="[^"]*"')
XML_PROLOGS = (
    b'<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    b'<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE Project [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',
    b'<!DOCTYPE Project SYSTEM "http://127.0.0.1:9/project.dtd">',
    b"<?xml-stylesheet href='x.xsl'?>",
    b"<!-- " + b"-" * 10 + b" -->",
)
QDPX_EXTRAS = ("../escape.txt", "/abs.txt", "Sources/../../up.txt", "link@", "bomb!", "second.qde", "Sources/extra.txt")


@dataclass(frozen=True)
class QdpxCase:
    attributes: tuple[tuple[int, str], ...] = ()  # (which attribute value, new text)
    xml_edits: tuple = ()
    prolog: bytes = b""
    drop_sources: bool = False
    extras: tuple[str, ...] = ()
    zip_edits: tuple = ()
    qde_name: str = "project.qde"

    def xml(self) -> bytes:
        data = BASE_QDE
        for which, text in self.attributes:
            spans = list(ATTRIBUTE.finditer(data))
            span = spans[which % len(spans)]
            value = escape(text, {'"': "&quot;"}).encode("utf-8", "surrogatepass")
            data = data[: span.start()] + b'="' + value + b'"' + data[span.end() :]
        if self.prolog:
            head, _, tail = data.partition(b"?>")
            data = head + b"?>" + self.prolog + tail
        return apply_edits(data, self.xml_edits)

    def write(self, folder: Path) -> Path:
        path = folder / "project.qdpx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(self.qde_name, self.xml())
            for name, data in ({} if self.drop_sources else BASE_MEMBERS).items():
                archive.writestr(name, data)
            for extra in self.extras:
                if extra.endswith("@"):
                    info = zipfile.ZipInfo("Sources/" + extra[:-1])
                    info.create_system = 3
                    info.external_attr = (stat.S_IFLNK | 0o777) << 16
                    archive.writestr(info, "/etc/passwd")
                elif extra.endswith("!"):
                    archive.writestr("Sources/" + extra[:-1] + ".txt", b"\0" * 3_000_000)
                else:
                    archive.writestr(extra, b"text")
        data = path.read_bytes()
        for edit in self.zip_edits:
            data = apply_byte_edit(data, edit)
        path.write_bytes(data)
        return path


ATTRIBUTE_VALUES = st.one_of(
    cell_values(),
    st.sampled_from(
        [
            "-1",
            "0",
            "99999999999",
            "1.5",
            "",
            "abc",
            "internal://x.txt",
            "internal://../../etc/passwd",
            "file:///etc/passwd",
        ]
    ),
)


@st.composite
def qdpx_cases(draw) -> QdpxCase:
    return QdpxCase(
        attributes=tuple(draw(st.lists(st.tuples(st.integers(0, 500), ATTRIBUTE_VALUES), max_size=3))),
        xml_edits=tuple(draw(st.lists(byte_edits(), max_size=2))),
        prolog=draw(st.one_of(st.just(b""), st.sampled_from(XML_PROLOGS))),
        drop_sources=draw(st.integers(0, 9)) == 0,
        extras=tuple(draw(st.lists(st.sampled_from(QDPX_EXTRAS), max_size=2, unique=True))),
        zip_edits=tuple(draw(st.lists(byte_edits(), max_size=1))) if draw(st.integers(0, 4)) == 0 else (),
        qde_name=draw(st.sampled_from(["project.qde"] * 8 + ["other.qde", "../project.qde", "project.xml"])),
    )


BASE_SURVEY = (
    b"respondent,alter,alter_type,relation,weight,wave\n"
    b"t01:person:p1,t01:person:p3,participant,advice,1,t01-w1\n"
    b"t01:person:p2,t01:org:council-b,organisation,collaboration,0.5,\n"
    b"t01:person:p3,t01:person:p1,participant,knowledge,,t01-w1\n"
)


@dataclass(frozen=True)
class SurveyCase:
    edits: tuple = ()

    def write(self, folder: Path) -> Path:
        path = folder / "survey.csv"
        path.write_bytes(apply_edits(BASE_SURVEY, self.edits))
        return path


def survey_cases() -> st.SearchStrategy[SurveyCase]:
    return file_edits().map(SurveyCase)
