"""The national wave's content: initiatives, themes, coded evidence, publications and findings."""

from __future__ import annotations

from kb.synth import text
from kb.synth.plan import STUDY_ID
from kb.synth.sink import PackageWriter
from kb.synth.vocab import CLINICAL_AREAS, area_id
from kb.synth.world import Weighted, World, stream

PARTNERS_PER_INITIATIVE = 4
THEME_RELATION_SHARE = 0.4
_EVIDENCE_KINDS = Weighted({"paraphrase": 5, "summary": 2, "observation": 1, "survey": 1, "document": 1})
_LEVELS = ("strategic", "programme", "practice")
_RELATIONS = ("same", "similar", "supports", "extends", "contrasts")
SPOKEN_SHARE = 0.4  # segments attributed to a participant
ABOUT_SHARE = 0.1  # segments about one of their site's initiatives
SECOND_THEME_SHARE = 0.2  # segments coded with two themes

NATIONAL_PUBLICATIONS = (
    ("national-report", "Synthetic England: national report of the generated survey", "report"),
    ("national-article-1", "Synthetic article: advice networks of generated CCG boards", "article"),
    ("national-article-2", "Synthetic article: clinical leadership themes in generated interviews", "article"),
)


def publication_id(key: str) -> str:
    return f"{STUDY_ID}:pub:{key}"


def write_initiatives(world: World, package: PackageWriter) -> None:
    """initiatives.csv and initiative_partners.csv (partners are organisations of the same CCG)."""
    initiatives = package.sink("initiatives.csv")
    partners = package.sink("initiative_partners.csv")
    rng = stream(world.seed, "initiatives")
    plan = world.plan
    for i in range(plan.initiatives):
        s, initiative = i % plan.sites, world.initiative_id(i)
        areas = rng.sample(CLINICAL_AREAS, rng.randint(1, 2))
        initiatives.write(
            id=initiative,
            name=f"Synthetic initiative {i + 1:04d}: {areas[0][1].lower()} redesign",
            site=world.site_id(s),
            clinical_areas=[area_id(key) for key, _ in areas],
            gp_leadership_levels=sorted(rng.sample(_LEVELS, rng.randint(1, 3)), key=_LEVELS.index),
            outcome=f"Synthetic outcome: {rng.choice(text.OUTCOMES)}.",
            locator=f"synthetic case notes, initiative {i + 1}",
        )
        own = world.members(plan.organisations, s)
        for k in sorted(rng.sample(range(own), min(PARTNERS_PER_INITIATIVE, own))):
            partners.write(
                initiative=initiative,
                organisation=world.organisation_id(s + plan.sites * k),
                role="lead" if k % 3 == 0 else "partner",
                locator=f"synthetic case notes, initiative {i + 1}",
            )


def write_themes(world: World, package: PackageWriter) -> None:
    """themes.csv (a hierarchy: a few top themes, the rest below an earlier theme) and theme_relations.csv."""
    themes = package.sink("themes.csv")
    rng = stream(world.seed, "themes")
    total, top = world.plan.themes, world.top_themes()
    for t in range(total):
        parent = None if t < top else world.theme_id(rng.randrange(min(t, top * 5)))
        themes.write(
            id=world.theme_id(t),
            name=text.theme_name(t),
            parent=parent,
            description="A generated code of the synthetic interviews.",
            color=text.colour(rng),
            locator="synthetic codebook",
        )
    relations = package.sink("theme_relations.csv")
    for t in sorted(rng.sample(range(total), int(total * THEME_RELATION_SHARE))):
        related = (t + 1 + rng.randrange(total - 1)) % total
        relations.write(
            theme=world.theme_id(t),
            related=world.theme_id(related),
            how=rng.choice(_RELATIONS),
            locator="synthetic codebook",
        )


def write_evidence(world: World, package: PackageWriter) -> None:
    """evidence.csv: coded segments from a site, some spoken by one of its participants."""
    sink = package.sink("evidence.csv")
    rng = stream(world.seed, "evidence")
    plan = world.plan
    for e in range(plan.evidence):
        s = rng.randrange(plan.sites)
        speaker = world.participant_of_site(s, rng.random()) if rng.random() < SPOKEN_SHARE else None
        role = world.role(speaker) if speaker is not None else None
        initiative = world.initiative_of_site(s, rng.random()) if rng.random() < ABOUT_SHARE else None
        themes = rng.sample(range(plan.themes), 2 if rng.random() < SECOND_THEME_SHARE else 1)
        body = text.segment_text(e + 1, role, world.site_name(s), rng)
        start = rng.randrange(0, 40_000)
        sink.write(
            id=f"{STUDY_ID}:evidence:{e + 1:07d}",
            text=body,
            themes=[world.theme_id(t) for t in themes],
            site=world.site_id(s),
            participant=world.participant_id(speaker) if speaker is not None else None,
            speaker_role=role,
            kind=_EVIDENCE_KINDS.pick(rng.random()),
            about=[world.initiative_id(initiative)] if initiative is not None else None,
            start=start,
            end=start + len(body),
            locator=f"synthetic transcript {s + 1:04d}, segment {e + 1}",
        )


def write_publications(world: World, package: PackageWriter) -> None:
    """publications.csv, findings.csv and recommendations.csv of the national study."""
    publications = package.sink("publications.csv")
    for n, (key, title, kind) in enumerate(NATIONAL_PUBLICATIONS):
        publications.write(
            id=publication_id(key),
            title=title,
            year=2017 + n,
            venue="Synthetic Journal of Commissioning",
            doi=f"10.5555/syn.{key}",
            kind=kind,
            authors=["Synthetica A", "Generata B"],
            locator="kb synth: publications",
        )
    rng = stream(world.seed, "findings")
    findings = package.sink("findings.csv")
    for f in range(world.plan.findings):
        themes = rng.sample(range(world.plan.themes), min(3, world.plan.themes))
        findings.write(
            id=f"{STUDY_ID}:finding:{f + 1:03d}",
            title=f"Synthetic finding {f + 1:03d}",
            text=f"Synthetic finding about {text.TOPICS[f % len(text.TOPICS)]}.",
            publication=publication_id(NATIONAL_PUBLICATIONS[f % 3][0]),
            themes=[world.theme_id(t) for t in themes],
            locator=f"synthetic report, finding {f + 1}",
        )
    recommendations = package.sink("recommendations.csv")
    for r in range(world.plan.recommendations):
        recommendations.write(
            id=f"{STUDY_ID}:recommendation:{r + 1:03d}",
            title=f"Synthetic recommendation {r + 1:03d}",
            text="A generated recommendation.",
            process=text.PROCESSES[r % len(text.PROCESSES)],
            publication=publication_id("national-report"),
            themes=[world.theme_id(rng.randrange(world.plan.themes))],
            locator=f"synthetic report, recommendation {r + 1}",
        )
