// name: participant_changes
// title: What changed for a site's participants between two waves
// question: >
//   At one site, whose values and network measures differ between two waves of the site's study,
//   and from what to what (a broker's betweenness in one wave and the next)?
// params:
//   - {name: site, type: string, default: "z13:site:A", help: "a site's id",
//      choices_query: "MATCH (s:Site) WHERE (s)<-[:AT]-(:Participant) RETURN s.id AS value, s.name AS label ORDER BY value"}
//   - {name: from_wave, type: string, default: "", optional: true,
//      help: "the earlier wave's id; empty for the first wave of the site's study",
//      choices_query: "MATCH (w:Wave) RETURN w.id AS value, w.title AS label ORDER BY value"}
//   - {name: to_wave, type: string, default: "", optional: true,
//      help: "the later wave's id; empty for the last wave of the site's study",
//      choices_query: "MATCH (w:Wave) RETURN w.id AS value, w.title AS label ORDER BY value"}
// columns: [change, kind, id, item, property, before, after, from_wave, to_wave]
// tags: [waves, participants, network]

// The rows wave_changes counts in its `participant values`, for the participants AT one site: one
// row per participant observed in either wave and property that differs (role, board membership,
// interview and survey response, and the network measures of each wave; where a wave that observed
// or defined the participant gives no value of its own, participants.csv's holds). An unknown value
// is null, never 0: a participant the later wave did not measure has betweenness null there. The
// waves are those of the site's study, ordered by `phase`, then start date, then id; two waves that
// are the same, or not of the site's study, list nothing.
MATCH (s:Site {id: $site})
MATCH (w:Wave)
WHERE w.study = s.study
WITH s, w ORDER BY coalesce(w.phase, 0), coalesce(w.started, ''), w.id
WITH s, collect(w.id) AS ids
WITH s, ids, CASE WHEN coalesce($from_wave, '') = '' THEN head(ids) ELSE $from_wave END AS w1,
     CASE WHEN coalesce($to_wave, '') = '' THEN last(ids) ELSE $to_wave END AS w2
WHERE w1 <> w2 AND w1 IN ids AND w2 IN ids
MATCH (x1:Wave {id: w1})
WITH s, w1, w2, x1
MATCH (x2:Wave {id: w2})
MATCH (p:Participant)-[:AT]->(s)
WITH DISTINCT w1, w2, x1, x2, p
OPTIONAL MATCH (p)-[o1:OBSERVED_IN]->(x1)
WITH w1, w2, x2, p, o1
OPTIONAL MATCH (p)-[o2:OBSERVED_IN]->(x2)
WITH w1, w2, p, o1, o2
WHERE o1 IS NOT NULL OR o2 IS NOT NULL
UNWIND ['role', 'board_member', 'interviewed', 'survey_respondent', 'degree', 'betweenness', 'closeness',
        'brokerage'] AS property
WITH w1, w2, p, property,
     CASE WHEN o1 IS NOT NULL AND o1[property] IS NOT NULL THEN o1[property]
          WHEN o1 IS NOT NULL OR w1 IN p.waves THEN p[property] END AS before,
     CASE WHEN o2 IS NOT NULL AND o2[property] IS NOT NULL THEN o2[property]
          WHEN o2 IS NOT NULL OR w2 IN p.waves THEN p[property] END AS after
WHERE (before IS NULL) <> (after IS NULL) OR before <> after
RETURN 'participant value' AS change, 'Participant' AS kind, p.id AS id, p.name AS item, property, before,
       after, w1 AS from_wave, w2 AS to_wave
ORDER BY id, property
