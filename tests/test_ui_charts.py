"""Chart helpers: every heatmap label kept, the table beside a chart, gaps named, dependent pickers reset."""

from __future__ import annotations

import pandas as pd

from ui import charts, forms, gaps

# Shaped like study 1 Table 2, which gives board density for sites A and B only (the numbers here are made up).
DENSITY = pd.DataFrame(
    [
        {"site_label": "Site A", "board_density": 0.31},
        {"site_label": "Site B", "board_density": 0.38},
        {"site_label": "Site C", "board_density": None},
        {"site_label": "Site D", "board_density": None},
    ]
)


def test_a_heatmap_never_drops_crowded_labels():
    frame = pd.DataFrame([{"x": f"col {i}", "y": f"row {j}", "n": i * j} for i in range(7) for j in range(17)])
    spec = charts.heatmap(frame, "x", "y", "n").to_dict()
    axes = [layer["encoding"][axis]["axis"] for layer in spec["layer"] for axis in ("x", "y")]
    assert all(axis["labelOverlap"] is False for axis in axes)


def test_the_matrix_table_has_a_row_per_row_label_and_a_column_per_column_label_and_leaves_unknown_empty():
    frame = pd.DataFrame(
        [
            {"site": "Site A", "theme": "Network size", "evidence": 3},
            {"site": "Site B", "theme": "Network size", "evidence": 1},
            {"site": "Site A", "theme": "Incentives", "evidence": 2},
        ]
    )
    table = charts.matrix_table(frame, "site", "theme", "evidence")
    assert list(table.columns) == ["Theme", "Site A", "Site B"]
    assert table.to_dict("records") == [
        {"Theme": "Network size", "Site A": "3", "Site B": "1"},
        {"Theme": "Incentives", "Site A": "2", "Site B": ""},
    ]


def test_a_chart_names_the_sites_without_a_published_value():
    missing = gaps.without_value(DENSITY, "site_label", "board_density")
    assert missing == ["Site C", "Site D"]
    assert gaps.no_value_note(missing, "board_density") == "No published value of board density for Site C, Site D."
    assert gaps.no_value_note([], "board_density") == ""


def test_a_list_says_how_many_it_leaves_out_and_why():
    note = gaps.unlisted_note(6, 11, "initiatives", "a clinical area")
    assert note.startswith("6 of the 11 initiatives loaded have a clinical area recorded; the other 5 have none")
    assert gaps.unlisted_note(11, 11, "initiatives", "a clinical area") == ""


def test_changing_the_study_forgets_the_pickers_that_depend_on_it():
    state = {"rows": "z13:theme:network-size", "theme": "z13:theme:x"}
    assert not forms.reset_when_changed(state, "shown", "z13", ("rows", "theme"))  # first run: nothing to forget
    assert state["rows"] == "z13:theme:network-size"
    assert not forms.reset_when_changed(state, "shown", "z13", ("rows", "theme"))
    assert forms.reset_when_changed(state, "shown", "s17", ("rows", "theme"))
    assert "rows" not in state and "theme" not in state and state["shown"] == "s17"
