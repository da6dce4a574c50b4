// name: initiatives_by_partner_type
// title: Initiatives involving a kind of partner
// question: Which initiatives, in any study, involve a partner of a given kind (a local authority, a voluntary body, an acute provider...)?
// params:
//   - {name: organisation_type, type: string, default: "vocab:orgtype:gp_practice", optional: true,
//      help: "an organisation type's id; empty for every type",
//      choices_query: "MATCH (t:OrganisationType) RETURN t.id AS value, t.name AS label ORDER BY value"}
//   - {name: study, type: string, default: "", optional: true, help: "a study's id; empty for every study",
//      choices_query: "MATCH (st:Study)-[r:STUDIED]->(s:Site) RETURN DISTINCT st.id AS value, st.title AS label ORDER BY value"}
// columns: [study, initiative, initiative_name, site, site_name, partner, partner_type, partner_role]
// tags: [initiatives, organisations]

MATCH (i:Initiative)-[v:INVOLVES]->(o:Organisation)-[ty:OF_TYPE]->(ot:OrganisationType)
WHERE (coalesce($organisation_type, '') = '' OR ot.id = $organisation_type)
  AND (coalesce($study, '') = '' OR i.study = $study)
OPTIONAL MATCH (i)-[a:AT]->(s:Site)
WITH i, v, o, ot, s
RETURN i.study AS study, i.id AS initiative, i.name AS initiative_name, s.id AS site, s.name AS site_name,
       o.name AS partner, ot.name AS partner_type, v.role AS partner_role
ORDER BY study, site_name, initiative_name, partner
