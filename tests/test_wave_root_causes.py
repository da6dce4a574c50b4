"""Root causes first: each structural mistake is one line naming the cause and the fix, and the
problems that only follow from it are one more line, not a list (counts worked out from the
t01 fixtures, see tests/fixtures/waves/README.md)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from kb.errors import ValidationError
from loaders.wave.api import load_package, validate_package
from support.paths import WAVE_FIXTURES as FIXTURES

SEMICOLON_SITES = (
    "id;name;kind;region;locator\n"
    "t01:site:a;Site A;ccg;t01:region:north;report section 2\n"
    "t01:site:b;Site B;locality;t01:region:south;report section 2\n"
)


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def _problems(path: Path, store=None) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_package(path, store) if store is not None else validate_package(path)
    return [str(problem) for problem in refused.value.problems]


@pytest.mark.parametrize(("delimiter", "named"), [(";", "';'"), ("\t", "tab"), ("|", "'|'")])
def test_a_file_with_another_delimiter_is_one_line_and_its_knock_ons_another(tmp_path, delimiter, named):
    package = _copy(tmp_path, "t01-w1")
    (package / "sites.csv").write_text(SEMICOLON_SITES.replace(";", delimiter), encoding="utf-8")
    # Nine references name the two sites: organisations (2), participants (3), site observations
    # (2), ties (1) and evidence (1). None of them is listed.
    assert _problems(package) == [
        f"sites.csv, row 1: this file looks {named}-separated; the wave format uses commas, so save it as "
        "comma-separated CSV (CSV UTF-8 in spreadsheet programs)",
        "sites.csv: 9 more problems follow from this (references to the ids sites.csv would define) and are not "
        "listed; fix the file and validate again",
    ]


def test_a_one_column_file_is_not_taken_for_another_delimiter(tmp_path):
    package = _copy(tmp_path, "t01-w1")
    # Split at ';', the header names one column of the file, which is no evidence of the delimiter.
    (package / "regions.csv").write_text("id;remarks\n", encoding="utf-8")
    assert _problems(package)[0].startswith("regions.csv, row 1, column 'id;remarks': unknown column")


def test_a_zip_nested_two_folders_deep_is_one_line(tmp_path):
    archive = tmp_path / "t01-w1.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted((FIXTURES / "t01-w1").iterdir()):
            out.write(path, f"export/t01-w1/{path.name}")
    assert _problems(archive) == [
        "t01-w1.zip: the package is in folder 'export/t01-w1/' inside the archive; give that folder, or zip it so "
        "that wave.yaml is at the top of the zip or in its one top folder"
    ]


def test_a_folder_holding_the_package_further_down_is_one_line(tmp_path):
    shutil.copytree(FIXTURES / "t01-w1", tmp_path / "outer" / "t01-w1")
    assert _problems(tmp_path / "outer") == [
        f"{tmp_path / 'outer'}: the package is in folder 't01-w1/' inside it; give that folder, or zip it so that "
        "wave.yaml is at the top of the zip or in its one top folder"
    ]


def test_a_misspelt_requires_names_the_key_it_means(store, tmp_path):
    load_package(store, FIXTURES / "t01-w1")
    package = _copy(tmp_path, "t01-w2")
    manifest = package / "wave.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("requires:", "require:"), encoding="utf-8")
    # t01-w2 refers to six ids of t01-w1: regions north and south (sites.csv), site B
    # (participants.csv), organisation trust-a (initiative_partners.csv), theme networks
    # (evidence.csv) and the publication (wave.yaml).
    assert _problems(package, store) == [
        "wave.yaml: line 12: unknown key 'require'; did you mean requires?",
        "wave.yaml: 6 more problems follow from this and are not listed; rename the key to requires and validate again",
    ]


def test_a_misspelt_required_key_is_not_also_reported_missing(tmp_path):
    package = _copy(tmp_path, "t01-w1")
    manifest = package / "wave.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('  title: "First round', '  titel: "First round'), encoding="utf-8")
    assert _problems(package) == [
        "wave.yaml: line 8: unknown key 'wave.titel'; did you mean wave.title?",
        "wave.yaml: 1 more problem follows from this and is not listed; rename the key to wave.title and validate "
        "again",
    ]


def test_ids_of_a_loaded_wave_that_requires_omits_name_the_wave(store, tmp_path):
    load_package(store, FIXTURES / "t01-w1")
    package = _copy(tmp_path, "t01-w2")
    manifest = package / "wave.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("requires: [t01-w1]\n", ""), encoding="utf-8")
    expected = [
        "sites.csv, row 2, column 'region': 't01:region:north' is defined by loaded wave t01-w1; add it to requires",
        "wave.yaml: 5 more problems follow from this (references to ids of loaded wave t01-w1) and are not listed; "
        "add t01-w1 to requires",
    ]
    assert _problems(package, store) == expected
    with pytest.raises(ValidationError) as refused:  # loading says the same, and writes nothing
        load_package(store, package)
    assert [str(problem) for problem in refused.value.problems] == expected
    # Without a knowledge base to ask, each reference is its own problem, as before.
    assert len(_problems(package)) == 6
