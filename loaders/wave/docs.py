"""docs/wave-format.md, generated from the format's own declarations so it cannot drift from them.

`render_markdown()` builds the page from spec.py (files, columns, relationships, the id length
limit), manifest.py (the keys of wave.yaml), values.py (cell types, the range of whole numbers),
source.py (zip limits), docs_coded.py (coded qualitative data, survey networks and their
measures) and docs_reports.py (load reports, refusals, history and root causes). Regenerate the
page with `python -m loaders.wave.docs`; a test fails while the committed page differs from this
output.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from kb.errors import QUOTE_LIMIT
from loaders.wave.docs_coded import coded_sections
from loaders.wave.docs_reports import report_sections
from loaders.wave.manifest import FIELDS, FORMAT_VERSION
from loaders.wave.reader import file_columns
from loaders.wave.source import ZIP_MAX_BYTES, ZIP_MAX_MEMBERS, ZIP_MAX_RATIO
from loaders.wave.spec import MAX_ID_LENGTH, NODE_FILES, REL_FILES, Column, NodeFile, RelFile
from loaders.wave.validate import a_label
from loaders.wave.values import INT_MAX, INT_MIN, LIST_SEPARATOR, TYPE_DOCS
from loaders.wave.yaml_check import MAX_DEPTH

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "wave-format.md"

EXAMPLE_MANIFEST = f"""format: {FORMAT_VERSION}
study:
  id: t01
  title: "Test study 01: two fictional commissioning groups"
wave:
  id: t01-w2
  title: "Second round: follow-up survey and a new site"
  started: 2015
  ended: 2015-12-31
  design: "fictional multisite case study"
  phase: 2
figures: {{sites: 2, interviews: 14, response_rate: 0.82}}
requires: [t01-w1]
publications: [t01:pub:report]
sources:
  - {{id: report, title: "Test study 01, first report (fictional)"}}
citations:
  - {{file: references/report-refs.txt, format: pmc, cited_by: t01:pub:report}}"""

INTRO = f"""# Wave package format

<!-- Generated from loaders/wave/spec.py by `python -m loaders.wave.docs`; do not edit by hand. -->

A wave is one round of a study's data, loaded and unloaded as a whole. A wave package is a folder,
or a .zip of one, holding `wave.yaml`, any of the CSV files below, and coded qualitative data (a
REFI-QDA `.qdpx` project and/or `codebook.csv` with `coded_segments.csv`; see Coded qualitative
data). Every file is optional; a file the format does not know is refused. `kb validate <package>`
checks a package without writing anything; `kb load <package>` writes it in one all-or-nothing step.

CSV files are UTF-8 (a byte-order mark is fine), comma-delimited, with a header row and RFC 4180
quoting: quote a cell that holds a comma, a quote (doubled: `""`) or a line break. Columns may come
in any order. An empty cell means "unknown" and is allowed unless the column is required. List cells
separate their values with `{LIST_SEPARATOR}`.

Problems are reported with file, row and column. **Row numbers count CSV records with the header as
row 1**, so the first data row is row 2, as a spreadsheet shows it; a quoted cell with a line break
inside does not shift the rows after it. Every problem in the package is reported at once, and a
package with any problem writes nothing.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _manifest_section() -> str:
    rows = "\n".join(f"| `{f.path}` | {f.type} | {'yes' if f.required else ''} | {_cell(f.doc)} |" for f in FIELDS)
    return (
        "## wave.yaml\n\n"
        "| key | type | required | meaning |\n| --- | --- | --- | --- |\n" + rows + "\n\n"
        "Keys are letters, digits, `.`, `_` and `-`. Unknown keys are refused, so a misspelt key cannot be "
        "silently ignored. Problems in wave.yaml name the line.\n\n"
        "```yaml\n" + EXAMPLE_MANIFEST + "\n```\n"
    )


def _types_section() -> str:
    rows = "\n".join(f"| `{name}` | {_cell(doc)} |" for name, doc in TYPE_DOCS.items())
    return "## Cell types\n\n| type | what the cell holds |\n| --- | --- |\n" + rows + "\n"


def _values(column: Column) -> str:
    if column.choices:
        return ", ".join(f"`{choice}`" for choice in column.choices)
    if column.ref:
        return "id of " + a_label(column.ref)
    return ""


def _column_table(columns: tuple[Column, ...]) -> str:
    head = "| column | type | required | values | notes |\n| --- | --- | --- | --- | --- |\n"
    return (
        head
        + "\n".join(
            f"| `{c.name}` | {c.type} | {'yes' if c.required else ''} | {_values(c)} | {_cell(c.doc)} |"
            for c in columns
        )
        + "\n"
    )


def _node_file(spec: NodeFile) -> str:
    rels = []
    if spec.study_rel:
        rels.append(f"(Study)-[:{spec.study_rel}]->({spec.label}) for every row")
    for link in spec.links:
        ends = " or ".join(next(c for c in spec.columns if c.name == link.column).ref)
        pattern = (
            f"({ends})-[:{link.rel}]->({spec.label})" if link.reverse else f"({spec.label})-[:{link.rel}]->({ends})"
        )
        rels.append(f"{pattern} for each id in `{link.column}`")
    made = "".join(f"- {rel}\n" for rel in rels)
    return (
        f"### {spec.file} → {spec.label}\n\n{spec.doc[0].upper()}{spec.doc[1:]}.\n\n"
        + _column_table(spec.columns)
        + (f"\nRelationships it makes:\n\n{made}" if made else "")
    )


