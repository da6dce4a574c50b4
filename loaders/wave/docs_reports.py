"""The parts of docs/wave-format.md about what a load reports: the JSON report, refusals, the
history of a wave, and root causes first. docs.py assembles the page."""

from __future__ import annotations

import json

from loaders.report import Changes
from loaders.wave.history import entry
from loaders.wave.manifest import MANIFEST

REPORT = """## Reports, refusals and history

`kb load` prints what the load changed, per label and relationship type: elements `created`,
`updated` (there before and after, with other properties) and `removed`. `kb load --format json`
prints the same report on stdout (loaders/report.py lists every field):

```json
{"wave": "t01-w3", "status": "updated",
 "changes": {"created": {}, "updated": {"OBSERVED_IN": 1}, "removed": {}},
 "warnings": [{"message": "...", "count": null, "file": "...", "row": 3, "column": "..."}], ...}
```

- `status` is `loaded` (a new wave), `updated` (changed files replaced the loaded version) or
  `unchanged` (the very same files again, or new files that change nothing in the graph).
- An update is compared element by element: a node by its label and id, a relationship by its type
  and the ids of its ends, each with its properties. A one-cell correction is one updated element;
  an unchanged reload reports nothing. What a load records about itself on its Wave (status, time,
  hash, counts, history) and which waves co-own an entity are not changes; an entity another wave
  shares stays, and is not counted either. Decimals are compared to a relative 1e-12.
- Every element the wave writes is counted, the survey measures' OBSERVED_IN and the citation
  subgraph its reference lists change (works, authors, CITES, AUTHORED_BY, POSSIBLY_SAME) included;
  a work another list cites too is `updated` when this wave's lists add to its citations.

A refusal writes nothing and exits with code 2; with `--format json` it is printed on stdout as

```json
{"status": "refused", "problems": [{"file": "sites.csv", "row": 2, "column": "region", "message": "..."}]}
```

with a problem for each mistake (a summary line has no row or column; see Root causes first). A
runtime failure (exit code 1) has status `failed`. `kb validate PATH --format json` prints the
same problems, or `{"status": "valid", "wave": ..., "study": ..., "rows": {file: rows},
"warnings": [...]}`.

Each wave keeps its versions: every load (first load, update, unchanged reload) adds an entry to
the Wave's `history`. `kb waves --history WAVE` lists them newest first, and
`kb waves --history WAVE --format json` prints them as a JSON list of entries such as

```json
{entry}
```

The app's overview shows the same history. Unloading a wave removes it with its history.
"""

# (mistake, the line that names it and what follows from it), one row of the page's table each
_CAUSE_ROWS = (
    (
        "a file written with `;`, tabs or `\\|` between its cells (its header splits into more of the "
        "file's columns than with commas)",
        "`sites.csv, row 1: this file looks ';'-separated; the wave format uses commas, …`; references to "
        "the ids it would define follow from it",
    ),
    ("a file saved as UTF-16", "`sites.csv: is saved as UTF-16; save it as UTF-8 …`; the same"),
    (
        "a package in a folder deeper than a zip's (or the folder's) one top folder",
        "`t01.zip: the package is in folder 'export/t01-w1/' inside the archive; …`, and nothing else is checked",
    ),
    (
        f"a misspelt {MANIFEST} key",
        f"`{MANIFEST}: line 5: unknown key 'require'; did you mean requires?`; what the missing key leaves "
        "unknown follows from it",
    ),
    (
        "an id that a loaded wave defines, which `requires` does not list",
        "`participants.csv, row 2, column 'site': 's17:case:A' is defined by loaded wave s17-cases; add it to "
        "requires`; every other reference into that wave follows from it",
    ),
)
_CAUSE_TABLE = "\n".join(f"| {mistake} | {line} |" for mistake, line in _CAUSE_ROWS)

CAUSES = f"""## Root causes first

Some mistakes make many problems of their own; each is reported as one line naming the cause and
the fix, and the problems that only follow from it as one more line (`N more problems follow from
this … and are not listed`):

| mistake | the line that names it |
| --- | --- |
{_CAUSE_TABLE}

`kb validate` and `kb load` ask the knowledge base which loaded wave defines an id the package
cannot resolve; without one (validating a package on its own) each such reference is its own
problem.
"""


def report_sections() -> list[str]:
    """The sections about reports, refusals, history and root causes."""
    example = entry("updated", "9f2c…", Changes(updated={"OBSERVED_IN": 1}), "2016-04-01T10:15:00+00:00")
    return [REPORT.replace("{entry}", json.dumps(example, ensure_ascii=False)), CAUSES]
