"""The parts of docs/wave-format.md about coded qualitative data and survey networks.

Tables come from the declarations they describe: the CSV alternative's columns
(loaders.qdpx.tabular), the archive limits (loaders.qdpx.archive), the survey edge list
(loaders.survey) and the measures the loader writes (measures.py). docs.py assembles the page.
"""

from __future__ import annotations

from loaders.qdpx.archive import DEFAULT_LIMITS
from loaders.qdpx.tabular import CODEBOOK_DOCS, CODEBOOK_REQUIRED, SEGMENT_DOCS, SEGMENT_REQUIRED
from loaders.survey import REQUIRED_COLUMNS, SURVEY_DOCS
from loaders.wave.measures import MEASURE_DOCS, SUMMARY_DOCS, SUMMARY_SOURCE
from loaders.wave.qualitative import CODEBOOK, SEGMENTS

MB = 1024 * 1024


def _table(docs: dict[str, str], required: tuple[str, ...]) -> str:
    rows = "\n".join(f"| `{name}` | {'yes' if name in required else ''} | {doc} |" for name, doc in docs.items())
    return "| column | required | meaning |\n| --- | --- | --- |\n" + rows + "\n"


def _properties(docs: dict[str, str]) -> str:
    rows = "\n".join(f"| `{name}` | {doc.split(': ', 1)[0]} | {doc.split(': ', 1)[1]} |" for name, doc in docs.items())
    return "| property | type | meaning |\n| --- | --- | --- |\n" + rows + "\n"


QDPX_EXAMPLE = """qdpx:
  file: coding/interviews.qdpx
  evidence_kind: excerpt             # evidence.csv `kind` of every coded segment (default excerpt)
  cases:
    represent: participants          # what one case stands for: participants (default) or sites
    variable_for_participant: Code   # the participant's key; default: the case name
    variable_for_name: Pseudonym     # the participant's name; default: the case name
    variable_for_site: Site          # the participant's site key (for site cases: the site key)
    variable_for_role: Role
    variable_for_board_member: Board member
    roles: {GP: gp, "PCT manager": pct_employee}   # role values that are not already role names
    site_id: "{study}:site:{key}"    # how a site key becomes a site id
    participant_id: "{study}:participant:{key}"
    define_sites: true               # write sites; false when the sites come from a required wave
    site_kind: ccg                   # `kind` of the sites it defines (default other)
    participants: {"Interview 7": "t01:person:p1"}   # cases that are participants defined elsewhere"""


