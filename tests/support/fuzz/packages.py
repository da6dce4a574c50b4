"""Generated wave packages: a known-good package (tests/fixtures/waves/t01-w1) broken by drawn edits.

A case is a list of edits, not file contents, so hypothesis prints it in a few lines:
files dropped, edits per CSV file, one change to wave.yaml, and whether the package is zipped
(with hostile members or corrupted bytes). `PackageCase.write(folder)` makes the package.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from support.fuzz.edits import apply_byte_edit, apply_edits, byte_edits, file_edits, yaml_values
from support.paths import FIXTURES

BASE_PACKAGE = FIXTURES / "waves" / "t01-w1"
BASE_WAVE = "t01-w1"
BASE_FILES = {path.name: path.read_bytes() for path in sorted(BASE_PACKAGE.iterdir()) if path.is_file()}
CSV_FILES = sorted(name for name in BASE_FILES if name.endswith(".csv"))
MANIFEST = "wave.yaml"
BASE_MANIFEST = yaml.safe_load(BASE_FILES[MANIFEST])
REFERENCES = (FIXTURES / "citations" / "refs.ris").read_bytes()

KEY_PATHS = (
    "format",
    "study",
    "study.id",
    "study.title",
    "study.description",
    "wave",
    "wave.id",
    "wave.title",
    "wave.started",
    "wave.ended",
    "wave.design",
    "wave.phase",
    "requires",
    "publications",
    "sources",
    "citations",
    "figures",
    "qdpx",
    "unknown_key",
    "wave.unknown",
)
# Raw manifests no dict could produce: entity bombs, recursion, tags, dates the calendar lacks, several documents.
HOSTILE_YAML = (
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    "[" * 3000 + "]" * 3000,
    "format: 1\nstudy: &s {id: t01, title: x, description: *s}\nwave: {id: t01-w1, title: y}\n",
    "!!python/object/apply:os.system ['true']\n",
    "format: 1\nstudy: {id: t01, title: x}\nwave: {id: t01-w1, title: y, started: 2013-02-30}\n",
    "format: 1\nstudy: {id: t01, title: x}\nwave: {id: t01-w1, title: y, ended: 2014-03-31 25:61:00}\n",
    "format: 1\nformat: 2\n",
    "format: 1\n\tstudy: x\n",
    "format: 1\n---\nformat: 2\n",
    "format: !!binary aGVsbG8=\n",
    "format: 1e400\n",
    "format: 0x1\n",
    "format: '1'\n",
    "",
    "---\n",
    "~\n",
    "null\n",
    "'just text'\n",
    'format: 1\nstudy: {id: t01, title: "\\0"}\nwave: {id: t01-w1, title: y}\n',
    "format: 1\nstudy: {id: t01, title: x}\nwave: {id: t01-w1, title: y}\npublications: [t01:pub:report]\n"
    "citations:\n  - {file: ../../etc/passwd, format: pmc, cited_by: t01:pub:report}\n",
)
ZIP_EXTRAS = (
    "../escape.csv",
    "/absolute.csv",
    "sub/../../up.csv",
    "C:/drive.csv",
    "regions.csv",
    "deep/a/b/c.csv",
    ".hidden.csv",
    "__MACOSX/._regions.csv",
    "link.csv@",
    "bomb.csv!",
)


@dataclass(frozen=True)
class PackageCase:
    """Edits of the base package; see the module docstring."""

    dropped: tuple[str, ...] = ()
    edits: tuple[tuple[str, tuple], ...] = ()  # (file, its edits)
    manifest: tuple = ("keep",)
    with_references: bool = False  # add a reference list the manifest may name
    as_zip: bool = False
    top_folder: bool = False
    zip_extras: tuple[str, ...] = ()
    zip_edits: tuple[tuple, ...] = ()

    def files(self) -> dict[str, bytes]:
        files = {name: data for name, data in BASE_FILES.items() if name not in self.dropped}
        for name, edits in self.edits:
            if name in files:
                files[name] = apply_edits(files[name], edits)
        if MANIFEST in files:
            files[MANIFEST] = manifest_bytes(self.manifest, files[MANIFEST])
        if self.with_references:
            files["references/refs.ris"] = REFERENCES
        return files

    def write(self, folder: Path) -> Path:
        """Write the package into `folder` (a new sub-folder, or a .zip) and return its path."""
        files = self.files()
        if not self.as_zip:
            root = folder / "package"
            for name, data in files.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(data)
            return root
        path = folder / "package.zip"
        write_zip(path, files, "package/" if self.top_folder else "", self.zip_extras)
        data = path.read_bytes()
        for edit in self.zip_edits:
            data = apply_byte_edit(data, edit)
        path.write_bytes(data)
        return path


def write_zip(path: Path, files: dict[str, bytes], prefix: str, extras: tuple[str, ...]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(prefix + name, data)
        for extra in extras:
            if extra.endswith("@"):  # a symbolic link to a file outside the package
                info = zipfile.ZipInfo(prefix + extra[:-1])
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, "/etc/passwd")
            elif extra.endswith("!"):  # inflates 1000 times
                archive.writestr(prefix + extra[:-1], b"\0" * 1_000_000)
            else:
                archive.writestr(extra if extra.startswith(("/", "..", "C:")) else prefix + extra, b"id,name\n")


def _set(tree: Any, path: str, value: Any, delete: bool) -> Any:
    head, _, rest = path.partition(".")
    if not isinstance(tree, dict):
        tree = {}
    tree = dict(tree)
    if rest:
        tree[head] = _set(tree.get(head), rest, value, delete)
    elif delete:
        tree.pop(head, None)
    else:
        tree[head] = value
    return tree


def manifest_bytes(change: tuple, current: bytes) -> bytes:
    kind, *args = change
    if kind == "keep":
        return current
    if kind == "text":
        return args[0].encode("utf-8", errors="surrogatepass")
    if kind == "bytes":
        data = current
        for edit in args[0]:
            data = apply_byte_edit(data, edit)
        return data
    tree = _set(BASE_MANIFEST, args[0], args[1] if kind == "set" else None, kind == "delete")
    return yaml.safe_dump(tree, sort_keys=False, allow_unicode=True).encode("utf-8")


def manifest_changes() -> st.SearchStrategy[tuple]:
    citations = st.just([{"file": "references/refs.ris", "format": "ris", "cited_by": "t01:pub:report"}])
    return st.one_of(
        st.just(("keep",)),
        st.tuples(st.just("set"), st.sampled_from(KEY_PATHS), yaml_values()),
        st.tuples(st.just("set"), st.just("citations"), citations),
        st.tuples(st.just("delete"), st.sampled_from(KEY_PATHS)),
        st.tuples(st.just("text"), st.one_of(st.sampled_from(HOSTILE_YAML), st.text(max_size=200))),
        st.tuples(st.just("bytes"), st.lists(byte_edits(), min_size=1, max_size=3).map(tuple)),
    )


@st.composite
def csv_cases(draw) -> PackageCase:
    """Packages whose CSV files are broken (bytes, encodings, values, shapes); wave.yaml intact."""
    names = draw(st.lists(st.sampled_from(CSV_FILES), min_size=1, max_size=3, unique=True))
    edits = tuple((name, draw(file_edits())) for name in names)
    dropped = tuple(draw(st.lists(st.sampled_from(CSV_FILES), max_size=2, unique=True)))
    return PackageCase(dropped=dropped, edits=edits)


@st.composite
def manifest_cases(draw) -> PackageCase:
    """Packages whose wave.yaml is changed, replaced or broken; sometimes with a CSV edit as well."""
    edits = ()
    if draw(st.booleans()):
        name = draw(st.sampled_from(CSV_FILES))
        edits = ((name, draw(file_edits())),)
    return PackageCase(edits=edits, manifest=draw(manifest_changes()), with_references=draw(st.booleans()))


@st.composite
def zip_cases(draw) -> PackageCase:
    """Zipped packages: hostile member names, links, bombs, corrupted archive bytes."""
    return PackageCase(
        as_zip=True,
        top_folder=draw(st.booleans()),
        zip_extras=tuple(draw(st.lists(st.sampled_from(ZIP_EXTRAS), max_size=2, unique=True))),
        zip_edits=tuple(draw(st.lists(byte_edits(), max_size=2))),
        manifest=draw(st.one_of(st.just(("keep",)), manifest_changes())),
    )


def any_package() -> st.SearchStrategy[PackageCase]:
    return st.one_of(csv_cases(), manifest_cases(), zip_cases())
