// name: cross_study_themes
// title: Themes related across studies
// question: >
//   Which themes of one study are related to themes of another (the same, similar, supporting,
//   extending or contrasting), and how much evidence stands behind each side?
// params:
//   - {name: how, type: string, default: "", optional: true, help: "the kind of relation; empty for every kind",
//      choices: [same, similar, supports, extends, contrasts]}
//   - {name: study, type: string, default: "", optional: true, help: "a study's id (on either side); empty for every study",
//      choices_query: "MATCH (st:Study)-[r:STUDIED]->(s:Site) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
// columns: [study, theme, theme_name, how, related_study, related, related_name, theme_evidence, related_evidence,
//           theme_example, theme_example_locator, related_example, related_example_locator, note]
// tags: [themes]

// Evidence counts include evidence coded with each theme's subthemes; the examples are the
// first piece of evidence of each side by id.
MATCH (t1:Theme)-[r:RELATES_TO]->(t2:Theme)
WHERE t1.study <> t2.study
  AND (coalesce($how, '') = '' OR r.how = $how)
  AND (coalesce($study, '') = '' OR t1.study = $study OR t2.study = $study)
OPTIONAL MATCH (e1:Evidence)-[c1:CODED_AS]->(x1:Theme)-[h1:SUBTHEME_OF*0..4]->(t1)
WITH t1, r, t2, e1 ORDER BY e1.id
WITH t1, r, t2, collect(DISTINCT e1) AS side1
OPTIONAL MATCH (e2:Evidence)-[c2:CODED_AS]->(x2:Theme)-[h2:SUBTHEME_OF*0..4]->(t2)
WITH t1, r, t2, side1, e2 ORDER BY e2.id
WITH t1, r, t2, side1, collect(DISTINCT e2) AS side2
RETURN t1.study AS study, t1.id AS theme, t1.name AS theme_name, r.how AS how,
       t2.study AS related_study, t2.id AS related, t2.name AS related_name,
       size(side1) AS theme_evidence, size(side2) AS related_evidence,
       head(side1).text AS theme_example, head(side1).locator AS theme_example_locator,
       head(side2).text AS related_example, head(side2).locator AS related_example_locator, r.note AS note
ORDER BY study, theme_name, related_name
