"""The national wave's people and places: sites, organisations, participants and the advice network."""

from __future__ import annotations

import random

from kb.synth.sink import CsvSink, PackageWriter
from kb.synth.vocab import ORGANISATION_TYPES, REGIONS, orgtype_id, region_id
from kb.synth.world import Weighted, World, stream, unit

_ORG_TYPES = Weighted({key: weight for key, _, weight in ORGANISATION_TYPES})
_ORG_NAMES = {key: name for key, name, _ in ORGANISATION_TYPES}
_TIE_RELATIONS = Weighted({"advice": 6, "collaboration": 3, "knowledge": 1})
_PBC_ROOTS = ("none", "weak", "medium", "strong")
CROSS_SITE_SHARE = 0.1  # ties that reach into another CCG
ORGANISATION_SHARE = 0.2  # ties that name an organisation rather than a person


def org_type(world: World, o: int) -> str:
    return _ORG_TYPES.pick(unit(world.seed, "orgtype", o))


def write_sites(world: World, package: PackageWriter) -> None:
    """sites.csv, site_observations.csv (one row per site) and ties.csv (published tie counts)."""
    sites = package.sink("sites.csv")
    observations = package.sink("site_observations.csv")
    ties = package.sink("ties.csv")
    rng = stream(world.seed, "sites")
    for s in range(world.plan.sites):
        site_id, locator = world.site_id(s), f"synthetic survey, site {s + 1:04d}"
        sites.write(
            id=site_id,
            name=world.site_name(s),
            kind="ccg",
            region=region_id(s % REGIONS),
            description=f"A generated CCG of the synthetic England (number {s + 1}).",
            locator=locator,
        )
        _observe(world, observations, s, rng, locator)
        for key, _, _ in ORGANISATION_TYPES:
            count = rng.randrange(0, 30)
            if count:
                ties.write(site=site_id, organisation_type=orgtype_id(key), count=count, locator=locator)


def _observe(world: World, sink: CsvSink, s: int, rng: random.Random, locator: str) -> None:
    invited = world.members(world.plan.participants, s)
    responded = sum(1 for j in range(s, world.plan.participants, world.plan.sites) if world.ties_of(j) > 0)
    board = world.board_size(s)
    sink.write(
        site=world.site_id(s),
        status="authorised",
        pathfinder_wave=rng.randint(1, 7),
        population=rng.randrange(60_000, 900_000, 1000),
        practices=world.members(world.plan.organisations, s),
        gps=rng.randint(30, 400),
        localities=rng.randint(1, 8),
        board_members=board,
        board_secondary_care=rng.random() < 0.9,
        board_nurse=rng.random() < 0.95,
        board_patient=rng.random() < 0.7,
        executive_support=rng.random() < 0.8,
        pbc_roots=rng.choice(_PBC_ROOTS),
        meeting_observations=rng.randint(0, 6),
        survey_invited=invited,
        survey_responded=responded,
        board_density=round(rng.uniform(0.2, 0.9), 3),
        locator=locator,
    )


def write_organisations(world: World, package: PackageWriter) -> None:
    sink = package.sink("organisations.csv")
    for o in range(world.plan.organisations):
        kind = org_type(world, o)
        sink.write(
            id=world.organisation_id(o),
            name=f"Synthetic {_ORG_NAMES[kind].lower()} {o + 1:06d}",
            type=orgtype_id(kind),
            site=world.site_id(o % world.plan.sites),
            locator=f"synthetic register, row {o + 1}",
        )


def write_participants(world: World, package: PackageWriter) -> None:
    sink = package.sink("participants.csv")
    for j in range(world.plan.participants):
        s = j % world.plan.sites
        works = unit(world.seed, "employed", j) < 0.75
        sink.write(
            id=world.participant_id(j),
            name=f"Synthetic participant {j + 1:07d}",
            role=world.role(j),
            site=world.site_id(s),
            organisation=world.organisation_id(world.organisation_of_site(s, unit(world.seed, "org", j)))
            if works
            else None,
            board_member=world.is_board_member(j),
            interviewed=unit(world.seed, "interview", j) < 0.05,
            survey_respondent=world.ties_of(j) > 0,
            locator=f"synthetic survey, respondent {j + 1}",
        )


def write_advice_ties(world: World, package: PackageWriter) -> None:
    """advice_ties.csv: each respondent names distinct people and organisations, mostly in their own CCG."""
    sink = package.sink("advice_ties.csv")
    rng = stream(world.seed, "advice")
    for j in range(world.plan.participants):
        respondent, locator = world.participant_id(j), f"synthetic survey, respondent {j + 1}"
        for alter in _alters(world, j, world.ties_of(j), rng):
            sink.write(
                respondent=respondent,
                alter=alter,
                relation=_TIE_RELATIONS.pick(rng.random()),
                weight=round(rng.uniform(0.1, 1.0), 2),
                locator=locator,
            )


def _alters(world: World, j: int, degree: int, rng: random.Random) -> list[str]:
    """`degree` distinct alters of participant j (fewer only where the world is too small to offer them)."""
    if degree == 0:
        return []
    plan, s = world.plan, j % world.plan.sites
    cross = int(degree * CROSS_SITE_SHARE) if plan.sites > 1 else 0
    orgs = min(int(degree * ORGANISATION_SHARE), world.members(plan.organisations, s))
    peers_available = world.members(plan.participants, s) - 1
    peers = min(degree - cross - orgs, peers_available)
    own_index = j // plan.sites
    chosen = [k + (k >= own_index) for k in rng.sample(range(peers_available), peers)]
    alters = [world.participant_id(s + plan.sites * k) for k in chosen]
    alters += [
        world.organisation_id(s + plan.sites * k) for k in rng.sample(range(world.members(plan.organisations, s)), orgs)
    ]
    alters += [world.participant_id(x) for x in _other_site_people(world, s, cross, rng)]
    return alters


def _other_site_people(world: World, s: int, count: int, rng: random.Random) -> list[int]:
    people: set[int] = set()
    while len(people) < count:
        x = rng.randrange(world.plan.participants)
        if x % world.plan.sites != s:
            people.add(x)
    return sorted(people)
