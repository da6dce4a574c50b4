// name: theme_matrix
// title: Framework matrix of sites and themes
// question: How much evidence does each site contribute to each theme (a framework matrix of sites by themes)?
// params:
//   - {name: study, type: string, default: "z13", optional: true,
//      help: "the study whose sites make the columns; empty for every study (at national scale, pick a theme too)",
//      choices_query: "MATCH (st:Study)-[r:STUDIED]->(s:Site) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
//   - {name: theme, type: string, default: "", optional: true,
//      help: "a theme's id: the rows are it and its subthemes (four levels down); empty for every theme",
//      choices_query: "MATCH (t:Theme) RETURN t.id AS value, t.name + ' (' + t.study + ')' AS label ORDER BY value"}
//   - {name: include_subthemes, type: bool, default: true,
//      help: "count evidence coded with a theme's subthemes (up to four levels down) under the theme too"}
//   - {name: limit, type: int, default: 500,
//      help: "how many cells to list, those with the most evidence first; raise it (e.g. 100000) for the whole matrix"}
// columns: [study, theme, theme_name, parent, site, site_name, evidence]
// tags: [themes, sites]

// One row per theme and site with at least one piece of evidence; the app pivots it into a
// matrix. `parent` lets it group subthemes under their theme. When there are more cells than
// `limit`, those with the most evidence are kept (ties by theme and site name); rows come
// ordered by study, theme and site either way.
// Two parts, one per way in, as only one of them finds rows: from the study's sites when no
// theme is given, from the theme's subtree when one is. Each WITH fixes where the engine starts.
MATCH (s:Site)
WHERE coalesce($theme, '') = '' AND (coalesce($study, '') = '' OR s.study = $study)
WITH s
MATCH (e:Evidence)-[f:FROM]->(s)
MATCH (e)-[c:CODED_AS]->(coded:Theme)
WITH s, e, coded
MATCH (coded)-[h:SUBTHEME_OF*0..4]->(t:Theme)
WHERE $include_subthemes OR t = coded
WITH t, s, count(DISTINCT e) AS evidence
ORDER BY evidence DESC, t.name, s.name
LIMIT $limit
OPTIONAL MATCH (t)-[up:SUBTHEME_OF]->(parent:Theme)
RETURN s.study AS study, t.id AS theme, t.name AS theme_name, parent.id AS parent, s.id AS site, s.name AS site_name, evidence
ORDER BY study, theme_name, site_name
UNION ALL
MATCH (top:Theme {id: $theme})
MATCH (t:Theme)-[ht:SUBTHEME_OF*0..4]->(top)
WITH t
MATCH (coded:Theme)-[h:SUBTHEME_OF*0..4]->(t)
WHERE $include_subthemes OR coded = t
WITH t, coded
MATCH (e:Evidence)-[c:CODED_AS]->(coded)
MATCH (e)-[f:FROM]->(s:Site)
WHERE coalesce($study, '') = '' OR s.study = $study
WITH t, s, count(DISTINCT e) AS evidence
ORDER BY evidence DESC, t.name, s.name
LIMIT $limit
OPTIONAL MATCH (t)-[up:SUBTHEME_OF]->(parent:Theme)
RETURN s.study AS study, t.id AS theme, t.name AS theme_name, parent.id AS parent, s.id AS site, s.name AS site_name, evidence
ORDER BY study, theme_name, site_name
