// name: wave_changes
// title: What changed between two waves of a study
// question: >
//   For a study, what differs between two of its waves: the values measured at each site (survey
//   network measures included), how many participants' values and network measures changed,
//   appeared or went (participant_changes lists them for one site), how many entities of each kind
//   each wave holds, and how many relationships of each type each wave recorded?
// params:
//   - {name: study, type: string, default: "s17", help: "a study's id",
//      choices_query: "MATCH (w:Wave) RETURN DISTINCT w.study AS value ORDER BY value"}
//   - {name: from_wave, type: string, default: "s17-scoping", optional: true, help: "the earlier wave's id; empty for the study's first wave",
//      choices_query: "MATCH (w:Wave) RETURN w.id AS value, w.title AS label ORDER BY value"}
//   - {name: to_wave, type: string, default: "s17-cases", optional: true, help: "the later wave's id; empty for the study's last wave",
//      choices_query: "MATCH (w:Wave) RETURN w.id AS value, w.title AS label ORDER BY value"}
// columns: [change, kind, id, item, property, before, after, from_wave, to_wave]
// tags: [waves, network]

// Waves are ordered by `phase`, then start date, then id. Four kinds of rows: `site value` (one per
// site and property that differs, from the site's OBSERVED_IN to each wave), `participant values`
// (per property of the participants observed in either wave: role, board membership, interview and
// survey response, and the network measures of each wave; where a wave that observed or defined
// the participant gives no value of its own, participants.csv's holds; `item` says how the value
// differs, `changed`, `added` (none in the earlier wave) or `removed` (none in the later), and
// `before` and `after` count the participants with a value in each wave among those, so a national
// wave's 40,000 participants make 24 rows at most, not one per participant and property),
// `entities` (nodes of a label whose `waves` list names each wave) and `relationships`
// (relationships of a type whose `wave` is each wave); only differences are listed, so a wave
// compared with itself, or a wave of another study, lists nothing. An unknown value is null, never
// 0: a participant the later wave did not measure has betweenness null there, and counts as
// removed. Each kind is a part of its own: carrying one part's rows through another's scan of every
// node or relationship of the study costs more than the scan.
// The counts come from the tallies each load keeps on its Wave (loaders/wave/tallies.py: nodes by
// label, relationships by type but CITES, which are counted from the study's publications); for a
// wave loaded before tallies existed, the parts after each tallied one count them from the graph.
// The participant part starts from the two Wave nodes, so that each participant's two observations
// are looked up between known ends rather than among all of its waves, and it groups participants
// by how each of their values differs (a list of eight codes) before anything is counted per
// property: few groups, so the counting costs nothing beside the comparison.

MATCH (w:Wave)
WHERE w.study = $study
WITH w ORDER BY coalesce(w.phase, 0), coalesce(w.started, ''), w.id
WITH collect(w.id) AS ids
WITH ids, CASE WHEN coalesce($from_wave, '') = '' THEN head(ids) ELSE $from_wave END AS w1,
     CASE WHEN coalesce($to_wave, '') = '' THEN last(ids) ELSE $to_wave END AS w2
WHERE w1 <> w2 AND w1 IN ids AND w2 IN ids
MATCH (s:Site)
WHERE s.study = $study
OPTIONAL MATCH (s)-[o1:OBSERVED_IN]->(x1:Wave)
WHERE x1.id = w1
WITH w1, w2, s, o1
OPTIONAL MATCH (s)-[o2:OBSERVED_IN]->(x2:Wave)
WHERE x2.id = w2
WITH w1, w2, s, o1, o2
UNWIND ['status', 'pathfinder_wave', 'population', 'practices', 'gps', 'localities', 'board_members',
        'board_secondary_care', 'board_nurse', 'board_patient', 'executive_support', 'pbc_roots',
        'meeting_observations', 'survey_invited', 'survey_responded', 'board_density', 'survey_ties',
        'survey_size', 'survey_ties_total', 'survey_board_density', 'survey_ties_by_type'] AS property
WITH w1, w2, s, property, CASE WHEN o1 IS NULL THEN null ELSE o1[property] END AS before,
     CASE WHEN o2 IS NULL THEN null ELSE o2[property] END AS after
WHERE (before IS NULL) <> (after IS NULL) OR before <> after
RETURN 'site value' AS change, 'Site' AS kind, s.id AS id, s.name AS item, property, before, after,
       w1 AS from_wave, w2 AS to_wave
