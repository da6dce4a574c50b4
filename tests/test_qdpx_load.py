"""End to end: a .qdpx becomes a wave package that the wave loader writes into the knowledge base."""

from __future__ import annotations

from loaders.qdpx import qdpx_to_package
from loaders.wave.api import load_package
from support.qdpx_builder import ProjectBuilder

TEXT = "The PCT holds the data. Our locality leads redesign pathways."


def test_a_qdpx_loads_as_a_wave(store, tmp_path):
    p = ProjectBuilder("Board interviews 2011")
    flows = p.code("Managing knowledge flows", color="#336699")
    pct = p.code("Relations with the PCT", parent=flows)
    for name, kind in (("Site", "Text"), ("Role", "Text"), ("Board member", "Boolean")):
        p.variable(name, kind)
    source = p.text_source("Interview GP1", TEXT, as_file=True)
    p.selection(source, 0, 23, [flows, pct], date="2011-03-04T10:15:00Z")
    p.selection(source, 24, 61, [flows], date="2011-05-20T09:00:00Z")
    p.case("GP1", {"Site": "A", "Role": "GP", "Board member": True}, sources=[source])
    summary = qdpx_to_package(p.write(tmp_path / "board.qdpx"), tmp_path / "pkg", study="t1", wave="t1-coding")
    load_package(store, summary.path)
    rows = store.read(
        "MATCH (e:Evidence)-[c:CODED_AS]->(t:Theme) "
        "RETURN e.text AS text, e.start AS start, t.name AS theme ORDER BY start, theme"
    ).rows
    assert rows == [
        {"text": "The PCT holds the data.", "start": 0, "theme": "Managing knowledge flows"},
        {"text": "The PCT holds the data.", "start": 0, "theme": "Relations with the PCT"},
        {"text": "Our locality leads redesign pathways.", "start": 24, "theme": "Managing knowledge flows"},
    ]
    hierarchy = store.read("MATCH (c:Theme)-[r:SUBTHEME_OF]->(p:Theme) RETURN c.name AS child, p.name AS parent").rows
    assert hierarchy == [{"child": "Relations with the PCT", "parent": "Managing knowledge flows"}]
    speakers = store.read(
        "MATCH (e:Evidence)-[r:SPOKEN_BY]->(p:Participant)-[a:AT]->(s:Site) "
        "RETURN count(e) AS n, p.role AS role, s.id AS site"
    ).rows
    assert speakers == [{"n": 2, "role": "gp", "site": "t1:site:A"}]
