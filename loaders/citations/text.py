"""Text helpers shared by the readers: identifiers, years, personal names and a kind guess."""

from __future__ import annotations

import re

from loaders.citations.model import Name

_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_PMID = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_DOI_LABEL = re.compile(r"\b(?:doi|Available (?:from|at))\s*:\s*", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d/.-])(1[5-9]\d\d|20\d\d)(?!\d)")
_TRAILING = ".,;:)]}'\""
_PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "la", "le", "st", "ten", "ter"}
_INITIALS_TOKEN = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")

_IN_CONTAINER = re.compile(r"(?:^|\s)In:\s")
_ARTICLE_NUMBERS = re.compile(r"\d{4}\s*;\s*\d+|;\s*\d+\s*\(\d+\)|\d+\s*:\s*e?\d+\s*[-–]\s*\d+")
_PLACE_YEAR = re.compile(r"[,;]\s*(?:1[5-9]|20)\d\d\b")
_PUBLISHER = re.compile(
    r"\b(?:Press|Publishers?|Publishing|Ashgate|Sage|Routledge|Blackwell|Wiley|Prentice Hall|Elsevier|"
    r"Springer|Palgrave|Macmillan|Jossey-Bass|McGraw)\b"
)
_REPORT = re.compile(
    r"\b(?:Report|Guidance|White Paper|Department of Health|King'?’?s Fund|Nuffield|PRUComm|NHS England|"
    r"HMSO|Institute|Centre|Center|Trust|Board|Commission|Working Paper|Briefing)\b",
    re.IGNORECASE,
)


def squash(text: str) -> str:
    """Collapse runs of whitespace (line breaks included) to single spaces."""
    return " ".join(text.split())


def tidy(text: str | None) -> str | None:
    """Squash whitespace and trim the stray punctuation reference lists leave around a field."""
    if text is None:
        return None
    cleaned = squash(text).strip(" ,;:").rstrip(".").strip(" ,;:")
    return cleaned or None


def find_doi(text: str) -> str | None:
    """The first DOI in `text`, lower-cased (DOIs are case-insensitive), without trailing punctuation."""
    match = _DOI.search(text)
    return match.group(0).rstrip(_TRAILING).lower() if match else None


def find_url(text: str) -> str | None:
    match = _URL.search(text)
    return match.group(0).rstrip(_TRAILING) if match else None


def find_pmid(text: str) -> str | None:
    """A PubMed id written with its label ("PMID: 123"); bare numbers are left to the formats that place them."""
    match = _PMID.search(text)
    return match.group(1) if match else None


def without_identifiers(text: str) -> str:
    """`text` with URLs, DOIs and PMIDs removed, so their digits are never mistaken for a year."""
    for pattern in (_URL, _DOI, _PMID, _DOI_LABEL):
        text = pattern.sub(" ", text)
    return text


def find_year(text: str) -> int | None:
    """The first plausible publication year in `text` (identifiers ignored)."""
    match = _YEAR.search(without_identifiers(text))
    return int(match.group(1)) if match else None


def initials_of(given: str) -> str:
    """Initials from given names in any common spelling: "Judith A." / "J.-L." / "FAJ" -> "JA" / "JL" / "FAJ";
    lower-case particles among them ("W.M.P. van der", as JabRef keeps `{W.M.P. van der} Aalst`) give none."""
    letters: list[str] = []
    for token in re.split(r"[\s.\-‐]+", given.strip()):
        if not token or token in _PARTICLES:
            continue
        if token.isupper() and len(token) <= 3:
            letters.extend(token)
        else:
            letters.append(token[0].upper())
    return "".join(ch for ch in letters if ch.isalpha())


def name_given_first(text: str) -> Name | None:
    """A person written given names first ("Judith A Smith", "N. Goodwin", "Ludwig van Beethoven")."""
    tokens = squash(text).strip(" ,.").split(" ")
    if not tokens or not tokens[0]:
        return None
    if len(tokens) == 1:
        return Name(tokens[0])
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    family = " ".join(tokens[start:])
    return Name(family, initials_of(" ".join(tokens[:start])))


def name_family_first(text: str) -> Name | None:
    """A person written family name first, Vancouver style ("Van Den Bosch FAJ", "Denis J-L"), or an organisation."""
    tokens = squash(text).strip(" ,").split(" ")
    if not tokens or not tokens[0]:
        return None
    if len(tokens) >= 2 and _INITIALS_TOKEN.match(tokens[-1]):
        return Name(" ".join(tokens[:-1]).rstrip("."), initials_of(tokens[-1]))
    return Name(" ".join(tokens).rstrip("."))


def guess_kind(tail: str, authors: tuple[Name, ...] = (), url: str | None = None, has_venue: bool = False) -> str:
    """Guess book / chapter / article / report / web from the text after the title.

    Only the tail is read because titles of reviews and papers often name a publisher or a fund.
    """
    if _IN_CONTAINER.search(tail):
        return "chapter"
    if _ARTICLE_NUMBERS.search(tail):
        return "article"
    if _PUBLISHER.search(tail):
        return "book"
    if _REPORT.search(tail) or any(name.is_organisation for name in authors):
        return "report"
    if url and not has_venue:
        return "web"
    # "London , 2009" / "London: DH; 2008": a place and a year with no journal numbers
    # reads as a book or report, not a paper.
    return "article" if has_venue and not _PLACE_YEAR.search(tail) else "other"
