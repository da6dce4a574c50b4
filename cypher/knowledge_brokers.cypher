// name: knowledge_brokers
// title: Knowledge brokers of a site
// question: >
//   Who at a site sits where advice flows, ranked by betweenness centrality and then by degree
//   from the loaded survey network?
// params:
//   - {name: site, type: string, default: "z13:site:A", help: "a site's id",
//      choices_query: "MATCH (p:Participant)-[a:AT]->(s:Site) RETURN DISTINCT s.id AS value, s.name AS label ORDER BY value"}
//   - {name: limit, type: int, default: 10, help: "how many participants to list"}
// columns: [rank_betweenness, participant, name, role, board_member, betweenness, degree, closeness, ties]
// tags: [network, participants]

// betweenness, degree and closeness are the measures the survey loader stores on each
// participant; `ties` counts the distinct people and organisations a participant is linked
// to by ADVISED_BY in either direction, so a network without stored measures still ranks.
MATCH (p:Participant)-[a:AT]->(s:Site {id: $site})
OPTIONAL MATCH (p)-[r:ADVISED_BY]-(x)
WITH p, count(DISTINCT x) AS ties
WITH p, ties ORDER BY coalesce(p.betweenness, 0.0) DESC, coalesce(p.degree, ties) DESC, p.name
LIMIT $limit
WITH collect({p: p, ties: ties}) AS ranked
UNWIND range(1, size(ranked)) AS rank
WITH rank, ranked[rank - 1] AS entry
RETURN rank AS rank_betweenness, entry.p.id AS participant, entry.p.name AS name, entry.p.role AS role,
       entry.p.board_member AS board_member, entry.p.betweenness AS betweenness, entry.p.degree AS degree,
       entry.p.closeness AS closeness, entry.ties AS ties
ORDER BY rank_betweenness
