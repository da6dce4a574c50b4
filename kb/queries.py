"""The query library: `.cypher` files with a YAML header, loaded into frozen `NamedQuery` objects.

A file starts with `//` comment lines holding YAML, then the Cypher:

    // name: compare_sites
    // title: Compare sites side by side
    // question: How do the sites of a study differ in size, board and history?
    // params:
    //   - {name: study, type: string, default: z13, optional: true, help: "a study's id; empty for every study",
    //      choices_query: "MATCH (s:Study) RETURN s.id AS value ORDER BY value"}
    // columns: [site, name, population]
    MATCH (st:Study {id: $study})-[:STUDIED]->(s:Site) ...

Parameters are declared in the header and used as `$name` in the query; a parameter used but not
declared, or declared but not used, is an error when the library loads. `optional: true` says the
query accepts an empty value (its `help` says what empty means, usually "every study"): forms then
offer "(any)". A parameter whose default is empty must say so. The CLI and the app build their
forms from the declarations; docs/queries.md is generated from them.

A header may also say what a query needs loaded: `requires: [survey_network]` (the query takes
`site` and `wave`) makes `run_named` refuse, naming the fix, when the site has no survey network in
that wave, rather than answer with no rows that read as "nobody".

Values are checked before a query runs: a null value of a parameter that is not optional, or an
empty one where it has choices, is refused as missing, naming it; a given value outside its
parameter's choices (its static list, or what its choices query returns) is refused with the
nearest choices, so that a short or mistyped id does not silently find nothing (defaults are the
library's own and are not checked). Cypher given as text is refused when it uses a parameter it
was not given.

A query may say `// fulltext: text` when its body starts with the line `MATCH (n)`: where the store
has a full-text index (kb.schema.fulltext_index) that can narrow the parameter `text`, the store's
own clause binding `n` to the nodes it returns takes that line's place (`Store.fulltext_nodes`;
procedures stay behind the adapters). The rest of the query still filters, so it gives the rows the
scan would give among those nodes; elsewhere the scan runs as written.

Every query path returns a `kb.store.Result` whose `provenance` names what produced it:
`run_named` for the library, `run_cypher` for Cypher given as text.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from kb.config import MAX_ROWS, QUERY_TIMEOUT_S
from kb.errors import NotFound, UsageError, shorten
from kb.store.base import FULLTEXT_PARAMS, Provenance, Result, Store, capped, check_limits

PARAM_TYPES = ("string", "int", "float", "bool", "list")
PARAM_KEYS = ("name", "type", "default", "choices", "choices_query", "help", "optional")
# What a header's `requires` may name, and the parameters each needs the query to take.
REQUIREMENTS = {"survey_network": ("site", "wave")}
SUGGESTIONS = 3  # nearest choices a refusal offers
CHOICES_LISTED = 10  # choices a refusal, or a parameter's help, lists
HELP_WIDTH = 100
_STRING_OR_COMMENT = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)
SCANNED = "MATCH (n)"  # the first line of a query whose nodes a full-text index may narrow
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class LibraryError(UsageError):
    """A `.cypher` file of the library is malformed."""


class MissingParameter(UsageError):
    """A query needs a parameter that was not given, or was given empty."""


class UnknownChoice(NotFound):
    """A parameter's value is not one of its choices (a wrong or short id, a mistyped name)."""


