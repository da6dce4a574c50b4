// name: initiatives_by_clinical_area
// title: Initiatives by clinical area
// question: Which initiatives address a clinical area (mental health, urgent care, frail older people...), where, led at which levels and with which partners?
// params:
//   - {name: clinical_area, type: string, default: "", optional: true, help: "a clinical area's id; empty for every area",
//      choices_query: "MATCH (c:ClinicalArea) RETURN c.id AS value, c.name AS label ORDER BY value"}
//   - {name: study, type: string, default: "", optional: true, help: "a study's id; empty for every study",
//      choices_query: "MATCH (st:Study)-[r:STUDIED]->(s:Site) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
// columns: [clinical_area, area_name, study, initiative, initiative_name, site, site_name, gp_leadership_levels, partners]
// tags: [initiatives]

MATCH (i:Initiative)-[ar:IN_AREA]->(ca:ClinicalArea)
WHERE (coalesce($clinical_area, '') = '' OR ca.id = $clinical_area)
  AND (coalesce($study, '') = '' OR i.study = $study)
OPTIONAL MATCH (i)-[a:AT]->(s:Site)
WITH i, ca, s
OPTIONAL MATCH (i)-[v:INVOLVES]->(o:Organisation)
WITH i, ca, s, o ORDER BY o.name
WITH i, ca, s, collect(o.name) AS partners
RETURN ca.id AS clinical_area, ca.name AS area_name, i.study AS study, i.id AS initiative, i.name AS initiative_name,
       s.id AS site, s.name AS site_name, i.gp_leadership_levels AS gp_leadership_levels, partners
ORDER BY area_name, study, site_name, initiative_name
