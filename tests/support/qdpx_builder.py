"""Build REFI-QDA `.qdpx` fixtures for tests, element by element, following the Project schema.

project = ProjectBuilder("Board interviews")
coder = project.user("Coder One")
theme = project.code("Knowledge flows", color="#336699")
source = project.text_source("Interview GP1", "Some text", as_file=True)
project.selection(source, 0, 4, [theme], user=coder, date="2011-03-04T10:00:00Z")
project.write(tmp_path / "p.qdpx")
"""

from __future__ import annotations

import itertools
import stat
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

NS = "urn:QDA-XML:project:1.0"
_counter = itertools.count(1)


def new_guid() -> str:
    """A fresh, deterministic-format GUID (upper case, as ATLAS.ti writes them)."""
    return str(uuid.UUID(int=next(_counter) * 7919 + 1_000_003)).upper()


def _q(local: str) -> str:
    return f"{{{NS}}}{local}"


class ProjectBuilder:
    """A REFI-QDA project assembled in memory, written as a .qdpx zip."""

    def __init__(self, name: str = "Test project", origin: str = "ATLAS.ti 9"):
        ET.register_namespace("", NS)
        self.root = ET.Element(
            _q("Project"), {"name": name, "origin": origin, "creationDateTime": "2011-02-01T09:00:00Z"}
        )
        self.sections: dict[str, ET.Element] = {}
        self.codes: dict[str, ET.Element] = {}
        self.variables: dict[str, tuple[str, str]] = {}  # name -> (guid, type)
        self.sources: dict[str, ET.Element] = {}
        self.files: dict[str, bytes] = {}  # Sources/ members

    def _section(self, name: str) -> ET.Element:
        if name not in self.sections:
            self.sections[name] = ET.SubElement(self.root, _q(name))
        return self.sections[name]

    def user(self, name: str) -> str:
        guid = new_guid()
        ET.SubElement(self._section("Users"), _q("User"), {"guid": guid, "name": name})
        return guid

    def code(
        self, name: str, parent: str | None = None, color: str | None = None, description: str | None = None
    ) -> str:
        if parent is None:
            codebook = self._section("CodeBook")
            container = codebook.find(_q("Codes"))
            if container is None:
                container = ET.SubElement(codebook, _q("Codes"))
        else:
            container = self.codes[parent]
        guid = new_guid()
        attrs = {"guid": guid, "name": name, "isCodable": "true"}
        if color:
            attrs["color"] = color
        code = ET.SubElement(container, _q("Code"), attrs)
        if description:
            ET.SubElement(code, _q("Description")).text = description
        self.codes[guid] = code
        return guid

    def variable(self, name: str, type_of: str) -> str:
        guid = new_guid()
        ET.SubElement(
            self._section("Variables"), _q("Variable"), {"guid": guid, "name": name, "typeOfVariable": type_of}
        )
        self.variables[name] = (guid, type_of)
        return guid

    def text_source(self, name: str, text: str, as_file: bool = False, file_bytes: bytes | None = None) -> str:
        """A text source, inline (<PlainTextContent>) or as `internal://<guid>.txt` in Sources/."""
        guid = new_guid()
        attrs = {"guid": guid, "name": name}
        if as_file:
            attrs["plainTextPath"] = f"internal://{guid}.txt"
            self.files[f"Sources/{guid}.txt"] = file_bytes if file_bytes is not None else text.encode("utf-8")
        source = ET.SubElement(self._section("Sources"), _q("TextSource"), attrs)
        if not as_file:
            ET.SubElement(source, _q("PlainTextContent")).text = text
        self.sources[guid] = source
        return guid

    def selection(
        self,
        source: str,
        start: int,
        end: int,
        codes: list[str],
        user: str | None = None,
        date: str | None = None,
        name: str | None = None,
    ) -> str:
        guid = new_guid()
        attrs = {
            "guid": guid,
            "name": name or f"selection {start}-{end}",
            "startPosition": str(start),
            "endPosition": str(end),
        }
        selection = ET.SubElement(self.sources[source], _q("PlainTextSelection"), attrs)
        for code in codes:
            coding_attrs = {"guid": new_guid()}
            if user:
                coding_attrs["creatingUser"] = user
            if date:
                coding_attrs["creationDateTime"] = date
            coding = ET.SubElement(selection, _q("Coding"), coding_attrs)
            ET.SubElement(coding, _q("CodeRef"), {"targetGUID": code})
        return guid

    def case(self, name: str, values: dict[str, object], sources: list[str] = (), selections: list[str] = ()) -> str:
        guid = new_guid()
        case = ET.SubElement(self._section("Cases"), _q("Case"), {"guid": guid, "name": name})
        for variable, value in values.items():
            var_guid, type_of = self.variables[variable]
            holder = ET.SubElement(case, _q("VariableValue"))
            ET.SubElement(holder, _q("VariableRef"), {"targetGUID": var_guid})
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            ET.SubElement(holder, _q(f"{type_of}Value")).text = shown
        for source in sources:
            ET.SubElement(case, _q("SourceRef"), {"targetGUID": source})
        for selection in selections:
            ET.SubElement(case, _q("SelectionRef"), {"targetGUID": selection})
        return guid

    def note(self, name: str, text: str, attach_to: str | None = None) -> str:
        guid = new_guid()
        note = ET.SubElement(self._section("Notes"), _q("Note"), {"guid": guid, "name": name})
        ET.SubElement(note, _q("PlainTextContent")).text = text
        if attach_to is not None:
            owner = self.codes[attach_to] if attach_to in self.codes else self.sources[attach_to]
            ET.SubElement(owner, _q("NoteRef"), {"targetGUID": guid})
        return guid

    def unknown_element(self, parent: ET.Element | None = None, tag: str = "VendorExtension") -> None:
        """An element the schema does not define, in the REFI namespace."""
        ET.SubElement(self.root if parent is None else parent, _q(tag), {"any": "thing"})

    def xml(self) -> bytes:
        return ET.tostring(self.root, encoding="utf-8", xml_declaration=True)

    def write(
        self,
        path: Path,
        qde_name: str = "project.qde",
        xml: bytes | None = None,
        extra: dict[str, bytes] | None = None,
        symlinks: dict[str, str] | None = None,
    ) -> Path:
        """Write the .qdpx; `extra` adds raw members, `symlinks` adds symbolic-link members (name -> target)."""
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(qde_name, self.xml() if xml is None else xml)
            for name, data in {**self.files, **(extra or {})}.items():
                archive.writestr(name, data)
            for name, target in (symlinks or {}).items():
                info = zipfile.ZipInfo(name)
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, target)
        return path
