// name: recommendations
// title: Recommendations grouped by leadership process
// question: What do the publications recommend for policy and practice, grouped by the leadership process each recommendation serves (study 1 Box 1)?
// params:
//   - {name: study, type: string, default: "", optional: true, help: "a study's id; empty for every study",
//      choices_query: "MATCH (p:Publication)-[rr:RECOMMENDS]->(r:Recommendation) RETURN DISTINCT r.study AS value ORDER BY value"}
// columns: [study, publication, process, count, titles, recommendations]
// tags: [policy]

// One row per publication and process; titles and ids are in id order.
MATCH (pub:Publication)-[rr:RECOMMENDS]->(r:Recommendation)
WHERE coalesce($study, '') = '' OR r.study = $study
WITH pub, r ORDER BY r.id
WITH pub, r.process AS process, collect(r.title) AS titles, collect(r.id) AS recommendations
RETURN pub.study AS study, pub.id AS publication, process, size(titles) AS count, titles, recommendations
ORDER BY study, publication, process