def _intro() -> str:
    return f"""## Coded qualitative data

A package can bring its wave's coded interviews as a CAQDAS tool exports them: a REFI-QDA project
(`.qdpx`, exported by ATLAS.ti, NVivo, MAXQDA, QualCoder and others) named under `qdpx.file` in
wave.yaml, and/or the two CSV files `{CODEBOOK}` and `{SEGMENTS}` for tools that cannot export
REFI-QDA. Both are converted into rows of themes.csv, evidence.csv, participants.csv and sites.csv,
then checked and written with the rest of the package in the same all-or-nothing step: a problem
in the coded data refuses the whole package. The converted files count in the source hash.

- Problems in converted rows name their origin and count the converted rows with the first as
  row 2: `evidence.csv (from coding/interviews.qdpx), row 3, column 'participant': …`. The
  entities' `source` reads `evidence.csv row 3 (from coding/interviews.qdpx)`.
- Every coded segment becomes an Evidence node of kind `excerpt` (unless `evidence_kind` says
  otherwise): the verbatim segment of the researchers' own data, with `start`/`end`, `coder` and
  `coded_on`. Summaries of published material (`paraphrase`, `summary`, …) are written in the
  project's own words instead.
- Converted rows may refer to entities of the package's own CSV files or of the waves it
  requires. A case whose participant (or site) is already defined there, by the same id or because
  `cases.participants` maps the case's name to it, attaches to that participant instead of
  defining it again: the segments the case covers are spoken by it, and its interview (with the
  board seat the case gives) becomes its values in the loading wave (an OBSERVED_IN with
  `interviewed` yes, unless participant_observations.csv has a row for it). A mapped id must
  exist; an id only a loaded wave that `requires` does not list defines is refused, naming that
  wave. Any other id they define must not repeat an id of the package.
- `kb load FILE.qdpx [--study S] [--wave W] [--replace]` loads a project as a wave of its own,
  and `kb validate FILE.qdpx` checks it exactly as `kb load` would read it, writing nothing.
  Without options the study and the wave are both the project's name as a key followed by eight
  hex digits of its fingerprint (`Board interviews 2011` → `board-interviews-2011-3fa2c1d0`): the
  fingerprint is made of the producing tool, the project's creation time and its creating user
  (the project file's bytes when it gives no creation time), so two unrelated projects that carry
  a tool's default name (NVivo's "Untitled", "qc project") never share ids, and a re-export of the
  same project keeps them. `--study` attaches the project to a loaded study, keeping that study's
  title and description. A project never replaces a wave loaded from another file unless
  `--replace` is given; the message names both files. The wave's `started`/`ended` are the first
  and last coding dates.
- The reader's warnings are printed with their counts (`158 coded selections skipped: their
  sources are not in the archive`) and listed under `warnings` by `--format json`, each with its
  `count`; the command succeeds. A project with nothing usable (no codes, or coded selections none
  of which could be read) is refused (exit 2) with the reasons. Problems are worded for the project and its options
  (`--wave`, `--study`), not for a wave.yaml its user never wrote.

### The `qdpx:` section of wave.yaml

```yaml
{QDPX_EXAMPLE}
```

Every key is optional; the defaults are shown. `evidence_kind` applies to the CSV pair too; without
`file` the section configures only the CSV pair. Variable names match without regard to letter
case. A role value is used as it is when it already is a role name once lower-cased with spaces as
underscores (`Practice manager` → `practice_manager`); otherwise it must be mapped under `roles`.
A participant with no role value gets `other`. Themes are `<study>:theme:<code GUID>` and evidence
is `<study>:evidence:<selection GUID>` (GUIDs lower-case, without braces), so re-exporting the same
project gives the same ids.
"""


# The mapping from a REFI-QDA project to package files, one (element, what it becomes) row each.
_QDPX_ROWS = (
    (
        "`<CodeBook>` codes, nested to any depth",
        "themes: one per code; `parent` is the enclosing code; `color` and `description` kept",
    ),
    (
        "`<TextSource>` with `<PlainTextSelection>`s that carry `<Coding>`s",
        "evidence: one per coded selection; `text` is exactly the selected characters, `start`/`end` the "
        "selection's offsets, `themes` every code applied",
    ),
    (
        "`<Cases>` with variable values",
        "participants (and sites), mapped by the `qdpx:` section; evidence from a source or selection a case "
        "covers is attributed to that participant and site",
    ),
    ("`<Users>`, coding dates", "`coder` and `coded_on` of each evidence"),
    ("`<Notes>`", "memos, kept in the import's records; no package file holds them"),
)
_QDPX_TABLE = "\n".join(f"| {element} | {becomes} |" for element, becomes in _QDPX_ROWS)

