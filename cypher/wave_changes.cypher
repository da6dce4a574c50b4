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
// label, relationships by type, and CITES, which the citations loader counts again whenever it
// rewrites them); for a wave loaded before tallies existed, the parts after each tallied one count
// them from the graph, and CITES are counted from the study's publications for a wave without
// `tally_cites`.
// The site part finds the two Wave nodes first, so that each site's observation of each is looked
// up between known ends rather than filtered from all of the site's observations by wave id.
// The participant counts of a pair of waves are kept too: each load compares its wave with every
// other wave of its study and keeps the 24 counts on its own Wave (loaders/wave/pairs.py:
// `pair_waves`, and `pair_counts` going from that wave to the other, so the other way round added
// and removed swap); the third part reads them. The second compares the participants as the query
// runs, only for a pair neither Wave keeps (both loaded before pairs were kept): it starts from
// the two Wave nodes, the participants observed in the first wave, then those observed only in
// the second, so that no participant's other observations are read, and each participant's two
// observations are looked up between known ends. It groups the participants by how each of their
// eight values differs (0 the same, 1 changed, 2 added, 3 removed) before anything is counted per
// property: few groups, so the counting costs nothing beside the comparison, and each value is
// named, not looked up by a property name in a list.

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
MATCH (s:Site)
WHERE s.study = $study
OPTIONAL MATCH (s)-[o1:OBSERVED_IN]->(x1)
WITH w1, w2, x2, s, o1
OPTIONAL MATCH (s)-[o2:OBSERVED_IN]->(x2)
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
MATCH (y1:Wave {id: w1})
WITH w1, w2, y1
MATCH (y2:Wave {id: w2})
WHERE NOT w2 IN coalesce(y1.pair_waves, []) AND NOT w1 IN coalesce(y2.pair_waves, [])
WITH w1, w2
MATCH (x1:Wave {id: w1})
WITH w1, w2, x1
MATCH (x2:Wave {id: w2})
OPTIONAL MATCH (p1:Participant)-[:OBSERVED_IN]->(x1)
WITH w1, w2, x1, x2, collect(DISTINCT p1) AS first
OPTIONAL MATCH (p2:Participant)-[:OBSERVED_IN]->(x2)
WHERE NOT (p2)-[:OBSERVED_IN]->(x1)
WITH w1, w2, x1, x2, first, collect(DISTINCT p2) AS second
UNWIND first + second AS p
OPTIONAL MATCH (p)-[o1:OBSERVED_IN]->(x1)
WITH w1, w2, x2, p, o1
OPTIONAL MATCH (p)-[o2:OBSERVED_IN]->(x2)
WITH w1, w2, p, o1, o2
WITH w1, w2, p, o1, o2, o1 IS NOT NULL OR w1 IN p.waves AS in1, o2 IS NOT NULL OR w2 IN p.waves AS in2
WITH w1, w2,
     CASE WHEN in1 THEN coalesce(o1.role, p.role) END AS b0,
     CASE WHEN in2 THEN coalesce(o2.role, p.role) END AS a0,
     CASE WHEN in1 THEN coalesce(o1.board_member, p.board_member) END AS b1,
     CASE WHEN in2 THEN coalesce(o2.board_member, p.board_member) END AS a1,
     CASE WHEN in1 THEN coalesce(o1.interviewed, p.interviewed) END AS b2,
     CASE WHEN in2 THEN coalesce(o2.interviewed, p.interviewed) END AS a2,
     CASE WHEN in1 THEN coalesce(o1.survey_respondent, p.survey_respondent) END AS b3,
     CASE WHEN in2 THEN coalesce(o2.survey_respondent, p.survey_respondent) END AS a3,
     CASE WHEN in1 THEN coalesce(o1.degree, p.degree) END AS b4,
     CASE WHEN in2 THEN coalesce(o2.degree, p.degree) END AS a4,
     CASE WHEN in1 THEN coalesce(o1.betweenness, p.betweenness) END AS b5,
     CASE WHEN in2 THEN coalesce(o2.betweenness, p.betweenness) END AS a5,
     CASE WHEN in1 THEN coalesce(o1.closeness, p.closeness) END AS b6,
     CASE WHEN in2 THEN coalesce(o2.closeness, p.closeness) END AS a6,
     CASE WHEN in1 THEN coalesce(o1.brokerage, p.brokerage) END AS b7,
     CASE WHEN in2 THEN coalesce(o2.brokerage, p.brokerage) END AS a7
