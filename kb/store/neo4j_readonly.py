"""What the Neo4j read path runs, judged from the planner's own plan (EXPLAIN), never from the text.

Three judgements, each from the summary of `EXPLAIN <query>` (which plans without executing):

1. The query type: anything but "r" (read) would write and is refused.
2. A deny list for what the planner calls a read but that acts beyond reading the knowledge base:
   LOAD CSV (the database server fetches any file or URL the reader names), TERMINATE TRANSACTIONS
   (stops other users' work, a running load included), SHOW commands other than the schema
   listings (SHOW TRANSACTIONS shows other users' queries and parameters, SHOW SETTINGS the
   server's configuration), procedures outside a small allow-list, and anything run against
   another database than the knowledge base's (`USE system …`: the summary names the database,
   and the server suffixes each operator with "@<database>"). Operators are named as in the
   Cypher manual's "Operators in detail" (Neo4j 5).
3. Whether the plan can reach a node or relationship without going through a label: an all-nodes
   or relationship-type scan, a lookup by internal id, a relationship index, an unlabelled count.
   Only such a plan could see the nodes an atomic unit has staged but not yet published (they
   carry only the staging label), so only such a plan waits for no unit to be in progress.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kb.store.neo4j_errors import READ_ONLY_REFUSAL
from kb.store.neo4j_schema import STAGED_LABEL
from kb.store.readonly_wording import LOAD_CSV, READ_PATH_SUFFIX, not_run

# Procedures a reader may call: schema listings and index queries, none of which writes or
# reaches outside the database.
READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.index.fulltext.queryNodes",
        "db.index.vector.queryNodes",
        "dbms.components",
    }
)
SCHEMA_LISTINGS = frozenset({"ShowIndexes", "ShowConstraints", "ShowFunctions", "ShowProcedures"})
DENIED = {
    "LoadCSV": LOAD_CSV,
    "TerminateTransactions": "TERMINATE TRANSACTIONS, which stops other users' work",
}
# Leaf operators that find nodes or relationships without a label (Neo4j 5 names; the Partitioned*,
# Directed* and Undirected* variants share these endings).
_UNLABELLED_NODES = frozenset({"AllNodesScan", "PartitionedAllNodesScan", "NodeByIdSeek", "NodeByElementIdSeek"})
_UNLABELLED_ENDINGS = (
    "AllRelationshipsScan",
    "RelationshipTypeScan",
    "RelationshipTypesScan",
    "RelationshipByIdSeek",
    "RelationshipByElementIdSeek",
)
_COUNTS = frozenset({"NodeCountFromCountStore", "RelationshipCountFromCountStore"})
_SUFFIX = READ_PATH_SUFFIX
SYSTEM_DATABASE = "system"


@dataclass(frozen=True)
class Operator:
    """One operator of a plan: its name, the database it was planned against, its details."""

    name: str
    database: str | None
    details: str


def operators(plan: Mapping[str, Any] | None) -> Iterator[Operator]:
    """Every operator of the plan the driver returns (`ResultSummary.plan`), root first."""
    if not plan:
        return
    kind = str(plan.get("operatorType", ""))
    name, _, database = kind.partition("@")
    args = plan.get("args") or plan.get("arguments") or {}
    yield Operator(name, database or None, str(args.get("Details", "")))
    for child in plan.get("children") or ():
        yield from operators(child)


def procedure_name(details: str) -> str:
    """The procedure a ProcedureCall operator calls: "db.labels() :: (label :: STRING)" -> "db.labels"."""
    return details.split("(", 1)[0].strip()


def refusal(query_type: str | None, plan: Mapping[str, Any] | None, database: str | None, home: str) -> str | None:
    """Why the read path must refuse a query with this EXPLAIN summary, or None when it may run."""
    if query_type != "r":
        return READ_ONLY_REFUSAL
    if database and database.lower() != home.lower():  # database names are case-insensitive
        return f"the read-only path reads only the knowledge base's database '{home}', not '{database}'{_SUFFIX}"
    for op in operators(plan):
        if op.database and op.database.lower() == SYSTEM_DATABASE != home.lower():
            return f"the read-only path reads only the knowledge base's database '{home}', not '{op.database}'{_SUFFIX}"
        if op.name in DENIED:
            return not_run(DENIED[op.name])
        if op.name.startswith("Show") and op.name not in SCHEMA_LISTINGS:
            return (
                "the read-only path runs no SHOW command but SHOW INDEXES, CONSTRAINTS, FUNCTIONS and PROCEDURES"
                + _SUFFIX
            )
        if op.name.endswith("ProcedureCall") and procedure_name(op.details) not in READ_PROCEDURES:
            return (
                f"the read-only path does not call the procedure '{procedure_name(op.details)}'; it calls only "
                + ", ".join(sorted(READ_PROCEDURES))
                + _SUFFIX
            )
    return None


def reaches_unlabelled(plan: Mapping[str, Any] | None) -> bool:
    """Whether the plan may find a node or relationship without going through one of its labels."""
    for op in operators(plan):
        if op.name in _UNLABELLED_NODES or op.name.endswith(_UNLABELLED_ENDINGS) or "RelationshipIndex" in op.name:
            return True
        if op.name in _COUNTS and "(:" not in op.details:  # "count( (:Site) )" names a label, "count( (n) )" not
            return True
        if STAGED_LABEL in op.details:
            return True
    return False
