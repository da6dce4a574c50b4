"""Shareable views: which address values name something loaded."""

from __future__ import annotations

from ui import links


def test_an_address_value_is_known_when_it_names_a_choice_or_is_absent():
    sites = ["z13:site:A", "z13:site:B"]
    assert links.is_known("z13:site:B", sites)
    assert links.is_known(None, sites)
    assert links.is_known("", sites)  # empty is "any"
    assert not links.is_known("z13:site:Q", sites)
    assert links.is_known("2", [1, 2])  # an address holds text; numbers match by their text


def test_the_message_for_an_unknown_value_quotes_it():
    text = links.unknown_message("site", "z13:site:Q", "the site")
    assert text.startswith('This link asks for the site "z13:site:Q", which is not in the knowledge base')
