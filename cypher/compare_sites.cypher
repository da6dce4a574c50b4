// name: compare_sites
// title: Compare sites side by side
// question: >
//   How do the sites differ in status, size, localities, board make-up, executive support and
//   commissioning history, wave by wave (study 1 Table 2 for every loaded study)?
// params:
//   - {name: study, type: string, default: "", optional: true, help: "a study's id; empty for every study",
//      choices_query: "MATCH (st:Study)-[r:STUDIED]->(s:Site) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
//   - {name: wave, type: string, default: "", optional: true, help: "a wave's id; empty for every wave",
//      choices_query: "MATCH (s:Site)-[o:OBSERVED_IN]->(w:Wave) RETURN DISTINCT w.id AS value, w.title AS label ORDER BY value"}
// columns: [study, site, name, kind, wave, status, pathfinder_wave, population, practices, gps, localities,
//           board_members, board_secondary_care, board_nurse, board_patient, executive_support, pbc_roots, board_density,
//           source]
// tags: [sites]

MATCH (s:Site)
WHERE coalesce($study, '') = '' OR s.study = $study
OPTIONAL MATCH (s)-[o:OBSERVED_IN]->(w:Wave)
WITH s, o, w
WHERE coalesce($wave, '') = '' OR w.id = $wave
RETURN s.study AS study, s.id AS site, s.name AS name, s.kind AS kind, w.id AS wave,
       o.status AS status, o.pathfinder_wave AS pathfinder_wave, o.population AS population,
       o.practices AS practices, o.gps AS gps, o.localities AS localities, o.board_members AS board_members,
       o.board_secondary_care AS board_secondary_care, o.board_nurse AS board_nurse, o.board_patient AS board_patient,
       o.executive_support AS executive_support, o.pbc_roots AS pbc_roots, o.board_density AS board_density,
       o.locator AS source
ORDER BY study, name, coalesce(w.phase, 0), wave
