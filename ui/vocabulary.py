"""The words the app shows for the knowledge base's names: column titles, kinds of entity,
relationships and empty values, declared once here and read by every page.

Query columns, labels and relationship types are names for code (`pct_employees`, `OF_TYPE`); a
manager reads "PCT employees" and "is of type". A name missing from the tables below is still
turned into words by rule (underscores to spaces, known abbreviations in capitals), so a column a
query adds later never reaches the screen in snake_case. Downloads keep the names as they are.
"""

from __future__ import annotations

import re
from typing import Any, Final

# Abbreviations written in capitals (or as people write them) wherever they appear in a name.
ABBREVIATIONS: Final = {
    "pct": "PCT",
    "pcts": "PCTs",
    "gp": "GP",
    "gps": "GPs",
    "ccg": "CCG",
    "ccgs": "CCGs",
    "nhs": "NHS",
    "pbc": "PBC",
    "sna": "SNA",
    "id": "ID",
    "doi": "DOI",
}

COLUMN_TITLES: Final = {
    "site_name": "Site",
    "site_label": "Site",
    "name": "Name",
    "study": "Study",
    "wave": "Wave",
    "population": "Population",
    "practices": "GP practices",
    "localities": "Localities",
    "board_members": "Board members",
    "board_secondary_care": "Secondary care on board",
    "board_nurse": "Nurse on board",
    "board_patient": "Patient on board",
    "board_density": "Board density",
    "executive_support": "Executive support",
    "pbc_roots": "PBC roots",
    "pathfinder_wave": "Pathfinder wave",
    "meeting_observations": "Meetings observed",
    "survey_invited": "Survey invited",
    "survey_responded": "Survey answered",
    "survey_percent": "Survey response (%)",
    "pct_employees": "PCT employees",
    "total": "Total",
    "type_name": "Kind of organisation",
    "partner_type": "Kind of partner",
    "area_name": "Clinical area",
    "theme_name": "Theme",
    "initiative_name": "Initiative",
    "evidence": "Pieces of evidence",
    "speaker_role": "Speaker's role",
    "locator": "Source",
    "betweenness": "Betweenness",
    "degree": "Degree",
    "closeness": "Closeness",
    "ties": "Ties",
    "publications": "Publications",
    "note": "Note",
    "source": "Source",
    "item": "Item",
    "value": "Value",
    "measure": "Measure",
}

LABEL_WORDS: Final = {
    "Site": "Site",
    "Organisation": "Organisation",
    "Participant": "Person",
    "Initiative": "Initiative",
    "OrganisationType": "Kind of organisation",
    "ClinicalArea": "Clinical area",
    "Theme": "Theme",
    "Evidence": "Piece of evidence",
    "Study": "Study",
    "Wave": "Survey or fieldwork wave",
    "Publication": "Publication",
    "Region": "Region",
    "Finding": "Finding",
    "Recommendation": "Recommendation",
    "CommissioningModel": "Commissioning model",
    "Work": "Cited work",
    "Author": "Author",
}

RELATIONSHIP_WORDS: Final = {
    "HAS_WAVE": "has wave",
    "REPORTED_IN": "reported in",
    "STUDIED": "studied",
    "IN_REGION": "in region",
    "OBSERVED_IN": "observed in",
    "OF_TYPE": "is of type",
    "IN_NETWORK": "in the network of",
    "AT": "at",
    "MEMBER_OF": "on the board of",
    "WORKS_FOR": "works for",
    "HAS_TIES": "has ties to",
    "ADVISED_BY": "asks advice of",
    "FOLLOWED_BY": "followed by",
    "IN_AREA": "in clinical area",
    "INVOLVES": "involves",
    "SUBTHEME_OF": "subtheme of",
    "RELATES_TO": "relates to",
    "CODED_AS": "coded as",
    "FROM": "from",
    "SPOKEN_BY": "spoken by",
    "ABOUT": "about",
    "REPORTS": "reports",
    "RECOMMENDS": "recommends",
    "CITES": "cites",
    "SAME_AS": "same as",
    "AUTHORED_BY": "written by",
    "POSSIBLY_SAME": "possibly the same as",
}

# People's roles as the studies record them, in the order study 1 Table 3 lists them; a role not
# listed here follows, in words.
ROLE_WORDS: Final = {
    "gp": "GP",
    "pct_employee": "PCT employee",
    "practice_manager": "Practice manager",
    "hospital": "Hospital",
    "nurse": "Nurse",
    "manager": "Manager",
    "patient": "Patient representative",
    "other": "Other",
}
ROLE_ORDER: Final = ("gp", "pct_employee", "practice_manager", "hospital", "other")
# Columns whose values are codes (roles, kinds) that read better in words.
CODED_COLUMNS: Final = frozenset({"role", "speaker_role", "partner_role", "kind", "status"})

