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


def from_link(name: str) -> str | None:
    """The address's value of `name` when a link put it there (not the app itself), else None."""
    raw = st.query_params.get(name)
    return None if raw is None or raw == st.session_state.get(_written(name)) else raw


def seed(name: str, allowed: Iterable[Any], state_key: str | None = None) -> bool:
    """Before drawing the picker `name` (its widget key `state_key`, `name` unless given): when the
    address names a value the app did not write there itself (a link was opened), make it the
    picker's value. True when it did."""
    raw = from_link(name)
    if raw is None:
        return False
    for value in allowed:
        if ("" if value is None else str(value)) == raw:
            return put(name, raw, value, state_key)
    return False


def put(name: str, raw: str, value: Any, state_key: str | None = None) -> bool:
    """Make `value` (read from the address's `raw`) the value of the picker `name`."""
    st.session_state[state_key or name] = value
    st.session_state[_written(name)] = raw
    return True


def seed_many(name: str, allowed: Iterable[Any], state_key: str | None = None) -> bool:
    """`seed` for a multi-select: the address holds its ids separated by commas."""
    raw = from_link(name)
    if raw is None:
        return False
    known_values = {str(v): v for v in allowed}
    return put(name, raw, [known_values[part] for part in split(raw) if part in known_values], state_key)


def split(raw: str | None) -> list[str]:
    """The ids of a multi-select's address value (comma-separated)."""
    return [part for part in (raw or "").split(",") if part]


def known_many(name: str, allowed: Iterable[Any], what: str) -> bool:
    """`known` for a multi-select: every id in the address's value must be one of `allowed`."""
    raw = st.query_params.get(name)
    allowed_text = {str(v) for v in allowed}
    unknown = [part for part in split(raw) if part not in allowed_text]
    if not unknown or raw == st.session_state.get(_written(name)):
        return True
    st.error(unknown_message(name, ", ".join(unknown), what), icon=":material/link_off:")
    if st.button("Open this page without the link's choices", key=f"links:clear:{name}"):
        st.query_params.clear()
        st.rerun()
    return False


def write(name: str, value: Any, default: Any = None) -> None:
    """After drawing the picker `name`: its value goes in the address (left out while it is the default)."""
    text = "" if value is None else str(value)
    if value == default or text == "":
        if name in st.query_params:
            del st.query_params[name]
        st.session_state[_written(name)] = None
        return
    _put_in_address(name, text)


def _put_in_address(name: str, text: str) -> None:
    if st.query_params.get(name) != text:
        st.query_params[name] = text
    st.session_state[_written(name)] = text


def write_many(name: str, values: list[Any], default: list[Any]) -> None:
    """`write` for a multi-select. An empty choice is written as an empty value (`?sites=`), not
    left out: left out means the default choice, so a link copied after "Clear all" would reopen
    with the default sites chosen."""
    if list(values) == list(default):
        write(name, None)
    else:
        _put_in_address(name, ",".join(str(v) for v in values))


def forget(names: Iterable[str]) -> None:
    """Treat the address's values of `names` as a link's again. For pickers not drawn in this run
    (a closed tab): Streamlit drops their state, so when they are drawn again the address, which
    still holds their choices, gives them back (`seed`) instead of their defaults replacing it."""
    for name in names:
        st.session_state.pop(_written(name), None)
