"""REFI-QDA variables: their declarations and the typed values cases and sources carry."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from kb.errors import shorten
from loaders.qdpx.records import VariableValue
from loaders.qdpx.xmlread import ParseContext, norm_guid

VALUE_ELEMENTS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def read_variables(ctx: ParseContext, element: Element) -> dict[str, str]:
    """GUID -> name of every <Variable> declared under <Variables>."""
    names: dict[str, str] = {}
    for _, variable in ctx.children(element, ("Variable",)):
        ctx.check(variable, ("Description",))
        guid = ctx.guid(variable, "a <Variable>")
        if guid:
            names[guid] = variable.get("name") or guid
    return names


def _convert(kind: str, raw: str) -> VariableValue:
    text = raw.strip()
    if kind == "IntegerValue":
        return int(text)
    if kind == "FloatValue":
        return float(text)
    if kind == "BooleanValue":
        if text.lower() in ("true", "1"):
            return True
        if text.lower() in ("false", "0"):
            return False
        raise ValueError(text)
    if kind in ("DateValue", "DateTimeValue") and not _ISO_DATE.match(text):
        raise ValueError(text)
    return raw if kind == "TextValue" else text


def read_value(
    ctx: ParseContext, element: Element, names: dict[str, str], owner: str
) -> tuple[str, VariableValue] | None:
    """(variable name, typed value) of one <VariableValue>; None (and a problem or warning) if unusable."""
    ref: str | None = None
    value, kind = "", None
    for local, child in ctx.children(element, ("VariableRef",) + VALUE_ELEMENTS):
        if local == "VariableRef":
            ref = norm_guid(child.get("targetGUID") or "")
        else:
            kind, value = local, child.text or ""
    if not ref or ref not in names:
        ctx.warn(f"a value of {owner} refers to a variable that is not declared under <Variables>; it was ignored")
        return None
    if kind is None:
        return names[ref], None
    try:
        return names[ref], _convert(kind, value)
    except ValueError:
        type_name = kind.removesuffix("Value").lower()
        ctx.problem(
            f"variable '{shorten(names[ref])}' of {owner} has {kind} {shorten(repr(value))}, "
            f"which is not a valid {type_name}"
        )
        return None