EMPTY: Final = ""  # what an unknown (null) value shows as: nothing, never "None" or 0
ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:\S+$")
# The citations loader's keys have two parts: a work's hash (`work:12476763b4891aff`) and an
# author's family name and initials (`author:marshall-m`).
DERIVED_ID_PATTERN: Final = re.compile(r"^(?:work:[0-9a-f]{16}|author:\S+)$")


# What a table shows for a missing value: an empty cell, as the published tables do (Streamlit's
# default is the word "None"). `ui.tables.show` gives it to every table.
PLACEHOLDER = ""


def words(name: str) -> str:
    """A code name in words: `pct_employees` → "PCT employees", `boardDensity` → "Board density"."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").replace("-", " ").strip()
    parts = [ABBREVIATIONS.get(part.lower(), part.lower()) for part in spaced.split()]
    if not parts:
        return name
    first = parts[0]
    parts[0] = first if first in ABBREVIATIONS.values() else first[:1].upper() + first[1:]
    return " ".join(parts)


def column_title(column: str) -> str:
    """The title a table shows over a query column."""
    return COLUMN_TITLES.get(column) or words(column)


def label_words(label: str) -> str:
    """A node label as a kind of thing ("Participant" → "Person")."""
    return LABEL_WORDS.get(label) or words(label)


def relationship_words(rel_type: str) -> str:
    """A relationship type as a phrase ("OF_TYPE" → "is of type")."""
    return RELATIONSHIP_WORDS.get(rel_type) or words(rel_type).lower()


def looks_like_id(value: Any) -> bool:
    """An identifier such as `z13:site:B` or `vocab:orgtype:pct` (study or vocabulary, kind, key)."""
    return isinstance(value, str) and bool(ID_PATTERN.match(value) or DERIVED_ID_PATTERN.match(value))


def id_columns(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """Columns that hold only identifiers: the screen leaves them out (downloads keep them) as long
    as some other column remains to show."""
    found = []
    for column in columns:
        values = [row.get(column) for row in rows if row.get(column) is not None]
        # A list of ids (the publications citing a work) is an id column too.
        items = [item for value in values for item in (value if isinstance(value, list) else [value])]
        if items and all(looks_like_id(item) for item in items):
            found.append(column)
    return found if len(found) < len(columns) else []


def value_text(value: Any) -> Any:
    """A cell's value as the screen shows it: null as nothing, booleans as Yes/No, the rest as is."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def role_words(role: str) -> str:
    return ROLE_WORDS.get(role) or words(role)


def role_sort_key(role: str) -> tuple[int, str]:
    """Roles in the paper's order (study 1 Table 3), any other role after them, alphabetically."""
    return (ROLE_ORDER.index(role), "") if role in ROLE_ORDER else (len(ROLE_ORDER), role)


def coded_value(column: str, value: Any) -> Any:
    """A code in a coded column (a role, a kind) in words; any other value as `value_text` shows it."""
    if column in CODED_COLUMNS and isinstance(value, str) and value:
        return role_words(value) if "role" in column else words(value)
    return value_text(value)


def surname(author: str) -> str:
    """An author's family name from "Zollinger-Read P" (family name, then initials)."""
    parts = author.split()
    if len(parts) > 1 and parts[-1].replace(".", "").isupper() and len(parts[-1].replace(".", "")) <= 3:
        return " ".join(parts[:-1])
    return author


def study_label(publications: list[dict[str, Any]]) -> str | None:
    """A study as researchers cite it: its earliest dated publication's first author and year
    ("Zachariadis et al. 2013"); None when no publication of it has both."""
    dated = [p for p in publications if p.get("year") and p.get("authors")]
    if not dated:
        return None
    first = min(dated, key=lambda p: (int(p["year"]), str(p.get("title") or "")))
    authors = first["authors"] if isinstance(first["authors"], list) else [first["authors"]]
    names = [surname(str(a)) for a in authors]
    who = names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al."
    return f"{who} {first['year']}"


STUDY_COLUMNS: Final = frozenset({"study", "related_study", "studies"})  # query columns of study ids
_STUDY_IN_LABEL = re.compile(r"^(?P<name>.*) \((?P<study>[^()]+)\)$")


def with_study_name(label: str, names: dict[str, str]) -> str:
    """A choice label that ends with a study's id in brackets, as the library's site lists give
    them ("Site A (z13)"), with the study as people cite it ("Site A (Zachariadis et al. 2013)")."""
    found = _STUDY_IN_LABEL.match(label)
    if found and found["study"] in names:
        return f"{found['name']} ({names[found['study']]})"
    return label
