"""Zipped packages: read in place like a folder, and refused when unsafe (zip slip, links, bombs)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from kb.errors import ValidationError
from loaders.wave import source
from loaders.wave.api import load_package, validate_package
from support.paths import WAVE_FIXTURES as FIXTURES


def zip_folder(folder: Path, target: Path, top: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, top + path.relative_to(folder).as_posix())
    return target


def fixture_zip(tmp_path: Path, extra: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    target = zip_folder(FIXTURES / "t01-w1", tmp_path / "t01.zip")
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as archive:
        for info, data in extra:
            archive.writestr(info, data)
    return target


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_package(path)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("top", ["", "t01-w1/"], ids=["at-top", "in-a-folder"])
def test_a_zip_reads_like_its_folder(tmp_path, top):
    folder = validate_package(FIXTURES / "t01-w1")
    zipped = validate_package(zip_folder(FIXTURES / "t01-w1", tmp_path / "t01.zip", top))
    assert zipped.source_hash == folder.source_hash
    assert [(n.spec.file, n.row, dict(n.values)) for n in zipped.nodes] == [
        (n.spec.file, n.row, dict(n.values)) for n in folder.nodes
    ]


def test_zip_slip_member_is_refused_and_nothing_is_written(store, tmp_path):
    archive = fixture_zip(tmp_path, [("../evil.csv", b"x")])
    expected = ["t01.zip: member '../evil.csv' has '..' in its path, which would point outside the package"]
    assert problems_of(archive) == expected
    with pytest.raises(ValidationError) as caught:
        load_package(store, archive)
    assert [str(p) for p in caught.value.problems] == expected
    assert store.read("MATCH (n) RETURN count(n) AS n").single_value() == 0
    assert not (tmp_path.parent / "evil.csv").exists() and not (tmp_path / "evil.csv").exists()


def test_absolute_member_is_refused(tmp_path):
    assert problems_of(fixture_zip(tmp_path, [("/etc/cron.d/evil", b"x")])) == [
        "t01.zip: member '/etc/cron.d/evil' has an absolute path; a package zip may hold only relative paths"
    ]


def test_symlink_member_is_refused_and_nothing_is_written(store, tmp_path):
    link = zipfile.ZipInfo("ties.csv.link")
    link.external_attr = 0o120777 << 16  # S_IFLNK | rwxrwxrwx, as `zip --symlinks` stores it
    archive = fixture_zip(tmp_path, [(link, b"/etc/passwd")])
    expected = ["t01.zip: member 'ties.csv.link' is a symbolic link; a package may hold regular files only"]
    assert problems_of(archive) == expected
    with pytest.raises(ValidationError) as caught:
        load_package(store, archive)
    assert [str(p) for p in caught.value.problems] == expected
    assert store.read("MATCH (n) RETURN count(n) AS n").single_value() == 0


def test_every_unsafe_member_is_reported_at_once(tmp_path):
    assert problems_of(fixture_zip(tmp_path, [("a/../../b.csv", b"x"), ("C:/win.csv", b"x")])) == [
        "t01.zip: member 'a/../../b.csv' has '..' in its path, which would point outside the package",
        "t01.zip: member 'C:/win.csv' has an absolute path; a package zip may hold only relative paths",
    ]


def test_a_highly_compressible_member_is_refused_as_a_bomb(tmp_path):
    bomb = fixture_zip(tmp_path, [("zeros.csv", b"\0" * 1_000_000)])
    info = zipfile.ZipFile(bomb).getinfo("zeros.csv")
    assert problems_of(bomb) == [
        f"t01.zip: member 'zeros.csv' inflates more than 100 times ({info.compress_size} to 1000000 bytes), "
        "as a zip bomb does; zip the package normally"
    ]


def test_more_than_200_members_are_refused(tmp_path):
    many = [(f"junk/{n}.txt", b"x") for n in range(200)]  # plus the fixture's 12 files
    assert problems_of(fixture_zip(tmp_path, many)) == [
        "t01.zip: holds 212 members; a package zip may hold at most 200"
    ]


def test_too_large_an_unpacked_size_is_refused(tmp_path, monkeypatch):
    # Writing 200 MB in a test is slow; lower the limit and give the zip incompressible bytes above it.
    monkeypatch.setattr(source, "ZIP_MAX_BYTES", 20_000)
    big = fixture_zip(tmp_path, [("noise.bin", os.urandom(30_000))])
    total = sum(info.file_size for info in zipfile.ZipFile(big).infolist())
    assert problems_of(big) == [
        f"t01.zip: unpacks to {total} bytes; a package zip may unpack to at most 20000 bytes (200 MB): "
        "split the wave into smaller waves"
    ]


def test_a_broken_zip_is_a_validation_problem(tmp_path):
    broken = tmp_path / "broken.zip"
    data = zip_folder(FIXTURES / "t01-w1", tmp_path / "whole.zip").read_bytes()
    broken.write_bytes(data[: len(data) // 2] + data[-22:])  # keeps the end record, loses members
    problems = problems_of(broken)
    assert len(problems) == 1 and problems[0].startswith("broken.zip: is not a readable zip file (")
    assert problems[0].endswith("); zip the package folder again")


def test_macos_resource_forks_and_folders_are_ignored(tmp_path):
    extra = [("__MACOSX/._sites.csv", b"\0\5"), (zipfile.ZipInfo("empty/"), b"")]
    assert validate_package(fixture_zip(tmp_path, extra)).wave_id == "t01-w1"


def _damaged(tmp_path: Path, member: str, compression: int, where: str) -> Path:
    """The fixture zipped with `member` written by `compression`, then damaged: the first byte of its
    local header flipped ('magic'), the first byte of its data flipped ('data'), or the first deflate
    block given the reserved block type 11 ('block type': bits 1-2 of the first byte)."""
    target = tmp_path / "t01.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted((FIXTURES / "t01-w1").iterdir()):
            archive.write(path, path.name, compress_type=compression if path.name == member else zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo(member)
    data = bytearray(target.read_bytes())
    # a local header is 30 bytes, then the name and the extra field, then the data
    at = (
        info.header_offset
        if where == "magic"
        else info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    )
    data[at] = data[at] | 0b110 if where == "block type" else data[at] ^ 0xFF
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize(
    ("compression", "where", "reason"),
    [
        (zipfile.ZIP_STORED, "magic", "Bad magic number for file header"),
        (zipfile.ZIP_STORED, "data", "Bad CRC-32 for file 'ties.csv'"),
        (zipfile.ZIP_DEFLATED, "block type", "Error -3 while decompressing data: invalid block type"),
    ],
    ids=["local header", "checksum", "deflate stream"],
)
def test_a_damaged_member_is_refused_naming_the_zip_and_nothing_is_written(store, tmp_path, compression, where, reason):
    archive = _damaged(tmp_path, "ties.csv", compression, where)
    expected = [f"t01.zip: member 'ties.csv' is damaged and cannot be read ({reason}); zip the package folder again"]
    assert problems_of(archive) == expected
    with pytest.raises(ValidationError) as caught:
        load_package(store, archive)
    assert [str(p) for p in caught.value.problems] == expected
    assert store.read("MATCH (n) RETURN count(n) AS n").single_value() == 0
