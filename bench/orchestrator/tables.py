"""The markdown report: one table per scenario, the raw reference and the targets."""

from __future__ import annotations

from typing import Any

from .config import Column, Scenario


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def latency(figures: dict[str, Any], key: str) -> Any:
    return ((figures.get("driver") or {}).get("latency_ms") or {}).get(key)


def cpu_per_call_us(figures: dict[str, Any]) -> float | None:
    """CPU time (user + system) of the whole driver process per attempted call."""
    attempted = (figures.get("driver") or {}).get("attempted")
    return 1e6 * figures["driver_cpu_s"] / attempted if attempted and "driver_cpu_s" in figures else None


def status_note(figures: dict[str, Any] | None) -> str | None:
    """Why a cell has no figures, or what is odd about it (truncated, failures)."""
    if figures is None:
        return "not run"
    if "not_run" in figures:
        return f"not run ({figures['not_run']})"
    if "error" in figures:
        return f"driver failed: {figures['error'][:120]}"
    driver = figures.get("driver") or {}
    notes = [figures["exit_note"][:160]] if figures.get("exit_note") else []
    if driver.get("truncated"):
        notes.append("truncated at max_seconds")
    if driver.get("failed"):
        errors = ", ".join(f"{label} ×{n}" for label, n in sorted(driver.get("errors", {}).items()))
        notes.append(f"{driver['failed']} failed ({errors})")
    return "; ".join(notes) or None


ROWS: dict[str, list[tuple[str, Any]]] = {
    "construct": [
        ("construct ms (median of 5)", lambda f: fmt(f.get("construct_ms"), 2)),
        ("peak RSS MiB (median)", lambda f: fmt(f.get("peak_rss_kib", 0) / 1024)),
    ],
    "sequential": [
        ("calls/s", lambda f: fmt(f.get("calls_per_s"), 0)),
        ("p50 ms", lambda f: fmt(latency(f, "p50"), 3)),
        ("p99 ms", lambda f: fmt(latency(f, "p99"), 3)),
    ],
    "concurrent": [
        ("calls/s", lambda f: fmt(f.get("calls_per_s"), 0)),
        ("p50 ms", lambda f: fmt(latency(f, "p50"), 2)),
        ("p99 ms", lambda f: fmt(latency(f, "p99"), 2)),
        ("peak RSS MiB", lambda f: fmt(f.get("peak_rss_kib", 0) / 1024)),
        ("new connections per request", lambda f: fmt(f.get("connections_per_request"), 4)),
        ("driver CPU µs per call", lambda f: fmt(cpu_per_call_us(f), 0)),
        ("the core's CPU µs per call", lambda f: fmt(f.get("core_cpu_us_per_call"), 0)),
        ("share of the core's calls/s", lambda f: fmt(100 * f["share_of_core"], 0) + " %" if "share_of_core" in f else "–"),
        ("calls/s of the 3 runs", lambda f: ", ".join(fmt(rate, 0) for rate in f.get("repetitions", []))),
    ],
    "first_calls": [
        ("token requests", lambda f: fmt(f.get("token_requests"))),
        ("succeeded", lambda f: fmt((f.get("driver") or {}).get("succeeded"))),
    ],
    "latency": [
        ("calls/s", lambda f: fmt(f.get("calls_per_s"), 0)),
        ("share of ideal 3,200/s", lambda f: fmt(100 * f["share_of_ideal"], 1) + " %" if "share_of_ideal" in f else "–"),
        ("fake floor ms (raw HTTP, c=1)", lambda f: fmt(f.get("fake_floor_ms"), 2)),
        ("share of the fake's cap", lambda f: fmt(100 * f["share_of_fake_cap"], 1) + " %" if "share_of_fake_cap" in f else "–"),
        ("p50 ms", lambda f: fmt(latency(f, "p50"), 2)),
        ("p99 ms", lambda f: fmt(latency(f, "p99"), 2)),
        ("driver / fake CPU s", lambda f: f"{fmt(f.get('driver_cpu_s'), 2)} / {fmt(f.get('fake_cpu_s'), 2)}"),
    ],
    "quota": [
        ("delivered", lambda f: fmt(f.get("delivered"))),
        ("throttled answers", lambda f: fmt(f.get("throttled"))),
        ("total s", lambda f: fmt((f.get("driver") or {}).get("elapsed_s"), 2)),
        ("quota minimum s", lambda f: fmt(f.get("quota_minimum_s"), 0)),
    ],
    "campaign": [
        ("receivers reached", lambda f: fmt(f.get("receivers_reached"))),
        ("duplicates", lambda f: fmt(f.get("duplicates"))),
        ("throttled answers", lambda f: fmt(f.get("throttled"))),
        ("total s", lambda f: fmt((f.get("driver") or {}).get("elapsed_s"), 2)),
        ("quota minimum s", lambda f: fmt(f.get("quota_minimum_s"), 2)),
        ("× minimum", lambda f: fmt(f.get("times_minimum"), 3)),
    ],
    "revoke": [
        ("succeeded", lambda f: fmt((f.get("driver") or {}).get("succeeded"))),
        ("failed", lambda f: fmt((f.get("driver") or {}).get("failed"))),
        ("failed for a rejected token", lambda f: fmt(f.get("auth_failures"))),
        ("revoked after n sends", lambda f: fmt(f.get("revoked_after_requests"))),
        ("send requests after it", lambda f: fmt(f.get("requests_after_revocation"))),
        ("token requests", lambda f: fmt(f.get("token_requests"))),
    ],
}


