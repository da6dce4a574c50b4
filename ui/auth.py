"""An optional password gate for deployments: set KB_UI_PASSWORD and the app asks for it once per session.

The password is compared in constant time (`hmac.compare_digest`) and never shown, logged or kept
in the session; the session only remembers that it passed.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

PASSWORD_ENV = "KB_UI_PASSWORD"
_PASSED = "auth:passed"


def password_matches(given: str, expected: str) -> bool:
    """True when `given` is the password; constant-time so timing does not reveal how much matched."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def gate() -> bool:
    """True when the page may render: no password is set, or this session has given it."""
    expected = os.environ.get(PASSWORD_ENV)
    if not expected or st.session_state.get(_PASSED):
        return True
    st.title("Commissioning research knowledge base")
    with st.form("login"):
        given = st.text_input("Password", type="password", key="auth:password")
        submitted = st.form_submit_button("Open")
    if submitted:
        if password_matches(given, expected):
            st.session_state[_PASSED] = True
            st.session_state.pop("auth:password", None)
            st.rerun()
        st.error("That password is not right. Ask whoever runs this app for it.")
    return False
