"""Inter-coder agreement per code, as NVivo's coding comparison and ATLAS.ti's inter-coder agreement report it.

    coded_studies(store) -> [study id]              the studies whose excerpts name coder and document
    coded_spans(store, study) -> [CodedSpan]        the study's coded excerpts with coder and offsets
    agreement_result(store, study) -> Result        the rows of `agreement` with their provenance
    agreement(spans) -> [CodeAgreement]             per code: coders, characters, overlap, alpha, kappa

The units are characters. For each code, the documents it was applied in count; in each, the
characters anyone coded (with any code) are the units, and every coder who coded anything in it is a rater of each of
its characters: 1 where their selections with the code cover the character, 0 elsewhere. A coder
who coded nothing in a document did not code it, and is missing there (not 0). Krippendorff's
alpha (nominal) comes from the `krippendorff` package; Cohen's kappa, given when exactly two
coders coded the code, comes from the two coders' 2x2 table of the characters both rated. Either
is None (unknown) where it is undefined: one coder, or no variation at all.

Characters that no one coded in a document are not units: the graph holds the coded excerpts,
not the documents, so unlike NVivo (which counts every character of the source) agreement on
leaving text uncoded is not counted. That keeps the figures lower and closer to ATLAS.ti's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import krippendorff
import numpy as np

from kb.schema import label, rel_type
from kb.store.base import Provenance, Result, Store


@dataclass(frozen=True)
class CodedSpan:
    """One coder's selection of characters [start, end) of a document, coded with one code."""

    document: str
    start: int
    end: int
    coder: str
    code: str
    code_name: str


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code: who coded it, how much, how much they overlap, and the coefficients."""

    code: str
    name: str
    coders: tuple[str, ...]  # everyone who coded anything in the documents the code was applied in
    characters: dict[str, int]  # coder -> characters they coded with the code (0: coded others only)
    overlap: int  # characters every one of `coders` coded with the code (in documents all of them coded)
    units: int  # characters the coefficients were computed over
    alpha: float | None
    kappa: float | None

    def as_row(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "coders": ", ".join(self.coders),
            "characters": "; ".join(f"{coder}: {count}" for coder, count in self.characters.items()),
            "overlap": self.overlap,
            "units": self.units,
            "alpha": None if self.alpha is None else round(self.alpha, 4),
            "kappa": None if self.kappa is None else round(self.kappa, 4),
        }


COLUMNS = ("code", "name", "coders", "characters", "overlap", "units", "alpha", "kappa")


_CODED_SPANS = (
    f"MATCH (s:{label('Study')} {{id: $study}})-[h:{rel_type('HAS_WAVE')}]->(w:{label('Wave')}) "
    f"WITH collect(w.id) AS waves "
    f"MATCH (e:{label('Evidence')})-[c:{rel_type('CODED_AS')}]->(t:{label('Theme')}) "
    "WHERE size([x IN e.waves WHERE x IN waves]) > 0 AND e.document IS NOT NULL AND e.coder IS NOT NULL "
    "AND e.start IS NOT NULL AND e.end IS NOT NULL "
    "RETURN e.document AS document, e.start AS start, e.end AS end, e.coder AS coder, "
    "t.id AS code, t.name AS name ORDER BY document, start, end, coder, code"
)


def coded_spans(store: Store, study: str) -> list[CodedSpan]:
    """The coded excerpts of `study`'s waves that say their document, coder and offsets."""
    rows = store.read(_CODED_SPANS, {"study": study}).rows
    return [
        CodedSpan(r["document"], int(r["start"]), int(r["end"]), r["coder"], r["code"], r["name"] or r["code"])
        for r in rows
    ]


def coded_studies(store: Store) -> list[str]:
    """The studies that have coded excerpts naming their coder and document, by id."""
    cypher = (
        f"MATCH (s:{label('Study')})-[h:{rel_type('HAS_WAVE')}]->(w:{label('Wave')}) "
        f"MATCH (e:{label('Evidence')}) WHERE w.id IN e.waves AND e.document IS NOT NULL AND e.coder IS NOT NULL "
        "RETURN DISTINCT s.id AS study ORDER BY study"
    )
    return [str(row["study"]) for row in store.read(cypher).rows]


def _coverage(spans: Iterable[CodedSpan], bounds: np.ndarray) -> np.ndarray:
    """For each elementary interval between consecutive `bounds`: is it inside one of `spans`?"""
    marks = np.zeros(len(bounds), dtype=np.int64)
    for span in spans:  # a difference array: +1 where a span starts, -1 where it ends
        marks[np.searchsorted(bounds, span.start)] += 1
        marks[np.searchsorted(bounds, span.end)] -= 1
    return np.cumsum(marks)[:-1] > 0


