// name: search
// title: Search names and texts
// question: Which entities and pieces of evidence mention a phrase in their name, title, text or description?
// params:
//   - {name: text, type: string, default: "knowledge", help: "the phrase to look for (case does not matter)"}
//   - {name: label, type: string, default: "", help: "only entities with this label; empty for any",
//      choices: [Study, Wave, Publication, Region, Site, OrganisationType, Organisation, Participant, Initiative,
//                ClinicalArea, Theme, Evidence, Finding, Recommendation, CommissioningModel, Work, Author]}
//   - {name: limit, type: int, default: 50, help: "how many matches to list"}
// columns: [label, id, name, field, snippet, study, locator]
// tags: [explore]

// `field` is the first property that matched; `snippet` is the start of it.
MATCH (n)
WHERE coalesce($label, '') = '' OR $label IN labels(n)
WITH n, [field IN ['name', 'title', 'text', 'description']
         WHERE n[field] IS NOT NULL AND toLower(toString(n[field])) CONTAINS toLower($text)] AS fields
WHERE size(fields) > 0
RETURN labels(n)[0] AS label, n.id AS id, coalesce(n.name, n.title, left(n.text, 80), n.id) AS name, fields[0] AS field,
       left(toString(n[fields[0]]), 200) AS snippet, n.study AS study, n.locator AS locator
ORDER BY label, id
LIMIT $limit
