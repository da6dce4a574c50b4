"""Generated wording: theme names and coded segments assembled from short phrase lists.

Every text starts with "Synthetic" so that it can never be taken for a participant's words.
"""

from __future__ import annotations

import random

TOPICS = (
    "knowledge sharing between practices",
    "clinical engagement in redesign",
    "board relationships with providers",
    "managing conflicts of interest",
    "locality working",
    "data and performance information",
    "relations with the local authority",
    "patient and public involvement",
    "financial pressure",
    "GP time for commissioning",
    "working with hospital consultants",
    "integrated care for older people",
    "federations and at-scale primary care",
    "support from the commissioning support unit",
    "legitimacy of clinical leaders",
    "quality of referrals",
    "urgent care pathways",
    "mental health services",
)
STANCES = (
    "describes",
    "questions",
    "values",
    "worries about",
    "reports progress on",
    "sees little change in",
    "links success to",
    "credits a colleague with",
    "compares the past with the present of",
)
TIMES = ("before authorisation", "in the first year", "after the reforms", "during the last survey round", "recently")
PROCESSES = (
    "Synthetic process: bridging professional boundaries",
    "Synthetic process: mobilising knowledge",
    "Synthetic process: building legitimacy",
    "Synthetic process: sharing leadership",
)
ROLE_WORDS: dict[str | None, str] = {
    "gp": "GP",
    "pct_employee": "former PCT employee",
    "practice_manager": "practice manager",
    "hospital": "hospital clinician",
    "nurse": "nurse",
    "patient_representative": "patient representative",
    "local_authority": "local authority officer",
    "manager": "manager",
    "other": "participant",
}
OUTCOMES = ("implemented", "piloted", "stalled", "extended to neighbouring CCGs", "evaluated", "withdrawn")


def theme_name(t: int) -> str:
    return f"Synthetic theme {t + 1:04d}: {TOPICS[t % len(TOPICS)]}"


def segment_text(number: int, role: str | None, site_name: str, rng: random.Random) -> str:
    """One coded segment, e.g. 'Synthetic segment 0000017: a nurse at Synthetic CCG 004 describes ...'."""
    who = ROLE_WORDS.get(role, "participant")
    return (
        f"Synthetic segment {number:07d}: a {who} at {site_name} {rng.choice(STANCES)} "
        f"{rng.choice(TOPICS)} {rng.choice(TIMES)}."
    )


def colour(rng: random.Random) -> str:
    return f"#{rng.randrange(0x1000000):06X}"
