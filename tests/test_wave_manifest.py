"""wave.yaml: values read from the manifest, and every rule's problem with its line."""

from __future__ import annotations

import pytest

from loaders.wave.manifest import Citation, Source, parse_manifest
from support.paths import WAVE_FIXTURES as FIXTURES

GOOD = """format: 1
study:
  id: t01
  title: Test study
wave:
  id: t01-w9
  title: A wave
"""


def messages(text: str) -> list[str]:
    return [str(problem) for problem in parse_manifest(text)[1]]


def test_fixture_manifest_reads_every_key():
    manifest, problems = parse_manifest((FIXTURES / "t01-w2" / "wave.yaml").read_text())
    assert problems == []
    assert (manifest.study_id, manifest.wave_id, manifest.phase) == ("t01", "t01-w2", 2)
    # YAML reads `2015` as a number and `2015-12-31` as a date; both come back as ISO text.
    assert (manifest.started, manifest.ended) == ("2015", "2015-12-31")
    assert manifest.requires == ("t01-w1",)
    assert manifest.publications == ("t01:pub:report",)


def test_sources_and_citations_become_records():
    text = GOOD + (
        "sources:\n  - {id: rep, title: Report, doi: 10.1/x}\n"
        "citations:\n  - {file: refs/r.txt, format: pmc, cited_by: 't01:pub:r'}\n"
    )
    manifest, problems = parse_manifest(text)
    assert problems == []
    assert manifest.sources == (Source("rep", "Report", "10.1/x", None),)
    assert manifest.citations == (Citation("refs/r.txt", "pmc", "t01:pub:r"),)


def test_malformed_yaml_names_the_line_and_column():
    # Line 4, the second ': ' starts at index 14 of "  title: Study: one" -> column 15.
    assert messages("format: 1\nstudy:\n  id: t01\n  title: Study: one\n") == [
        "wave.yaml: line 4, column 15: not valid YAML (mapping values are not allowed here); "
        "fix the syntax, e.g. quote values that contain ': '"
    ]


def test_a_key_given_twice_is_refused_and_the_last_one_counts():
    # YAML keeps the second `study`, which has no title.
    assert messages(GOOD + "study:\n  id: t01\n") == [
        "wave.yaml: line 8: 'study' is given twice; keep one",
        "wave.yaml: line 8: 'study.title' is missing; add the study's title",
    ]


