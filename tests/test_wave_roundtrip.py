"""Values survive the whole way: typed value -> CSV cell -> validated record -> graph property.

Decimals are drawn with up to 6 places, as published figures are: the embedded engine keeps a
double to about 15 significant digits only (0.18964731778582872 reads back as 0.189647317785829).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.wave.api import load_package, unload_wave
from loaders.wave.build import write_manifest, write_table

one_line = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).map(str.strip).filter(bool)
)
free_text = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(["\n", "\r", "\t"]), min_size=1, max_size=80
    )
    .map(str.strip)
    .filter(bool)
)
site = st.tuples(
    one_line,
    st.none() | free_text,
    st.integers(-(2**53), 2**53),
    st.floats(0, 1).map(lambda x: round(x, 6)),
    st.booleans(),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sites=st.lists(site, min_size=1, max_size=4))
def test_values_read_back_from_the_graph(store, tmp_path_factory, sites):
    folder = tmp_path_factory.mktemp("roundtrip")
    write_manifest(
        folder,
        {"format": 1, "study": {"id": "t01", "title": "Round trip"}, "wave": {"id": "t01-rt", "title": "Generated"}},
    )
    ids = [f"t01:site:{n}" for n in range(len(sites))]
    write_table(
        folder,
        "sites.csv",
        [
            {"id": i, "name": name, "kind": "ccg", "description": description}
            for i, (name, description, *_) in zip(ids, sites, strict=True)
        ],
    )
    write_table(
        folder,
        "site_observations.csv",
        [
            {"site": i, "population": population, "board_density": density, "board_nurse": nurse}
            for i, (_, _, population, density, nurse) in zip(ids, sites, strict=True)
        ],
    )
    load_package(store, folder)
    try:
        rows = store.read(
            "MATCH (s:Site)-[r:OBSERVED_IN]->(:Wave) RETURN s.id AS id, s.name AS name, s.description AS description, "
            "r.population AS population, r.board_density AS density, r.board_nurse AS nurse ORDER BY id"
        ).rows
        expected = [
            {
                "id": i,
                "name": name,
                "description": description,
                "population": population,
                "density": density,
                "nurse": nurse,
            }
            for i, (name, description, population, density, nurse) in zip(ids, sites, strict=True)
        ]
        assert rows == sorted(expected, key=lambda row: row["id"])
    finally:
        unload_wave(store, "t01-rt")