def _rel_file(spec: RelFile) -> str:
    start = " or ".join(spec.start.ref)
    end = "the loading Wave" if spec.end.type == "wave" else " or ".join(spec.end.ref)
    props = [c.name for c in spec.columns if c.name != "locator"]
    text = (
        f"### {spec.file} → ({start})-[:{spec.rel}]->({'Wave' if spec.end.type == 'wave' else end})\n\n"
        f"{spec.doc[0].upper()}{spec.doc[1:]}. Each row is one relationship from `{spec.start.name}` to {end}"
        + (f" (`{spec.end.name}`)" if spec.end.type != "wave" else "")
        + (f"; the other columns ({', '.join(props)}) become its properties" if props else "")
        + ".\n\n"
    )
    rules = []
    if spec.distinct_ends:
        rules.append(f"a row may not name the same id as `{spec.start.name}` and `{spec.end.name}`")
    if spec.unique_by:
        named = ", ".join(f"`{name}`" for name in (spec.start.name, spec.end.name, *spec.unique_by))
        rules.append(f"no two rows may have the same {named}")
    rules += [f"`{c.name}` must be above 0 when given" for c in spec.columns if c.positive]
    if rules:
        text += "In one wave, " + "; ".join(rules) + ".\n\n"
    return text + _column_table(file_columns(spec))


RULES = f"""## What loading writes

- Every entity gets `study` (the manifest's study.id), `waves` (the waves that define it), `source`
  (`<file> row <n>`) and `locator` (its `locator` cell). Reference columns become relationships,
  not properties.
- Every relationship gets `wave`, `source` and `locator`.
- Besides the relationships listed per file, a load writes (Study)-[:HAS_WAVE]->(Wave) and
  (Wave)-[:REPORTED_IN]->(Publication) for each id under `publications`.
- The Wave node holds the manifest's title, dates, design and phase, `figure_<name>` for each entry
  of `figures` (e.g. `figure_gps`), `locators` (`name: locator` items, from
  `figure_locators`), `status` ('loaded'), `loaded_at` (UTC, ISO 8601), `source_hash`
  (sha256 over the names and contents of wave.yaml, the CSV files, the coded data files and the
  citation files), `counts` (JSON: what the wave holds, per label and relationship type: the
  entities it defines, shared ones too, the relationships it wrote, and its reference lists'
  citations, works, authors and authorships) and `history` (JSON: every load of the wave, see
  Reports, refusals and history).
- A package with advice ties also gets survey network measures on its participants' and sites'
  OBSERVED_IN to the wave (see Survey networks and their measures).

## Sharing, reloading and unloading

- A reference may point to an entity of this package or of a wave listed under `requires`, which
  must be loaded first.
- A package may define an entity another loaded wave already defines only if every property and
  reference is identical; both waves then share it (`waves` lists both). Values that change
  between waves belong to the wave: site_observations.csv (one row per site) and
  participant_observations.csv (one row per participant) hold them on the entity's OBSERVED_IN to
  the loading wave, so a panel's participants can change board seat or role from wave to wave.
- Loading the same package again changes nothing (status `unchanged`). Loading changed files replaces
  the wave's previous version (status `updated`, with what changed); this is refused while another
  loaded wave requires it.
- Unloading deletes the wave's relationships (its per-wave values and measures with them) and the
  entities only it defines; shared entities stay with their other waves. It is refused while
  another loaded wave requires the wave. `kb unload` reports both sides (`--format json` as
  `changes`): what was removed, and as updated the shared entities that stay without the wave's
  name and the defining relationships (a site's `STUDIED`, `IN_REGION`) that pass to one of
  their other waves.

## Zip packages

A zip may hold the package at its top or inside one top folder (a package nested deeper is refused,
naming its folder: see Root causes first). It is read in place, never
extracted, and refused when it has more than {ZIP_MAX_MEMBERS} members, unpacks to more than
{ZIP_MAX_BYTES // (1024 * 1024)} MB, has a member that inflates more than {ZIP_MAX_RATIO} times, or has
a member with an absolute path, a `..` in its path, a symbolic link or a password.
"""


LIMITS = f"""## Limits

- An id has at most {MAX_ID_LENGTH} characters, and so do `study.id`, `wave.id`, the entries of
  `requires` and `publications`, and indexed values (a publication's `doi`). Ids are unique keys:
  the embedded engine (FalkorDB 4.16) stops altogether on a unique key longer than 4,096 bytes of
  UTF-8 (measured), so the loader refuses long ids well before that, leaving room for characters of
  several bytes and for the prefixes of ids made from other keys (`<study>:evidence:<GUID>`).
- A whole number (an `int` cell, `wave.phase`, a figure) lies between {INT_MIN} and {INT_MAX}:
  numbers are stored as 64-bit integers, and a larger one is refused, never rounded or clipped.
- A cell holds at most {csv.field_size_limit():,} characters (the CSV reader's limit) and no NUL character.
- wave.yaml nests lists and mappings at most {MAX_DEPTH} levels deep, holds no NUL character, and
  its dates are dates of the calendar (`2013-02-30` and an hour 25 are refused).
- A problem quotes at most {QUOTE_LIMIT} characters of the value it is about, on one line (a line
  break inside the value is shown as `\\n`).
"""


def render_markdown() -> str:
    """The full text of docs/wave-format.md."""
    parts = [INTRO, _manifest_section(), _types_section(), LIMITS, "## Entity files\n"]
    parts += [_node_file(spec) for spec in NODE_FILES]
    parts += ["## Relationship files\n"] + [_rel_file(spec) for spec in REL_FILES]
    parts += coded_sections()
    parts.append(RULES)
    parts += report_sections()
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write the page (or the path given) from the current declarations."""
    parser = argparse.ArgumentParser(prog="python -m loaders.wave.docs", description=main.__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DOC_PATH, help=f"where to write (default {DOC_PATH})")
    target = parser.parse_args(argv).path
    target.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
