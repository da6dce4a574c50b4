"""Write and admin attempts that every read path must refuse (the table of tests/test_readonly.py).

WRITES must be refused as writes (ReadOnlyViolation) on every engine, and each engine's own DDL
(FALKORDB_WRITES, NEO4J_WRITES) on that engine; on the other engine it is another dialect's
statement, refused as any engine error. OTHER_REFUSALS may be refused as any engine error:
multi-statement tricks, procedures of other products, admin commands. READ_SHAPED_ACTIONS are what
Neo4j's planner calls reads although they act beyond the knowledge base's data (the database host
fetches a file or URL): both read paths must refuse them as read-only violations, by the plan's
LOAD CSV operator. NEO4J_OTHER_REFUSALS are Neo4j's transaction, SHOW and
system-database commands, refused by the deny list or by the server. Either way the data must be
unchanged. `writes_for(kind)` and `others_for(kind)` give an engine's tables.
"""

WRITES = [
    "CREATE (n:Site {id: 'evil'})",
    "CREATE (a:Site {id:'e1'})-[:AT]->(b:Site {id:'e2'})",
    "MERGE (n:Site {id: 'evil'})",
    "MERGE (n:Site {id: 'z:site:1'}) ON MATCH SET n.name = 'x'",
    "MATCH (n:Site) SET n.name = 'hacked'",
    "MATCH (n:Site) SET n += {name: 'hacked'}",
    "MATCH (n:Site) SET n = {}",
    "MATCH (n:Site) SET n:Theme",
    "MATCH (n:Site) REMOVE n.name",
    "MATCH (n:Site) REMOVE n:Site",
    "MATCH (n) DELETE n",
    "MATCH (n) DETACH DELETE n",
    "MATCH ()-[r]->() DELETE r",
    "MATCH (n:Site {id:'z:site:1'}) DETACH DELETE n RETURN count(*)",
    "MATCH (n) WITH n LIMIT 1 DETACH DELETE n",
    "UNWIND range(1, 10) AS i CREATE (:Site {id: toString(i)})",
    "UNWIND [1] AS i MERGE (:Region {id: 'r'})",
    "FOREACH (i IN [1,2] | CREATE (:Site {id: toString(i)}))",
    "MATCH (n:Site) FOREACH (x IN [1] | SET n.name = 'f')",
    "MATCH (n:Site) WITH n CREATE (n)-[:AT]->(n)",
    "OPTIONAL MATCH (n:Site) CREATE (:Site {id: 'opt'})",
    "MATCH (n:Site) RETURN n UNION MATCH (m:Site) SET m.name = 'u' RETURN m AS n",
    "CALL { CREATE (:Site {id: 'sub'}) } RETURN 1",
    "MATCH (n:Site) CALL { WITH n SET n.name = 'sub' } RETURN n",
    "MATCH (n:Site) // harmless comment\nSET n.name = 'after comment'",
    "/* a read */ CREATE (:Site {id: 'after block comment'})",
    "CREATE INDEX FOR (n:Theme) ON (n.name)",
    "LOAD CSV FROM 'file:///etc/passwd' AS row CREATE (:Site {id: row[0]})",
    "LOAD CSV WITH HEADERS FROM 'file:///etc/hosts' AS row MERGE (:Site {id: row.x})",
    "MATCH (n:Site) WHERE n.id = 'z:site:1' SET n.population = 1 RETURN n",
    "WITH 1 AS x CREATE (:Site {id: 'with'})",
    "MATCH (n:Site) WITH n ORDER BY n.id LIMIT 1 SET n.name = 'first'",
    "MATCH (a:Site), (b:Site) WHERE a <> b MERGE (a)-[:AT]->(b)",
    "MATCH (a:Site)-[r:IN_REGION]->(b) SET r.wave = 'x'",
    "MATCH (a:Site)-[r:IN_REGION]->(b) REMOVE r.wave",
    "MATCH p = (a:Site)-[r]->(b) FOREACH (x IN relationships(p) | DELETE x)",
    "CREATE (n:Site {id: $id})",
    "MERGE (n:Site {id: $id}) SET n.name = $name",
    "MATCH (n:Site {id: $id}) SET n.name = $name",
    "UNWIND $rows AS row CREATE (:Site {id: row.id})",
]

