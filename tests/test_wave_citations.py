"""Reference lists named in wave.yaml load and unload with their wave, in the same atomic unit."""

from __future__ import annotations

import shutil

import pytest

from kb.errors import ValidationError
from loaders.wave.api import load_package, unload_wave, validate_package
from support.paths import DEMO

VOCAB, Z13 = DEMO / "00-vocab-1", DEMO / "10-z13-2011"


def cites(store) -> int:
    return store.read("MATCH (:Publication)-[r:CITES]->(:Work) RETURN count(r) AS c").single_value()


def test_a_waves_reference_lists_load_with_it_and_leave_with_it(store):
    load_package(store, VOCAB)
    report = load_package(store, Z13)
    # Study 1's two reference lists: 25 entries exported by a search engine, 28 in the PMC full text.
    assert report.changes.created["CITES"] == 25 + 28
    assert report.changes.created["Work"] == store.read("MATCH (w:Work) RETURN count(w) AS c").single_value()
    assert cites(store) == 53
    waves = store.read("MATCH ()-[r:CITES]->() RETURN DISTINCT r.wave AS w").values("w")
    assert waves == ["z13-2011"]
    assert load_package(store, Z13).status == "unchanged"
    assert cites(store) == 53
    unload_wave(store, "z13-2011")
    assert cites(store) == 0
    assert store.read("MATCH (w:Work) RETURN count(w) AS c").single_value() == 0


def test_an_unreadable_reference_list_refuses_the_package(tmp_path):
    broken = tmp_path / "z13"
    shutil.copytree(Z13, broken)
    refs = broken / "references" / "bmjopen-2013-pmc-refs.txt"
    refs.write_bytes(b"not utf-8 \xff")  # no byte-order mark or encoding header, and byte 10 is not UTF-8
    with pytest.raises(ValidationError) as refused:
        validate_package(broken)
    assert str(refused.value) == (
        "references/bmjopen-2013-pmc-refs.txt: not UTF-8 text (byte 10); save the file as UTF-8 and load it again"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_a_reference_list_saved_as_utf16_or_with_a_mark_loads_as_its_utf8_self(store, tmp_path, encoding):
    """Reference managers on Windows save UTF-16 (with its byte-order mark) or UTF-8 with a mark;
    either reads as the UTF-8 file does: study 1's 25 + 28 entries."""
    package = tmp_path / "z13"
    shutil.copytree(Z13, package)
    for refs in (package / "references").iterdir():
        refs.write_bytes(refs.read_text(encoding="utf-8").encode(encoding))
    load_package(store, VOCAB)
    report = load_package(store, package)
    assert report.changes.created["CITES"] == 25 + 28
    assert cites(store) == 53
