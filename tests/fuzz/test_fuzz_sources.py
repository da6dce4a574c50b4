"""Fuzzing the other loaders: reference lists, REFI-QDA archives and survey edge lists.

Every case loads or is refused with a named error and a one-line message; a refused case leaves
the knowledge base (the base wave t01-w1, whose publication t01:pub:report the reference lists
cite) exactly as it was.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

from loaders.citations.api import load_citations
from loaders.dispatch import load_path
from loaders.survey import ALTER_TYPES, read_survey
from loaders.wave.spec import TIE_RELATIONS
from support.fuzz.harness import check_case, examples
from support.fuzz.sources import CitationCase, QdpxCase, SurveyCase, citation_cases, qdpx_cases, survey_cases


def citation_case(fuzz_base, tally, case: CitationCase) -> None:
    with tempfile.TemporaryDirectory(prefix="kb-fuzz-") as tmp:
        path = case.write(Path(tmp))
        check_case(fuzz_base, "citations", tally, lambda: load_citations(fuzz_base.store, path, cited_by=case.cited_by))


def qdpx_case(fuzz_base, tally, case: QdpxCase) -> None:
    with tempfile.TemporaryDirectory(prefix="kb-fuzz-") as tmp:
        path = case.write(Path(tmp))
        check_case(fuzz_base, "qdpx", tally, lambda: load_path(fuzz_base.store, path, study="fzq", wave="fzq-1"))


def survey_case(fuzz_base, tally, case: SurveyCase) -> None:
    with tempfile.TemporaryDirectory(prefix="kb-fuzz-") as tmp:
        path = case.write(Path(tmp))
        ties = []
        check_case(fuzz_base, "survey", tally, lambda: ties.extend(read_survey(path)), writes=False)
    for tie in ties:  # what the reader accepts is a well-formed tie
        assert tie.respondent and tie.alter and tie.respondent != tie.alter
        assert tie.alter_type in ALTER_TYPES and tie.relation in TIE_RELATIONS
        assert tie.weight is None or (math.isfinite(tie.weight) and tie.weight >= 0)
        assert tie.locator.startswith("survey.csv row ")


@examples(60)
@given(case=citation_cases())
def test_reference_lists_load_or_are_refused(fuzz_base, tally, case):
    citation_case(fuzz_base, tally, case)


@examples(60)
@given(case=qdpx_cases())
def test_qdpx_archives_load_or_are_refused(fuzz_base, tally, case):
    qdpx_case(fuzz_base, tally, case)


@examples(60)
@given(case=survey_cases())
def test_survey_edge_lists_read_or_are_refused(fuzz_base, tally, case):
    survey_case(fuzz_base, tally, case)


@pytest.mark.long
@examples(2200)
@given(case=citation_cases())
def test_long_reference_lists(fuzz_base, tally, case):
    citation_case(fuzz_base, tally, case)


@pytest.mark.long
@examples(2200)
@given(case=qdpx_cases())
def test_long_qdpx_archives(fuzz_base, tally, case):
    qdpx_case(fuzz_base, tally, case)


@pytest.mark.long
@examples(2200)
@given(case=survey_cases())
def test_long_survey_edge_lists(fuzz_base, tally, case):
    survey_case(fuzz_base, tally, case)
