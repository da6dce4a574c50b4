// name: neighbourhood
// title: Everything around one entity
// question: What is connected to an entity within one or two steps, in either direction (for the graph explorer)?
// params:
//   - {name: id, type: string, default: "z13:site:A", help: "the id of any entity"}
//   - {name: hops, type: int, default: 1, choices: [1, 2], help: "how many steps out to go"}
//   - {name: limit, type: int, default: 200, help: "how many paths to list, nearest first"}
// columns: [path, hops, label, id, name]
// graph: true
// tags: [explore]

// The pattern's hop bound must be a literal on Neo4j, so it is 2 and $hops filters below it.
MATCH (n) WHERE n.id = $id
MATCH p = (n)-[rels*1..2]-(m)
WHERE length(p) <= $hops
RETURN p AS path, length(p) AS hops, labels(m)[0] AS label, m.id AS id, coalesce(m.name, m.title, left(m.text, 80), m.id) AS name
ORDER BY hops, label, id
LIMIT $limit
