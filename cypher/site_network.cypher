// name: site_network
// title: The advice network around a site
// question: Who do the participants of a site go to for advice, collaboration or knowledge, as the survey recorded it?
// params:
//   - {name: site, type: string, default: "z13:site:A", help: "a site's id",
//      choices_query: "MATCH (p:Participant)-[a:AT]->(s:Site) RETURN DISTINCT s.id AS value, s.name AS label ORDER BY value"}
//   - {name: relation, type: string, default: "", help: "only ties of this kind; empty for every kind",
//      choices: [advice, collaboration, knowledge]}
// columns: [respondent, tie, alter, relation, weight]
// graph: true
// tags: [network, participants]

MATCH (p:Participant)-[a:AT]->(s:Site {id: $site})
MATCH (p)-[t:ADVISED_BY]->(x)
WHERE coalesce($relation, '') = '' OR t.relation = $relation
RETURN p AS respondent, t AS tie, x AS alter, t.relation AS relation, t.weight AS weight
ORDER BY p.id, x.id
