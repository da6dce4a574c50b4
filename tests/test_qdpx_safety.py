"""Hostile or broken .qdpx archives are refused with a message that names the file and the reason."""

from __future__ import annotations

import zipfile

import pytest

from kb.errors import NotFound, ValidationError
from loaders.qdpx import ArchiveLimits, read_qdpx
from support.qdpx_builder import ProjectBuilder

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="bomb"><Description>&lol3;</Description></Project>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="xxe"><Description>&secret;</Description></Project>"""


def _refusal(path, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        read_qdpx(path, **kwargs)
    return str(caught.value)


def test_a_zip_slip_member_refuses_the_whole_archive(tmp_path):
    path = ProjectBuilder().write(tmp_path / "slip.qdpx", extra={"Sources/../../evil.txt": b"x"})
    assert _refusal(path) == (
        "slip.qdpx: member 'Sources/../../evil.txt' has an unsafe path (absolute or with '..'); the archive is refused"
    )


@pytest.mark.parametrize("member", ["/etc/cron.d/job", "C:/Windows/evil.dll", "\\\\server\\share\\x"])
def test_absolute_members_are_refused(tmp_path, member):
    path = ProjectBuilder().write(tmp_path / "abs.qdpx", extra={member: b"x"})
    assert _refusal(path) == (
        f"abs.qdpx: member '{member}' has an unsafe path (absolute or with '..'); the archive is refused"
    )


def test_a_symbolic_link_member_is_refused(tmp_path):
    path = ProjectBuilder().write(tmp_path / "link.qdpx", symlinks={"Sources/notes.txt": "/etc/passwd"})
    assert _refusal(path) == "link.qdpx: member 'Sources/notes.txt' is a symbolic link; the archive is refused"


def test_an_entity_bomb_is_refused_before_it_expands(tmp_path):
    path = ProjectBuilder().write(tmp_path / "bomb.qdpx", xml=BILLION_LAUGHS)
    assert _refusal(path) == (
        "bomb.qdpx/project.qde: refused: the XML declares the entity 'lol'; a REFI-QDA project never needs entities, "
        "and they can expand without bound or read other files. Export the project again from your QDA tool"
    )


def test_an_external_entity_is_refused(tmp_path):
    path = ProjectBuilder().write(tmp_path / "xxe.qdpx", xml=EXTERNAL_ENTITY)
    assert _refusal(path).startswith("xxe.qdpx/project.qde: refused: the XML declares the entity 'secret';")


def test_too_many_members_are_refused(tmp_path):
    path = ProjectBuilder().write(tmp_path / "many.qdpx", extra={"Sources/a.txt": b"a", "Sources/b.txt": b"b"})
    assert _refusal(path, limits=ArchiveLimits(max_members=2)) == "many.qdpx: holds 3 members, more than the limit of 2"


def test_too_much_uncompressed_data_is_refused(tmp_path):
    builder = ProjectBuilder()
    path = builder.write(tmp_path / "big.qdpx", extra={"Sources/a.txt": b"a" * 5000})
    total = 5000 + len(builder.xml())
    assert _refusal(path, limits=ArchiveLimits(max_total_bytes=4000)) == (
        f"big.qdpx: members would unpack to {total} bytes, more than the limit of 4000"
    )


def test_a_member_that_expands_too_much_is_refused_as_a_zip_bomb(tmp_path):
    path = ProjectBuilder().write(tmp_path / "zbomb.qdpx", extra={"Sources/zeros.txt": bytes(2_000_000)})
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("Sources/zeros.txt")
    ratio = info.file_size / info.compress_size
    assert _refusal(path) == (
        f"zbomb.qdpx: member 'Sources/zeros.txt' expands {ratio:.0f} times (limit 100); "
        "the archive is refused as a possible zip bomb"
    )


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "notzip.qdpx"
    path.write_text("just text")
    assert _refusal(path) == (
        "notzip.qdpx: is not a readable zip archive (File is not a zip file); a .qdpx is a zip of a .qde project file "
        "and a Sources folder: export the project again from your QDA tool"
    )


def test_an_archive_without_a_project_file_is_refused(tmp_path):
    path = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Sources/a.txt", "a")
    assert _refusal(path) == (
        "empty.qdpx: holds no .qde project file; a .qdpx must contain the project XML (usually project.qde)"
    )


def test_malformed_xml_is_refused_with_its_position(tmp_path):
    path = ProjectBuilder().write(tmp_path / "broken.qdpx", xml=b"<Project name='x'><CodeBook></Project>")
    assert _refusal(path) == (
        "broken.qdpx/project.qde: is not well-formed XML (mismatched tag: line 1, column 30); "
        "the project file may be truncated or not a REFI-QDA export"
    )


def test_a_root_other_than_project_is_refused(tmp_path):
    path = ProjectBuilder().write(tmp_path / "codebook.qdpx", xml=b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    assert _refusal(path) == (
        "codebook.qdpx/project.qde: the root element is <CodeBook>, not <Project>; this is not a REFI-QDA project file"
    )


def test_a_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFound) as caught:
        read_qdpx(tmp_path / "nowhere.qdpx")
    assert str(caught.value) == (
        f"{tmp_path / 'nowhere.qdpx'}: no such file; give the path of a .qdpx project exported by your QDA tool"
    )


def test_a_corrupt_member_is_refused_when_read(tmp_path):
    path = ProjectBuilder().write(tmp_path / "corrupt.qdpx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("project.qde")
    # Flip one byte of the compressed project file: the CRC check catches it on reading.
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    message = _refusal(path)
    assert message.startswith("corrupt.qdpx/project.qde: cannot be read from the archive (")
    assert message.endswith("); it may be damaged or password-protected: export the project again")


def test_a_directory_that_points_before_the_archive_is_refused_when_read(tmp_path):
    # The end record's offset of the central directory, raised by 1,000: zipfile takes the difference
    # for data prepended to the archive and moves every member 1,000 bytes back, before the file starts.
    path = ProjectBuilder().write(tmp_path / "dir.qdpx")
    data = bytearray(path.read_bytes())
    end = len(data) - 22  # the end record, without a comment; its bytes 16-19 hold the offset
    offset = int.from_bytes(data[end + 16 : end + 20], "little")
    data[end + 16 : end + 20] = (offset + 1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert _refusal(path) == (
        "dir.qdpx/project.qde: cannot be read from the archive ([Errno 22] Invalid argument); "
        "it may be damaged or password-protected: export the project again"
    )


def test_a_selection_guid_of_7000_characters_is_refused_before_it_becomes_an_id(tmp_path):
    project = ProjectBuilder("Long guid")
    theme = project.code("Knowledge flows")
    source = project.text_source("Interview GP1", "The PCT holds the data.")
    selection = project.selection(source, 0, 7, [theme])
    path = project.write(tmp_path / "long.qdpx", xml=project.xml().replace(selection.encode(), b"A" * 7000))
    assert _refusal(path) == (
        "long.qdpx/project.qde: selection 'selection 0-7' of source 'Interview GP1' has a guid of "
        "7000 characters; a REFI-QDA GUID has 36 and at most 200 are accepted, so export the "
        "project again"
    )