ORDER BY item, property
UNION ALL
MATCH (w:Wave)
WHERE w.study = $study
WITH w ORDER BY coalesce(w.phase, 0), coalesce(w.started, ''), w.id
WITH collect(w.id) AS ids
WITH ids, CASE WHEN coalesce($from_wave, '') = '' THEN head(ids) ELSE $from_wave END AS w1,
     CASE WHEN coalesce($to_wave, '') = '' THEN last(ids) ELSE $to_wave END AS w2
WHERE w1 <> w2 AND w1 IN ids AND w2 IN ids
MATCH (x1:Wave {id: w1})
WITH w1, w2, x1
MATCH (x2:Wave {id: w2})
MATCH (p:Participant)-[:OBSERVED_IN]->(x:Wave)
WHERE x = x1 OR x = x2
WITH DISTINCT w1, w2, x1, x2, p
OPTIONAL MATCH (p)-[o1:OBSERVED_IN]->(x1)
WITH w1, w2, x2, p, o1
OPTIONAL MATCH (p)-[o2:OBSERVED_IN]->(x2)
WITH w1, w2, p, o1, o2
WITH w1, w2, p, o1, o2, o1 IS NOT NULL OR w1 IN p.waves AS in1, o2 IS NOT NULL OR w2 IN p.waves AS in2
WITH w1, w2,
     [property IN ['role', 'board_member', 'interviewed', 'survey_respondent', 'degree', 'betweenness', 'closeness',
                   'brokerage'] |
      [CASE WHEN o1 IS NOT NULL AND o1[property] IS NOT NULL THEN o1[property] WHEN in1 THEN p[property] END,
       CASE WHEN o2 IS NOT NULL AND o2[property] IS NOT NULL THEN o2[property] WHEN in2 THEN p[property] END]] AS pairs
WITH w1, w2, [pair IN pairs | CASE WHEN pair[0] IS NULL THEN CASE WHEN pair[1] IS NULL THEN 0 ELSE 2 END
                                   WHEN pair[1] IS NULL THEN 3 WHEN pair[0] <> pair[1] THEN 1 ELSE 0 END] AS how
WITH w1, w2, how, count(*) AS alike
UNWIND range(0, size(how) - 1) AS i
WITH w1, w2, i, how[i] AS difference, alike
WHERE difference > 0
WITH w1, w2, i, difference, collect(alike) AS counts
WITH w1, w2, ['role', 'board_member', 'interviewed', 'survey_respondent', 'degree', 'betweenness', 'closeness',
              'brokerage'][i] AS property, difference, reduce(total = 0, n IN counts | total + n) AS participants
RETURN 'participant values' AS change, 'Participant' AS kind, null AS id,
       CASE difference WHEN 1 THEN 'changed' WHEN 2 THEN 'added' ELSE 'removed' END AS item, property,
       CASE WHEN difference = 2 THEN 0 ELSE participants END AS before,
       CASE WHEN difference = 3 THEN 0 ELSE participants END AS after, w1 AS from_wave, w2 AS to_wave
ORDER BY property, item
UNION ALL
MATCH (w:Wave)
WHERE w.study = $study
WITH w ORDER BY coalesce(w.phase, 0), coalesce(w.started, ''), w.id
WITH collect(w.id) AS ids
WITH ids, CASE WHEN coalesce($from_wave, '') = '' THEN head(ids) ELSE $from_wave END AS w1,
     CASE WHEN coalesce($to_wave, '') = '' THEN last(ids) ELSE $to_wave END AS w2
WHERE w1 <> w2 AND w1 IN ids AND w2 IN ids
MATCH (x1:Wave {id: w1})
WITH w1, w2, x1
MATCH (x2:Wave {id: w2})
WHERE x1.tally_labels IS NOT NULL AND x2.tally_labels IS NOT NULL
UNWIND x1.tally_labels + x2.tally_labels AS kind
WITH DISTINCT w1, w2, x1, x2, kind
WITH w1, w2, kind,
     coalesce(head([i IN range(0, size(x1.tally_labels) - 1) WHERE x1.tally_labels[i] = kind
                    | x1.tally_label_counts[i]]), 0) AS before,
     coalesce(head([i IN range(0, size(x2.tally_labels) - 1) WHERE x2.tally_labels[i] = kind
                    | x2.tally_label_counts[i]]), 0) AS after
WHERE before <> after
RETURN 'entities' AS change, kind, null AS id, null AS item, 'count' AS property, before, after,
       w1 AS from_wave, w2 AS to_wave