def test_a_list_instead_of_a_mapping_is_refused():
    assert messages("- a\n- b\n") == [
        "wave.yaml: line 1: the file must be a YAML mapping starting with 'format: 1'; see docs/wave-format.md for "
        "an example"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("format: 1", "format: 2"),
            "wave.yaml: line 1: 'format' is 2, but this loader reads format 1; write 'format: 1' and follow "
            "docs/wave-format.md",
        ),
        (GOOD.replace("format: 1\n", ""), "wave.yaml: line 1: 'format' is missing; add 'format: 1' at the top"),
        (
            GOOD.replace("  title: Test study\n", ""),
            "wave.yaml: line 2: 'study.title' is missing; add the study's title",
        ),
        (
            GOOD.replace("  id: t01-w9\n", ""),
            "wave.yaml: line 5: 'wave.id' is missing; add the wave's key, e.g. t01-2014",
        ),
        (
            GOOD.replace("id: t01\n", "id: 't01:x'\n"),
            "wave.yaml: line 3: 'study.id' is 't01:x', which is not a valid key; use letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (no ':' or spaces)",
        ),
        (
            GOOD + "  started: 2014-13\n",
            "wave.yaml: line 8: 'wave.started' is '2014-13', which is not an ISO date; write YYYY, YYYY-MM or "
            "YYYY-MM-DD",
        ),
        (
            GOOD + "  phase: first\n",
            "wave.yaml: line 8: 'wave.phase' is 'first', which is not a whole number; write e.g. 1",
        ),
        (
            GOOD + "  colour: red\n",
            "wave.yaml: line 8: unknown key 'wave.colour'; allowed keys are id, title, started, ended, design, phase",
        ),
        (GOOD + "requires: vocab-1\n", "wave.yaml: line 8: 'requires' must be a list, e.g. [a, b]"),
        (GOOD + "requires: [t01-w9]\n", "wave.yaml: line 8: 'requires' lists this wave itself ('t01-w9'); remove it"),
        (
            GOOD + "publications: [t01:pub:a, 3]\n",
            "wave.yaml: line 8: 'publications[1]' must be a publication id, not '3'",
        ),
        (
            GOOD + "citations:\n  - {file: refs.txt, format: pmc}\n",
            "wave.yaml: line 9: 'citations[0].cited_by' is missing; add the id of the publication whose reference "
            "list it is",
        ),
        (
            GOOD + "sources:\n  - just a title\n",
            "wave.yaml: line 9: 'sources[0]' must be a mapping with keys id, title, doi, file",
        ),
        (
            GOOD.replace("wave:\n  id: t01-w9\n  title: A wave\n", "wave: t01-w9\n"),
            "wave.yaml: line 5: 'wave' must be a mapping of keys; see docs/wave-format.md for its keys",
        ),
        (
            GOOD + "note: hello\n",
            "wave.yaml: line 8: unknown key 'note'; allowed keys are format, study, wave, requires, publications, "
            "sources, citations, "
            "figures, figure_locators, qdpx",
        ),
    ],
)
def test_each_manifest_rule_has_its_own_problem(text, expected):
    assert messages(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # YAML reads these as timestamps that the calendar lacks; they are reported as any bad date
        (
            GOOD + "  started: 2013-02-30\n",
            "wave.yaml: line 8: 'wave.started' is '2013-02-30', which is not an ISO date; write YYYY, YYYY-MM or "
            "YYYY-MM-DD",
        ),
        (
            GOOD + "  ended: 2014-03-31 25:61:00\n",
            "wave.yaml: line 8: 'wave.ended' is '2014-03-31 25:61:00', which is not an ISO date; write YYYY, "
            "YYYY-MM or "
            "YYYY-MM-DD",
        ),
        # beyond 64 bits, and beyond the 4,300 digits Python converts
        (
            GOOD + "  phase: 9223372036854775808\n",
            "wave.yaml: line 8: 'wave.phase' is '9223372036854775808', which is out of range; write a whole number "
            "between "
            "-9223372036854775808 and 9223372036854775807 (64 bits)",
        ),
        (
            GOOD + "  phase: " + "7" * 5000 + "\n",
            f"wave.yaml: line 8: 'wave.phase' is '{'7' * 60}…', which is out of range; write a whole number between "
            "-9223372036854775808 and 9223372036854775807 (64 bits)",
        ),
        (
            GOOD + "figures: {gps: -9223372036854775809}\n",
            "wave.yaml: line 8: figure 'gps' is '-9223372036854775809', which is out of range; write a whole number "
            "between "
            "-9223372036854775808 and 9223372036854775807 (64 bits)",
        ),
        (
            GOOD.replace("id: t01-w9", "id: " + "w" * 201),
            "wave.yaml: line 6: 'wave.id' is 201 characters long; a key may have at most 200 characters, so shorten it",
        ),
        (
            GOOD + "requires: [" + "w" * 300 + "]\n",
            "wave.yaml: line 8: 'requires[0]' is 300 characters long; a wave key has at most 200 characters",
        ),
        (
            GOOD.replace("title: Test study", 'title: "Test\\0study"'),
            "wave.yaml: line 4: 'study.title' contains a NUL character; remove it",
        ),
        (
            GOOD + '  "col\\nour": red\n',
            "wave.yaml: line 8: unknown key 'wave.col\\nour'; allowed keys are id, title, started, ended, design, "
            "phase",
        ),
    ],
)
def test_values_python_or_the_engine_cannot_hold_are_reported_on_their_line(text, expected):
    assert messages(text) == [expected]


def test_a_manifest_nested_thousands_deep_is_refused_before_it_is_composed():
    # composing recurses once per level: 3,000 levels would exhaust Python's stack
    assert messages("[" * 3000 + "]" * 3000) == [
        "wave.yaml: line 1: lists and mappings are nested more than 20 levels deep; see docs/wave-format.md for the "
        "shape of the file"
    ]


def test_a_mapping_that_holds_itself_is_reported_not_followed_forever():
    text = GOOD.replace("study:\n", "study: &s\n").replace(
        "  title: Test study\n", "  title: Test study\n  description: *s\n"
    )
    assert messages(text) == ["wave.yaml: line 5: 'study.description' must be text; write a description as text"]