@dataclass(frozen=True)
class Choice:
    """An allowed value of a parameter, with the label a form shows for it (if any)."""

    value: Any
    label: str | None = None


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"
    default: Any = None
    choices: tuple[Any, ...] = ()
    choices_query: str | None = None
    help: str = ""
    optional: bool = False  # an empty value is accepted and does not narrow the query ("any")

    def coerce(self, value: Any) -> Any:
        """Turn a value from a form or the command line into the declared type."""
        if value is None or value == "":
            return None if value is None else (value if self.type == "string" else None)
        try:
            if self.type == "int":
                return int(value)
            if self.type == "float":
                return float(value)
            if self.type == "bool":
                if isinstance(value, bool):
                    return value
                return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}[
                    str(value).lower()
                ]
            if self.type == "list":
                return (
                    list(value)
                    if isinstance(value, (list, tuple))
                    else [v.strip() for v in str(value).split(",") if v.strip()]
                )
        except (ValueError, KeyError):
            raise UsageError(f"parameter '{self.name}' must be {self.type}, got '{value}'") from None
        return str(value)

    def missing(self) -> MissingParameter:
        example = f", e.g. {self.default}" if self.default not in (None, "") else ""
        described = f" ({self.help}{example})" if self.help else ""
        return MissingParameter(f"missing parameter: {self.name}{described}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "choices": list(self.choices),
            "choices_query": self.choices_query,
            "help": self.help,
            "optional": self.optional,
        }


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    question: str
    cypher: str
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    graph: bool = False  # returns nodes, relationships or paths (offer graph formats)
    file: str = ""
    tags: tuple[str, ...] = field(default=())
    requires: tuple[str, ...] = ()  # what must be loaded for an answer (REQUIREMENTS)
    fulltext: str | None = None  # the parameter a store's full-text index may look up

    def for_store(self, store: Store, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The Cypher to run on `store` and its parameters: the store's full-text clause in place of
        the first line where it can narrow the text, else the query as written."""
        if self.fulltext is None:
            return self.cypher, dict(params)
        found = store.fulltext_nodes(str(params.get(self.fulltext) or ""))
        if found is None:
            return self.cypher, dict(params)
        before, after = split_at_scan(self.cypher)
        return f"{before}{found.clause}\n{after}", {**params, **found.params}

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise UsageError(
            f"query '{self.name}' has no parameter '{name}'; it takes: "
            f"{', '.join(p.name for p in self.params) or 'none'}"
        )

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults overlaid with `values`, each coerced to its declared type; unknown names refused.
        A parameter that is not optional is missing when null, or empty where it must be one of its
        choices (an empty search text is a value; an empty site id is not)."""
        for key in values:
            self.param(key)
        bound = {p.name: p.coerce(values[p.name]) if p.name in values else p.default for p in self.params}
        for p in self.params:
            value = bound[p.name]
            empty = value in ("", []) and bool(p.choices or p.choices_query)
            if not p.optional and (value is None or empty):
                raise p.missing()
        return bound

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "question": self.question,
            "params": [p.as_dict() for p in self.params],
            "columns": list(self.columns),
            "graph": self.graph,
            "requires": list(self.requires),
        }


def split_at_scan(cypher: str) -> tuple[str, str]:
    """The text before the query's first statement line, which must be `MATCH (n)`, and the text after it."""
    lines = cypher.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("//"))
    if lines[first].strip() != SCANNED:
        raise ValueError(f"the first line of the query is not `{SCANNED}`")
    return "".join(line + "\n" for line in lines[:first]), "\n".join(lines[first + 1 :])


def used_params(cypher: str) -> set[str]:
    return set(_PARAM_USE.findall(_STRING_OR_COMMENT.sub(" ", cypher)))


