"""What an archive says about itself: its README for a person and its RO-Crate for a repository."""

from __future__ import annotations

import json
from typing import Any

from kb.backup.format import MANIFEST, README, RO_CRATE

_README = """# A ccg-kb knowledge base archive

{what}

Written {created} by ccg-kb {project} from {engine}; knowledge model version {model}.
It holds {nodes} nodes and {rels} relationships{waves}.

## What is inside

- `manifest.json`: the waves (with their source hashes and load history), reviewers' merge and
  split decisions on cited works, the element counts, and a SHA-256 checksum of every other file.
- `nodes/<Label>.jsonl`: one node a line, as JSON: `id` (its knowledge-base id), `labels` and
  `properties`, which include its provenance (`study`, `waves`, `source` file and row, `locator`).
- `relationships/<TYPE>.jsonl`: one relationship a line: `type`, `start_label` and `start` (the
  start node's id), `end_label` and `end`, and `properties` (its `wave`, `source`, `locator`).
- `ro-crate-metadata.json`: the same description for repositories that index RO-Crates.

## How to open it

Into a knowledge base (the embedded engine, or Neo4j with `--uri`), which must be empty:

    kb restore {name}

Without ccg-kb, with pandas alone:

    import zipfile, pandas as pd
    archive = zipfile.ZipFile("{name}")
    sites = pd.read_json(archive.open("nodes/Site.jsonl"), lines=True)
    sites = pd.concat([sites.drop(columns="properties"), pd.json_normalize(sites["properties"])], axis=1)
    ties = pd.read_json(archive.open("relationships/ADVISED_BY.jsonl"), lines=True)

Check the files against the checksums with `sha256sum` and the `members` of `manifest.json`.
"""


def readme(manifest: dict[str, Any], name: str) -> str:
    subset = manifest.get("subset")
    if subset:
        what = (
            "The part of a knowledge base behind the waves "
            + ", ".join(subset["requested"])
            + (
                " (with the waves they require: " + ", ".join(subset["added_because_required"]) + ")"
                if subset["added_because_required"]
                else ""
            )
            + ": their nodes and relationships, and the shared entities they use. A node other waves also "
            "define lists only these waves under `waves`."
        )
    else:
        what = "A whole knowledge base: every node and relationship it held when the archive was written."
    waves = [wave["id"] for wave in manifest["waves"]]
    engine = manifest["engine"]
    return _README.format(
        what=what,
        created=manifest["created_at"],
        project=manifest["project_version"],
        engine=f"{engine.get('engine')} {engine.get('version') or ''}".strip(),
        model=manifest["schema_version"],
        nodes=sum(manifest["counts"]["nodes"].values()),
        rels=sum(manifest["counts"]["relationships"].values()),
        waves=f", from the waves {', '.join(waves)}" if waves else "",
        name=name,
    )


def ro_crate(manifest: dict[str, Any], members: dict[str, dict[str, Any]]) -> str:
    """RO-Crate 1.1 metadata: the archive as a Dataset and each data file as a File with its checksum."""
    files = [
        {
            "@id": member,
            "@type": "File",
            "name": member,
            "encodingFormat": "application/x-ndjson" if member.endswith(".jsonl") else "text/markdown",
            "contentSize": str(entry["bytes"]),
            "sha256": entry["sha256"],
        }
        for member, entry in sorted(members.items())
    ]
    files.append({"@id": MANIFEST, "@type": "File", "name": MANIFEST, "encodingFormat": "application/json"})
    subset = manifest.get("subset")
    waves = ", ".join(wave["id"] for wave in manifest["waves"]) or "no waves"
    root = {
        "@id": "./",
        "@type": "Dataset",
        "name": "ccg-kb knowledge base" + (f" behind the waves {', '.join(subset['requested'])}" if subset else ""),
        "description": (
            "Nodes and relationships of a ccg-kb graph knowledge base of research on GP-led clinical commissioning, "
            f"as JSON Lines ({waves}); see {README}."
        ),
        "datePublished": manifest["created_at"],
        "hasPart": [{"@id": entry["@id"]} for entry in files],
    }
    crate = {
        "@context": "https://w3id.org/ro/crate/1.1/context",
        "@graph": [
            {
                "@id": RO_CRATE,
                "@type": "CreativeWork",
                "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
                "about": {"@id": "./"},
            },
            root,
            *files,
        ],
    }
    return json.dumps(crate, indent=2, ensure_ascii=False) + "\n"
