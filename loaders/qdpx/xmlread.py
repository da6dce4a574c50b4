"""Hardened XML parsing and the bookkeeping shared by the REFI-QDA readers.

The project XML is parsed with defusedxml: entity declarations (billion-laughs bombs, external
entities that would read local files or URLs) are refused outright with a ValidationError that
names the file. Elements are matched by local name within the REFI-QDA namespace; anything else
is counted and reported as a warning, never fatal, because real tools add their own extensions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException, EntitiesForbidden

from kb.errors import Problem, ValidationError, shorten
from loaders.wave.spec import MAX_ID_LENGTH

if TYPE_CHECKING:
    from loaders.qdpx.archive import QdpxArchive

REFI_NS = "urn:QDA-XML:project:1.0"


def parse_xml(data: bytes, file: str) -> Element:
    """The root element of `data`, refusing entities, external references and malformed XML."""
    try:
        return safe_et.fromstring(data)
    except EntitiesForbidden as exc:
        raise ValidationError(
            [
                Problem(
                    file,
                    (
                        f"refused: the XML declares the entity '{shorten(exc.name)}'; a REFI-QDA project never "
                        "needs entities, "
                        "and they can expand without bound or read other files. "
                        "Export the project again from your QDA tool"
                    ),
                )
            ]
        ) from exc
    except DefusedXmlException as exc:
        raise ValidationError(
            [
                Problem(
                    file,
                    (
                        f"refused: the XML uses a feature that is not allowed here ({type(exc).__name__}); "
                        "export the project again from your QDA tool"
                    ),
                )
            ]
        ) from exc
    except ParseError as exc:
        raise ValidationError(
            [
                Problem(
                    file,
                    (
                        f"is not well-formed XML ({shorten(exc, 100)}); the project file may be truncated or not a "
                        "REFI-QDA "
                        "export"
                    ),
                )
            ]
        ) from exc
    except LookupError as exc:  # the XML declaration names an encoding Python does not know
        raise ValidationError(
            [
                Problem(
                    file,
                    (
                        f"declares an encoding that cannot be read ({shorten(exc, 100)}); REFI-QDA projects are UTF-8, "
                        "export the project again from your QDA tool"
                    ),
                )
            ]
        ) from exc


def plural(text: str, count: int) -> str:
    """`text` with each `{s}` made "s" for a count other than one ("selection{s} skipped")."""
    return text.replace("{s}", "" if count == 1 else "s")


def split_tag(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag such as `{urn:...}Code`."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def norm_guid(value: str) -> str:
    """GUIDs compare without braces and letter case (`{ABC-...}` and `abc-...` are the same)."""
    return value.strip().strip("{}").strip().lower()


class ParseContext:
    """Where parsing is (file, archive), and the warnings and problems found so far."""

    def __init__(self, file: str, namespace: str, archive: QdpxArchive | None = None):
        self.file = file
        self.archive = archive
        self.namespace = namespace
        self.problems: list[Problem] = []
        self._warnings: list[str] = []
        self._unknown: Counter[tuple[str, str]] = Counter()
        self._tallies: Counter[str] = Counter()
        self._examples: dict[str, str] = {}
        self.note_owners: dict[str, list[str]] = {}

    def warn(self, message: str) -> None:
        self._warnings.append(message)

    def tally(self, reason: str, example: str | None = None) -> None:
        """Count one more occurrence of something reported once with its count ('158 coded selections
        skipped: ...'); the first `example` given is quoted in the warning."""
        self._tallies[reason] += 1
        if example is not None:
            self._examples.setdefault(reason, example)

    def problem(self, message: str) -> None:
        self.problems.append(Problem(self.file, message))

    def children(self, element: Element, known: Collection[str]) -> Iterator[tuple[str, Element]]:
        """(local name, child) for the known children; unknown ones are counted for a warning."""
        parent = split_tag(element.tag)[1]
        for child in element:
            if not isinstance(child.tag, str):  # comments and processing instructions
                continue
            namespace, local = split_tag(child.tag)
            if namespace == self.namespace and local in known:
                yield local, child
            else:
                shown = local if namespace in (self.namespace, "") else child.tag
                self._unknown[(parent, shown)] += 1

    def check(self, element: Element, known: Collection[str]) -> None:
        """Count the unknown children of an element whose known children are read by name."""
        for _ in self.children(element, known):
            pass

    def named(self, element: Element, name: str) -> Iterator[Element]:
        """The children called `name`, without counting the others (they are counted by `children`)."""
        for child in element:
            if isinstance(child.tag, str) and split_tag(child.tag) == (self.namespace, name):
                yield child

    def child_text(self, element: Element, name: str) -> str | None:
        """The text of the first child called `name` (e.g. Description), or None."""
        for child in self.named(element, name):
            return child.text or ""
        return None

    def guid(self, element: Element, what: str) -> str | None:
        """The element's normalised `guid` attribute; a missing one is a problem."""
        value = element.get("guid")
        if not value or not value.strip():
            self.problem(f"{what} has no guid attribute; every REFI-QDA element needs one")
            return None
        guid = norm_guid(value)
        if len(guid) > MAX_ID_LENGTH:  # GUIDs become parts of ids, which must stay short
            self.problem(
                f"{what} has a guid of {len(guid)} characters; a REFI-QDA GUID has 36 and at most "
                f"{MAX_ID_LENGTH} are accepted, so export the project again"
            )
            return None
        return guid

    def int_attr(self, element: Element, name: str, what: str) -> int | None:
        """An attribute read as a whole number; anything else is a problem (None)."""
        value = element.get(name)
        try:
            return int(value or "")
        except ValueError:
            self.problem(f"{what} has {name}={shorten(repr(value))}; expected a whole number of characters")
            return None

    def note_refs(self, element: Element, owner: str | None) -> None:
        """Remember which notes are attached to `owner` (NoteRef children)."""
        for ref in self.named(element, "NoteRef"):
            target = ref.get("targetGUID")
            if target and owner:
                self.note_owners.setdefault(norm_guid(target), []).append(owner)

    def counted(self) -> tuple[tuple[str, int], ...]:
        """(message, count) of each warning that stands for several items: the tallies, then one per
        kind of unknown element."""
        tallies = [
            (
                f"{count} {plural(reason, count)}"
                + (f" (e.g. {self._examples[reason]})" if reason in self._examples else ""),
                count,
            )
            for reason, count in self._tallies.items()
        ]
        unknown = [
            (
                f"ignored {count} unknown element{'s' if count != 1 else ''} <{shorten(child)}> "
                f"inside <{shorten(parent)}>",
                count,
            )
            for (parent, child), count in sorted(self._unknown.items())
        ]
        return tuple(tallies + unknown)

    def warnings(self) -> tuple[str, ...]:
        """Every warning, then the counted ones (`counted`)."""
        return tuple(self._warnings) + tuple(message for message, _ in self.counted())