def scenario_table(scenario: Scenario, cells: dict[str, Any], columns: list[Column]) -> str:
    rows = ROWS[scenario.name]
    header = "| column | " + " | ".join(name for name, _ in rows) + " | notes |"
    lines = [header, "|" + "---|" * (len(rows) + 2)]
    for column in (c for c in columns if c.measures(scenario.name)):
        figures = cells.get(column.name)
        note = status_note(figures)
        ok = figures is not None and "not_run" not in figures and "error" not in figures
        values = [render(figures) if ok else "–" for _, render in rows]
        lines.append(f"| {column.title} | " + " | ".join(values) + f" | {note or ''} |")
    return "\n".join(lines)


def reference_row(reference: dict[str, Any]) -> str:
    """The raw HTTP reference as a row of the (e) table."""
    return (
        f"| raw HTTP, no SDK (reference) | {fmt(reference['calls_per_s'], 0)} | "
        f"{fmt(100 * reference['share_of_ideal'], 1)} % | – | – | {fmt(reference['latency_ms']['p50'], 2)} | "
        f"{fmt(reference['latency_ms']['p99'], 2)} | – | the token endpoint from 64 threads of run.py "
        "(Python http.client, a keep-alive connection each) |"
    )


def targets_table(rows: list[tuple]) -> str:
    lines = ["| target | measured | result | cause |", "|---|---|---|---|"]
    for target, value, verdict, note in rows:
        lines.append(f"| {target} | {value} | {verdict} | {note or ''} |")
    return "\n".join(lines)


def markdown(report: dict[str, Any], columns: list[Column], scenarios: list[Scenario], target_rows) -> str:
    m = report["machine"]
    v = report["versions"]
    load = m["load_average_1m"]
    parts = [
        f"Run {report['date']} on {m['cpu']} ({m['cores']} cores, {fmt(m['memory_gib'])} GiB, {m['os']}; "
        f"load average {load['start']:.1f} at the start, {load['end']:.1f} at the end); "
        + ", ".join(f"{name} {value}" for name, value in v.items() if value)
        + (". Quick run: every count / 10." if report["quick"] else ".")
    ]
    for scenario in scenarios:
        counts = report["counts"]
        title = scenario.title + (f" (count {counts[scenario.name]:,})" if report["quick"] and scenario.count else "")
        table = scenario_table(scenario, report["results"].get(scenario.name, {}), columns)
        if scenario.name == "latency" and report.get("raw_http_reference"):
            table += "\n" + reference_row(report["raw_http_reference"])
        parts.append(f"#### {title}\n\n{table}")
    parts.append("#### Targets\n\n" + targets_table(target_rows))
    return "\n\n".join(parts) + "\n"
