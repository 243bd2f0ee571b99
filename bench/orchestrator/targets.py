"""The issue's targets, judged from the figures of one run."""

from __future__ import annotations

from typing import Any

from .config import LATENCY_MS, Column
from .tables import cpu_per_call_us, fmt, status_note


def figure(results: dict[str, Any], scenario: str, column: str) -> dict[str, Any] | None:
    cell = results.get(scenario, {}).get(column)
    if cell is None or "not_run" in cell or "error" in cell:
        return None
    return cell


def cpu_per_call(name: str, cell: dict[str, Any]) -> str | None:
    """Where a run's time went: CPU per call in the driver (the client) and in the fake."""
    calls = cell.get("driver", {}).get("attempted")
    if not calls or "driver_cpu_s" not in cell:
        return None
    return (f"{name}: {1e6 * cell['driver_cpu_s'] / calls:,.0f} µs client CPU, "
            f"{1e6 * cell['fake_cpu_s'] / calls:,.0f} µs fake CPU per call")


def ratio_target(results, target, scenario, key, ours, theirs, at_least, lower_is_better=False):
    """larkmsg's figure against the official SDK's, with what is odd about either run."""
    cells = results.get(scenario, {})
    mine, other = figure(results, scenario, ours), figure(results, scenario, theirs)
    if mine is None or other is None:
        missing = theirs if other is None else ours
        return (target, "–", "NOT RUN", f"{missing}: {status_note(cells.get(missing))}")
    notes = "; ".join(f"{name}: {note}" for name in (ours, theirs) if (note := status_note(cells.get(name))))
    a, b = mine.get(key), other.get(key)
    if not a or not b:
        return (target, "–", "MISS", "; ".join(filter(None, ["no figure", notes])))
    ratio = b / a if lower_is_better else a / b
    verdict = "PASS" if ratio >= at_least else "MISS"
    if verdict == "MISS" and scenario != "construct":
        profile = [cpu_per_call(ours, mine), cpu_per_call(theirs, other)]
        notes = "; ".join(filter(None, [notes, *profile]))
    return (target, f"{ratio:,.2f}x" if ratio < 10 else f"{ratio:,.1f}x", verdict, notes or None)


