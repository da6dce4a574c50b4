"""Shareable views: a page's choices live in its address (`?site=z13:site:B`), so a copied link
opens the same view.

A picker's key is its parameter's name in the address. Select boxes hold ids (`z13:site:B`), which
`seed` puts into the picker when the address changes (a link opened or pasted) and `write` puts
back when the picker changes; tabs and button rows, whose values are their labels, are bound by
Streamlit itself (`bind="query-params"`). Streamlit drops a bound value it does not know without a
word, which would show another view than the link meant: `known` is asked first everywhere, and an
unknown value stops the page with a message saying what the link asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Literal

import streamlit as st

BIND: Final[Literal["query-params"]] = "query-params"


def is_known(raw: str | None, allowed: Iterable[Any]) -> bool:
    """Whether an address value names one of `allowed` (or is absent, or empty for "any")."""
    if raw is None or raw == "":
        return True
    return raw in {"" if value is None else str(value) for value in allowed}


def unknown_message(name: str, raw: str, what: str) -> str:
    return (
        f'This link asks for {what} "{raw}", which is not in the knowledge base, so the view it meant cannot be '
        f"shown. Check the link, or choose {what} on a fresh page."
    )


def known(name: str, allowed: Iterable[Any], what: str) -> bool:
    """False, with a message and a way back, when the address gives `name` a value not in `allowed`."""
    raw = st.query_params.get(name)
    # A value the app wrote itself is the page's own state (about to be replaced), not a link.
    if is_known(raw, list(allowed)) or raw == st.session_state.get(_written(name)):
        return True
    st.error(unknown_message(name, str(raw), what), icon=":material/link_off:")
    if st.button("Open this page without the link's choices", key=f"links:clear:{name}"):
        st.query_params.clear()
        st.rerun()
    return False


def _written(name: str) -> str:
    return f"links:written:{name}"


def seed(name: str, allowed: Iterable[Any]) -> None:
    """Before drawing the picker `name`: when the address names a value the app did not write there
    itself (a link was opened), make it the picker's value."""
    raw = st.query_params.get(name)
    if raw is None or raw == st.session_state.get(_written(name)):
        return
    for value in allowed:
        if ("" if value is None else str(value)) == raw:
            st.session_state[name] = value
            st.session_state[_written(name)] = raw
            return


def write(name: str, value: Any, default: Any = None) -> None:
    """After drawing the picker `name`: its value goes in the address (left out while it is the default)."""
    text = "" if value is None else str(value)
    if value == default or text == "":
        if name in st.query_params:
            del st.query_params[name]
        st.session_state[_written(name)] = None
        return
    if st.query_params.get(name) != text:
        st.query_params[name] = text
    st.session_state[_written(name)] = text
