// name: interviews_by_site
// title: Interviews, observations and survey response by site
// question: >
//   How many people of each role were interviewed at each site, how many board meetings were
//   observed, how large is the board and how many board members answered the survey (study 1 Table 3)?
// params:
//   - {name: study, type: string, default: "", optional: true, help: "a study's id; empty for every study",
//      choices_query: "MATCH (st:Study)-[r:STUDIED]->(s:Site) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
//   - {name: wave, type: string, default: "", optional: true, help: "a wave's id; empty for every wave",
//      choices_query: "MATCH (s:Site)-[o:OBSERVED_IN]->(w:Wave) RETURN DISTINCT w.id AS value, w.title AS label ORDER BY value"}
// columns: [study, site, name, wave, gps, pct_employees, practice_managers, hospital, other, total,
//           meeting_observations, board_members, survey_responded, survey_invited, survey_percent]
// tags: [sites, participants]

// `other` counts every interviewed role besides the four named ones (nurses, patient
// representatives, local authority staff, managers...), as Table 3 does. Only interviewed
// participants reach the counts (a national site has about 190 participants, some ten interviewed).
MATCH (s:Site)
WHERE coalesce($study, '') = '' OR s.study = $study
OPTIONAL MATCH (p:Participant)-[a:AT]->(s)
WHERE p.interviewed = true AND (coalesce($wave, '') = '' OR $wave IN p.waves)
WITH s, p.role AS role
WITH s,
     count(CASE WHEN role = 'gp' THEN 1 END) AS gps,
     count(CASE WHEN role = 'pct_employee' THEN 1 END) AS pct_employees,
     count(CASE WHEN role = 'practice_manager' THEN 1 END) AS practice_managers,
     count(CASE WHEN role = 'hospital' THEN 1 END) AS hospital,
     count(CASE WHEN NOT role IN ['gp', 'pct_employee', 'practice_manager', 'hospital'] THEN 1 END) AS other,
     count(role) AS total
OPTIONAL MATCH (s)-[o:OBSERVED_IN]->(w:Wave)
WITH s, gps, pct_employees, practice_managers, hospital, other, total, o, w
WHERE coalesce($wave, '') = '' OR w.id = $wave
RETURN s.study AS study, s.id AS site, s.name AS name, w.id AS wave,
       gps, pct_employees, practice_managers, hospital, other, total,
       o.meeting_observations AS meeting_observations, o.board_members AS board_members,
       o.survey_responded AS survey_responded, o.survey_invited AS survey_invited,
       CASE WHEN o.survey_invited > 0 THEN toInteger(round(100.0 * o.survey_responded / o.survey_invited)) END AS survey_percent
ORDER BY study, name, coalesce(w.phase, 0), wave
