// name: connections_between
// title: How two entities are connected
// question: What are the shortest chains of relationships, in any direction, between two entities of the knowledge base?
// params:
//   - {name: from, type: string, default: "z13:site:A", help: "the id of any entity"}
//   - {name: to, type: string, default: "s17:case:C", help: "the id of any other entity"}
//   - {name: max_hops, type: int, default: 6, choices: [1, 2, 3, 4, 5, 6], help: "the longest chain to look for (at most 6)"}
//   - {name: limit, type: int, default: 25, help: "how many shortest paths to list"}
// columns: [path, hops, through]
// graph: true
// tags: [explore]

// allShortestPaths inside MATCH is the form both engines accept undirected (FalkorDB refuses an
// undirected shortestPath); the hop bound of a pattern must be a literal on Neo4j, so the search
// stops at 6 and $max_hops filters below that.
MATCH (a) WHERE a.id = $from
MATCH (b) WHERE b.id = $to
WITH a, b WHERE a.id <> b.id
MATCH p = allShortestPaths((a)-[rels*..6]-(b))
WITH p WHERE length(p) <= $max_hops
RETURN p AS path, length(p) AS hops, [n IN nodes(p) | coalesce(n.name, n.title, left(n.text, 80), n.id)] AS through
LIMIT $limit
