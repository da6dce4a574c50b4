// name: publications
// title: The publications behind a study
// question: Which publications report a study's data (every loaded study's when none is chosen)?
// params:
//   - {name: study, type: string, default: "", optional: true, help: "a study's id; empty for every study",
//      choices_query: "MATCH (st:Study)-[r:REPORTED_IN]->(p:Publication) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
// columns: [publication, title, authors, year, venue, doi, studies]
// tags: [sources]

// A publication two studies report is listed once, with both studies.
MATCH (st:Study)-[r:REPORTED_IN]->(p:Publication)
WHERE coalesce($study, '') = '' OR st.id = $study
WITH p, collect(DISTINCT st.id) AS studies
RETURN p.id AS publication, p.title AS title, p.authors AS authors, p.year AS year, p.venue AS venue,
       p.doi AS doi, studies
ORDER BY coalesce(year, 9999), title
