"""Cypher console: free Cypher with JSON parameters and a history, on the read-only path.

The query goes to `Store.read`, which the engine refuses to let write, so a CREATE, MERGE, SET or
DELETE typed here is refused by the engine itself and shown as a message; nothing in the app
decides what counts as a write.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import Future
from typing import Any

import streamlit as st

from kb.errors import KBError, QueryTimeout, ReadOnlyViolation
from kb.store import Result
from ui import background, data, engine_text, messages, results, sources

HISTORY = "console:history"
HISTORY_LIMIT = 20
RUNNING = "console:running"  # the query being waited for: its Future, text, limit and start
POLL_S = 0.2  # how often the elapsed time is redrawn, and so how soon Stop is answered
LONGEST_S = 600.0  # the longest time limit the console offers (and its limit when none is configured)
STOP_HELP = "Stop waiting for this query. The engine still ends it within its time limit; it changes nothing."
EXAMPLE = "MATCH (s:Site) RETURN s.id AS id, s.name AS name ORDER BY id LIMIT 25"
REFUSAL = (
    "Refused: this app only reads. The engine would not run this query because it would change "
    "the knowledge base. Load or change data with the loaders (`kb load`), not from here."
)


def parse_parameters(text: str) -> dict[str, Any]:
    """The parameters box: a JSON object, or empty for none."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"Parameters are not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            'write an object such as {"site": "z13:site:A"}'
        ) from None
    if not isinstance(value, dict):
        raise ValueError('Parameters must be a JSON object such as {"site": "z13:site:A"}, not a list or a value')
    return value


def remember(cypher: str, params_text: str, outcome: str) -> None:
    history = st.session_state.setdefault(HISTORY, [])
    history.insert(0, {"cypher": cypher, "params": params_text, "outcome": outcome, "time": data.now_iso()})
    del history[HISTORY_LIMIT:]


def recall(index: int) -> None:
    """Put a history entry back in the editor (a button callback, so it runs before the widgets)."""
    entry = st.session_state[HISTORY][index]
    st.session_state["console:cypher"] = entry["cypher"]
    st.session_state["console:params"] = entry["params"]


def start(cypher: str, params_text: str, timeout: float) -> None:
    """Hand the query to a thread of its own (`ui.background`) and note it as running."""
    try:
        params = parse_parameters(params_text)
    except ValueError as exc:
        st.error(str(exc))
        return
    call = data.cypher_call(cypher, params, timeout=timeout)
    st.session_state[RUNNING] = {
        "future": background.start(call, name="kb-console-query"),
        "cypher": cypher,
        "params": params_text,
        "timeout": timeout,
        "started": time.monotonic(),
    }
    st.session_state.pop("console:last", None)


def follow() -> None:
    """While a query runs: its elapsed time and a Stop button, until it ends or Stop is pressed.

    Each redraw of the elapsed time is a point where Streamlit can end this run of the script, so a
    click on Stop (or on anything else) is answered at once; the next run finds the query still
    noted as running and either stops waiting (Stop) or goes on following it."""
    running = st.session_state.get(RUNNING)
    if running is None:
        return
    future = running["future"]
    button = st.empty()  # emptied once the wait is over, so no Stop is offered for nothing
    stop = button.button("Stop", key="console:stop", icon=":material/stop_circle:", help=STOP_HELP)
    if stop and not future.done():
        button.empty()
        st.session_state.pop(RUNNING, None)
        waited = time.monotonic() - running["started"]
        remember(running["cypher"], running["params"], f"stopped by you after {waited:.1f} s")
        st.info(
            f"Stopped after {waited:.1f} s: the page no longer waits for this query. The engine ends it "
            f"within its time limit ({running['timeout']:g} s); it changes nothing.",
            icon=":material/stop_circle:",
        )
        return
    clock = st.empty()
    while not future.done():
        clock.caption(
            f":material/hourglass_top: Running for {time.monotonic() - running['started']:.1f} s "
            f"(the engine stops it after {running['timeout']:g} s; Stop stops waiting now)"
        )
        time.sleep(POLL_S)
    clock.empty()
    button.empty()
    st.session_state.pop(RUNNING, None)
    show_outcome(running, future)


def show_outcome(running: dict[str, Any], future: Future[Result]) -> None:
    """What the engine said: the rows (kept for the page), or why there are none, in words."""
    cypher, params_text, timeout = running["cypher"], running["params"], running["timeout"]
    try:
        result = future.result()
    except QueryTimeout:
        remember(cypher, params_text, f"stopped at {timeout:g} s")
        st.error(
            f"Stopped: the query was still running after {timeout:g} s, so the engine stopped it and nothing "
            "changed. Narrow it (a LIMIT, a label, fewer patterns) or raise the time limit.",
            icon=":material/timer_off:",
        )
        return
    except ReadOnlyViolation:
        remember(cypher, params_text, "refused: would write")
        st.error(REFUSAL, icon=":material/block:")
        return
    except KBError as exc:
        remember(cypher, params_text, "failed")
        problem = engine_text.syntax_problem(str(exc), cypher)
        st.error(problem.as_markdown() if problem else messages.error_words(exc, "The query"))
        return
    remember(cypher, params_text, f"{len(result.rows)} rows{' (cut)' if result.truncated else ''}")
    st.session_state["console:last"] = result


def show_history() -> None:
    history = st.session_state.get(HISTORY, [])
    if not history:
        st.caption("Queries you run appear here.")
        return
    for index, entry in enumerate(history):
        first_line = entry["cypher"].strip().splitlines()[0] if entry["cypher"].strip() else ""
        st.button(
            f"{entry['outcome']} · {first_line[:60]}",
            key=f"console:recall:{index}",
            on_click=recall,
            args=(index,),
            help=entry["cypher"],
            width="stretch",
        )


def render() -> None:
    st.title("Cypher console")
    st.caption(
        f"Read-only Cypher on {data.app_config().describe()}. Values go in the parameters box as JSON "
        "and are used as $name in the query."
    )
    editor, side = st.columns([3, 1])
    with editor:
        st.session_state.setdefault("console:cypher", EXAMPLE)
        cypher = st.text_area("Cypher", key="console:cypher", height=160)
        params_text = st.text_area(
            "Parameters (JSON)", key="console:params", height=68, placeholder='{"site": "z13:site:A"}'
        )
        configured = data.app_config().console_timeout
        timeout = st.number_input(
            "Time limit (seconds)",
            min_value=0.5,
            max_value=LONGEST_S,
            value=float(configured or LONGEST_S),
            step=1.0,
            key="console:timeout",
            help="The engine stops a query still running after this long; nothing is changed.",
        )
        if st.button("Run", type="primary", key="console:run", icon=":material/play_arrow:"):
            if cypher.strip():
                start(cypher, params_text, float(timeout))
            else:
                st.warning("Type a query first.")
        follow()
        last = st.session_state.get("console:last")
        if last is not None:
            if last.truncated:
                st.warning(
                    f"Only the first {len(last.rows):,} rows are shown and downloadable: the query returned more. "
                    "Add a LIMIT or narrow it to see the rest.",
                    icon=":material/content_cut:",
                )
            results.show_table(last, key="console:result")
    with side:  # filled after the editor so a query just run is already listed
        st.header("History")
        show_history()
    sources.show_sources()


render()
