// name: knowledge_brokers
// title: Knowledge brokers of a site
// question: >
//   Who at a site sits where advice flows in one survey wave, ranked by betweenness centrality and
//   then by degree in that wave's network?
// params:
//   - {name: site, type: string, default: "z13:site:A", help: "a site's id",
//      choices_query: "MATCH (s:Site) WHERE (s)<-[:AT]-(:Participant) RETURN s.id AS value, s.name AS label ORDER BY value"}
//   - {name: wave, type: string, default: "", optional: true,
//      help: "the survey wave; empty for the latest wave with ties at the site",
//      choices_query: "MATCH (w:Wave) RETURN w.id AS value, w.title AS label ORDER BY value"}
//   - {name: limit, type: int, default: 10, help: "how many participants to list"}
// columns: [rank_betweenness, participant, name, role, board_member, betweenness, degree, closeness, brokerage, ties, wave]
// tags: [network, participants, waves]
// requires: [survey_network]

// Only the participants the wave measured are ranked, so nobody is ranked on an unknown measure;
// a site without a survey network in the wave is refused before the query runs (`requires`:
// kb.network.require_survey_network, "no survey network is loaded for SITE"). The measures, and the
// role and board membership in the wave, sit on the participant's OBSERVED_IN to the wave
// (participants.csv's values where the wave gives none); `ties` counts the distinct people and
// organisations linked to the participant by ADVISED_BY of that wave, in either direction and
// across sites. The latest wave is the last by phase, then start date, then id.
// The ranking reads no tie, so the ties are counted after it, for the ranked participants only
// (counting them for every participant of a national site first took half the query's time); the
// second ORDER BY keeps the rank order, which the count's grouping does not.
MATCH (s:Site {id: $site})-[so:OBSERVED_IN]->(w:Wave)
WHERE so.survey_ties IS NOT NULL AND (coalesce($wave, '') = '' OR w.id = $wave)
WITH s, w
ORDER BY coalesce(w.phase, 0) DESC, coalesce(w.started, '') DESC, w.id DESC
LIMIT 1
MATCH (p:Participant)-[a:AT]->(s)
MATCH (p)-[o:OBSERVED_IN]->(w)
WHERE o.betweenness IS NOT NULL
WITH w, p, o
ORDER BY o.betweenness DESC, o.degree DESC, p.name, p.id
LIMIT $limit
OPTIONAL MATCH (p)-[r:ADVISED_BY]-(x)
WHERE r.wave = w.id
WITH w, p, o, count(DISTINCT x) AS ties
ORDER BY o.betweenness DESC, o.degree DESC, p.name, p.id
WITH w, collect({p: p, role: coalesce(o.role, p.role), board: coalesce(o.board_member, p.board_member),
                 betweenness: o.betweenness, degree: o.degree, closeness: o.closeness, brokerage: o.brokerage,
                 ties: ties}) AS ranked
UNWIND range(1, size(ranked)) AS rank
WITH w, rank, ranked[rank - 1] AS entry
RETURN rank AS rank_betweenness, entry.p.id AS participant, entry.p.name AS name, entry.role AS role,
       entry.board AS board_member, entry.betweenness AS betweenness, entry.degree AS degree,
       entry.closeness AS closeness, entry.brokerage AS brokerage, entry.ties AS ties, w.id AS wave
ORDER BY rank_betweenness