def targets(results: dict[str, Any], columns: list[Column], counts: dict[str, int],
            reference: dict[str, Any] | None) -> list[tuple]:
    ratios = [
        ("Python import + construct ≥ 50x faster than lark-oapi", "construct", "construct_ms",
         "python-threads", "lark-oapi-threads", 50, True),
        ("Python threads at c=64 ≥ 10x lark-oapi (calls/s)", "concurrent", "calls_per_s",
         "python-threads", "lark-oapi-threads", 10, False),
        ("Python asyncio at c=64 ≥ 100x lark-oapi async (calls/s)", "concurrent", "calls_per_s",
         "python-asyncio", "lark-oapi-asyncio", 100, False),
        ("Node at c=64 ≥ 3x node-sdk (calls/s)", "concurrent", "calls_per_s", "node", "node-sdk", 3, False),
    ]
    rows = [
        ratio_target(results, target, scenario, key, ours, theirs, at_least, lower_is_better)
        for target, scenario, key, ours, theirs, at_least, lower_is_better in ratios
        if scenario in results and ours in results[scenario]
    ]
    shares = {"c": 0.95, "c-async": 0.95, "node": 0.85, "python-threads": 0.5, "python-asyncio": 0.5}
    for column in (c for c in columns if c.name in shares):
        rows.append(per_column(
            results, column, "concurrent", f"≥ {100 * shares[column.name]:.0f} % of the Rust core's calls/s in (c)",
            lambda f, share=shares[column.name]: (
                f"{100 * f.get('share_of_core', 0):.0f} %", f.get("share_of_core", 0) >= share),
            lambda f: f"CPU per call {fmt(cpu_per_call_us(f), 0)} µs, the core's {fmt(f.get('core_cpu_us_per_call'), 0)} µs",
        ))
    if "rust-blocking" in results.get("concurrent", {}):
        rows.append(ratio_target(results, "C at c=64 ≥ 95 % of the Rust blocking facade's calls/s", "concurrent",
                                 "calls_per_s", "c", "rust-blocking", 0.95, False))
    if "c-async" in results.get("concurrent", {}):
        rows.append(ratio_target(results, "C async at c=64 as fast as blocking C (calls/s)", "concurrent",
                                 "calls_per_s", "c-async", "c", 1, False))
    for column in (c for c in columns if c.name.startswith("python-")):
        rows.append(per_column(
            results, column, "concurrent", "≤ 70 µs of client CPU per call in (c)",
            lambda f: (f"{fmt(cpu_per_call_us(f), 0)} µs", (cpu_per_call_us(f) or 1e9) <= 70),
        ))
    for column in (c for c in columns if c.larkmsg):
        rows.append(per_column(results, column, "latency", "≥ 97 % of the ideal 3,200 calls/s in (e)",
                               lambda f: (f"{100 * f['share_of_ideal']:.1f} %", f["share_of_ideal"] >= 0.97),
                               latency_cause(reference)))
        rows.append(per_column(results, column, "first_calls", "exactly 1 token request in (d)",
                               lambda f: (str(f["token_requests"]), f["token_requests"] == 1)))
        quota_count = counts["quota"]
        rows.append(per_column(
            results, column, "quota", f"all {quota_count:,} delivered in (f) within 1.1x the quota minimum",
            lambda f: (f"{f['delivered']:,} in {f['driver']['elapsed_s']:.2f} s "
                       f"({f['driver']['elapsed_s'] / f['quota_minimum_s']:.2f}x of {f['quota_minimum_s']:.0f} s)"
                       if f["quota_minimum_s"] else f"{f['delivered']:,} in {f['driver']['elapsed_s']:.2f} s",
                       f["delivered"] == quota_count
                       and f["driver"]["elapsed_s"] <= 1.1 * max(f["quota_minimum_s"], 1e-9)),
        ))
        campaign_count = counts["campaign"]
        rows.append(per_column(
            results, column, "campaign",
            f"a campaign reaches all {campaign_count:,} receivers once in (j), within 1.1x the quota minimum",
            lambda f: (f"{f['receivers_reached']:,} reached, {f['duplicates']} duplicates, "
                       f"{f['driver']['elapsed_s']:.2f} s ({f['times_minimum']:.3f}x of {f['quota_minimum_s']:.2f} s)",
                       f["receivers_reached"] == campaign_count and f["duplicates"] == 0
                       and f["times_minimum"] <= 1.1),
        ))
        rows.append(per_column(
            results, column, "revoke", "all sends after the revocation succeed in (g)",
            lambda f: (f"{f['driver']['failed']} failed; {f['requests_after_revocation']:,} send requests "
                       "after the revocation",
                       f["driver"]["failed"] == 0 and f["requests_after_revocation"] > 0
                       and not f["driver"]["truncated"]),
            lambda f: None if f["requests_after_revocation"] else
            "the revocation came after the last send (the run was shorter than the 10 ms polling needs)",
        ))
    return [row for row in rows if row is not None]


def per_column(results, column, scenario, what, judge, cause=None):
    if column.name not in results.get(scenario, {}):
        return None
    target = f"{column.title}: {what}"
    cell = figure(results, scenario, column.name)
    if cell is None:
        return (target, "–", "NOT RUN", status_note(results.get(scenario, {}).get(column.name)))
    value, passed = judge(cell)
    if passed:
        return (target, value, "PASS", None)
    notes = [status_note(cell), cause(cell) if cause else None]
    return (target, value, "MISS", "; ".join(n for n in notes if n) or None)


def latency_cause(reference: dict[str, Any] | None):
    """What keeps (e) below the ideal: the fake's own answer time, measured without an SDK,
    caps every client; the raw HTTP reference shows what the machine leaves of that cap."""

    def cause(cell: dict[str, Any]) -> str:
        text = (
            f"the fake itself answers in {cell['fake_floor_ms']:.2f} ms, not {LATENCY_MS} ms (raw keep-alive "
            f"HTTP, one call at a time), which caps any client at "
            f"{100 * cell['fake_cap_calls_per_s'] / cell['ideal_calls_per_s']:.1f} % of the ideal; "
            f"this column reached {100 * cell['share_of_fake_cap']:.1f} % of that cap"
        )
        if reference:
            text += f"; raw HTTP with no SDK reached {100 * reference['share_of_ideal']:.1f} % of the ideal"
        profile = cpu_per_call("this column", cell)
        if profile:
            text += f"; {profile} (64 answers arrive together every {LATENCY_MS} ms and wait for that CPU)"
        return text

    return cause