def parse_query_file(text: str, filename: str) -> NamedQuery:
    header_lines: list[str] = []
    body_lines: list[str] = []
    in_header = True
    for line in text.splitlines():
        if in_header and line.startswith("//"):
            header_lines.append(line[2:].removeprefix(" "))
        else:
            in_header = False
            body_lines.append(line)
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise LibraryError(f"{filename}: the header is not valid YAML ({exc})") from None
    if not isinstance(header, dict):
        raise LibraryError(f"{filename}: the header must be `// key: value` lines")
    for key in ("name", "title", "question"):
        if not header.get(key):
            raise LibraryError(f"{filename}: the header has no '{key}'")
    params = tuple(_param(p, filename) for p in header.get("params") or [])
    cypher = "\n".join(body_lines).strip()
    if not cypher:
        raise LibraryError(f"{filename}: there is no query after the header")
    declared, used = {p.name for p in params}, used_params(cypher)
    if used - declared:
        raise LibraryError(
            f"{filename}: parameter(s) {', '.join(sorted(used - declared))} used but not declared in the header"
        )
    if declared - used:
        raise LibraryError(
            f"{filename}: parameter(s) {', '.join(sorted(declared - used))} declared but not used in the query"
        )
    requires = _requires(header.get("requires"), declared, filename)
    expected = filename.rsplit("/", 1)[-1].removesuffix(".cypher")
    if header["name"] != expected:
        raise LibraryError(f"{filename}: name '{header['name']}' differs from the file name; rename one")
    fulltext = header.get("fulltext")
    if fulltext is not None and fulltext not in declared:
        raise LibraryError(f"{filename}: fulltext names '{fulltext}', which is not a declared parameter")
    if fulltext is not None:
        try:
            split_at_scan(cypher)
        except ValueError:
            raise LibraryError(f"{filename}: a query with fulltext must start with the line `{SCANNED}`") from None
    if fulltext is not None and declared & FULLTEXT_PARAMS:
        raise LibraryError(f"{filename}: {', '.join(sorted(declared & FULLTEXT_PARAMS))} is the store's to set")
    return NamedQuery(
        name=header["name"],
        title=header["title"],
        question=" ".join(str(header["question"]).split()),
        cypher=cypher,
        params=params,
        columns=tuple(header.get("columns") or ()),
        graph=bool(header.get("graph")),
        file=filename,
        tags=tuple(header.get("tags") or ()),
        requires=requires,
        fulltext=fulltext,
    )


def _requires(spec: Any, declared: set[str], filename: str) -> tuple[str, ...]:
    names = [spec] if isinstance(spec, str) else list(spec or [])
    for name in names:
        if name not in REQUIREMENTS:
            raise LibraryError(f"{filename}: requires '{name}'; a query may require {', '.join(REQUIREMENTS)}")
        lacking = [p for p in REQUIREMENTS[name] if p not in declared]
        if lacking:
            raise LibraryError(f"{filename}: requires {name}, which needs the parameter(s) {', '.join(lacking)}")
    return tuple(names)


def _param(spec: Any, filename: str) -> Param:
    if not isinstance(spec, dict) or "name" not in spec:
        raise LibraryError(f"{filename}: each param needs at least a name, got {spec!r}")
    ptype = spec.get("type", "string")
    if ptype not in PARAM_TYPES:
        raise LibraryError(
            f"{filename}: param '{spec['name']}' has type '{ptype}'; use one of {', '.join(PARAM_TYPES)}"
        )
    unknown = set(spec) - set(PARAM_KEYS)
    if unknown:
        raise LibraryError(f"{filename}: param '{spec['name']}' has unknown key(s) {', '.join(sorted(unknown))}")
    optional = spec.get("optional", False)
    if not isinstance(optional, bool):
        raise LibraryError(f"{filename}: param '{spec['name']}' has optional {optional!r}; write true or false")
    default = spec.get("default")
    if not optional and (default is None or default == ""):
        raise LibraryError(
            f"{filename}: param '{spec['name']}' has an empty default; give a default, or add `optional: true` "
            "if the query accepts an empty value"
        )
    return Param(
        spec["name"],
        ptype,
        default,
        tuple(spec.get("choices") or ()),
        spec.get("choices_query"),
        spec.get("help", ""),
        optional,
    )


