// name: network_ties
// title: A board's published ties to each kind of stakeholder
// question: >
//   How many ties does each site's board have to GP practices, the PCT, acute and community
//   providers, the SHA, local authorities and others, and how dense is the board itself (study 1 Table 4)?
// params:
//   - {name: study, type: string, default: "z13", optional: true,
//      help: "a study's id (study 1, whose Table 4 this is, by default); empty for every study",
//      choices_query: "MATCH (st:Study)-[r:STUDIED]->(s:Site) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
//   - {name: site, type: string, default: "", optional: true, help: "a site's id; empty for every site with published ties",
//      choices_query: "MATCH (s:Site)-[t:HAS_TIES]->(ot:OrganisationType) RETURN DISTINCT s.id AS value, s.name AS label ORDER BY value"}
// columns: [study, site, name, wave, organisation_type, type_name, ties, total_ties, board_density]
// tags: [sites, network]

// One row per site and stakeholder type (the app pivots it into Table 4's shape); total_ties
// sums the site's ties in that wave (toInteger: FalkorDB's sum() of integers is a float), and is
// null when no count of them is known, as sum() of nothing would give 0.
MATCH (s:Site)-[t:HAS_TIES]->(ot:OrganisationType)
WHERE (coalesce($study, '') = '' OR s.study = $study) AND (coalesce($site, '') = '' OR s.id = $site)
WITH s, t.wave AS wave, collect({type: ot.id, name: ot.name, count: t.count}) AS tie_list,
     CASE WHEN count(t.count) > 0 THEN toInteger(sum(t.count)) END AS total_ties
OPTIONAL MATCH (s)-[o:OBSERVED_IN]->(w:Wave)
WHERE w.id = wave
WITH s, wave, tie_list, total_ties, head(collect(o.board_density)) AS board_density
UNWIND tie_list AS tie
RETURN s.study AS study, s.id AS site, s.name AS name, wave, tie.type AS organisation_type, tie.name AS type_name,
       tie.count AS ties, total_ties, board_density
ORDER BY study, name, wave, ties DESC, type_name
