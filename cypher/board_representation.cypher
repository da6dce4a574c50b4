// name: board_representation
// title: Sites whose board includes a role
// question: >
//   Which sites have a given role on their board (a hospital clinician, a nurse, a patient
//   representative...), and what are their PBC roots, executive support and board density?
// params:
//   - {name: role, type: string, default: "patient_representative", help: "a participant role",
//      choices: [gp, pct_employee, practice_manager, hospital, nurse, patient_representative, local_authority,
//                manager, other]}
//   - {name: study, type: string, default: "", optional: true, help: "a study's id; empty for every study",
//      choices_query: "MATCH (st:Study)-[r:STUDIED]->(s:Site) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
// columns: [study, site, name, wave, role, published, board_members_with_role, pbc_roots, executive_support, board_density, note]
// tags: [sites, participants]

// Two sources say a role is on a board: the published board flags of a wave (secondary care =
// hospital, nurse, patient = patient_representative) and the board members among the
// participants. `published` is the flag (null where the role has none); `board_members_with_role`
// counts the site's participants of the role on its board, and is null where no participant's
// board membership is known. A site is listed when either source says yes, and also when neither
// source knows (every role on study 2's boards, a GP on study 1's): then `note` says it is not
// published, so that unknown is not read as no.
MATCH (s:Site)
WHERE coalesce($study, '') = '' OR s.study = $study
OPTIONAL MATCH (p:Participant)-[a:AT]->(s)
WITH s, count(CASE WHEN p.role = $role AND p.board_member = true THEN 1 END) AS members,
     count(p.board_member) AS known
WITH s, CASE WHEN known > 0 THEN members END AS members
OPTIONAL MATCH (s)-[o:OBSERVED_IN]->(w:Wave)
WITH s, members, o, w,
     CASE $role WHEN 'hospital' THEN o.board_secondary_care WHEN 'nurse' THEN o.board_nurse
                WHEN 'patient_representative' THEN o.board_patient END AS published
WHERE published = true OR members > 0 OR (published IS NULL AND members IS NULL)
RETURN s.study AS study, s.id AS site, s.name AS name, w.id AS wave, $role AS role, published,
       members AS board_members_with_role, o.pbc_roots AS pbc_roots, o.executive_support AS executive_support,
       o.board_density AS board_density,
       CASE WHEN published IS NULL AND members IS NULL
            THEN 'not published whether the board has a member of this role' END AS note
ORDER BY study, name, coalesce(w.phase, 0), wave
