// name: site_network
// title: The advice network around a site
// question: Who do the participants of a site go to for advice, collaboration or knowledge, as the survey recorded it?
// params:
//   - {name: site, type: string, default: "z13:site:A", help: "a site's id",
//      choices_query: "MATCH (p:Participant)-[a:AT]->(s:Site) RETURN DISTINCT s.id AS value, s.name AS label ORDER BY value"}
//   - {name: relation, type: string, default: "", optional: true, help: "only ties of this kind; empty for every kind",
//      choices: [advice, collaboration, knowledge]}
//   - {name: limit, type: int, default: 500,
//      help: "how many ties to list, the strongest (highest weight) first; a national CCG has about 2,000"}
// columns: [respondent, tie, alter, relation, weight]
// graph: true
// tags: [network, participants]

// Each row carries two whole nodes and a relationship, which is what the graph picture needs and
// what makes a row costly to send; `limit` keeps the strongest ties (a tie without a weight
// counts as weakest), listed by respondent and alter. The last ORDER BY names the returned
// columns: on FalkorDB 4.16, `ORDER BY p.id` after `WITH … LIMIT` left the rows unsorted.
MATCH (s:Site {id: $site})
MATCH (p:Participant)-[a:AT]->(s)
MATCH (p)-[t:ADVISED_BY]->(x)
WHERE coalesce($relation, '') = '' OR t.relation = $relation
WITH p, t, x
ORDER BY coalesce(t.weight, 0.0) DESC, p.id, x.id
LIMIT $limit
RETURN p AS respondent, t AS tie, x AS alter, t.relation AS relation, t.weight AS weight
ORDER BY respondent.id, alter.id
