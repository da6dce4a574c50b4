"""The knowledge model's vocabulary: node labels, relationship types, keys and indexes.

Labels and relationship types reach Cypher only from here (through `label()` / `rel_type()`),
never from input, so a file or a form can never choose one. Keys and indexes are declared here as
data (`unique_keys()`, `indexes()`); each store adapter turns them into its own engine's statements,
so no engine's DDL is written, or parsed back, outside its adapter. The full-text index behind the
`search` query (`fulltext_index()`) is declared here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.errors import UsageError

KEY = "id"
# The knowledge model's version, recorded in every archive (kb.backup). Raise it when a label or
# relationship type is renamed or removed, or a property changes its meaning, so that a restore
# can tell an archive of the older model from one of this model.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class LabelSpec:
    name: str
    doc: str
    indexed: tuple[str, ...] = ()  # extra exact-match indexes besides the unique `id`


@dataclass(frozen=True)
class RelSpec:
    name: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    doc: str


LABELS: tuple[LabelSpec, ...] = (
    LabelSpec("Study", "a research project"),
    LabelSpec("Wave", "one loaded round of a study's data", ("study", "status")),
    LabelSpec("Publication", "a paper, report or record of a study", ("doi",)),
    LabelSpec("Region", "a geographical area sites belong to"),
    LabelSpec("Site", "a case site: a CCG, a locality, a cluster or group of CCGs", ("study",)),
    LabelSpec(
        "OrganisationType", "a kind of organisation or stakeholder group (PCT, acute provider, local authority…)"
    ),
    LabelSpec("Organisation", "an organisation in a site's network", ("study",)),
    LabelSpec("Participant", "a pseudonymous person taking part in a study, with a role", ("study", "role")),
    LabelSpec("Initiative", "a commissioning initiative or service redesign", ("study",)),
    LabelSpec("ClinicalArea", "a clinical area initiatives address"),
    LabelSpec("Theme", "an interview theme or qualitative code; hierarchical", ("study",)),
    LabelSpec("Evidence", "a coded excerpt or summary, paraphrased, with its locator", ("study",)),
    LabelSpec("Finding", "a key result of a study"),
    LabelSpec("Recommendation", "a policy or practice recommendation"),
    LabelSpec("CommissioningModel", "a model of primary-care-led commissioning (GPFH, TPP, PCT, PBC, CCG)"),
    LabelSpec("Work", "a cited work, deduplicated across reference lists", ("doi", "pmid", "title_key")),
    LabelSpec("Author", "an author of cited works", ("name_key",)),
)

RELATIONSHIPS: tuple[RelSpec, ...] = (
    RelSpec("HAS_WAVE", ("Study",), ("Wave",), "a study's loaded waves"),
    RelSpec("REPORTED_IN", ("Study", "Wave"), ("Publication",), "where a study or wave is published"),
    RelSpec("STUDIED", ("Study",), ("Site",), "the sites a study studied"),
    RelSpec("IN_REGION", ("Site", "Region"), ("Region",), "where a site is, or the larger region a region lies in"),
    RelSpec(
        "OBSERVED_IN",
        ("Site", "Participant"),
        ("Wave",),
        "a site's or participant's values as one wave measured them (population, board, network measures…)",
    ),
    RelSpec("OF_TYPE", ("Organisation",), ("OrganisationType",), "an organisation's kind"),
    RelSpec("IN_NETWORK", ("Organisation",), ("Site",), "an organisation in a site's commissioning network"),
    RelSpec("AT", ("Participant", "Initiative"), ("Site",), "where a participant works or an initiative runs"),
    RelSpec("MEMBER_OF", ("Participant",), ("Site",), "membership of a site's board ({board: true})"),
    RelSpec("WORKS_FOR", ("Participant",), ("Organisation",), "a participant's employer"),
    RelSpec("HAS_TIES", ("Site",), ("OrganisationType",), "published count of a board's ties to a stakeholder type"),
    RelSpec("ADVISED_BY", ("Participant",), ("Participant", "Organisation"), "a survey advice/collaboration tie"),
    RelSpec("FOLLOWED_BY", ("CommissioningModel",), ("CommissioningModel",), "the timeline of commissioning models"),
    RelSpec("IN_AREA", ("Initiative",), ("ClinicalArea",), "an initiative's clinical area"),
    RelSpec("INVOLVES", ("Initiative",), ("Organisation",), "a partner of an initiative"),
    RelSpec("SUBTHEME_OF", ("Theme",), ("Theme",), "the theme hierarchy"),
    RelSpec("RELATES_TO", ("Theme",), ("Theme",), "a theme related to another, typically across studies ({how})"),
    RelSpec("CODED_AS", ("Evidence",), ("Theme",), "evidence coded with a theme"),
    RelSpec("FROM", ("Evidence",), ("Site",), "the site evidence comes from"),
    RelSpec("SPOKEN_BY", ("Evidence",), ("Participant",), "who said it"),
    RelSpec(
        "ABOUT",
        ("Evidence", "Finding", "Recommendation"),
        ("Theme", "Initiative", "CommissioningModel"),
        "what it is about",
    ),
    RelSpec("REPORTS", ("Publication",), ("Finding",), "a publication's findings"),
    RelSpec("RECOMMENDS", ("Publication",), ("Recommendation",), "a publication's recommendations"),
    RelSpec("CITES", ("Publication",), ("Work",), "a reference in a publication's list ({n, raw, source})"),
    RelSpec("SAME_AS", ("Publication",), ("Work",), "a study's publication as others cite it"),
    RelSpec("AUTHORED_BY", ("Work",), ("Author",), "authorship ({pos})"),
    RelSpec("POSSIBLY_SAME", ("Work",), ("Work",), "two works that may be one, awaiting review ({score})"),
)

_LABELS = {spec.name: spec for spec in LABELS}
_RELS = {spec.name: spec for spec in RELATIONSHIPS}


def label(name: str) -> str:
    """A label of the schema, safe to put in Cypher; anything else is refused."""
    if name not in _LABELS:
        raise UsageError(f"'{name}' is not a label of the knowledge model; see `kb schema`")
    return name


def rel_type(name: str) -> str:
    """A relationship type of the schema, safe to put in Cypher; anything else is refused."""
    if name not in _RELS:
        raise UsageError(f"'{name}' is not a relationship type of the knowledge model; see `kb schema`")
    return name


def label_names() -> list[str]:
    return [spec.name for spec in LABELS]


def rel_names() -> list[str]:
    return [spec.name for spec in RELATIONSHIPS]


@dataclass(frozen=True)
class PropertyKey:
    """One property of one label: a unique key or an exact-match index, depending on the list it is in."""

    label: str
    prop: str


def unique_keys() -> tuple[PropertyKey, ...]:
    """The properties no two nodes of a label may share: every label's `id`."""
    return tuple(PropertyKey(spec.name, KEY) for spec in LABELS)


def indexes() -> tuple[PropertyKey, ...]:
    """The exact-match indexes besides the unique keys (an engine indexes a unique key by itself)."""
    return tuple(PropertyKey(spec.name, prop) for spec in LABELS for prop in spec.indexed)


# The properties the `search` query looks in, on every label; the full-text index covers them.
SEARCHED = ("name", "title", "text", "description")


@dataclass(frozen=True)
class FullTextIndex:
    """One full-text index over `props` of every node of `labels` (an engine may build one per label)."""

    name: str
    labels: tuple[str, ...]
    props: tuple[str, ...]


def fulltext_index() -> FullTextIndex:
    """The full-text index of the knowledge base: the searched properties of every label."""
    return FullTextIndex("kb_search", tuple(label_names()), SEARCHED)
