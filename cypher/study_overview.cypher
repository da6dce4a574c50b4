// name: study_overview
// title: The loaded studies and waves
// question: Which studies and waves are loaded, and how many sites, participants, pieces of evidence and publications does each wave define?
// columns: [study, title, wave, wave_title, phase, started, ended, sites, participants, evidence, publications]
// tags: [waves]

// A node counts for every wave in its `waves` list, so entities two waves share count in both.
// Each label is counted in one pass, grouped by study and `waves` list (a handful of groups), and
// each wave then adds up the [study, wave, count] entries that name it. The largest label goes
// first, so that no earlier entries ride along its scan; entries are plain lists, which the
// engine carries through a scan at a fraction of what maps cost. A label with no nodes still gives one (empty) entry, so that the
// waves are listed with zeros.
OPTIONAL MATCH (n:Evidence)
WITH n.study AS study, n.waves AS waves, count(n) AS c
UNWIND CASE WHEN size(waves) > 0 THEN waves ELSE [null] END AS wave
WITH collect([study, wave, c]) AS evidence
OPTIONAL MATCH (n:Participant)
WITH evidence, n.study AS study, n.waves AS waves, count(n) AS c
UNWIND CASE WHEN size(waves) > 0 THEN waves ELSE [null] END AS wave
WITH evidence, collect([study, wave, c]) AS participants
OPTIONAL MATCH (n:Site)
WITH evidence, participants, n.study AS study, n.waves AS waves, count(n) AS c
UNWIND CASE WHEN size(waves) > 0 THEN waves ELSE [null] END AS wave
WITH evidence, participants, collect([study, wave, c]) AS sites
OPTIONAL MATCH (n:Publication)
WITH evidence, participants, sites, n.study AS study, n.waves AS waves, count(n) AS c
UNWIND CASE WHEN size(waves) > 0 THEN waves ELSE [null] END AS wave
WITH evidence, participants, sites, collect([study, wave, c]) AS publications
MATCH (st:Study)-[hw:HAS_WAVE]->(w:Wave)
RETURN st.id AS study, st.title AS title, w.id AS wave, w.title AS wave_title, w.phase AS phase,
       w.started AS started, w.ended AS ended,
       reduce(total = 0, g IN sites | total + CASE WHEN g[0] = st.id AND g[1] = w.id THEN g[2] ELSE 0 END) AS sites,
       reduce(total = 0, g IN participants | total + CASE WHEN g[0] = st.id AND g[1] = w.id THEN g[2] ELSE 0 END) AS participants,
       reduce(total = 0, g IN evidence | total + CASE WHEN g[0] = st.id AND g[1] = w.id THEN g[2] ELSE 0 END) AS evidence,
       reduce(total = 0, g IN publications | total + CASE WHEN g[0] = st.id AND g[1] = w.id THEN g[2] ELSE 0 END) AS publications
ORDER BY study, coalesce(phase, 0), wave
