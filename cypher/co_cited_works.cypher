// name: co_cited_works
// title: Works cited by several publications
// question: Which works are cited by at least N publications of the knowledge base, and by which, in which studies?
// params:
//   - {name: min_publications, type: int, default: 2, help: "the least number of citing publications"}
//   - {name: min_studies, type: int, default: 1, help: "the least number of studies the citing publications belong to"}
//   - {name: limit, type: int, default: 500, help: "how many works to list, the most cited first"}
// columns: [work, title, year, doi, publications, studies, cited_by]
// tags: [citations]

// A publication citing a work twice (a duplicate entry in its reference list) counts once;
// studies and cited_by are sorted. A work's references come first: the citations loader keeps
// their count on the work (`citations`, a cheap upper bound of the citing publications, which
// leaves out most works) whenever it rewrites the citations, so that no citation is read for a
// work cited fewer times; a work without the count has its citing publications counted. Then
// works are ranked, and only those listed sort their citing publications.
MATCH (w:Work)
WHERE w.citations IS NULL OR w.citations >= $min_publications
MATCH (pub:Publication)-[c:CITES]->(w)
WITH w, collect(DISTINCT pub) AS pubs
WHERE size(pubs) >= $min_publications
WITH w, pubs, reduce(found = [], p IN pubs | CASE WHEN p.study IS NULL OR p.study IN found THEN found ELSE found + p.study END) AS study_list
WHERE size(study_list) >= $min_studies
WITH w, pubs, size(pubs) AS publications, size(study_list) AS study_count
ORDER BY publications DESC, study_count DESC, w.title, w.id
LIMIT $limit
UNWIND pubs AS pub
WITH w, publications, study_count, pub ORDER BY pub.study, pub.id
WITH w, publications, study_count, collect(pub.id) AS cited_by, collect(DISTINCT pub.study) AS studies
RETURN w.id AS work, w.title AS title, w.year AS year, w.doi AS doi, publications, studies, cited_by
ORDER BY publications DESC, study_count DESC, title, work
