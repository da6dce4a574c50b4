"""Inter-coder agreement per code, on a small example worked by hand, and through `kb agreement`."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kb import engine
from kb.agreement import CodedSpan, agreement, coded_spans
from loaders.qdpx.load import load_qdpx
from support.cli import run_kb
from support.qdpx_builder import ProjectBuilder

NS = "{urn:QDA-XML:project:1.0}"

# One document of ten characters, coded by two coders (A and B) with two codes:
#   A codes X on [0, 6)          B codes X on [2, 8), and Y on [8, 10)
# Everything anyone coded is [0, 10): ten characters, each a unit rated by both coders.
#
# Code X, per character:        0 1 | 2 3 4 5 | 6 7 | 8 9
#                          A:   1 1 | 1 1 1 1 | 0 0 | 0 0
#                          B:   0 0 | 1 1 1 1 | 1 1 | 0 0
#   overlap: characters 2-5 = 4; each coder coded 6.
#   Cohen's kappa: observed agreement p_o = 6/10 = 0.6; each coder marks 0.6 of the units, so
#   chance agreement p_e = 0.6*0.6 + 0.4*0.4 = 0.52; kappa = (0.6-0.52)/(1-0.52) = 0.08/0.48 = 1/6.
#   Krippendorff's alpha (nominal): each unit gives one ordered pair each way, so the coincidence
#   matrix is o(1,1) = 2*4 = 8, o(0,0) = 2*2 = 4, o(0,1) = o(1,0) = 4; n = 20, n1 = 12, n0 = 8.
#   Observed disagreement D_o = 8/20 = 0.4; expected D_e = 2*n0*n1/(n(n-1)) = 192/380.
#   alpha = 1 - 0.4*380/192 = 1 - 152/192 = 40/192 = 5/24.
#
# Code Y: A coded the document but never with Y (0 on every character); B marks characters 8-9.
#   overlap 0. p_o = 8/10; p_e = 0*0.2 + 1*0.8 = 0.8; kappa = 0/0.2 = 0.
#   o(0,0) = 16, o(0,1) = o(1,0) = 2; n = 20, n0 = 18, n1 = 2; D_o = 4/20 = 0.2;
#   D_e = 2*18*2/380 = 72/380; alpha = 1 - 0.2*380/72 = 1 - 76/72 = -1/18.
SPANS = [
    CodedSpan("doc", 0, 6, "A", "x", "X"),
    CodedSpan("doc", 2, 8, "B", "x", "X"),
    CodedSpan("doc", 8, 10, "B", "y", "Y"),
]


def test_agreement_figures_match_the_hand_worked_example():
    x, y = agreement(SPANS)
    assert (x.name, x.coders, x.characters, x.overlap, x.units) == ("X", ("A", "B"), {"A": 6, "B": 6}, 4, 10)
    assert x.kappa == pytest.approx(1 / 6)
    assert x.alpha == pytest.approx(5 / 24)
    assert (y.name, y.coders, y.characters, y.overlap, y.units) == ("Y", ("A", "B"), {"A": 0, "B": 2}, 0, 10)
    assert y.kappa == pytest.approx(0)
    assert y.alpha == pytest.approx(-1 / 18)


def test_a_code_of_one_coder_alone_has_no_agreement():
    x = agreement([CodedSpan("doc", 0, 6, "A", "x", "X")])[0]
    assert (x.coders, x.overlap, x.units, x.alpha, x.kappa) == (("A",), 0, 0, None, None)


def test_a_coder_who_did_not_code_a_document_is_missing_there_not_disagreeing():
    spans = [
        *SPANS,
        CodedSpan("other", 0, 5, "A", "x", "X"),  # B never opened "other"
    ]
    x = agreement(spans)[0]
    # the five characters of "other" have one rater only: they are not pairable units
    assert (x.units, x.characters) == (10, {"A": 11, "B": 6})
    assert x.alpha == pytest.approx(5 / 24)
    assert x.kappa == pytest.approx(1 / 6)


def _two_coder_project(tmp_path):
    p = ProjectBuilder("Agreement", origin="QualCoder 3.5")
    a, b = p.user("A"), p.user("B")
    x, y = p.code("X"), p.code("Y")
    source = p.text_source("doc", "abcdefghij", as_file=True)
    p.selection(source, 0, 6, [x], user=a)
    p.selection(source, 2, 8, [x], user=b)
    p.selection(source, 8, 10, [y], user=b)
    return p.write(tmp_path / "agreement.qdpx")


def test_agreement_of_a_loaded_project(store, tmp_path):
    report = load_qdpx(store, _two_coder_project(tmp_path), study="agree")
    assert report.study == "agree"
    spans = coded_spans(store, "agree")
    assert sorted((s.document, s.start, s.end, s.coder, s.code_name) for s in spans) == [
        ("doc", 0, 6, "A", "X"),
        ("doc", 2, 8, "B", "X"),
        ("doc", 8, 10, "B", "Y"),
    ]
    x = agreement(spans)[0]
    assert (x.overlap, x.alpha, x.kappa) == (4, pytest.approx(5 / 24), pytest.approx(1 / 6))


def test_kb_agreement_prints_json(tmp_path):
    data_dir = tmp_path / "kbdata"

    def kb(*args):
        return run_kb(*args, data_dir=data_dir)

    try:
        loaded = kb("load", str(_two_coder_project(tmp_path)), "--study", "agree")
        assert loaded.exit_code == 0, loaded.stderr
        result = kb("agreement", "--study", "agree", "--format", "json")
        assert result.exit_code == 0, result.stderr
        rows = result.json()
        assert [(r["name"], r["coders"], r["overlap"], r["alpha"], r["kappa"]) for r in rows] == [
            ("X", "A, B", 4, round(5 / 24, 4), round(1 / 6, 4)),
            ("Y", "A, B", 0, round(-1 / 18, 4), 0.0),
        ]
        missing = kb("agreement", "--study", "nothing-here")
        assert missing.exit_code == 2
        assert missing.stderr.strip() == (
            "error: study 'nothing-here' has no coded excerpts that name their coder and document; "
            "load a .qdpx project of that study first (`kb waves` lists the loaded studies)"
        )
    finally:
        engine.stop(data_dir)


def test_two_coders_on_one_selection_keep_their_own_codes(tmp_path):
    from loaders.qdpx import read_qdpx

    p = ProjectBuilder("Shared selection", origin="ATLAS.ti 9")
    a, b = p.user("A"), p.user("B")
    x, y = p.code("X"), p.code("Y")
    source = p.text_source("doc", "abcdefghij", as_file=True)
    selection = p.selection(source, 0, 4, [x], user=a)
    element = next(e for e in p.sources[source] if e.get("guid") == selection)
    coding = ET.SubElement(element, f"{NS}Coding", {"guid": "00000000-0000-0000-0000-0000000000b2", "creatingUser": b})
    ET.SubElement(coding, f"{NS}CodeRef", {"targetGUID": y})
    project = read_qdpx(p.write(tmp_path / "shared.qdpx"))
    guid, code_x, code_y = selection.lower(), x.lower(), y.lower()  # GUIDs compare in lower case
    assert [(s.guid, s.coder, s.codes, s.text) for s in project.segments] == [
        (guid, "A", (code_x,), "abcd"),
        (f"{guid}-2", "B", (code_y,), "abcd"),
    ]
