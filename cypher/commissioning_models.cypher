// name: commissioning_models
// title: Models of primary-care-led commissioning
// question: >
//   Which models of primary-care-led commissioning came before CCGs, in what order, how were they
//   coordinated and governed, and what were their strengths and weaknesses (study 1 Table 1 and Figure 1)?
// columns: [position, model, name, abbreviation, start_year, end_year, coordinating_mechanism, key_features, weaknesses,
//           governance, followed_by, evidence]
// tags: [policy]

// `position` is the model's place in the FOLLOWED_BY timeline (how many models came before it),
// because start years are not known for every model; `evidence` counts the evidence and
// findings that are about the model.
MATCH (m:CommissioningModel)
OPTIONAL MATCH (earlier:CommissioningModel)-[chain:FOLLOWED_BY*1..10]->(m)
WITH m, count(DISTINCT earlier) + 1 AS position
OPTIONAL MATCH (m)-[f:FOLLOWED_BY]->(next:CommissioningModel)
WITH m, position, head(collect(next.abbreviation)) AS followed_by
OPTIONAL MATCH (x)-[ab:ABOUT]->(m)
WITH m, position, followed_by, count(DISTINCT x) AS evidence
RETURN position, m.id AS model, m.name AS name, m.abbreviation AS abbreviation, m.start_year AS start_year,
       m.end_year AS end_year, m.coordinating_mechanism AS coordinating_mechanism, m.key_features AS key_features,
       m.weaknesses AS weaknesses, m.governance AS governance, followed_by, evidence
ORDER BY position, coalesce(start_year, 9999), name
