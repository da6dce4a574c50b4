// name: site_network
// title: The advice network around a site
// question: >
//   Who do the participants of a site go to for advice, collaboration or knowledge in one survey
//   wave, as the survey recorded it?
// params:
//   - {name: site, type: string, default: "z13:site:A", help: "a site's id",
//      choices_query: "MATCH (s:Site) WHERE (s)<-[:AT]-(:Participant) RETURN s.id AS value, s.name AS label ORDER BY value"}
//   - {name: wave, type: string, default: "", optional: true,
//      help: "the survey wave; empty for the latest wave with ties at the site",
//      choices_query: "MATCH (w:Wave) RETURN w.id AS value, w.title AS label ORDER BY value"}
//   - {name: relation, type: string, default: "", optional: true, help: "only ties of this kind; empty for every kind",
//      choices: [advice, collaboration, knowledge]}
//   - {name: limit, type: int, default: 500,
//      help: "how many ties to list, the strongest (highest weight) first; a national CCG has about 2,000"}
// columns: [respondent, tie, alter, relation, weight, wave]
// graph: true
// tags: [network, participants, waves]

// Only the ties of the one wave count; a site without a survey network in it gives no rows. The
// latest wave is the last by phase, then start date, then id, among the waves whose measures
// reached the site (its OBSERVED_IN carries `survey_ties`). Each row carries two whole nodes and a
// relationship, which is what the graph picture needs and what makes a row costly to send; `limit`
// keeps the strongest ties (a tie without a weight counts as weakest), listed by respondent and
// alter. The last ORDER BY names the returned columns: on FalkorDB 4.16, `ORDER BY p.id` after
// `WITH … LIMIT` left the rows unsorted.
MATCH (s:Site {id: $site})-[so:OBSERVED_IN]->(w:Wave)
WHERE so.survey_ties IS NOT NULL AND (coalesce($wave, '') = '' OR w.id = $wave)
WITH s, w
ORDER BY coalesce(w.phase, 0) DESC, coalesce(w.started, '') DESC, w.id DESC
LIMIT 1
MATCH (p:Participant)-[a:AT]->(s)
MATCH (p)-[t:ADVISED_BY]->(x)
WHERE t.wave = w.id AND (coalesce($relation, '') = '' OR t.relation = $relation)
WITH w, p, t, x
ORDER BY coalesce(t.weight, 0.0) DESC, p.id, x.id
LIMIT $limit
RETURN p AS respondent, t AS tie, x AS alter, t.relation AS relation, t.weight AS weight, w.id AS wave
ORDER BY respondent.id, alter.id