ORDER BY kind
UNION ALL
MATCH (w:Wave)
WHERE w.study = $study
WITH w ORDER BY coalesce(w.phase, 0), coalesce(w.started, ''), w.id
WITH collect(w.id) AS ids
WITH ids, CASE WHEN coalesce($from_wave, '') = '' THEN head(ids) ELSE $from_wave END AS w1,
     CASE WHEN coalesce($to_wave, '') = '' THEN last(ids) ELSE $to_wave END AS w2
WHERE w1 <> w2 AND w1 IN ids AND w2 IN ids
MATCH (x1:Wave {id: w1})
WITH w1, w2, x1
MATCH (x2:Wave {id: w2})
WHERE x1.tally_labels IS NULL OR x2.tally_labels IS NULL
WITH w1, w2
MATCH (n)
WHERE n.study = $study AND (w1 IN n.waves OR w2 IN n.waves)
WITH w1, w2, labels(n)[0] AS label,
     count(CASE WHEN w1 IN n.waves THEN 1 END) AS before, count(CASE WHEN w2 IN n.waves THEN 1 END) AS after
WHERE before <> after
RETURN 'entities' AS change, label AS kind, null AS id, null AS item, 'count' AS property, before, after,
       w1 AS from_wave, w2 AS to_wave
ORDER BY kind
UNION ALL
MATCH (w:Wave)
WHERE w.study = $study
WITH w ORDER BY coalesce(w.phase, 0), coalesce(w.started, ''), w.id
WITH collect(w.id) AS ids
WITH ids, CASE WHEN coalesce($from_wave, '') = '' THEN head(ids) ELSE $from_wave END AS w1,
     CASE WHEN coalesce($to_wave, '') = '' THEN last(ids) ELSE $to_wave END AS w2
WHERE w1 <> w2 AND w1 IN ids AND w2 IN ids
MATCH (x1:Wave {id: w1})
WITH w1, w2, x1
MATCH (x2:Wave {id: w2})
WHERE x1.tally_types IS NOT NULL AND x2.tally_types IS NOT NULL
OPTIONAL MATCH (p:Publication)-[r:CITES]->()
WHERE p.study = $study AND r.wave IN [w1, w2]
WITH w1, w2, x1, x2, count(CASE WHEN r.wave = w1 THEN 1 END) AS cites1,
     count(CASE WHEN r.wave = w2 THEN 1 END) AS cites2
UNWIND x1.tally_types + x2.tally_types + ['CITES'] AS kind
WITH DISTINCT w1, w2, x1, x2, cites1, cites2, kind
WITH w1, w2, kind,
     CASE WHEN kind = 'CITES' THEN cites1
          ELSE coalesce(head([i IN range(0, size(x1.tally_types) - 1) WHERE x1.tally_types[i] = kind
                              | x1.tally_type_counts[i]]), 0) END AS before,
     CASE WHEN kind = 'CITES' THEN cites2
          ELSE coalesce(head([i IN range(0, size(x2.tally_types) - 1) WHERE x2.tally_types[i] = kind
                              | x2.tally_type_counts[i]]), 0) END AS after
WHERE before <> after
RETURN 'relationships' AS change, kind, null AS id, null AS item, 'count' AS property, before, after,
       w1 AS from_wave, w2 AS to_wave
ORDER BY kind
UNION ALL
MATCH (w:Wave)
WHERE w.study = $study
WITH w ORDER BY coalesce(w.phase, 0), coalesce(w.started, ''), w.id
WITH collect(w.id) AS ids
WITH ids, CASE WHEN coalesce($from_wave, '') = '' THEN head(ids) ELSE $from_wave END AS w1,
     CASE WHEN coalesce($to_wave, '') = '' THEN last(ids) ELSE $to_wave END AS w2
WHERE w1 <> w2 AND w1 IN ids AND w2 IN ids
MATCH (x1:Wave {id: w1})
WITH w1, w2, x1
MATCH (x2:Wave {id: w2})
WHERE x1.tally_labels IS NULL OR x2.tally_labels IS NULL
WITH w1, w2
MATCH (a)-[r]->(b)
WHERE r.wave IN [w1, w2] AND a.study = $study
WITH w1, w2, type(r) AS rel,
     count(CASE WHEN r.wave = w1 THEN 1 END) AS before, count(CASE WHEN r.wave = w2 THEN 1 END) AS after
WHERE before <> after
RETURN 'relationships' AS change, rel AS kind, null AS id, null AS item, 'count' AS property, before, after,
       w1 AS from_wave, w2 AS to_wave
ORDER BY kind