# Each tool's quirks as its real exports show them (tests/conformance), and how they are read.
_TOOLS = (
    (
        "NVivo for Windows / Mac (`NVivo for Windows 12.6`, `NVivo for Mac 15.0.0`)",
        "positions in UTF-16 code units; text files with a byte-order mark and `\\r\\n`; default project "
        "name `Untitled`; a `.docx` beside each `.txt`",
        "UTF-16 positions; the `.docx` is not read",
    ),
    (
        "ATLAS.ti (`ATLAS.ti 9`, `ATLAS.ti 26.1.2`)",
        "project file named after the project (`Trial.qde`); fresh GUIDs on every export; media kept "
        "outside the archive (`relative:///…`); memos as selection descriptions",
        "the one `.qde` is the project (warning); study and wave ids from the creation time",
    ),
    (
        "MAXQDA (`MAXQDA 24 (Release 24.7.0)`)",
        "lower-case `sources/` folder; upper-case GUIDs; no creation time; `<Sets>` of documents",
        "folder and GUIDs case-blind; ids from the project file's bytes; `<Sets>` reported",
    ),
    (
        "QualCoder (`Qualcoder-1.4`, `QualCoder 3.x`)",
        "positions in code points (Python string indices); sources may point outside the archive",
        "code-point positions; outside sources skipped and counted",
    ),
    (
        "qc (`qc 1.3.2`)",
        "positions in code points; `plainTextPath` a bare file name while the file is in `sources/`; "
        "default project name `qc project`",
        "the file is read from `sources/` (warning)",
    ),
)
_TOOLS_TABLE = "\n".join(f"| {tool} | {quirks} | {handling} |" for tool, quirks, handling in _TOOLS)


def _qdpx_section() -> str:
    limits = DEFAULT_LIMITS
    return f"""### What a REFI-QDA project becomes

A `.qdpx` is a zip holding one project file (`project.qde`, though any `*.qde` name is accepted)
and a `Sources/` folder.

| in the project | becomes |
| --- | --- |
{_QDPX_TABLE}

- The text is inline (`<PlainTextContent>`) or a UTF-8 file named by `plainTextPath="internal://NAME"`
  and read from `Sources/NAME` (the folder's letter case does not matter); a byte-order mark at the
  start of the file is not counted and line breaks are kept as written. A path that is not
  `internal://` points outside the archive: when `Sources/` holds a file of that name it is read
  from there, with a warning; otherwise the source and its coded selections are skipped and counted.
- Positions count as the producing tool (the project's `origin`) counts them, and are stored as
  code points: `text` is always exactly `source[start:end]`, never trimmed. Tools disagree only
  after a character outside the Basic Multilingual Plane (an emoji), which is one code point but
  two UTF-16 code units. For a tool not listed below, the reading that puts more selection ends on
  word boundaries is used, with a warning naming it; when no source holds such a character both
  readings agree and nothing is said. The locator keeps the tool's own positions when they differ.
- A PDF source is read through its text representation; pictures, audio and video are skipped
  with a warning. `<Links>`, `<Sets>` and `<Graphs>` have no place in the knowledge base and are
  reported as not imported.

The project is **refused**, with a message naming the file, when a member's path is absolute or
contains `..`, or a member is a symbolic link; when the archive has more than
{limits.max_members:,} members, would unpack to more than {limits.max_total_bytes // MB} MB, or a member
larger than {limits.ratio_floor_bytes // MB} MB expands more than {limits.max_ratio:g} times (a zip bomb);
when the project XML declares
entities (billion-laughs bombs, external entities that would read other files) or is not
well-formed; when a selection lies outside its text, a coding names a code missing from the code
book, or a variable value does not match its type (`Integer`, `Float`, `Boolean`, `Date`,
`DateTime`); and when a case's role cannot be mapped to a participant role.

It **warns** and goes on (the load report lists the warnings) for unknown elements (vendor
extensions), a project file not called `project.qde`, a source whose text is not in the archive,
selections without codes, selections of no text or only spaces (ATLAS.ti writes zero-length ones
to hold a comment), codings of whole documents, and media sources.

### What each tool writes, and how it is read

| tool (`origin`) | what its exports do | read as |
| --- | --- | --- |
{_TOOLS_TABLE}

tests/conformance/SOURCES.md lists the real exports these rules were checked on.
"""


def _csv_section() -> str:
    return f"""### {CODEBOOK} and {SEGMENTS}

Both files or neither: UTF-8 CSV (a byte-order mark is fine) with a header row, rows numbered as a
spreadsheet shows them.

{CODEBOOK}:

{_table(CODEBOOK_DOCS, CODEBOOK_REQUIRED)}
{SEGMENTS}:

{_table(SEGMENT_DOCS, SEGMENT_REQUIRED)}
A cell holding a `:` is taken as a full id; participants and sites it names must be defined in the
package or in a wave it requires. When `end - start` differs from the length of `text` the import
warns (tools count line breaks differently) but keeps the row.
"""


