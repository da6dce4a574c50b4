"""A reload is recognised from the package's bytes alone (package.quick_identity), so it must agree
exactly with the hash a full read computes, for every kind of package the format allows."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from loaders.wave.api import demo_packages, load_package
from loaders.wave.package import quick_identity, read_package
from support.paths import WAVE_FIXTURES as FIXTURES

PACKAGES = [*demo_packages(), *sorted(p for p in FIXTURES.iterdir() if (p / "wave.yaml").is_file())]


@pytest.mark.parametrize("path", PACKAGES, ids=[p.name for p in PACKAGES])
def test_quick_identity_equals_the_full_read(path):
    content = read_package(path)
    identity = quick_identity(path)
    if content.problems:
        return  # a package with problems of form may or may not have a quick identity; it never loads
    assert identity is not None
    assert (identity.wave_id, identity.study_id, identity.source_hash) == (
        content.manifest.wave_id,
        content.manifest.study_id,
        content.source_hash,
    )


def test_a_zip_has_the_identity_of_its_folder(tmp_path):
    folder = demo_packages()[1]
    archive = tmp_path / "wave.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in folder.rglob("*"):
            if file.is_file():
                zf.write(file, file.relative_to(folder).as_posix())
    assert (
        quick_identity(archive).source_hash == quick_identity(folder).source_hash == read_package(archive).source_hash
    )


def test_an_unknown_file_or_a_broken_manifest_has_no_quick_identity(tmp_path):
    package = tmp_path / "p"
    shutil.copytree(demo_packages()[0], package)
    (package / "notes.txt").write_text("not part of the format")
    assert quick_identity(package) is None
    (package / "notes.txt").unlink()
    (package / "wave.yaml").write_text("format: [\n")
    assert quick_identity(package) is None


def test_one_changed_byte_is_not_unchanged(store, tmp_path):
    package = tmp_path / "p"
    shutil.copytree(FIXTURES / "t01-w1", package)
    assert load_package(store, package).status == "loaded"
    assert load_package(store, package).status == "unchanged"
    sites = package / "sites.csv"
    text = sites.read_text(encoding="utf-8")
    sites.write_text(text.replace("Site B", "Site b", 1), encoding="utf-8")
    assert "Site b" in sites.read_text(encoding="utf-8")
    assert load_package(store, package).status == "updated"
