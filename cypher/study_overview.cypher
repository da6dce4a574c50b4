// name: study_overview
// title: The loaded studies and waves
// question: Which studies and waves are loaded, and how many sites, participants, pieces of evidence and publications does each wave define?
// columns: [study, title, wave, wave_title, phase, started, ended, sites, participants, evidence, publications]
// tags: [waves]

// A node counts for every wave in its `waves` list, so entities two waves share count in both.
MATCH (st:Study)-[hw:HAS_WAVE]->(w:Wave)
OPTIONAL MATCH (n)
WHERE n.study = st.id AND w.id IN n.waves
WITH st, w, labels(n)[0] AS label
RETURN st.id AS study, st.title AS title, w.id AS wave, w.title AS wave_title, w.phase AS phase,
       w.started AS started, w.ended AS ended,
       count(CASE WHEN label = 'Site' THEN 1 END) AS sites,
       count(CASE WHEN label = 'Participant' THEN 1 END) AS participants,
       count(CASE WHEN label = 'Evidence' THEN 1 END) AS evidence,
       count(CASE WHEN label = 'Publication' THEN 1 END) AS publications
ORDER BY study, coalesce(phase, 0), wave