def _document_ratings(code: str, spans: list[CodedSpan], coders: tuple[str, ...]) -> np.ndarray:
    """Coders x the document's coded characters (see the module's docstring for the values)."""
    bounds = np.array(sorted({p for s in spans for p in (s.start, s.end)}), dtype=np.int64)
    if len(bounds) < 2:
        return np.empty((len(coders), 0))
    coded = _coverage(spans, bounds)
    lengths = np.diff(bounds)[coded]
    raters = {s.coder for s in spans}
    rows = []
    for coder in coders:
        if coder not in raters:
            rows.append(np.full(len(lengths), np.nan))
        else:
            mine = [s for s in spans if s.coder == coder and s.code == code]
            rows.append(_coverage(mine, bounds)[coded].astype(float))
    return np.repeat(np.array(rows), lengths, axis=1)


def _ratings(code: str, by_document: dict[str, list[CodedSpan]], coders: tuple[str, ...]) -> np.ndarray:
    """Coders x characters: 1 coded with `code`, 0 not, NaN where the coder did not code the document."""
    parts = [_document_ratings(code, spans, coders) for spans in by_document.values()]
    return np.concatenate(parts, axis=1) if parts else np.empty((len(coders), 0))


def _alpha(ratings: np.ndarray) -> float | None:
    pairable = ratings[:, (~np.isnan(ratings)).sum(axis=0) >= 2]
    values = pairable[~np.isnan(pairable)]
    if pairable.shape[1] == 0 or len(set(values.tolist())) < 2:
        return None  # no unit two coders rated, or no variation: alpha is undefined
    return float(krippendorff.alpha(reliability_data=pairable, level_of_measurement="nominal", value_domain=[0, 1]))


def _kappa(ratings: np.ndarray) -> float | None:
    both = ratings[:, ~np.isnan(ratings).any(axis=0)]
    if both.shape[1] == 0:
        return None
    first, second = both[0] == 1, both[1] == 1
    observed = float(np.mean(first == second))
    expected = float(first.mean() * second.mean() + (1 - first.mean()) * (1 - second.mean()))
    return None if expected == 1 else (observed - expected) / (1 - expected)


def _one_code(code: str, name: str, by_document: dict[str, list[CodedSpan]]) -> CodeAgreement:
    relevant = {doc: spans for doc, spans in by_document.items() if any(s.code == code for s in spans)}
    coders = tuple(sorted({s.coder for spans in relevant.values() for s in spans}))
    ratings = _ratings(code, relevant, coders)
    rated = ~np.isnan(ratings)
    characters = {c: int(np.nansum(ratings[i])) for i, c in enumerate(coders)}
    everyone = rated.all(axis=0)
    overlap = int((ratings[:, everyone] == 1).all(axis=0).sum()) if len(coders) > 1 else 0
    multi = len(coders) > 1
    return CodeAgreement(
        code,
        name,
        coders,
        characters,
        overlap,
        int((rated.sum(axis=0) >= 2).sum()),
        _alpha(ratings) if multi else None,
        _kappa(ratings) if len(coders) == 2 else None,
    )


def agreement(spans: Iterable[CodedSpan]) -> list[CodeAgreement]:
    """Per code, by code name: coders, characters, overlap and agreement coefficients."""
    spans = list(spans)
    by_document: dict[str, list[CodedSpan]] = defaultdict(list)
    names: dict[str, str] = {}
    for span in spans:
        by_document[span.document].append(span)
        names[span.code] = span.code_name
    return sorted((_one_code(code, name, by_document) for code, name in names.items()), key=lambda a: (a.name, a.code))


def agreement_result(store: Store, study: str) -> Result:
    """`agreement` of the study's coded excerpts as a Result: the rows `as_row` gives, with the query
    that read the excerpts as its provenance (the figures are computed here, not in Cypher)."""
    rows = [item.as_row() for item in agreement(coded_spans(store, study))]
    provenance = Provenance(_CODED_SPANS, {"study": study}, store.kind, query="kb.agreement")
    return Result(list(COLUMNS), rows, provenance=provenance)


def coders_of(spans: Iterable[CodedSpan]) -> tuple[str, ...]:
    """Everyone who coded something, sorted."""
    return tuple(sorted({s.coder for s in spans}))
