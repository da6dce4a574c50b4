"""How alike two citations are: a score in [0, 1] and whether the evidence allows an automatic merge.

score = 0.70 * title + 0.15 * year + 0.15 * authors, where

- title is 1 for the same words after normalising (case, punctuation, spacing, bracketed asides,
  British/American spelling); 0.9 when one title, of at least three content words, lies wholly
  inside the other (a missing subtitle, a publisher run into the title); the character similarity
  when it is 0.92 or more (typos); otherwise 0.6 times the similarity, so that two titles that
  differ by a real word fall well short. Titles whose numbers differ ("Part 1" / "Part 2") keep 0.6
  of their value, and titles of fewer than three content words ("Commissioning") 0.85, because
  such titles are shared by unrelated works.
- year is 1 for the same year, 0.6 for years one apart (print vs online), 0.5 when one is
  unknown and 0 beyond; more than one year apart also forbids an automatic merge.
- authors is the share of the shorter author list found in the other (family name and first
  initial; a family name alone counts half); 0.5 when either list is empty. Exports often give a
  wrong or single author, so authors weigh little.

The same DOI or PMID scores 1; two different DOIs (or PMIDs, or URLs) score 0 and never merge.
An automatic merge also needs corroboration (`_corroborated`): titles equal after normalising, or
else a shared author and known years; a similar or contained title alone goes to review.
Pairs from REVIEW_THRESHOLD up to MERGE_THRESHOLD go to a person. The lowest score two identical
titles can get (a short title, years apart, no common author) is 0.595, so every identical title
is either merged or reviewed. With these weights an identical title in the same year merges even
when the authors disagree (0.85), and a title that differs by a word does not merge even with the
same authors and year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from loaders.citations.model import Citation
from loaders.citations.normalise import author_match_key, content_words, family_key, title_tokens

MERGE_THRESHOLD = 0.8
REVIEW_THRESHOLD = 0.55
TITLE_WEIGHT, YEAR_WEIGHT, AUTHOR_WEIGHT = 0.70, 0.15, 0.15
_NEAR = 0.92
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class Prepared:
    """The normal forms of one citation that comparisons need, computed once."""

    citation: Citation
    compact: str
    content: tuple[str, ...]
    digits: str
    authors: frozenset[str]
    families: frozenset[str]

    @classmethod
    def of(cls, citation: Citation) -> Prepared:
        tokens = title_tokens(citation.title)
        compact = "".join(tokens)
        keys = frozenset(author_match_key(name) for name in citation.authors)
        families = frozenset(
            author_match_key(name) if name.is_organisation else family_key(name.family) for name in citation.authors
        )
        return cls(
            citation=citation,
            compact=compact,
            content=content_words(tokens),
            digits="".join(_DIGITS.findall(compact)),
            authors=keys,
            families=families,
        )


@dataclass(frozen=True)
class Comparison:
    score: float
    mergeable: bool
    reason: str


def compare(a: Prepared, b: Prepared) -> Comparison:
    """Score two citations; `mergeable` is False when the evidence forbids an automatic merge."""
    ca, cb = a.citation, b.citation
    for field, label in (("doi", "DOI"), ("pmid", "PMID")):
        va, vb = getattr(ca, field), getattr(cb, field)
        if va and vb:
            same = va == vb
            return Comparison(1.0 if same else 0.0, same, f"{'same' if same else 'different'} {label}")
    if ca.url and cb.url and _url_key(ca.url) != _url_key(cb.url):
        return Comparison(0.0, False, "different URLs")
    title = title_similarity(a, b)
    year, year_ok = _year_similarity(ca.year, cb.year)
    authors = _author_similarity(a, b)
    score = round(TITLE_WEIGHT * title + YEAR_WEIGHT * year + AUTHOR_WEIGHT * authors, 3)
    reason = f"title {title:.2f}, years {ca.year or '?'}/{cb.year or '?'}, authors {authors:.2f}"
    return Comparison(score, year_ok and _corroborated(a, b), reason)


def _url_key(url: str) -> str:
    """A URL compared without scheme, `www.`, letter case of the host or a trailing slash."""
    bare = re.sub(r"^[a-z]+://(www\.)?", "", url.strip(), flags=re.IGNORECASE)
    host, _, rest = bare.partition("/")
    return f"{host.lower()}/{rest}".rstrip("/")


_NOTICE = re.compile(
    r"^(erratum|errata|corrigendum|correction|retraction|retracted|expression of concern|reply|response|comment)\b"
)


def _notice(prepared: Prepared) -> bool:
    """Is the citation a notice about another work (an erratum, a correction, a reply)?"""
    return bool(_NOTICE.match(" ".join(title_tokens(prepared.citation.title))))


def _corroborated(a: Prepared, b: Prepared) -> bool:
    """May a pair without a shared identifier merge by itself? Titles equal up to case, punctuation and
    accents may (the year rule applies as well); a title that is only similar, or contained in the
    other, needs a shared author and known years as well; anything weaker goes to review."""
    if a.compact == b.compact:
        return True
    if _notice(a) != _notice(b):  # "Erratum: <title>" is a work of its own, by the same authors, that year
        return False
    known_years = a.citation.year is not None and b.citation.year is not None
    return known_years and bool(a.families & b.families)


def could_reach_review(a: Prepared, b: Prepared) -> bool:
    """A cheap upper bound: False when the titles are too unlike for the pair ever to need review."""
    if a.citation.doi and a.citation.doi == b.citation.doi:
        return True
    if a.citation.pmid and a.citation.pmid == b.citation.pmid:
        return True
    if a.compact in b.compact or b.compact in a.compact:
        return True
    bound = SequenceMatcher(None, a.compact, b.compact, autojunk=False).quick_ratio()
    best_title = bound if bound >= _NEAR else bound * 0.6
    return TITLE_WEIGHT * best_title + YEAR_WEIGHT + AUTHOR_WEIGHT >= REVIEW_THRESHOLD


def title_similarity(a: Prepared, b: Prepared) -> float:
    shorter, longer = sorted((a, b), key=lambda p: (len(p.compact), p.compact))
    if a.compact == b.compact:
        value = 1.0
    elif len(shorter.content) >= 3 and shorter.compact in longer.compact:
        value = 0.9
    else:
        ratio = SequenceMatcher(None, shorter.compact, longer.compact, autojunk=False).ratio()
        value = ratio if ratio >= _NEAR else 0.6 * ratio
    if a.digits != b.digits:
        value *= 0.6
    if min(len(a.content), len(b.content)) < 3:
        value *= 0.85
    return value


def _year_similarity(ya: int | None, yb: int | None) -> tuple[float, bool]:
    if ya is None or yb is None:
        return 0.5, True
    gap = abs(ya - yb)
    return {0: 1.0, 1: 0.6}.get(gap, 0.0), gap <= 1


def _author_similarity(a: Prepared, b: Prepared) -> float:
    if not a.authors or not b.authors:
        return 0.5
    exact = len(a.authors & b.authors)
    family_only = max(0, len(a.families & b.families) - exact)
    return min(1.0, (exact + 0.5 * family_only) / min(len(a.authors), len(b.authors)))