OTHER_REFUSALS = [
    "RETURN 1; CREATE (:Site {id: 'second statement'})",
    "MATCH (n:Site) RETURN n; MATCH (n) DETACH DELETE n",
    "CREATE FULLTEXT INDEX FOR (n:Evidence) ON EACH [n.text]",
    "CREATE CONSTRAINT FOR (n:Site) REQUIRE n.name IS UNIQUE",
    "DROP CONSTRAINT site_id",
    "CALL db.clearQueryCache()",
    "CALL dbms.security.createUser('x', 'y', false)",
    "CALL apoc.create.node(['Site'], {id: 'apoc'})",
    "MATCH (n:Site) CALL apoc.refactor.rename.label('Site', 'Gone') YIELD total RETURN total",
    "CREATE DATABASE evil",
    "STOP DATABASE neo4j",
    "GRANT WRITE ON GRAPH * TO PUBLIC",
]

# The embedded engine's index DDL: FalkorDB's own forms.
FALKORDB_WRITES = [
    "CREATE INDEX ON :Theme(name)",
    "DROP INDEX ON :Site(id)",
    "DROP INDEX FOR (n:Site) ON (n.id)",
    "CALL db.idx.fulltext.createNodeIndex('Evidence', 'text')",
    "CALL db.idx.fulltext.drop('Evidence')",
    "CREATE VECTOR INDEX FOR (n:Evidence) ON (n.embedding) OPTIONS {dimension: 2, similarityFunction: 'euclidean'}",
]

# Neo4j 5's schema commands (the planner gives them query type "s").
NEO4J_WRITES = [
    "CREATE INDEX theme_name IF NOT EXISTS FOR (n:Theme) ON (n.name)",
    "CREATE TEXT INDEX evidence_text FOR (n:Evidence) ON (n.text)",
    "DROP INDEX site_study",
    "DROP INDEX site_study IF EXISTS",
    "CREATE CONSTRAINT theme_name FOR (n:Theme) REQUIRE n.name IS UNIQUE",
    "CREATE VECTOR INDEX evidence_embedding FOR (n:Evidence) ON (n.embedding) "
    "OPTIONS {indexConfig: {`vector.dimensions`: 2, `vector.similarity_function`: 'euclidean'}}",
]

READ_SHAPED_ACTIONS = [
    "LOAD CSV FROM 'http://127.0.0.1:9/kb.csv' AS row RETURN row",
    "LOAD CSV WITH HEADERS FROM 'file:///etc/hosts' AS row RETURN row.x AS x",
]

# Refused on Neo4j as any engine error: by the deny list when the server plans them in a read
# transaction, else by the server itself (transaction and system-database commands). Were the deny
# list to let one through, it would run and return rows, and the test would fail.
NEO4J_OTHER_REFUSALS = [
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "SHOW TRANSACTIONS",
    "SHOW SETTINGS",
    "USE system SHOW USERS",
    "USE system SHOW DATABASES",
]


def writes_for(kind: str) -> list[str]:
    """The attempts `kind`'s read path must refuse as writes."""
    return WRITES + (NEO4J_WRITES if kind == "neo4j" else FALKORDB_WRITES)


def others_for(kind: str) -> list[str]:
    """The attempts `kind`'s read path must refuse as any engine error."""
    if kind == "neo4j":
        return OTHER_REFUSALS + FALKORDB_WRITES + NEO4J_OTHER_REFUSALS
    return OTHER_REFUSALS + NEO4J_WRITES + NEO4J_OTHER_REFUSALS + READ_SHAPED_ACTIONS


PARAMS = {"id": "z:site:1", "name": "hacked", "rows": [{"id": "r1"}, {"id": "r2"}]}
