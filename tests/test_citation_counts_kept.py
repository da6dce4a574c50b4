"""Counts of citations the citations loader keeps for queries, after every rewrite of the citations.

A Wave's `tally_cites` is the number of CITES with its id as `wave` from a publication of its study
(wave_changes reads it). It must hold after lists load and after a wave's citations go.
"""

from __future__ import annotations

from kb.schema import label
from loaders.citations import load_citations, remove_wave_citations
from support.paths import CITATION_FIXTURES as FIXTURES

PUBLICATION, WAVE = label("Publication"), label("Wave")


def tally(store, wave: str) -> int:
    return store.read(f"MATCH (w:{WAVE} {{id: $id}}) RETURN w.tally_cites AS n", {"id": wave}).single_value()


def test_each_wave_keeps_its_own_studys_citations(store):
    store.write(
        f"CREATE (:{WAVE} {{id: 't:wave:1', study: 't'}}), (:{WAVE} {{id: 't:wave:2', study: 't'}}), "
        f"(:{PUBLICATION} {{id: 't:pub:1', study: 't'}}), (:{PUBLICATION} {{id: 't:pub:2', study: 't'}}), "
        f"(:{PUBLICATION} {{id: 'u:pub:1', study: 'u'}})"
    )
    load_citations(store, FIXTURES / "pmc_refs.txt", "t:pub:1", wave="t:wave:1")  # 4 references
    assert (tally(store, "t:wave:1"), tally(store, "t:wave:2")) == (4, 0)
    load_citations(store, FIXTURES / "search_export.txt", "t:pub:2", wave="t:wave:2")  # 3 references
    # another study's publication citing under this wave's id is not this wave's
    load_citations(store, FIXTURES / "search_export.txt", "u:pub:1", wave="t:wave:1")
    assert (tally(store, "t:wave:1"), tally(store, "t:wave:2")) == (4, 3)
    with store.atomic() as writer:
        remove_wave_citations(writer, "t:wave:2")
    assert (tally(store, "t:wave:1"), tally(store, "t:wave:2")) == (4, 0)
