// name: site_profile
// title: Profile of one site
// question: >
//   What do we know about one site: its attributes, the values each wave measured, who was
//   interviewed and who sits on its board (by role), its published ties to stakeholder types,
//   its initiatives and the themes its evidence is coded with?
// params:
//   - {name: site, type: string, default: "z13:site:A", help: "the site's id",
//      choices_query: "MATCH (s:Site) RETURN s.id AS value, s.name + ' (' + s.study + ')' AS label ORDER BY value"}
// columns: [section, item, value, wave, ref, source]
// tags: [sites]

// One row per fact, grouped by section in a fixed order; `ref` is the id of the entity a row is
// about (organisation type, initiative, theme), so a page can link to it. `source` is where the
// fact is published: the figure's own locator (table, row, column) where the wave gives one, else
// the locator of the row it came from; null for counts made here from participants and evidence.
MATCH (s:Site {id: $site})
OPTIONAL MATCH (s)-[ir:IN_REGION]->(rg:Region)
WITH s, head(collect(rg.name)) AS region
WITH s, [kv IN [['name', s.name], ['kind', s.kind], ['study', s.study], ['region', region], ['description', s.description]]
         WHERE kv[1] IS NOT NULL | {section: 'site', item: kv[0], value: kv[1], wave: null, ref: null, source: s.locator}] AS site_rows
OPTIONAL MATCH (s)-[o:OBSERVED_IN]->(w:Wave)
WITH s, site_rows, o, w ORDER BY coalesce(w.phase, 0), w.id
UNWIND [['status', o.status], ['pathfinder_wave', o.pathfinder_wave], ['population', o.population],
        ['practices', o.practices], ['gps', o.gps], ['localities', o.localities], ['board_members', o.board_members],
        ['board_secondary_care', o.board_secondary_care], ['board_nurse', o.board_nurse], ['board_patient', o.board_patient],
        ['executive_support', o.executive_support], ['pbc_roots', o.pbc_roots], ['board_density', o.board_density],
        ['meeting_observations', o.meeting_observations], ['survey_invited', o.survey_invited],
        ['survey_responded', o.survey_responded]] AS kv
WITH s, site_rows,
     collect(CASE WHEN kv[1] IS NOT NULL THEN {section: 'wave values', item: kv[0], value: kv[1], wave: w.id, ref: null,
             source: coalesce(head([l IN coalesce(o.figure_locators, []) WHERE l STARTS WITH (kv[0] + ': ') |
                                    substring(l, size(kv[0]) + 2)]), o.locator)} END) AS wave_rows
OPTIONAL MATCH (p:Participant)-[a:AT]->(s)
WITH s, site_rows, wave_rows, p.role AS role,
     count(CASE WHEN p.board_member = true THEN 1 END) AS on_board,
     count(CASE WHEN p.interviewed = true THEN 1 END) AS interviewed
ORDER BY role
WITH s, site_rows, wave_rows,
     collect(CASE WHEN on_board > 0 THEN {section: 'board', item: role, value: on_board, wave: null, ref: null, source: null} END) AS board_rows,
     collect(CASE WHEN interviewed > 0 THEN {section: 'interviews', item: role, value: interviewed, wave: null, ref: null, source: null} END) AS interview_rows
OPTIONAL MATCH (s)-[t:HAS_TIES]->(ot:OrganisationType)
WITH s, site_rows, wave_rows, board_rows, interview_rows, t, ot ORDER BY t.wave, t.count DESC, ot.name
WITH s, site_rows, wave_rows, board_rows, interview_rows,
     collect(CASE WHEN ot IS NOT NULL THEN {section: 'ties', item: ot.name, value: t.count, wave: t.wave, ref: ot.id, source: t.locator} END) AS tie_rows
OPTIONAL MATCH (i:Initiative)-[ia:AT]->(s)
WITH s, site_rows, wave_rows, board_rows, interview_rows, tie_rows, i
OPTIONAL MATCH (i)-[ar:IN_AREA]->(ca:ClinicalArea)
WITH s, site_rows, wave_rows, board_rows, interview_rows, tie_rows, i, ca ORDER BY i.name, ca.name
WITH s, site_rows, wave_rows, board_rows, interview_rows, tie_rows, i, collect(ca.name) AS areas
WITH s, site_rows, wave_rows, board_rows, interview_rows, tie_rows,
     collect(CASE WHEN i IS NOT NULL THEN {section: 'initiatives', item: i.name,
             value: reduce(text = '', area IN areas | text + CASE WHEN text = '' THEN '' ELSE '; ' END + area),
             wave: null, ref: i.id, source: i.locator} END) AS initiative_rows
OPTIONAL MATCH (e:Evidence)-[f:FROM]->(s)
WITH s, site_rows, wave_rows, board_rows, interview_rows, tie_rows, initiative_rows, e
OPTIONAL MATCH (e)-[c:CODED_AS]->(th:Theme)
WITH site_rows, wave_rows, board_rows, interview_rows, tie_rows, initiative_rows, th, count(DISTINCT e) AS n
ORDER BY n DESC, th.name
WITH site_rows, wave_rows, board_rows, interview_rows, tie_rows, initiative_rows,
     collect(CASE WHEN th IS NOT NULL THEN {section: 'themes', item: th.name, value: n, wave: null, ref: th.id, source: null} END) AS theme_rows
UNWIND site_rows + wave_rows + interview_rows + board_rows + tie_rows + initiative_rows + theme_rows AS row
RETURN row.section AS section, row.item AS item, row.value AS value, row.wave AS wave, row.ref AS ref, row.source AS source
