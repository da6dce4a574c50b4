// name: co_cited_works
// title: Works cited by several publications
// question: Which works are cited by at least N publications of the knowledge base, and by which, in which studies?
// params:
//   - {name: min_publications, type: int, default: 2, help: "the least number of citing publications"}
//   - {name: min_studies, type: int, default: 1, help: "the least number of studies the citing publications belong to"}
// columns: [work, title, year, doi, publications, studies, cited_by]
// tags: [citations]

// A publication citing a work twice (a duplicate entry in its reference list) counts once;
// studies and cited_by are sorted.
MATCH (pub:Publication)-[c:CITES]->(w:Work)
WITH w, pub ORDER BY pub.study, pub.id
WITH w, collect(DISTINCT pub.id) AS cited_by, collect(DISTINCT pub.study) AS studies
WHERE size(cited_by) >= $min_publications AND size(studies) >= $min_studies
RETURN w.id AS work, w.title AS title, w.year AS year, w.doi AS doi, size(cited_by) AS publications, studies, cited_by
ORDER BY publications DESC, size(studies) DESC, title