def _network_section() -> str:
    return f"""## Survey networks and their measures

`advice_ties.csv` holds a survey's edge list. After the package's rows are written, in the same
all-or-nothing step, the loader measures each site's survey network (as study 1 did in Gephi) with
networkx's definitions, computed in C by igraph, and writes the measures back. A participant's
site is its `AT` relationship. A site's survey network for the wave is the ties its participants
reported in that wave and the people and organisations they named, wherever those are (as an
edge list imported into Gephi gives it): a participant who reported no tie and was named by nobody
is not part of it and gets no measures. Measures are computed on the undirected view (a tie links
two people whichever of them reported it) with networkx's defaults (normalised, unweighted).

Every value is the wave's own and sits on a relationship to the wave, never on a node: a later
wave adds its measures beside an earlier one's, and unloading a wave removes only its own. On the
(Participant)-[:OBSERVED_IN]->(Wave) relationship of every participant of the site that is in its
network (the one participant_observations.csv made for the wave, or a new one with `source`
'{SUMMARY_SOURCE}'):

{_properties(MEASURE_DOCS)}
On the site's (Site)-[:OBSERVED_IN]->(Wave) relationship for the wave (created, with the same
`source`, when site_observations.csv has no row for the site): `survey_ties` and `survey_size`
always, and the board's values, Table 4 style, when the site has board members in the wave:

{_properties(SUMMARY_DOCS)}
Board membership and role are each participant's values in the wave: its
participant_observations.csv row where that gives them, else its participants.csv values. Board
density counts every board member of the site, with or without ties; the contacts outside the
board are grouped by participant role or organisation type id. These computed values sit beside
the published `board_density` of site_observations.csv and never replace it.

`knowledge_brokers` and `site_network` answer for one wave (`wave`, or the latest with ties at the
site: the last by phase, then start date, then id) and return it in a `wave` column; only that
wave's ties count. `wave_changes` lists how each site's values and measures differ between two
waves and counts, per property, the participants whose values changed, appeared or went;
`participant_changes` lists those participants' values for one site.

`kb export --site SITE [--wave W] --format gexf|graphml --out FILE` writes a site's survey network
of one wave (the latest with ties at the site unless `--wave` names one) for Gephi, with these
measures, in/out degree, degree centrality, the five brokerage roles and `groups_bridged` as node
attributes (lists joined with `;`) and a `FILE.provenance.json` beside it. `kb export --site SITE
--format gexf --dynamic --out FILE` writes every wave with ties at the site into one GEXF 1.3 file
for Gephi's timeline: each node and tie has a spell per wave it is in, and each wave's measures,
role and board membership are dynamic attribute values over that wave's spell. A spell is the
wave's fieldwork period when every wave has a start date and the waves do not overlap (a wave
without an end lasts to the end of its start's year, month or day), else the wave's position in
the study's order (1, 2, 3 …).

### Survey edge lists from a survey tool

A survey export may come as one CSV row per named tie; `loaders.survey.read_survey` reads it and
`advice_tie_rows` turns it into advice_ties.csv rows (the `alter_type` and `wave` columns are
checked, then dropped: the graph knows an alter's label, and the package is the wave).

{_table(SURVEY_DOCS, REQUIRED_COLUMNS)}
Each problem is reported with its row and column: empty required cells, unknown alter types or
relations, weights that are not numbers above 0, a respondent naming themself, a tie repeated (same
respondent, alter, relation and wave), and an id used once as a participant and once as an
organisation.
"""


def coded_sections() -> list[str]:
    """The page's sections on coded qualitative data and survey networks, in order."""
    return [_intro(), _qdpx_section(), _csv_section(), _network_section()]
