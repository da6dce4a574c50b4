"""`kb synth`: a synthetic England as wave packages, written row by row, the same for the same seed.

    synthesize(out, scale=1.0, seed=1) writes
        out/00-syn-vocab        organisation types, clinical areas, regions (load first)
        out/10-syn-england      the national wave: CCGs, organisations, participants, advice ties,
                                initiatives, themes, coded evidence, findings (requires the vocabulary)
        out/20-syn-literature   publications with CSL-JSON reference lists (the citations loader)

Every file is streamed to disk with a csv writer; nothing that grows with the scale is kept in
memory, so generating scale 10 needs no more memory than scale 0.1.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from kb.errors import UsageError
from kb.synth.literature import write_literature
from kb.synth.national import write_national
from kb.synth.plan import LITERATURE_WAVE, NATIONAL_WAVE, VOCAB_WAVE, Plan, plan_for
from kb.synth.vocab import write_vocab

PACKAGES = {VOCAB_WAVE: "00-syn-vocab", NATIONAL_WAVE: "10-syn-england", LITERATURE_WAVE: "20-syn-literature"}


def synthesize(out: str | Path, scale: float = 1.0, seed: int = 1) -> dict[str, Any]:
    """Write the synthetic packages into `out` (missing or empty); return the plan and what each holds."""
    out = Path(out)
    plan = plan_for(scale, seed)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} exists and is not an empty folder; give a new --out folder")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    packages = [
        write_vocab(out / PACKAGES[VOCAB_WAVE]),
        write_national(plan, out / PACKAGES[NATIONAL_WAVE]),
        write_literature(plan, out / PACKAGES[LITERATURE_WAVE]),
    ]
    return {
        "plan": plan.as_dict(),
        "out": str(out),
        "seconds": round(time.perf_counter() - started, 3),
        "packages": packages,
    }


__all__ = ["synthesize", "plan_for", "Plan", "PACKAGES"]
