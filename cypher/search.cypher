// name: search
// title: Search names and texts
// question: Which entities and pieces of evidence mention a phrase in their name, title, text or description?
// params:
//   - {name: text, type: string, default: "knowledge", help: "the phrase to look for (case does not matter)"}
//   - {name: label, type: string, default: "", optional: true, help: "only entities with this label; empty for any",
//      choices: [Study, Wave, Publication, Region, Site, OrganisationType, Organisation, Participant, Initiative,
//                ClinicalArea, Theme, Evidence, Finding, Recommendation, CommissioningModel, Work, Author]}
//   - {name: limit, type: int, default: 50, help: "how many matches to list"}
// columns: [label, id, name, field, snippet, study, locator]
// fulltext: text
// tags: [explore]

// `field` is the first property that matched; `snippet` is the start of it. The filter tests
// each property on its own (most nodes have one or two of them), and only the matches kept build
// the list of fields. This is the portable form, a scan of every node: lower-casing every name
// and text takes about 0.2 s at national scale (about 125,000 nodes, 50,000 of them evidence).
// Where the store has its full-text index, the index's nodes take the place of the first line's
// (`fulltext: text`; kb/queries.py) and the filter below keeps those holding the text itself;
// docs/cypher.md, "Full-text search", says what each engine finds.
MATCH (n)
WHERE (coalesce($label, '') = '' OR $label IN labels(n))
  AND (toLower(toString(n.name)) CONTAINS toLower($text) OR toLower(toString(n.title)) CONTAINS toLower($text)
       OR toLower(toString(n.text)) CONTAINS toLower($text) OR toLower(toString(n.description)) CONTAINS toLower($text))
WITH n, labels(n)[0] AS label
ORDER BY label, n.id
LIMIT $limit
WITH n, label, [field IN ['name', 'title', 'text', 'description']
                WHERE n[field] IS NOT NULL AND toLower(toString(n[field])) CONTAINS toLower($text)] AS fields
RETURN label, n.id AS id, coalesce(n.name, n.title, left(n.text, 80), n.id) AS name, fields[0] AS field,
       left(toString(n[fields[0]]), 200) AS snippet, n.study AS study, n.locator AS locator
ORDER BY label, id
