// name: evidence_for_theme
// title: Evidence coded with a theme
// question: What evidence is coded with a theme, from which site, said by whom, and where in the source is it?
// params:
//   - {name: theme, type: string, default: "z13:theme:knowledge-flows", help: "a theme's id",
//      choices_query: "MATCH (t:Theme) RETURN t.id AS value, t.name + ' (' + t.study + ')' AS label ORDER BY value"}
//   - {name: site, type: string, default: "", optional: true, help: "a site's id; empty for every site",
//      choices_query: "MATCH (e:Evidence)-[f:FROM]->(s:Site) RETURN DISTINCT s.id AS value, s.name AS label ORDER BY value"}
//   - {name: include_subthemes, type: bool, default: true, help: "include evidence coded with the theme's subthemes"}
// columns: [evidence, study, site, site_name, speaker_role, kind, themes, text, locator]
// tags: [themes, evidence]

MATCH (t:Theme {id: $theme})
MATCH (coded:Theme)-[h:SUBTHEME_OF*0..4]->(t)
WHERE $include_subthemes OR coded.id = t.id
MATCH (e:Evidence)-[c:CODED_AS]->(coded)
WITH e, coded ORDER BY coded.name
WITH e, collect(DISTINCT coded.name) AS themes
OPTIONAL MATCH (e)-[f:FROM]->(s:Site)
WITH e, themes, s
WHERE coalesce($site, '') = '' OR s.id = $site
OPTIONAL MATCH (e)-[sb:SPOKEN_BY]->(p:Participant)
WITH e, themes, s, head(collect(p.role)) AS participant_role
RETURN e.id AS evidence, e.study AS study, s.id AS site, s.name AS site_name,
       coalesce(e.speaker_role, participant_role) AS speaker_role, e.kind AS kind, themes, e.text AS text, e.locator AS locator
ORDER BY study, site_name, evidence