WITH w1, w2,
     [CASE WHEN b0 IS NULL THEN CASE WHEN a0 IS NULL THEN 0 ELSE 2 END WHEN a0 IS NULL THEN 3 WHEN b0 <> a0 THEN 1 ELSE 0 END,
      CASE WHEN b1 IS NULL THEN CASE WHEN a1 IS NULL THEN 0 ELSE 2 END WHEN a1 IS NULL THEN 3 WHEN b1 <> a1 THEN 1 ELSE 0 END,
      CASE WHEN b2 IS NULL THEN CASE WHEN a2 IS NULL THEN 0 ELSE 2 END WHEN a2 IS NULL THEN 3 WHEN b2 <> a2 THEN 1 ELSE 0 END,
      CASE WHEN b3 IS NULL THEN CASE WHEN a3 IS NULL THEN 0 ELSE 2 END WHEN a3 IS NULL THEN 3 WHEN b3 <> a3 THEN 1 ELSE 0 END,
      CASE WHEN b4 IS NULL THEN CASE WHEN a4 IS NULL THEN 0 ELSE 2 END WHEN a4 IS NULL THEN 3 WHEN b4 <> a4 THEN 1 ELSE 0 END,
      CASE WHEN b5 IS NULL THEN CASE WHEN a5 IS NULL THEN 0 ELSE 2 END WHEN a5 IS NULL THEN 3 WHEN b5 <> a5 THEN 1 ELSE 0 END,
      CASE WHEN b6 IS NULL THEN CASE WHEN a6 IS NULL THEN 0 ELSE 2 END WHEN a6 IS NULL THEN 3 WHEN b6 <> a6 THEN 1 ELSE 0 END,
      CASE WHEN b7 IS NULL THEN CASE WHEN a7 IS NULL THEN 0 ELSE 2 END WHEN a7 IS NULL THEN 3 WHEN b7 <> a7 THEN 1 ELSE 0 END] AS how
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
WITH w1, w2, x1, x2, w2 IN coalesce(x1.pair_waves, []) AS forward
WHERE forward OR w1 IN coalesce(x2.pair_waves, [])
WITH w1, w2, forward, CASE WHEN forward THEN x1 ELSE x2 END AS held, CASE WHEN forward THEN w2 ELSE w1 END AS other
WITH w1, w2, forward, held.pair_counts AS counts,
     head([j IN range(0, size(held.pair_waves) - 1) WHERE held.pair_waves[j] = other]) AS j
UNWIND range(0, 23) AS k
WITH w1, w2, k / 3 AS i, CASE WHEN forward OR k % 3 = 0 THEN k % 3 + 1 ELSE 4 - k % 3 END AS difference,
     counts[j * 24 + k] AS participants
WHERE participants > 0
WITH w1, w2, ['role', 'board_member', 'interviewed', 'survey_respondent', 'degree', 'betweenness', 'closeness',
              'brokerage'][i] AS property, difference, participants
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
WHERE (x1.tally_cites IS NULL OR x2.tally_cites IS NULL) AND p.study = $study AND r.wave IN [w1, w2]
WITH w1, w2, x1, x2, count(CASE WHEN r.wave = w1 THEN 1 END) AS counted1,
     count(CASE WHEN r.wave = w2 THEN 1 END) AS counted2
WITH w1, w2, x1, x2, CASE WHEN x1.tally_cites IS NULL OR x2.tally_cites IS NULL THEN counted1 ELSE x1.tally_cites END AS cites1,
     CASE WHEN x1.tally_cites IS NULL OR x2.tally_cites IS NULL THEN counted2 ELSE x2.tally_cites END AS cites2
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
