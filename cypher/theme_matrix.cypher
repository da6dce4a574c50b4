// name: theme_matrix
// title: Framework matrix of sites and themes
// question: How much evidence does each site contribute to each theme (a framework matrix of sites by themes)?
// params:
//   - {name: study, type: string, default: "", help: "a study's id; empty for every study",
//      choices_query: "MATCH (st:Study)-[r:STUDIED]->(s:Site) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
//   - {name: include_subthemes, type: bool, default: true,
//      help: "count evidence coded with a theme's subthemes (up to four levels down) under the theme too"}
// columns: [study, theme, theme_name, parent, site, site_name, evidence]
// tags: [themes, sites]

// One row per theme and site with at least one piece of evidence; the app pivots it into a
// matrix. `parent` lets it group subthemes under their theme.
MATCH (e:Evidence)-[c:CODED_AS]->(coded:Theme)
MATCH (coded)-[h:SUBTHEME_OF*0..4]->(t:Theme)
WHERE $include_subthemes OR t.id = coded.id
WITH DISTINCT e, t
MATCH (e)-[f:FROM]->(s:Site)
WHERE coalesce($study, '') = '' OR s.study = $study
WITH t, s, count(DISTINCT e) AS evidence
OPTIONAL MATCH (t)-[up:SUBTHEME_OF]->(parent:Theme)
RETURN s.study AS study, t.id AS theme, t.name AS theme_name, parent.id AS parent, s.id AS site, s.name AS site_name, evidence
ORDER BY study, theme_name, site_name
