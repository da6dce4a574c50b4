"""The wave package format as data: which CSV files exist, their columns, and what they become.

A wave package is a folder (or a .zip of one) holding `wave.yaml` and any of the CSV files below.
The validator, the writer and `docs/wave-format.md` are all driven by these declarations, so the
format cannot drift from its documentation.

Column types:
    id       an entity key, unique within its file, namespaced (e.g. `z13:site:A`)
    str      one line of text          text   free text (may hold newlines)
    int      whole number              float  decimal number
    bool     Y/N, yes/no, true/false, 1/0 (case-insensitive)
    date     ISO date: YYYY, YYYY-MM or YYYY-MM-DD
    enum     one of `choices`          list   values separated by `;`
    ref      the `id` of an entity of label `ref` (in this package or already loaded)
    refs     like ref, several separated by `;`

Empty cells are "unknown" (null) and allowed unless the column is required.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

ROLES = (
    "gp",
    "pct_employee",
    "practice_manager",
    "hospital",
    "nurse",
    "patient_representative",
    "local_authority",
    "manager",
    "other",
)
PBC_ROOTS = ("none", "weak", "medium", "strong")
SITE_KINDS = ("ccg", "locality", "cluster", "case", "group", "other")
EVIDENCE_KINDS = ("paraphrase", "summary", "observation", "survey", "document", "excerpt")
# `excerpt`: a verbatim coded segment of the researchers' own data (a transcript or field note coded
# in a CAQDAS tool); the other kinds restate published material in the project's own words.
THEME_RELATIONS = ("same", "similar", "supports", "extends", "contrasts")
LEADERSHIP_LEVELS = ("strategic", "programme", "practice")
PUBLICATION_KINDS = ("article", "report", "manuscript", "record")
TIE_RELATIONS = ("advice", "collaboration", "knowledge")

# The longest id (and study or wave key) a package may give, in characters. Every node's `id` is a
# unique key, and the embedded engine (FalkorDB 4.16) kills its whole process on a unique key longer
# than 4,096 bytes of UTF-8 (measured: 4,096 stores, 4,097 crashes). 200 characters are at most
# 800 bytes, which leaves room for the prefixes that derived ids add (`<study>:evidence:<GUID>`).
MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: tuple[str, ...] = ()  # labels a ref/refs column may point to
    doc: str = ""
    verbatim: bool = False  # kept exactly as written (no trimming): a quotation of a source
    positive: bool = False  # a number must be above 0 (a tie's weight)


@dataclass(frozen=True)
class Link:
    """A relationship made from a ref/refs column of a node file: (node)-[rel]->(referenced)."""

    column: str
    rel: str
    reverse: bool = False  # (referenced)-[rel]->(node) instead
    props: dict[str, object] = field(default_factory=dict)  # constant properties on the relationship


@dataclass(frozen=True)
class NodeFile:
    file: str
    label: str
    doc: str
    columns: tuple[Column, ...]
    links: tuple[Link, ...] = ()
    study_rel: str | None = None  # (Study)-[study_rel]->(node) for every row


@dataclass(frozen=True)
class RelFile:
    """A file whose rows are relationships: (start)-[rel {props}]->(end)."""

    file: str
    rel: str
    doc: str
    start: Column
    end: Column
    columns: tuple[Column, ...] = ()  # become relationship properties
    distinct_ends: bool = False  # a row may not name the same entity at both ends (a self-tie)
    unique_by: tuple[str, ...] = ()  # with both ends, the columns no two rows of a wave may share


FileSpec = NodeFile | RelFile  # a file of the format: its rows are entities or relationships


def _c(
    name: str,
    type_: str,
    required: bool = False,
    choices: Iterable[str] = (),
    ref: str | Iterable[str] = (),
    doc: str = "",
    verbatim: bool = False,
    positive: bool = False,
) -> Column:
    refs = (ref,) if isinstance(ref, str) else tuple(ref)
    return Column(name, type_, required, tuple(choices), refs, doc, verbatim, positive)


LOCATOR = _c(
    "locator", "str", doc="where in the source this row comes from (document and table/box/section, or file and row)"
)

NODE_FILES: tuple[NodeFile, ...] = (
    NodeFile(
        "publications.csv",
        "Publication",
        "papers, reports and records of the study",
        (
            _c("id", "id", True),
            _c("title", "str", True),
            _c("year", "int"),
            _c("venue", "str"),
            _c("doi", "str", doc="bare DOI, e.g. 10.1136/bmjopen-2012-002112"),
            _c("pmid", "str"),
            _c("url", "str"),
            _c("kind", "enum", choices=PUBLICATION_KINDS),
            _c("authors", "list", doc="authors in order, `Surname Initials`"),
            LOCATOR,
        ),
        study_rel="REPORTED_IN",
    ),
    NodeFile(
        "regions.csv",
        "Region",
        "geographical areas; `part_of` nests a region in a larger one",
        (
            _c("id", "id", True),
            _c("name", "str", True),
            _c("part_of", "ref", ref="Region", doc="the larger region this one lies in"),
            LOCATOR,
        ),
        links=(Link("part_of", "IN_REGION"),),
    ),
    NodeFile(
        "organisation_types.csv",
        "OrganisationType",
        "kinds of organisation / stakeholder group",
        (
            _c("id", "id", True),
            _c("name", "str", True),
            _c("description", "text"),
            LOCATOR,
        ),
    ),
    NodeFile(
        "clinical_areas.csv",
        "ClinicalArea",
        "clinical areas initiatives address",
        (
            _c("id", "id", True),
            _c("name", "str", True),
            _c("description", "text"),
            LOCATOR,
        ),
    ),
    NodeFile(
        "commissioning_models.csv",
        "CommissioningModel",
        "models of primary-care-led commissioning (Table 1, Figure 1)",
        (
            _c("id", "id", True),
            _c("name", "str", True),
            _c("abbreviation", "str"),
            _c("description", "text"),
            _c("start_year", "int"),
            _c("end_year", "int"),
            _c("coordinating_mechanism", "text"),
            _c("key_features", "text"),
            _c("weaknesses", "text"),
            _c("governance", "text"),
            _c("followed_by", "ref", ref="CommissioningModel"),
            LOCATOR,
        ),
        links=(Link("followed_by", "FOLLOWED_BY"),),
    ),
    NodeFile(
        "sites.csv",
        "Site",
        "case sites of the study; values that change between waves go in site_observations.csv",
        (
            _c("id", "id", True),
            _c("name", "str", True),
            _c("kind", "enum", True, SITE_KINDS),
            _c("region", "ref", ref="Region"),
            _c("description", "text"),
            LOCATOR,
        ),
        links=(Link("region", "IN_REGION"),),
        study_rel="STUDIED",
    ),
    NodeFile(
        "organisations.csv",
        "Organisation",
        "organisations in the sites' networks",
        (
            _c("id", "id", True),
            _c("name", "str", True),
            _c("type", "ref", True, ref="OrganisationType"),
            _c("site", "ref", ref="Site"),
            _c("description", "text"),
            LOCATOR,
        ),
        links=(Link("type", "OF_TYPE"), Link("site", "IN_NETWORK")),
    ),
    NodeFile(
        "participants.csv",
        "Participant",
        "pseudonymous participants: interviewees, board members, survey respondents",
        (
            _c("id", "id", True),
            _c("name", "str", True, doc="a pseudonym or a description, never a real name"),
            _c("role", "enum", True, ROLES),
            _c("site", "ref", ref="Site"),
            _c("organisation", "ref", ref="Organisation"),
            _c("board_member", "bool"),
            _c("interviewed", "bool"),
            _c("survey_respondent", "bool"),
            LOCATOR,
        ),
        links=(Link("site", "AT"), Link("organisation", "WORKS_FOR")),
    ),
    NodeFile(
        "initiatives.csv",
        "Initiative",
        "commissioning initiatives and service redesigns",
        (
            _c("id", "id", True),
            _c("name", "str", True),
            _c("site", "ref", True, ref="Site"),
            _c("clinical_areas", "refs", ref="ClinicalArea"),
            _c("description", "text"),
            _c("gp_leadership_levels", "list", choices=LEADERSHIP_LEVELS, doc="levels at which GPs led it"),
            _c("outcome", "text"),
            LOCATOR,
        ),
        links=(Link("site", "AT"), Link("clinical_areas", "IN_AREA")),
    ),
    NodeFile(
        "themes.csv",
        "Theme",
        "interview themes and codes; `parent` builds the hierarchy",
        (
            _c("id", "id", True),
            _c("name", "str", True),
            _c("parent", "ref", ref="Theme"),
            _c("description", "text"),
            _c("color", "str", doc="#RRGGBB, as a CAQDAS tool shows it"),
            LOCATOR,
        ),
        links=(Link("parent", "SUBTHEME_OF"),),
    ),
    NodeFile(
        "evidence.csv",
        "Evidence",
        "coded excerpts and summaries, each with a locator: summaries of published "
        "material in the project's own words, or (kind `excerpt`) verbatim segments of the researchers' own coded data",
        (
            _c("id", "id", True),
            _c("text", "text", True, doc="the evidence; an excerpt is exactly the coded selection", verbatim=True),
            _c("themes", "refs", True, ref="Theme"),
            _c("site", "ref", ref="Site"),
            _c("participant", "ref", ref="Participant"),
            _c("speaker_role", "enum", choices=ROLES),
            _c("kind", "enum", True, EVIDENCE_KINDS),
            _c("about", "refs", ref=("Initiative", "CommissioningModel")),
            _c("start", "int", doc="character offset in the source text"),
            _c("end", "int"),
            _c("document", "str", doc="the source document the segment was coded in (kind `excerpt`)"),
            _c("coder", "str", doc="who coded the segment (kind `excerpt`)"),
            _c("coded_on", "date", doc="when it was coded (kind `excerpt`)"),
            _c("locator", "str", True, doc="document and section/table/box the evidence comes from"),
        ),
        links=(
            Link("themes", "CODED_AS"),
            Link("site", "FROM"),
            Link("participant", "SPOKEN_BY"),
            Link("about", "ABOUT"),
        ),
    ),
    NodeFile(
        "findings.csv",
        "Finding",
        "key results",
        (
            _c("id", "id", True),
            _c("title", "str", True),
            _c("text", "text"),
            _c("publication", "ref", ref="Publication"),
            _c("themes", "refs", ref="Theme"),
            LOCATOR,
        ),
        links=(Link("publication", "REPORTS", reverse=True), Link("themes", "ABOUT")),
    ),
    NodeFile(
        "recommendations.csv",
        "Recommendation",
        "policy and practice recommendations (e.g. Box 1)",
        (
            _c("id", "id", True),
            _c("title", "str", True),
            _c("text", "text"),
            _c("process", "str", True, doc="the leadership process it belongs to, e.g. 'Managing knowledge mobility'"),
            _c("publication", "ref", ref="Publication"),
            _c("themes", "refs", ref="Theme"),
            LOCATOR,
        ),
        links=(Link("publication", "RECOMMENDS", reverse=True), Link("themes", "ABOUT")),
    ),
)

REL_FILES: tuple[RelFile, ...] = (
    RelFile(
        "site_observations.csv",
        "OBSERVED_IN",
        "per-wave values of a site (Tables 2 and 3 style); one row per site",
        start=_c("site", "ref", True, ref="Site"),
        end=Column("wave", "wave"),
        columns=(
            _c("status", "str"),
            _c("pathfinder_wave", "int"),
            _c("population", "int"),
            _c("practices", "int"),
            _c("gps", "int"),
            _c("localities", "int"),
            _c("board_members", "int"),
            _c("board_secondary_care", "bool"),
            _c("board_nurse", "bool"),
            _c("board_patient", "bool"),
            _c("executive_support", "bool"),
            _c("pbc_roots", "enum", choices=PBC_ROOTS),
            _c("meeting_observations", "int"),
            _c("survey_invited", "int"),
            _c("survey_responded", "int"),
            _c("board_density", "float"),
            LOCATOR,
            _c(
                "figure_locators",
                "list",
                doc="where each figure of the row is published, one `column: locator` item per figure, e.g. "
                "`population: BMJ Open 2013 e002112, Table 2, row Site A, column Covering (Population)`",
            ),
        ),
    ),
    RelFile(
        "participant_observations.csv",
        "OBSERVED_IN",
        "per-wave values of a participant (a panel: the role, board membership, interview and survey response "
        "in the loading wave); one row per participant",
        start=_c("participant", "ref", True, ref="Participant"),
        end=Column("wave", "wave"),
        columns=(
            _c("role", "enum", choices=ROLES),
            _c("board_member", "bool"),
            _c("interviewed", "bool"),
            _c("survey_respondent", "bool"),
            LOCATOR,
        ),
    ),
    RelFile(
        "ties.csv",
        "HAS_TIES",
        "published counts of a board's ties to each stakeholder type (Table 4 style)",
        start=_c("site", "ref", True, ref="Site"),
        end=_c("organisation_type", "ref", True, ref="OrganisationType"),
        columns=(_c("count", "int", True), LOCATOR),
    ),
    RelFile(
        "initiative_partners.csv",
        "INVOLVES",
        "organisations taking part in initiatives",
        start=_c("initiative", "ref", True, ref="Initiative"),
        end=_c("organisation", "ref", True, ref="Organisation"),
        columns=(_c("role", "str"), LOCATOR),
    ),
    RelFile(
        "theme_relations.csv",
        "RELATES_TO",
        "themes related to other themes, typically across studies",
        start=_c("theme", "ref", True, ref="Theme"),
        end=_c("related", "ref", True, ref="Theme"),
        columns=(_c("how", "enum", True, THEME_RELATIONS), _c("note", "text"), LOCATOR),
    ),
    RelFile(
        "advice_ties.csv",
        "ADVISED_BY",
        "survey edge list: who a respondent goes to for advice or collaboration",
        start=_c("respondent", "ref", True, ref="Participant"),
        end=_c("alter", "ref", True, ref=("Participant", "Organisation")),
        columns=(
            _c("relation", "enum", True, TIE_RELATIONS),
            _c("weight", "float", doc="how strong the tie is, above 0; empty when not asked", positive=True),
            LOCATOR,
        ),
        distinct_ends=True,
        unique_by=("relation",),
    ),
)

FILES: tuple[FileSpec, ...] = NODE_FILES + REL_FILES
FILE_ORDER = [spec.file for spec in FILES]
