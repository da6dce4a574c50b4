"""Normal forms used to compare citations: title keys, author keys and stable ids.

Titles are compared after folding case, accents, punctuation, bracketed asides and British vs
American spelling. The spelling fold only has to treat both sides alike, not to be good English,
so one mapping direction (to American) is enough.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from loaders.citations.model import Citation, Name
from loaders.wave.spec import MAX_ID_LENGTH

STOPWORDS = frozenset(
    "a an and as at by for from in into of on or the to with its it is are be what why how do does "
    "their our your".split()
)
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ISE = re.compile(r"(?<=[a-z]{2})is(e|ed|es|ing|er|ers|ation|ations|ational|ationally)$")
_OUR_STEMS = (
    "behaviour",
    "labour",
    "colour",
    "favour",
    "honour",
    "neighbour",
    "harbour",
    "humour",
    "rumour",
    "vigour",
    "flavour",
    "endeavour",
    "savour",
    "saviour",
    "odour",
    "armour",
    "parlour",
    "vapour",
    "tumour",
    "valour",
)
_RE_STEMS = ("centre", "theatre", "fibre", "litre", "metre", "calibre", "sombre", "spectre", "meagre")
_WHOLE_WORDS = {
    "programme": "program",
    "programmes": "programs",
    "ageing": "aging",
    "judgement": "judgment",
    "licence": "license",
    "defence": "defense",
    "offence": "offense",
    "catalogue": "catalog",
    "analyse": "analyze",
    "analysed": "analyzed",
    "analysing": "analyzing",
    "practise": "practice",
    "paediatric": "pediatric",
    "paediatrics": "pediatrics",
    "anaesthesia": "anesthesia",
    "haemorrhage": "hemorrhage",
    "oedema": "edema",
    "foetal": "fetal",
    "orthopaedic": "orthopedic",
    "gynaecology": "gynecology",
    "grey": "gray",
    "enrol": "enroll",
    "fulfil": "fulfill",
}


def fold(text: str) -> str:
    """Lower case ASCII: accents dropped, apostrophes removed ("Labour’s" -> "labours"), & -> and."""
    if text.isascii():
        ascii_text = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _APOSTROPHES.sub("", ascii_text.replace("&", " and ")).lower()


@lru_cache(maxsize=1 << 16)
def american(token: str) -> str:
    """One spelling for words the British and Americans spell differently."""
    if token in _WHOLE_WORDS:
        return _WHOLE_WORDS[token]
    for stem in _OUR_STEMS:
        if token.startswith(stem):
            return stem[:-2] + "r" + token[len(stem) :]
    for stem in _RE_STEMS:
        if token.startswith(stem):
            return stem[:-2] + "er" + token[len(stem) :]
    return _ISE.sub(lambda m: "iz" + m.group(1), token)


@lru_cache(maxsize=1 << 16)
def title_tokens(title: str) -> tuple[str, ...]:
    """The words of a title after folding; bracketed asides such as "(White Paper)" are dropped."""
    text = _NON_WORD.sub(" ", fold(_BRACKETED.sub(" ", title)))
    return tuple(american(token) for token in text.split())


def title_key(title: str) -> str:
    """The title's words run together: spacing and tokenising artefacts ("fund£35", "Lorelei Jones") vanish."""
    return bounded("".join(title_tokens(title)))


def content_words(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(token for token in tokens if token not in STOPWORDS)


@lru_cache(maxsize=1 << 16)
def family_key(family: str) -> str:
    return _NON_WORD.sub("", fold(family))


def author_match_key(name: Name) -> str:
    """Family name and first initial: enough to recognise an author across styles ("Smith P" / "Peter C Smith")."""
    if name.is_organisation:
        return bounded("org:" + " ".join(title_tokens(name.family)))
    return bounded(f"{family_key(name.family)}:{name.initials[:1].lower()}")


def author_id(name: Name) -> str:
    """Stable Author id from the normalised family name and all initials (organisations by their name)."""
    if name.is_organisation:
        return bounded("author:org-" + "-".join(title_tokens(name.family)))
    return bounded(f"author:{family_key(name.family)}-{name.initials.lower()}")


def bounded(key: str) -> str:
    """`key`, or when it is longer than MAX_ID_LENGTH its start and a hash of the whole of it.

    Ids and the keys stored in indexes must stay short: the embedded engine cannot hold a unique
    key past 4,096 bytes (see loaders/wave/spec.py). A name or title that long is a parsing
    accident, but must not stop the list loading; equal keys still give equal bounded keys.
    """
    if len(key) <= MAX_ID_LENGTH:
        return key
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    return key[: MAX_ID_LENGTH - len(digest) - 1] + "~" + digest


def citation_key(citation: Citation) -> str:
    """The most specific identity one citation carries on its own: DOI, else PMID, else title/year/first author.

    The first author is part of the key so that two same-titled works of one year can still be
    told apart by a reviewer's decision.
    """
    if citation.doi:
        return f"doi:{citation.doi.lower()}"
    if citation.pmid:
        return f"pmid:{citation.pmid}"
    first = author_match_key(citation.authors[0]) if citation.authors else ""
    return f"title:{title_key(citation.title)}|{citation.year or ''}|{first}"


def work_id(key: str) -> str:
    """`work:` and a short hash of a citation key; the same key always gives the same id."""
    return "work:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
