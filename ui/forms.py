"""Forms built from a library query's parameter declarations (name, type, default, choices).

A parameter with choices (a static list or a choices query) becomes a select box, or a
multi-select for a list; the others become a number box, a checkbox or a text box by type. A
parameter its query header declares `optional: true` offers "(any)", which passes null or "" so
the query does not narrow (its help says what empty means, as in "empty for every study").
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from kb.errors import KBError
from kb.queries import NamedQuery, Param
from ui import data, links

ANY_LABEL = "(any)"
# Where a widget is drawn: the streamlit module itself (the page) or a container such as a column.
# Streamlit gives the two no common type, so this stays Any.
WidgetTarget = Any


def param_label(param: Param) -> str:
    return param.name.replace("_", " ").capitalize()


def param_values(query: NamedQuery, key: str) -> dict[str, Any]:
    """One widget per parameter of the query; returns every parameter's value, typed."""
    return {param.name: param_widget(query, param, f"{key}:{param.name}") for param in query.params}


def param_widget(
    query: NamedQuery,
    param: Param,
    key: str,
    target: WidgetTarget = st,
    start_at_any: bool = False,
    url: bool = False,
    url_name: str | None = None,
) -> Any:
    """The widget for one parameter; its value in the declared type. `start_at_any` starts an
    optional picker at "(any)" rather than at the header's default (a page that browses everything).
    With `url`, the value lives in the page's address under `key` (see `choose`); with `url_name`,
    under that name. An address value the parameter cannot take says so and raises UnknownInLink."""
    name = url_name or (key if url else None)
    options = data.choices(query, param)
    label, help_text = param_label(param), param.help or None
    if options:
        values = [value for value, _ in options]
        if name and param.type == "list":
            if not links.known_many(name, values, f"the {label.lower()}"):
                raise UnknownInLink(name)
            links.seed_many(name, values, key)
        elif name:
            if not links.known(name, values, f"the {label.lower()}"):
                raise UnknownInLink(name)
            links.seed(name, [None, "", *values], key)
        chosen = _choice_widget(param, options, label, help_text, key, target, start_at_any)
        if name:
            default = None if start_at_any else param.default
            if param.type == "list":
                chosen_text, default = ",".join(map(str, chosen)), ",".join(map(str, default or []))
                links.write(name, chosen_text, default)
            else:
                links.write(name, chosen, default)
        return chosen
    if name:
        seed_typed(param, name, key)
    value = _free_widget(param, label, help_text, key, target)
    if name:
        default = ",".join(map(str, param.default or [])) if param.type == "list" else param.default
        links.write(name, ",".join(map(str, value)) if isinstance(value, list) else value, default)
    return value


def seed_typed(param: Param, name: str, key: str) -> None:
    """Put a link's value of a free parameter (number, flag, text) into its widget; a value of the
    wrong type says so and raises UnknownInLink."""
    raw = links.from_link(name)
    if raw is None:
        return
    try:
        value = param.coerce(raw)
    except (KBError, ValueError, TypeError):
        st.error(
            f'This link gives {param_label(param).lower()} the value "{raw}", which is not a {param.type}, so the '
            "view it meant cannot be shown. Check the link, or fill in the form on a fresh page.",
            icon=":material/link_off:",
        )
        raise UnknownInLink(name) from None
    # A list's widget is a text box of comma-separated values.
    links.put(name, raw, ", ".join(map(str, value)) if isinstance(value, list) else value, key)


def _free_widget(param: Param, label: str, help_text: str | None, key: str, target: WidgetTarget) -> Any:
    if param.type == "bool":
        return target.checkbox(label, value=bool(param.default), help=help_text, key=key)
    if param.type in ("int", "float"):
        step = 1 if param.type == "int" else 0.1
        number = int if param.type == "int" else float
        default = None if param.default is None else number(param.default)
        return target.number_input(label, value=default, step=step, help=help_text, key=key)
    if param.type == "list":
        text = target.text_input(
            label,
            value=", ".join(map(str, param.default or [])),
            help=(help_text or "") + " Separate values with commas.",
            key=key,
        )
        return param.coerce(text) if text.strip() else (None if param.default is None else [])
    text = target.text_input(label, value="" if param.default is None else str(param.default), help=help_text, key=key)
    return None if (text == "" and param.default is None) else text


def _choice_widget(
    param: Param,
    options: list[tuple[Any, str]],
    label: str,
    help_text: str | None,
    key: str,
    target: WidgetTarget,
    start_at_any: bool = False,
) -> Any:
    labels = {value: text for value, text in options}
    values = [value for value, _ in options]
    if param.type == "list":
        default = [v for v in (param.default or []) if v in labels]
        return target.multiselect(
            label, values, default=default, format_func=lambda v: labels.get(v, str(v)), help=help_text, key=key
        )
    if offers_any(param):
        values = [None if param.default is None else ""] + values
    start_any = start_at_any and offers_any(param)
    index = 0 if start_any else (values.index(param.default) if param.default in values else 0)
    return target.selectbox(
        label,
        values,
        index=index,
        help=help_text,
        key=key,
        format_func=lambda v: ANY_LABEL if is_any(v) else labels.get(v, str(v)),
    )


def reset_when_changed(state: Any, marker: str, value: Any, dependents: tuple[str, ...]) -> bool:
    """Forget the pickers in `dependents` when `value` (the picker they depend on, e.g. the study)
    differs from the last run's; `marker` keeps that last value. True when they were reset.

    Call it after drawing the picker it depends on and before drawing the dependents."""
    changed = marker in state and state[marker] != value
    if changed:
        for key in dependents:
            state.pop(key, None)
    state[marker] = value
    return changed


def is_any(value: Any) -> bool:
    """The library's way of saying "do not narrow": null or empty."""
    return value is None or value == ""


def offers_any(param: Param) -> bool:
    """A parameter may be left empty when its header declares it optional."""
    return param.optional


class UnknownInLink(Exception):
    """The page's address names a value that is not loaded; `links.known` has said so on the page."""


def choose(query_name: str, param_name: str, label: str, key: str, target: WidgetTarget = st, url: bool = False) -> Any:
    """A picker for one parameter's choices (starting at its default), for pages with their own layout.

    With `url`, the choice lives in the page's address under `key`; an unknown value there raises
    UnknownInLink after saying so (the page then shows nothing else)."""
    from kb.queries import get_query

    query = get_query(query_name)
    param = query.param(param_name)
    options = data.choices(query, param)
    labels = {value: text for value, text in options}
    values = [value for value, _ in options]
    if not values:
        target.info(f"Nothing to choose from yet: no {label.lower()} is loaded.")
        return None
    index = values.index(param.default) if param.default in labels else 0
    if url:
        if not links.known(key, values, f"the {label.lower()}"):
            raise UnknownInLink(key)
        links.seed(key, values)
    chosen = target.selectbox(label, values, index=index, format_func=lambda v: labels.get(v, str(v)), key=key)
    if url:
        links.write(key, chosen, param.default)
    return chosen
