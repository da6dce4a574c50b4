"""The performance targets, each judged from one benchmark run's figures (docs/performance.md, Targets)."""

from __future__ import annotations

from typing import Any

FRESH_VS_BULK = 1.0  # fresh load elements/s at least the bulk loader's
RELOAD_S = 0.5  # an unchanged reload's load takes at most this long, and changes nothing
RSS_LIMIT_MB = 250.0  # loader peak RSS at scale 1
RSS_GROWTH = 1.2  # peak RSS at the full scale within 1.2 x of half the scale
QUERY_P95_MS = 100.0
PAGE_S = 2.0
LOAD_GROWTH = 2.2  # load time at the full scale within 2.2 x of half the scale


def _target(name: str, wanted: str, measured: Any, met: bool | None, note: str = "") -> dict[str, Any]:
    return {"target": name, "wanted": wanted, "measured": measured, "met": met, "note": note}


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _rss(load: dict[str, Any] | None) -> float | None:
    return (load or {}).get("vmhwm_mb") or (load or {}).get("ru_maxrss_mb")


def _scale_pair(figures: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    by_share = {entry["share"]: entry for entry in figures.get("scales", []) if "seconds" in entry}
    return by_share.get(1.0), by_share.get(0.5)


def load_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    scale = figures["scale"]
    fresh, reload, bulk = figures["load"].get("fresh"), figures["load"].get("reload"), figures["load"].get("bulk")
    ratio = figures["load"].get("fresh_vs_bulk")
    reload_s = (reload or {}).get("seconds")
    full, half = _scale_pair(figures)
    rss = _rss(fresh)
    out = [
        _target(
            "fresh load vs bulk loader",
            f">= {FRESH_VS_BULK:g}x elements/s",
            ratio,
            None if ratio is None else ratio >= FRESH_VS_BULK,
            "" if bulk and "error" not in bulk else "bulk loader not run",
        ),
        _target(
            "unchanged reload",
            f"<= {RELOAD_S:g} s, changes nothing",
            reload_s,
            None if reload_s is None else reload_s <= RELOAD_S and bool((reload or {}).get("changed_nothing")),
        ),
        _target(
            "loader peak RSS",
            f"<= {RSS_LIMIT_MB:g} MB at scale 1",
            rss,
            None if rss is None else rss <= RSS_LIMIT_MB,
            "" if scale == 1 else f"measured at scale {scale:g}",
        ),
    ]
    rss_growth = _ratio(_rss(full), _rss(half))
    time_growth = _ratio((full or {}).get("seconds"), (half or {}).get("seconds"))
    out.append(
        _target(
            "loader RSS growth",
            f"scale S within {RSS_GROWTH:g}x of S/2",
            rss_growth,
            None if rss_growth is None else rss_growth <= RSS_GROWTH,
        )
    )
    out.append(
        _target(
            "load time growth",
            f"scale S within {LOAD_GROWTH:g}x of S/2",
            time_growth,
            None if time_growth is None else time_growth <= LOAD_GROWTH,
        )
    )
    return out


def latency_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    scale = figures["scale"]
    note = "" if scale == 1 else f"measured at scale {scale:g}"
    out = []
    for variant in ("defaults", "synthetic"):
        runs = [q for q in figures["queries"] if q["params"] == variant]
        failed = [q["query"] for q in runs if "error" in q]
        worst = max(runs, key=lambda q: q.get("p95_ms", 0), default=None)
        measured = f"{worst['p95_ms']} ms ({worst['query']})" if worst and "p95_ms" in worst else None
        met = None if not runs else not failed and all(q["p95_ms"] <= QUERY_P95_MS for q in runs)
        extra = f"; failed: {', '.join(failed)}" if failed else ""
        out.append(
            _target(f"query p95 ({variant} parameters)", f"<= {QUERY_P95_MS:g} ms each", measured, met, note + extra)
        )
    pages = figures["ui"]
    worst_page = max(pages, key=lambda p: p["cold_s"], default=None)
    broken = [p["page"] for p in pages if p["errors"]]
    out.append(
        _target(
            "UI page render (cold cache)",
            f"<= {PAGE_S:g} s each",
            f"{worst_page['cold_s']} s ({worst_page['page']})" if worst_page else None,
            None if not pages else not broken and all(p["cold_s"] <= PAGE_S for p in pages),
            (note + (f"; errors on: {', '.join(broken)}" if broken else "")) if pages else "no UI pages found",
        )
    )
    return out


def evaluate(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with what was measured and whether it was met (None: could not be measured)."""
    return load_targets(figures) + latency_targets(figures)
