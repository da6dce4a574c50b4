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
// columns: [study, site, name, wave, role, published, board_members_with_role, pbc_roots, executive_support, board_density]
// tags: [sites, participants]

// Two sources say a role is on a board: the published board flags of a wave (secondary care =
// hospital, nurse, patient = patient_representative) and the board members among the
// participants. `published` is the flag (null where the role has none); a site is listed
// when either source says yes.
MATCH (s:Site)
WHERE coalesce($study, '') = '' OR s.study = $study
OPTIONAL MATCH (p:Participant)-[a:AT]->(s)
WHERE p.role = $role AND p.board_member = true
WITH s, count(p) AS members
OPTIONAL MATCH (s)-[o:OBSERVED_IN]->(w:Wave)
WITH s, members, o, w,
     CASE $role WHEN 'hospital' THEN o.board_secondary_care WHEN 'nurse' THEN o.board_nurse
                WHEN 'patient_representative' THEN o.board_patient END AS published
WHERE published = true OR members > 0
RETURN s.study AS study, s.id AS site, s.name AS name, w.id AS wave, $role AS role, published,
       members AS board_members_with_role, o.pbc_roots AS pbc_roots, o.executive_support AS executive_support,
       o.board_density AS board_density
ORDER BY study, name, coalesce(w.phase, 0), wave
