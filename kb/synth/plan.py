"""How much a synthetic England holds at a given scale.

Scale 1 is the size of the real thing: every CCG of England (211), the practices and other
organisations around them, a national board survey and its advice network, and a literature.
Every count grows linearly with the scale (rounded, never below a small floor that keeps the
world well formed), so the cost of loading it can be compared across scales.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from kb.errors import UsageError

STUDY_ID = "syn"
STUDY_TITLE = "Synthetic England: generated benchmark data (not real)"
VOCAB_WAVE = "syn-vocab-1"
NATIONAL_WAVE = "syn-england-1"
LITERATURE_WAVE = "syn-literature-1"
MAX_SCALE = 20.0

# counts at scale 1; the floors keep tiny scales meaningful (every site has people and organisations)
SCALE_ONE = {
    "sites": 211,
    "organisations": 8000,
    "participants": 40000,
    "advice_ties": 400000,
    "initiatives": 300,
    "themes": 500,
    "evidence": 50000,
    "findings": 60,
    "recommendations": 20,
    "works": 20000,
    "literature_publications": 80,
}
FLOORS = {
    "sites": 2,
    "organisations": 20,
    "participants": 60,
    "advice_ties": 300,
    "initiatives": 2,
    "themes": 6,
    "evidence": 20,
    "findings": 1,
    "recommendations": 1,
    "works": 10,
    "literature_publications": 1,
}


@dataclass(frozen=True)
class Plan:
    """The counts of one synthetic England (see SCALE_ONE for what each means)."""

    scale: float
    seed: int
    sites: int
    organisations: int
    participants: int
    advice_ties: int
    initiatives: int
    themes: int
    evidence: int
    findings: int
    recommendations: int
    works: int
    literature_publications: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def plan_for(scale: float, seed: int = 1) -> Plan:
    """The counts at `scale` (0 < scale <= 20); each is round(scale x its scale-1 count), floored."""
    if not 0 < scale <= MAX_SCALE:
        raise UsageError(f"--scale must be above 0 and at most {MAX_SCALE:g} (1 is England-sized), got {scale:g}")
    counts = {name: max(FLOORS[name], round(base * scale)) for name, base in SCALE_ONE.items()}
    return Plan(scale=scale, seed=seed, **counts)