@lru_cache(maxsize=1)
def library() -> dict[str, NamedQuery]:
    """Every query of the library by name (files shipped in the `cypher` package)."""
    found: dict[str, NamedQuery] = {}
    for entry in sorted(resources.files("cypher").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            query = parse_query_file(entry.read_text(encoding="utf-8"), f"cypher/{entry.name}")
            found[query.name] = query
    return found


def get_query(name: str) -> NamedQuery:
    queries = library()
    if name not in queries:
        raise NotFound(f"no query named '{name}'; `kb queries` lists the {len(queries)} available")
    return queries[name]


def list_queries() -> list[dict[str, Any]]:
    return [q.summary() for q in library().values()]


@dataclass(frozen=True)
class _Timed:
    """A store whose reads are all stopped by the engine after `timeout` seconds: the checks a
    library query makes before it runs are held to the query's own time limit."""

    store: Store
    timeout: float | None

    def read(self, cypher: str, params: dict[str, Any] | None = None) -> Result:
        return self.store.read(cypher, params, timeout=self.timeout)


def run_named(store: Store, name: str, values: Mapping[str, Any], *, timeout: float | None = QUERY_TIMEOUT_S) -> Result:
    """Run a library query through the read path, stopped by the engine after `timeout` seconds
    (QueryTimeout; None: no limit); the result's provenance names the query, its Cypher, the
    parameters as bound (defaults included) and the engine.

    Refused before it runs: a missing parameter (MissingParameter), a value outside its choices
    (UnknownChoice), and a question about a survey network that is not loaded (NotFound)."""
    query = get_query(name)
    params = query.bind(values)
    check_choices(store, query, params, timeout=timeout)
    if "survey_network" in query.requires:
        from kb.network import require_survey_network

        require_survey_network(_Timed(store, timeout), params["site"], params["wave"])
    cypher, params = query.for_store(store, params)
    result = store.read(cypher, params, timeout=timeout)
    return replace(result, provenance=Provenance(cypher, params, store.kind, query=name))


def run_cypher(
    store: Store,
    cypher: str,
    params: Mapping[str, Any],
    write: bool = False,
    *,
    timeout: float | None = QUERY_TIMEOUT_S,
    max_rows: int | None = MAX_ROWS,
) -> Result:
    """Run Cypher given as text: through the read path, which the engine refuses to let write and
    stops after `timeout` seconds (QueryTimeout), unless `write` is asked for (a write runs to its
    end). At most `max_rows` rows are kept; `truncated` on the result says when there were more.
    None for either means no limit. The result's provenance holds the text, parameters and engine.
    A `$name` the text uses and `params` lacks is refused (MissingParameter) before it runs."""
    check_limits(timeout, max_rows)
    values = dict(params)
    missing = sorted(used_params(cypher) - set(values))
    if missing:
        uses = ", ".join(f"${name}" for name in missing)
        plural, each = ("s", "each") if len(missing) > 1 else ("", "it")
        raise MissingParameter(
            f"missing parameter{plural}: {', '.join(missing)} (the query uses {uses}; give {each} a value)"
        )
    if write:
        result = capped(store.write(cypher, values), max_rows)
    else:
        result = store.read(cypher, values, timeout=timeout, max_rows=max_rows)
    return replace(result, provenance=Provenance(cypher, values, store.kind))


def choice_list(store: Store, param: Param, *, timeout: float | None = QUERY_TIMEOUT_S) -> list[Choice]:
    """Allowed values of a parameter with their labels: its static list, or what its choices query
    returns (`value`, and `label` where the query gives one)."""
    if param.choices:
        return [Choice(value) for value in param.choices]
    if param.choices_query:
        result = store.read(param.choices_query, timeout=timeout)
        labelled = "label" in result.columns
        return [
            Choice(row[result.columns[0]], str(row["label"]) if labelled and row["label"] is not None else None)
            for row in result.rows
        ]
    return []


def choices_for(store: Store, param: Param) -> list[Any]:
    """Allowed values of a parameter: its static list, or what its choices query returns."""
    return [choice.value for choice in choice_list(store, param)]


def check_choices(
    store: Store, query: NamedQuery, params: Mapping[str, Any], *, timeout: float | None = QUERY_TIMEOUT_S
) -> None:
    """Refuse a value outside its parameter's choices, naming the nearest (UnknownChoice). Empty
    values of optional parameters are not checked (they do not narrow the query), nor is a
    parameter's default: it is the library's own, and on a knowledge base without that study the
    query answers with nothing rather than a refusal the user did not cause."""
    for param in query.params:
        value = params.get(param.name)
        if value in (None, "", [], param.default) or not (param.choices or param.choices_query):
            continue
        given = value if param.type == "list" else [value]
        choices = choice_list(store, param, timeout=timeout)
        allowed = {_key(choice.value) for choice in choices}
        for item in given:
            if _key(item) not in allowed:
                raise UnknownChoice(unknown_choice_message(param.name, item, choices))


def _key(value: Any) -> str:
    return str(value)


def nearest_choices(value: Any, choices: Sequence[Choice], limit: int = SUGGESTIONS) -> list[Any]:
    """The choices `value` most likely meant, from the first of these that finds any: a value or
    label equal to it but for case; ids it is the last part of (`A` for `z13:site:A` and
    `s17:case:A`, `acute_provider` for `vocab:orgtype:acute_provider`); near misses by spelling
    (difflib), closest first. Never more than `limit`."""
    text = str(value).strip().casefold()
    same = [c.value for c in choices if text in (str(c.value).casefold(), (c.label or "").casefold())]
    ending = [c.value for c in choices if text and re.split(r"[:/]", str(c.value).casefold())[-1] == text]
    for found in (same, ending):
        if found:
            return list(dict.fromkeys(found))[:limit]
    by_spelling: dict[str, Any] = {}
    for choice in choices:
        by_spelling.setdefault(str(choice.value).casefold(), choice.value)
        if choice.label:
            by_spelling.setdefault(choice.label.casefold(), choice.value)
    close = difflib.get_close_matches(text, list(by_spelling), n=limit * 2, cutoff=0.6)
    return list(dict.fromkeys(by_spelling[match] for match in close))[:limit]


def unknown_choice_message(name: str, value: Any, choices: Sequence[Choice]) -> str:
    """The refusal of `value`: "no site 'A'; did you mean z13:site:A or s17:case:A?", or the choices
    when none is near."""
    head = f"no {name} {shorten(value)!r}"
    if not choices:
        return f"{head}; there is nothing to choose from yet (is the data loaded?)"
    near = nearest_choices(value, choices)
    if near:
        return f"{head}; did you mean {_or_list([str(v) for v in near])}?"
    listed = ", ".join(str(choice.value) for choice in choices[:CHOICES_LISTED])
    more = f", … ({len(choices)} in all)" if len(choices) > CHOICES_LISTED else ""
    return f"{head}; the choices are {listed}{more}"


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def describe_params(
    query: NamedQuery, choices: Mapping[str, Sequence[Choice] | str] | None = None, listed: int = CHOICES_LISTED
) -> list[str]:
    """Lines describing each parameter of `query`: name, type, default (or what empty means) and
    help, then its allowed values. `choices` maps a parameter to the values read for it, or to why
    they could not be read; without an entry, a choices query is shown as text. At most `listed`
    values are shown, followed by how many there are."""
    if not query.params:
        return ["  (no parameters)"]
    width = max(len(p.name) for p in query.params)
    lines = []
    for p in query.params:
        default = "" if p.default in (None, "") else f", default {_shown(p.default)}"
        optional = ", optional" if p.optional else ""
        lines.append(f"  {p.name:<{width}}  {p.type}{default}{optional}: {p.help}".rstrip(": "))
        values = _values_line(p, (choices or {}).get(p.name), listed)
        if values:
            indent = " " * (width + 4)
            lines += textwrap.wrap(values, HELP_WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")
    return lines


def _shown(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _values_line(param: Param, read: Sequence[Choice] | str | None, listed: int) -> str:
    if isinstance(read, str):
        return f"values: from the knowledge base, not read ({read})"
    if read is None and param.choices:
        read = [Choice(value) for value in param.choices]
    if read is None:
        return f"values: from the knowledge base: {param.choices_query}" if param.choices_query else ""
    if not read:
        return "values: none yet (is the data loaded?)"
    shown = ", ".join(
        _shown(c.value) + (f" ({c.label})" if c.label and c.label != c.value else "") for c in read[:listed]
    )
    more = f", … ({len(read)} in all)" if len(read) > listed else ""
    return f"values: {shown}{more}"
