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
//           meeting_observations, board_members, survey_responded, survey_invited, survey_percent, note]
// tags: [sites, participants]

// `other` counts every interviewed role besides the four named ones (nurses, patient
// representatives, local authority staff, managers...), as Table 3 does. Only interviewed
// participants reach the counts (a national site has about 190 participants, some ten interviewed).
// A study that lists its interviewees lists all of a site's, so a role without any is a published
// zero; a site with no interviewee recorded (in the wave) has unknown counts, null rather than 0,
// and `note` says what of the row is not published.
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
WITH s, total > 0 AS known, gps, pct_employees, practice_managers, hospital, other, total
OPTIONAL MATCH (s)-[o:OBSERVED_IN]->(w:Wave)
WITH s, known, gps, pct_employees, practice_managers, hospital, other, total, o, w
WHERE coalesce($wave, '') = '' OR w.id = $wave
WITH s, known, gps, pct_employees, practice_managers, hospital, other, total, o, w,
     o.meeting_observations IS NULL AND o.board_members IS NULL AND o.survey_responded IS NULL
       AND o.survey_invited IS NULL AS nothing_observed
RETURN s.study AS study, s.id AS site, s.name AS name, w.id AS wave,
       CASE WHEN known THEN gps END AS gps, CASE WHEN known THEN pct_employees END AS pct_employees,
       CASE WHEN known THEN practice_managers END AS practice_managers, CASE WHEN known THEN hospital END AS hospital,
       CASE WHEN known THEN other END AS other, CASE WHEN known THEN total END AS total,
       o.meeting_observations AS meeting_observations, o.board_members AS board_members,
       o.survey_responded AS survey_responded, o.survey_invited AS survey_invited,
       CASE WHEN o.survey_invited > 0 THEN toInteger(round(100.0 * o.survey_responded / o.survey_invited)) END AS survey_percent,
       CASE WHEN NOT known AND nothing_observed THEN 'not published: no interview, meeting or survey counts for this site'
            WHEN NOT known THEN 'interview counts not published for this site' END AS note
ORDER BY study, name, coalesce(w.phase, 0), wave
